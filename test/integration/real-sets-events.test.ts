import { useHarness } from '../support/gateway-harness';
import {
  REAL_DATA_DIR,
  asServedJson,
  filterEvents,
  iso,
  loadReferenceLake,
  setFilter,
  type FilterInput,
  type RefEvent,
} from '../support/reference-lake';

/** events / event over the real sets: paging, ordering, and records served as recorded. */
const ref = loadReferenceLake(REAL_DATA_DIR);
const ALL = { from: '2000-01-01T00:00:00Z', to: '2090-01-01T00:00:00Z' };

const { exec } = useHarness(REAL_DATA_DIR);

const PAGE = `
  query Page($f: EventFilter!, $first: Int!, $after: String, $order: EventOrder!) {
    events(filter: $f, first: $first, after: $after, order: $order) {
      edges { cursor node { eventId eventTime eventName } }
      pageInfo { hasNextPage endCursor }
    }
  }`;

interface Row {
  eventId: string;
  eventTime: string;
  eventName: string;
}
const rowKey = (r: Row) => `${r.eventId}|${r.eventTime}|${r.eventName}`;
const sorted = (xs: string[]) => [...xs].sort();

/** Events that a single eventId filter pins down within the whole lake. */
const idCount = new Map<string, number>();
for (const e of ref.served) if (e.eventId) idCount.set(e.eventId, (idCount.get(e.eventId) ?? 0) + 1);
const uniqueId = (e: RefEvent) => e.eventId !== null && idCount.get(e.eventId) === 1;

/** Evenly spread sample of n items. */
const sample = <T>(xs: readonly T[], n: number): T[] => (xs.length <= n ? [...xs] : Array.from({ length: n }, (_, i) => xs[Math.floor((i * xs.length) / n)]));

async function fetchByIds(ids: string[], fields: string, range = ALL): Promise<Map<string, any>> {
  const out = new Map<string, any>();
  for (let i = 0; i < ids.length; i += 100) {
    const r = await exec(`query($f: EventFilter!) { events(filter: $f, first: 1000) { nodes { eventId ${fields} } } }`, {
      f: { range, eventIds: ids.slice(i, i + 100) },
    });
    expect(r.errors).toBeUndefined();
    for (const n of r.data!.events.nodes) out.set(n.eventId, n);
  }
  return out;
}

describe.each([
  ['grycap-cloudtrail-tracker', 'NEWEST_FIRST', 1000],
  ['grycap-cloudtrail-tracker', 'OLDEST_FIRST', 500],
  ['invictus-sigma-aws', 'NEWEST_FIRST', 1000],
  ['invictus-sigma-aws', 'OLDEST_FIRST', 500],
] as const)('paging through %s %s, %d a page', (set, order, first) => {
  const filter = setFilter(ref, set);
  const expected = filterEvents(ref, filter);
  const pages: Array<{ rows: Row[]; hasNextPage: boolean; endCursor: string | null; cursors: string[] }> = [];

  beforeAll(async () => {
    let after: string | null = null;
    for (let i = 0; i < 50; i++) {
      const r = await exec(PAGE, { f: filter, first, after, order });
      expect(r.errors).toBeUndefined();
      const c = r.data!.events;
      pages.push({ rows: c.edges.map((e: { node: Row }) => e.node), hasNextPage: c.pageInfo.hasNextPage, endCursor: c.pageInfo.endCursor, cursors: c.edges.map((e: { cursor: string }) => e.cursor) });
      if (!c.pageInfo.hasNextPage) break;
      after = c.pageInfo.endCursor;
    }
  });

  it('collects every served record of the set exactly once', () => {
    expect(expected.length).toBeGreaterThan(1000);
    const got = pages.flatMap((p) => p.rows.map(rowKey));
    const want = expected.map((e) => rowKey({ eventId: e.eventId!, eventTime: iso(e.time), eventName: e.eventName! }));
    expect(got.length).toBe(want.length);
    expect(sorted(got)).toEqual(sorted(want));
  });

  it('returns full pages in the requested time order', () => {
    expect(pages.length).toBe(Math.ceil(expected.length / first));
    pages.slice(0, -1).forEach((p) => expect(p.rows).toHaveLength(first));
    const times = pages.flatMap((p) => p.rows.map((r) => Date.parse(r.eventTime)));
    const ok = times.every((t, i) => i === 0 || (order === 'NEWEST_FIRST' ? times[i - 1] >= t : times[i - 1] <= t));
    expect(ok).toBe(true);
  });

  it('says hasNextPage on every page but the last, with endCursor the last edge cursor', () => {
    expect(pages.map((p) => p.hasNextPage)).toEqual(pages.map((_, i) => i < pages.length - 1));
    for (const p of pages) expect(p.endCursor).toBe(p.cursors[p.cursors.length - 1]);
  });
});

describe('event(eventId, range)', () => {
  const picks = [
    ...sample(ref.served.filter((e) => e.set === 'grycap-cloudtrail-tracker' && uniqueId(e)), 10),
    ...sample(ref.served.filter((e) => e.set === 'invictus-sigma-aws' && uniqueId(e)), 10),
    ...sample(ref.served.filter((e) => e.set === 'maheribra-aws-attack-chain-ir' && uniqueId(e)), 5),
  ];

  it('returns the record with that id', async () => {
    const vars: Record<string, unknown> = {};
    const fields = picks.map((e, i) => {
      vars[`id${i}`] = e.eventId;
      vars[`r${i}`] = setFilter(ref, e.set).range;
      return `e${i}: event(eventId: $id${i}, range: $r${i}) { eventId eventTime eventName eventSource awsRegion userIdentity { arn } requestParameters }`;
    });
    const decl = picks.map((_, i) => `$id${i}: String!, $r${i}: TimeRange!`).join(', ');
    const r = await exec(`query(${decl}) { ${fields.join('\n')} }`, vars);
    expect(r.errors).toBeUndefined();
    picks.forEach((e, i) => {
      expect(r.data![`e${i}`]).toEqual({
        eventId: e.eventId,
        eventTime: iso(e.time),
        eventName: e.eventName,
        eventSource: e.eventSource,
        awsRegion: e.awsRegion,
        userIdentity: { arn: e.raw.userIdentity?.arn ?? null },
        requestParameters: asServedJson(e.raw.requestParameters),
      });
    });
  });

  it('returns null for an id outside the range', async () => {
    const e = picks[0];
    const r = await exec('query($id: String!, $r: TimeRange!) { event(eventId: $id, range: $r) { eventId } }', {
      id: e.eventId,
      r: { from: iso(e.time + 1), to: iso(e.time + 3_600_000) },
    });
    expect(r.errors).toBeUndefined();
    expect(r.data!.event).toBeNull();
  });
});

describe('records served as recorded', () => {
  it('serves requestParameters, responseElements and additionalEventData deep-equal to the record (200 across sets)', async () => {
    const candidates = ref.served.filter(uniqueId);
    // Prefer records that carry JSON, but keep every set in the sample.
    const withJson = candidates.filter((e) => e.raw.requestParameters || e.raw.responseElements || e.raw.additionalEventData);
    const picks = sample(
      ref.sets.flatMap((s) => sample(withJson.filter((e) => e.set === s), 40)),
      200,
    );
    expect(picks).toHaveLength(200);
    expect(new Set(picks.map((e) => e.set)).size).toBe(ref.sets.length);
    const got = await fetchByIds(picks.map((e) => e.eventId!), 'requestParameters responseElements additionalEventData');
    for (const e of picks) {
      expect({ id: e.eventId, ...got.get(e.eventId!) }).toEqual({
        id: e.eventId,
        eventId: e.eventId,
        requestParameters: asServedJson(e.raw.requestParameters),
        responseElements: asServedJson(e.raw.responseElements),
        additionalEventData: asServedJson(e.raw.additionalEventData),
      });
    }
  });

  it('types the 42 Invictus records without userIdentity.type as UNKNOWN', async () => {
    const untyped = ref.served.filter((e) => e.set === 'invictus-sigma-aws' && e.raw.userIdentity && e.raw.userIdentity.type === undefined);
    expect(untyped).toHaveLength(42);
    const got = await fetchByIds(untyped.map((e) => e.eventId!), 'userIdentity { type accountId invokedBy }');
    expect(got.size).toBe(42);
    for (const e of untyped) {
      expect(got.get(e.eventId!).userIdentity).toEqual({ type: 'UNKNOWN', accountId: e.raw.userIdentity.accountId ?? null, invokedBy: e.raw.userIdentity.invokedBy ?? null });
    }
    const f: FilterInput = { ...setFilter(ref, 'invictus-sigma-aws'), identityTypes: ['UNKNOWN'] };
    const r = await exec('query($f: EventFilter!) { eventStats(filter: $f, groupBy: []) { totalEvents } }', { f });
    expect(r.data!.eventStats.totalEvents).toBe(42);
  });

  it('serves records without userIdentity (Insights events)', async () => {
    const bare = ref.served.filter((e) => e.raw.userIdentity === undefined);
    expect(bare.length).toBeGreaterThan(0);
    for (const e of bare) {
      const range = { from: iso(e.time), to: iso(e.time + 1) };
      const r = await exec(
        `query($f: EventFilter!) { events(filter: $f) { nodes { eventId eventTime eventSource eventName eventType eventCategory
           userIdentity { type arn accountId } insightDetails } } }`,
        { f: { range, eventIds: [e.eventId] } },
      );
      expect(r.errors).toBeUndefined();
      expect(r.data!.events.nodes).toEqual([
        {
          eventId: e.eventId,
          eventTime: iso(e.time),
          eventSource: e.eventSource,
          eventName: e.eventName,
          eventType: e.raw.eventType ?? null,
          eventCategory: e.category === 'Insight' ? 'INSIGHT' : expect.any(String),
          userIdentity: { type: 'UNKNOWN', arn: null, accountId: null },
          insightDetails: asServedJson(e.raw.insightDetails),
        },
      ]);
    }
  });

  it('serves resources that carry only an ARNPrefix with arnPrefix set and arn null', async () => {
    const withPrefix = ref.served.filter((e) => Array.isArray(e.raw.resources) && e.raw.resources.some((x: any) => x.ARNPrefix && !x.ARN));
    expect(withPrefix.length).toBeGreaterThan(0);
    const got = await fetchByIds(withPrefix.filter(uniqueId).map((e) => e.eventId!), 'resources { arn arnPrefix accountId type }');
    for (const e of withPrefix.filter(uniqueId)) {
      expect(got.get(e.eventId!).resources).toEqual(
        e.raw.resources.map((x: any) => ({ arn: x.ARN ?? null, arnPrefix: x.ARNPrefix ?? null, accountId: x.accountId ?? null, type: x.type ?? null })),
      );
    }
  });
});

describe('delivery folder of the next day', () => {
  const late = ref.served.filter((e) => e.set === 'grycap-cloudtrail-tracker' && iso(e.time).slice(0, 10) !== e.folderDay);
  const days = [...new Set(late.map((e) => iso(e.time).slice(0, 10)))];

  it('finds the 8 grycap events filed under D+1 with a range ending at midnight of day D', async () => {
    expect(late).toHaveLength(8);
    for (const day of days) {
      const range = { from: `${day}T00:00:00.000Z`, to: iso(Date.parse(`${day}T00:00:00.000Z`) + 86_400_000) };
      const ids = late.filter((e) => iso(e.time).startsWith(day)).map((e) => e.eventId!);
      const byId = await fetchByIds(ids, 'eventTime', range);
      expect(sorted([...byId.keys()])).toEqual(sorted(ids));
      // And the whole day (no eventIds filter) counts them with the rest of the day.
      const f: FilterInput = { range, accounts: ['974349055189'] };
      const r = await exec('query($f: EventFilter!) { eventStats(filter: $f, groupBy: []) { totalEvents } }', { f });
      expect(r.data!.eventStats.totalEvents).toBe(filterEvents(ref, f).length);
    }
  });
});
