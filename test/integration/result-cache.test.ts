import { CachedEngine } from '../../src/engines/cached-engine';
import { openHarness, useHarness, type TestResult } from '../support/gateway-harness';
import { REAL_DATA_DIR, filterEvents, groupStats, loadReferenceLake, sortRows, type FilterInput } from '../support/reference-lake';
import { principal } from '../support/test-authenticator';

/**
 * The result cache over the real sets, through GraphQL: a repeated request is answered from the
 * cache (reported as `cache: 'hit'` in extensions.trailgate.queries, with the same data), and a
 * principal of another scope never gets an answer computed for a different one.
 */
const ref = loadReferenceLake(REAL_DATA_DIR);
const ALL = { from: '2000-01-01T00:00:00Z', to: '2090-01-01T00:00:00Z' };
const STATS = 'query($f: EventFilter!) { eventStats(filter: $f, groupBy: [{ dimension: EVENT_SOURCE }], first: 1000) { totalEvents rows { keys count } } }';

const { exec, harness } = useHarness(REAL_DATA_DIR);

/** the largest account of the lake, for a scoped principal */
const counts = new Map<string, number>();
for (const e of ref.served) counts.set(e.account, (counts.get(e.account) ?? 0) + 1);
const ACCOUNT = [...counts.entries()].sort((a, b) => b[1] - a[1])[0][0];
const scoped = principal({ id: 'scoped', accounts: [ACCOUNT] });

/** The reference answer: events of the filter, grouped by event source. */
function expected(f: FilterInput) {
  const events = filterEvents(ref, f);
  return { totalEvents: events.length, rows: sortRows(groupStats(events, ['EVENT_SOURCE']).map(({ keys, count }) => ({ keys, count }))) };
}

const answer = (r: TestResult) => {
  expect(r.errors).toBeUndefined();
  return { totalEvents: r.data!.eventStats.totalEvents, rows: sortRows(r.data!.eventStats.rows) };
};
const facts = (r: TestResult): Array<Record<string, unknown>> => r.extensions!.trailgate.queries;

describe('the result cache through GraphQL', () => {
  it('wraps the engine the gateway opens', () => {
    expect(harness().engine).toBeInstanceOf(CachedEngine);
    expect(harness().engine.name).toBe('duckdb');
  });

  it('answers the second identical request from the cache: cache hit, the first query’s id, nothing scanned, the same data', async () => {
    const first = await exec(STATS, { f: { range: ALL } });
    expect(answer(first)).toEqual(expected({ range: ALL }));
    expect(facts(first)).toHaveLength(1);
    expect(facts(first)[0]).toEqual(expect.objectContaining({ cache: 'miss' }));
    expect(facts(first)[0].bytesScanned).toBeGreaterThan(0);

    const run = jest.spyOn(harness().engine, 'run');
    try {
      const second = await exec(STATS, { f: { range: ALL } });
      expect(run).toHaveBeenCalledTimes(1); // the decorator's run is still what the services call
      expect(second.data).toEqual(first.data);
      expect(facts(second)).toEqual([{ id: facts(first)[0].id, engineMs: 0, bytesScanned: 0, filesRead: 0, cache: 'hit' }]);
    } finally {
      run.mockRestore();
    }
  });

  it('misses for a principal of another scope, answering from its own accounts only, then hits for it', async () => {
    const everyone = await exec(STATS, { f: { range: ALL } });
    const mine = await exec(STATS, { f: { range: ALL } }, scoped);
    expect(facts(mine)[0]).toEqual(expect.objectContaining({ cache: 'miss' }));
    expect(facts(mine)[0].id).not.toBe(facts(everyone)[0].id);
    expect(answer(mine)).toEqual(expected({ range: ALL, accounts: [ACCOUNT] }));
    expect(answer(mine).totalEvents).toBeLessThan(answer(everyone).totalEvents);

    const again = await exec(STATS, { f: { range: ALL } }, scoped);
    expect(facts(again)).toEqual([expect.objectContaining({ id: facts(mine)[0].id, cache: 'hit' })]);
    expect(again.data).toEqual(mine.data);
    // the scoped entry did not replace the unscoped one
    const stillEveryone = await exec(STATS, { f: { range: ALL } });
    expect(facts(stillEveryone)).toEqual([expect.objectContaining({ id: facts(everyone)[0].id, cache: 'hit' })]);
    expect(stillEveryone.data).toEqual(everyone.data);
  });

  it('misses for an unscoped request filtered to the scoped principal’s account (same rows read, another scope)', async () => {
    const mine = await exec(STATS, { f: { range: ALL } }, scoped);
    const filtered = await exec(STATS, { f: { range: ALL, accounts: [ACCOUNT] } });
    expect(facts(filtered)[0]).toEqual(expect.objectContaining({ cache: 'miss' }));
    expect(facts(filtered)[0].id).not.toBe(facts(mine)[0].id);
    expect(answer(filtered)).toEqual(answer(mine));
  });

  it('shares answers between principals of the same scope (the key is the scope, not the principal)', async () => {
    const first = await exec(STATS, { f: { range: ALL } }, scoped);
    const twin = await exec(STATS, { f: { range: ALL } }, principal({ id: 'scoped-twin', accounts: [ACCOUNT] }));
    expect(facts(twin)).toEqual([expect.objectContaining({ id: facts(first)[0].id, cache: 'hit' })]);
  });

  it('checks a cached answer against a budgeted caller’s scan budget: over it refused, within it a hit', async () => {
    await exec(STATS, { f: { range: ALL } });
    const cached = await exec(STATS, { f: { range: ALL } });
    expect(facts(cached)[0].cache).toBe('hit');
    const tight = await exec(STATS, { f: { range: ALL } }, principal({ id: 'tight', maxBytesScannedPerQuery: 1 }));
    expect(tight.errors?.map((e) => e.extensions?.code)).toEqual(['SCAN_LIMIT_EXCEEDED']);
    expect(facts(tight)).toEqual([]);
    const roomy = await exec(STATS, { f: { range: ALL } }, principal({ id: 'roomy', maxBytesScannedPerQuery: 1024 ** 4 }));
    expect(facts(roomy)).toEqual([expect.objectContaining({ id: facts(cached)[0].id, cache: 'hit' })]);
    expect(roomy.data).toEqual(cached.data);
  });

  it('neither reads nor fills the cache in explain mode', async () => {
    const range = { from: '2000-01-01T00:00:00Z', to: '2080-01-01T00:00:00Z' };
    const ctx = harness().gateway.context({ explain: true });
    const res = await harness().gateway.apollo.executeOperation({ query: STATS, variables: { f: { range } } }, { contextValue: ctx });
    expect(res.body.kind === 'single' && res.body.singleResult.extensions?.trailgate).toEqual(expect.objectContaining({ queries: [] }));
    const ran = await exec(STATS, { f: { range } });
    expect(facts(ran)[0]).toEqual(expect.objectContaining({ cache: 'miss' }));
  });
});

describe('with TRAILGATE_CACHE=off', () => {
  it('runs every request', async () => {
    const h = await openHarness(REAL_DATA_DIR, { TRAILGATE_CACHE: 'off' });
    try {
      expect(h.engine).not.toBeInstanceOf(CachedEngine);
      const f = { range: ALL, accounts: [ACCOUNT] };
      const first = await h.exec(STATS, { f });
      const second = await h.exec(STATS, { f });
      expect([first, second].map((r) => (r.extensions!.trailgate.queries as Array<{ cache: string }>)[0].cache)).toEqual(['miss', 'miss']);
      expect(second.data).toEqual(first.data);
    } finally {
      await h.close();
    }
  });
});
