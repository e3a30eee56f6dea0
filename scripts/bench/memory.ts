import type { Gateway } from './gateway';
import { median, round } from './timing';

/** Every field of an event (not `identity`, the per-principal summary, which is another query). */
const PAGE = `query EventsPage($range: TimeRange!, $after: String) {
  events(filter: { range: $range }, first: 1000, after: $after) {
    pageInfo { hasNextPage endCursor }
    nodes {
      eventId eventTime eventVersion eventSource eventName eventType eventCategory awsRegion recipientAccountId
      sourceIpAddress userAgent errorCode errorMessage readOnly managementEvent requestId sharedEventId
      vpcEndpointId apiVersion sessionCredentialFromConsole requestParameters responseElements
      additionalEventData serviceEventDetails insightDetails
      tlsDetails { tlsVersion cipherSuite clientProvidedHostHeader }
      resources { arn arnPrefix accountId type }
      userIdentity { type principalId arn accountId accessKeyId userName invokedBy roleArn sessionName mfaAuthenticated sessionCreatedAt sourceIdentity }
    }
  }
}`;

export interface MemoryResult {
  readonly pages: number;
  readonly events: number;
  readonly responseBytes: number;
  readonly pageP50Ms: number;
  readonly rssBeforeBytes: number;
  /** VmHWM after the first half of the pages, and after all of them */
  readonly peakRssHalfBytes: number;
  readonly peakRssBytes: number;
}

/**
 * The gateway's resident memory while it serves `pages` consecutive pages of 1,000 events with
 * every field (keyset cursors, newest first): bounded if the peak stops growing once the first
 * pages have been served.
 */
export async function pagesMemory(gateway: Gateway, range: { from: string; to: string }, pages: number, deadlineMs: number): Promise<MemoryResult> {
  const mem = () => {
    const m = gateway.memory();
    if (!m) throw new Error('cannot read /proc/<pid>/status (Linux only)');
    return m;
  };
  const rssBeforeBytes = mem().rssBytes;
  let after: string | null = null;
  let events = 0;
  let responseBytes = 0;
  let peakRssHalfBytes = 0;
  const times: number[] = [];
  for (let i = 0; i < pages; i++) {
    const answer = await gateway.graphql(PAGE, { range, after }, deadlineMs);
    const conn = answer.data.events as { pageInfo: { hasNextPage: boolean; endCursor: string | null }; nodes: unknown[] };
    events += conn.nodes.length;
    responseBytes += answer.bodyBytes;
    times.push(answer.ms);
    if (i === Math.floor(pages / 2) - 1) peakRssHalfBytes = mem().peakRssBytes;
    if (!conn.pageInfo.hasNextPage) break;
    after = conn.pageInfo.endCursor;
  }
  return { pages: times.length, events, responseBytes, pageP50Ms: round(median(times), 1), rssBeforeBytes, peakRssHalfBytes, peakRssBytes: mem().peakRssBytes };
}
