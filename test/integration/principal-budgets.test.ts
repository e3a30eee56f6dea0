import { statSync } from 'node:fs';
import path from 'node:path';
import { useHarness } from '../support/gateway-harness';
import { REAL_DATA_DIR, filterEvents, loadReferenceLake } from '../support/reference-lake';
import { principal } from '../support/test-authenticator';

/**
 * A principal's own budgets: its range cap (under the server's) and its scan budget per query.
 * The embedded engine knows the bytes of the files a plan opens before reading any, so it refuses
 * up front; the budget is compared with the sizes of the lake files themselves (read here with fs).
 */
const ref = loadReferenceLake(REAL_DATA_DIR);
const { exec, harness } = useHarness(REAL_DATA_DIR);
const ALL = { from: '2000-01-01T00:00:00Z', to: '2090-01-01T00:00:00Z' };
const TOTAL = 'query($f: EventFilter!) { eventStats(filter: $f, groupBy: []) { totalEvents } }';
const lakeBytes = ref.files.reduce((n, f) => n + statSync(path.join(REAL_DATA_DIR, f)).size, 0);

describe('maxRangeDays per principal', () => {
  const weekly = principal({ id: 'weekly', maxRangeDays: 7 });
  it('refuses a wider range as BAD_USER_INPUT naming its own cap, before any engine call', async () => {
    const spy = jest.spyOn(harness().engine, 'run');
    try {
      const r = await exec(TOTAL, { f: { range: { from: '2024-03-01T00:00:00Z', to: '2024-03-09T00:00:00Z' } } }, weekly);
      expect(r.errors?.map((e) => e.extensions?.code)).toEqual(['BAD_USER_INPUT']);
      expect(r.errors?.[0].message).toMatch(/maximum is 7/);
      expect(spy).not.toHaveBeenCalled();
    } finally {
      spy.mockRestore();
    }
  });
  it('serves a range within it', async () => {
    const range = { from: '2024-03-01T00:00:00Z', to: '2024-03-08T00:00:00Z' };
    const r = await exec(TOTAL, { f: { range } }, weekly);
    expect(r.data?.eventStats.totalEvents).toBe(filterEvents(ref, { range }).length);
  });
});

describe('maxBytesScannedPerQuery per principal', () => {
  it('refuses a query whose files hold more than the budget: SCAN_LIMIT_EXCEEDED, nothing read', async () => {
    const small = principal({ id: 'small', maxBytesScannedPerQuery: Math.floor(lakeBytes / 2) });
    const r = await exec(TOTAL, { f: { range: ALL } }, small);
    expect(r.errors?.map((e) => e.extensions?.code)).toEqual(['SCAN_LIMIT_EXCEEDED']);
    expect(r.extensions?.trailgate.queries).toEqual([]);
  });
  it('answers when the whole lake fits, and reports what it scanned', async () => {
    const big = principal({ id: 'big', maxBytesScannedPerQuery: lakeBytes });
    const r = await exec(TOTAL, { f: { range: ALL } }, big);
    expect(r.errors).toBeUndefined();
    expect(r.data?.eventStats.totalEvents).toBe(filterEvents(ref, { range: ALL }).length);
    expect(r.extensions?.trailgate.queries[0].bytesScanned).toBeLessThanOrEqual(lakeBytes);
  });
});
