import type { Gateway, QueryCost } from './gateway';
import { measure, type Timings } from './timing';
import { TOP_N, type TopList } from './top-list';

/** The question of (a), (b), (e) as a GraphQL request: the most active principals of the range, with their counts. */
export const QUESTION = `query TopUsersQuestion($range: TimeRange!, $first: Int!) {
  identities(filter: { range: $range }, first: $first) { nodes { arn eventCount } }
}`;

export interface GatewayTiming {
  readonly timings: Timings;
  /** the cost facts of the last measured run (extensions.trailgate.queries, summed) */
  readonly cost: QueryCost;
  readonly top: TopList;
}

type Range = { readonly from: string; readonly to: string };

/** The question once over HTTP, timed at the client. */
export async function askQuestion(gateway: Gateway, range: Range, deadlineMs: number): Promise<{ ms: number; top: TopList; cost: QueryCost }> {
  const answer = await gateway.graphql(QUESTION, { range, first: TOP_N }, deadlineMs);
  const nodes = (answer.data.identities as { nodes: { arn: string; eventCount: number }[] }).nodes;
  return { ms: answer.ms, top: nodes.map((n) => ({ key: n.arn, count: n.eventCount })), cost: answer.cost };
}

/** (c), (f), (h): the question over HTTP, timed at the client. */
export async function gatewayQuestion(gateway: Gateway, range: Range, runs: number, warmups: number, deadlineMs: number): Promise<GatewayTiming> {
  let last: { top: TopList; cost: QueryCost } | null = null;
  const timings = await measure(runs, warmups, async () => {
    const answer = await askQuestion(gateway, range, deadlineMs);
    last = answer;
    return answer.ms;
  });
  const { top, cost } = last as unknown as { top: TopList; cost: QueryCost };
  return { timings, cost, top };
}

/** The persisted TopUsers baseline by name (one top-level query plus its nested per-identity lists). */
export async function gatewayBaseline(gateway: Gateway, range: Range, runs: number, warmups: number, deadlineMs: number): Promise<Omit<GatewayTiming, 'top'> & { bodyBytes: number }> {
  let cost: QueryCost | null = null;
  let bodyBytes = 0;
  const timings = await measure(runs, warmups, async () => {
    const answer = await gateway.baseline('TopUsers', range, deadlineMs);
    cost = answer.cost;
    bodyBytes = answer.bodyBytes;
    return answer.ms;
  });
  return { timings, cost: cost as unknown as QueryCost, bodyBytes };
}
