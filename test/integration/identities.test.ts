import { useHarness, type TestResult } from '../support/gateway-harness';
import {
  REAL_DATA_DIR,
  cmpNullableText,
  filterEvents,
  identitySummaries,
  iso,
  loadReferenceLake,
  setFilter,
  spanOf,
  topCounted,
  type FilterInput,
  type RefEvent,
  type RefIdentity,
} from '../support/reference-lake';

/** identities / identity / Event.identity over the maheribra set (the only set of its time span). */
const ref = loadReferenceLake(REAL_DATA_DIR);
const SET = 'maheribra-aws-attack-chain-ir';
const range = spanOf(ref.served.filter((e) => e.set === SET));
const filter: FilterInput = { range };
const events = filterEvents(ref, filter);
const summaries = identitySummaries(events);
/** (eventCount desc, key asc) */
const ranked = [...summaries.values()].sort((a, b) => b.eventCount - a.eventCount || (a.arn < b.arn ? -1 : a.arn > b.arn ? 1 : 0));

const IDENTITY_FIELDS = 'arn type accountId userName roleArn eventCount errorCount firstSeen lastSeen';
const summaryOf = (s: RefIdentity): RefIdentity => ({
  arn: s.arn,
  type: s.type,
  accountId: s.accountId,
  userName: s.userName,
  roleArn: s.roleArn,
  eventCount: s.eventCount,
  errorCount: s.errorCount,
  firstSeen: s.firstSeen,
  lastSeen: s.lastSeen,
});

const { exec } = useHarness(REAL_DATA_DIR);

it('the range holds the maheribra set only, with several identities', () => {
  expect(events.length).toBe(689);
  expect(events.every((e) => e.set === SET)).toBe(true);
  expect(ranked.length).toBeGreaterThan(5);
});

describe('identities', () => {
  it('first page: the top 20 by (eventCount desc, key asc), with their summaries', async () => {
    const r = await exec(`query($f: EventFilter!) { identities(filter: $f, first: 20) { nodes { ${IDENTITY_FIELDS} } pageInfo { hasNextPage } } }`, { f: filter });
    expect(r.errors).toBeUndefined();
    expect(r.data!.identities.nodes).toEqual(ranked.slice(0, 20).map(summaryOf));
    expect(r.data!.identities.pageInfo.hasNextPage).toBe(ranked.length > 20);
  });

  async function pageAll(f: FilterInput, first: number): Promise<Array<{ arn: string; eventCount: number }>> {
    const seen: Array<{ arn: string; eventCount: number }> = [];
    let after: string | null = null;
    for (let i = 0; i < 200; i++) {
      const r: TestResult = await exec(
        'query($f: EventFilter!, $first: Int!, $after: String) { identities(filter: $f, first: $first, after: $after) { nodes { arn eventCount } pageInfo { hasNextPage endCursor } } }',
        { f, first, after },
      );
      expect(r.errors).toBeUndefined();
      const c = r.data!.identities;
      expect(c.nodes.length).toBeLessThanOrEqual(first);
      seen.push(...c.nodes);
      if (!c.pageInfo.hasNextPage) break;
      after = c.pageInfo.endCursor;
    }
    return seen;
  }

  it('paging with after yields every identity once, in ranking order', async () => {
    const seen = await pageAll(filter, 3);
    expect(new Set(seen.map((n) => n.arn)).size).toBe(seen.length);
    expect(seen).toEqual(ranked.map((s) => ({ arn: s.arn, eventCount: s.eventCount })));
  });

  it('paging through the many identities of the grycap set (ties on eventCount included)', async () => {
    const f = setFilter(ref, 'grycap-cloudtrail-tracker');
    const want = [...identitySummaries(filterEvents(ref, f)).values()]
      .sort((a, b) => b.eventCount - a.eventCount || (a.arn < b.arn ? -1 : a.arn > b.arn ? 1 : 0))
      .map((s) => ({ arn: s.arn, eventCount: s.eventCount }));
    expect(want.length).toBeGreaterThan(40);
    expect(new Set(want.map((w) => w.eventCount)).size).toBeLessThan(want.length);
    const seen = await pageAll(f, 20);
    expect(seen).toEqual(want);
  });
});

describe('nested fields of the top 5 identities', () => {
  const top5 = ranked.slice(0, 5);
  let nodes: any[];

  beforeAll(async () => {
    const r = await exec(
      `query($f: EventFilter!) { identities(filter: $f, first: 5) { nodes { arn
         sourceIps(first: 3) { value count } topEvents(first: 3) { value count } userAgents(first: 2) { value count } regions
         events(first: 5) { nodes { eventId eventTime } pageInfo { hasNextPage } } } } }`,
      { f: filter },
    );
    expect(r.errors).toBeUndefined();
    nodes = r.data!.identities.nodes;
  });

  const own = (s: RefIdentity & { events?: RefEvent[] }) => summaries.get(s.arn)!.events;

  it('are the reference top 5', () => {
    expect(nodes.map((n) => n.arn)).toEqual(top5.map((s) => s.arn));
  });

  it('sourceIps(first: 3): top addresses by count desc, then value asc', () => {
    nodes.forEach((n, i) => expect(n.sourceIps).toEqual(topCounted(own(top5[i]).map((e) => e.raw.sourceIPAddress ?? null), 3)));
  });

  it('topEvents(first: 3): top event names', () => {
    nodes.forEach((n, i) => expect(n.topEvents).toEqual(topCounted(own(top5[i]).map((e) => e.eventName), 3)));
  });

  it('userAgents(first: 2): top user agents', () => {
    nodes.forEach((n, i) => expect(n.userAgents).toEqual(topCounted(own(top5[i]).map((e) => e.raw.userAgent ?? null), 2)));
  });

  it('regions: the sorted regions acted in', () => {
    nodes.forEach((n, i) => expect(n.regions).toEqual([...new Set(own(top5[i]).map((e) => e.awsRegion!))].sort()));
  });

  it('events(first: 5): the identity’s 5 newest events', () => {
    nodes.forEach((n, i) => {
      const newest = [...own(top5[i])].sort((a, b) => b.time - a.time || cmpNullableText(b.eventId, a.eventId)).slice(0, 5);
      expect(n.events.nodes).toEqual(newest.map((e) => ({ eventId: e.eventId, eventTime: iso(e.time) })));
      expect(n.events.pageInfo.hasNextPage).toBe(own(top5[i]).length > 5);
    });
  });
});

describe('identity(arn, range)', () => {
  it('equals the list entry for the same principal and range', async () => {
    const pick = ranked[2];
    const r = await exec(
      `query($f: EventFilter!, $arn: String!, $r: TimeRange!) {
         one: identity(arn: $arn, range: $r) { ${IDENTITY_FIELDS} }
         list: identities(filter: $f, first: 5) { nodes { ${IDENTITY_FIELDS} } } }`,
      { f: filter, arn: pick.arn, r: range },
    );
    expect(r.errors).toBeUndefined();
    expect(r.data!.one).toEqual(summaryOf(pick));
    expect(r.data!.list.nodes.find((n: RefIdentity) => n.arn === pick.arn)).toEqual(r.data!.one);
  });

  it('is null for a principal not seen in the range', async () => {
    const r = await exec('query($arn: String!, $r: TimeRange!) { identity(arn: $arn, range: $r) { arn } }', {
      arn: 'arn:aws:iam::275023965626:user/nobody-here',
      r: range,
    });
    expect(r.errors).toBeUndefined();
    expect(r.data!.identity).toBeNull();
  });
});

describe('Event.identity', () => {
  it('summarises each event’s principal over the query range, in at most 2 engine queries', async () => {
    const r = await exec(`query($f: EventFilter!) { events(filter: $f, first: 100) { nodes { eventId identity { ${IDENTITY_FIELDS} } } } }`, { f: filter });
    expect(r.errors).toBeUndefined();
    const nodes = r.data!.events.nodes as Array<{ eventId: string; identity: RefIdentity }>;
    expect(nodes).toHaveLength(100);
    const byId = new Map(events.map((e) => [e.eventId, e]));
    const keys = new Set<string>();
    for (const n of nodes) {
      const e = byId.get(n.eventId)!;
      keys.add(e.identityKey);
      expect({ eventId: n.eventId, identity: n.identity }).toEqual({ eventId: n.eventId, identity: summaryOf(summaries.get(e.identityKey)!) });
    }
    expect(keys.size).toBeGreaterThan(1);
    const queries = r.extensions!.trailgate.queries;
    expect(queries.length).toBeGreaterThanOrEqual(1);
    expect(queries.length).toBeLessThanOrEqual(2);
  });
});
