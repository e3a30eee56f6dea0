import { GetQueryExecutionCommand } from '@aws-sdk/client-athena';
import type { AthenaEngine } from '../../src/engines/athena/athena-engine';
import { openHarness, type Harness } from '../support/gateway-harness';
import { FakeAthena, athenaEngine, fakeClock, resultPages, running, succeeded, type FakeClock } from '../support/athena-fakes';

/**
 * The GraphQL contract on the Athena engine: requests go through the real gateway (resolvers,
 * services, Trino compiler) to a mocked Athena client.
 */
const STATS = `query($f: EventFilter!) { eventStats(filter: $f, groupBy: [{ dimension: EVENT_NAME }]) { totalEvents rows { keys count errorCount firstSeen lastSeen } } }`;
const filter = { range: { from: '2024-03-01T00:00:00Z', to: '2024-03-02T00:00:00Z' }, accounts: ['111122223333'] };

const STATS_COLUMNS = [
  { Name: 'k0', Type: 'varchar' },
  { Name: 'event_count', Type: 'bigint' },
  { Name: 'error_count', Type: 'bigint' },
  { Name: 'first_seen', Type: 'timestamp(3) with time zone' },
  { Name: 'last_seen', Type: 'timestamp(3) with time zone' },
  { Name: 'total_events', Type: 'bigint' },
];
const STATS_ROWS = [
  ['ConsoleLogin', '7', '2', '2024-03-01 01:00:00.000 UTC', '2024-03-01 20:00:00.000 UTC', '10'],
  ['AssumeRole', '3', '0', '2024-03-01 02:00:00.000 UTC', '2024-03-01 03:00:00.000 UTC', '10'],
];

describe('GraphQL on the Athena engine', () => {
  let fake: FakeAthena;
  let clock: FakeClock;
  let engine: AthenaEngine;
  let h: Harness;

  /** `frozen`: many concurrent runs share one clock, so waits must not add up to a deadline. */
  const open = async (overrides: Parameters<typeof athenaEngine>[1] = {}, frozen = false) => {
    clock = fakeClock('2026-11-29T12:00:00Z', frozen);
    engine = athenaEngine(clock, overrides);
    h = await openHarness('/nonexistent', {}, engine);
  };
  afterEach(async () => {
    await h?.close();
    fake?.restore();
  });

  it('answers eventStats from decoded Athena results, with Athena cost facts', async () => {
    fake = new FakeAthena([{ statuses: [running, succeeded], pages: resultPages(STATS_COLUMNS, STATS_ROWS) }]);
    await open();
    const r = JSON.parse(JSON.stringify(await h.exec(STATS, { f: filter })));
    expect(r.errors).toBeUndefined();
    expect(r.data.eventStats).toEqual({
      totalEvents: 10,
      rows: [
        { keys: ['ConsoleLogin'], count: 7, errorCount: 2, firstSeen: '2024-03-01T01:00:00.000Z', lastSeen: '2024-03-01T20:00:00.000Z' },
        { keys: ['AssumeRole'], count: 3, errorCount: 0, firstSeen: '2024-03-01T02:00:00.000Z', lastSeen: '2024-03-01T03:00:00.000Z' },
      ],
    });
    expect(r.extensions.trailgate.engine).toBe('athena');
    expect(r.extensions.trailgate.queries).toEqual([
      { id: 'q-1', engineMs: 1234, bytesScanned: 5_678_901, filesRead: null, cache: 'miss', queueMs: 45 },
    ]);
    const sql = fake.started[0].QueryString!;
    expect(sql).toContain(`src."account" IN ('111122223333')`);
    expect(sql).toContain(`src."timestamp" BETWEEN '2024/03/01' AND '2024/03/02'`);
    expect(fake.started[0].WorkGroup).toBe('trailgate');
  });

  it('never has more than the cap in flight across 100 concurrent GraphQL requests', async () => {
    fake = new FakeAthena([{ statuses: [running, running, succeeded], pages: resultPages(STATS_COLUMNS, STATS_ROWS) }]);
    await open({ concurrency: 3 }, true);
    const results = await Promise.all(Array.from({ length: 100 }, () => h.exec(STATS, { f: filter })));
    expect(results.flatMap((r) => r.errors ?? []).map((e) => e.extensions?.code)).toEqual([]);
    expect(fake.started).toHaveLength(100);
    expect(fake.maxActive).toBeLessThanOrEqual(3);
    expect(fake.maxActive).toBeGreaterThan(1);
  });

  it('refuses a query without accounts on an injected-account table, before any AWS call', async () => {
    fake = new FakeAthena([{ statuses: [succeeded] }]);
    await open({ requireAccounts: () => true });
    const r = await h.exec(STATS, { f: { range: filter.range } });
    expect(r.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(fake.calls()).toEqual([]);
  });

  it('masks an Athena failure: no engine text reaches the client', async () => {
    fake = new FakeAthena([
      {
        statuses: [
          {
            State: 'FAILED',
            StateChangeReason: "SYNTAX_ERROR: line 1:8: Column 'secret_col' cannot be resolved in s3://bucket-name/x",
            AthenaError: { ErrorCategory: 2, ErrorType: 1001, Retryable: false },
          },
        ],
      },
    ]);
    await open();
    const r = JSON.parse(JSON.stringify(await h.exec(STATS, { f: filter })));
    expect(r.errors[0].extensions.code).toBe('INTERNAL_SERVER_ERROR');
    const text = JSON.stringify(r.errors);
    for (const leak of ['SYNTAX_ERROR', 'secret_col', 's3://', 'bucket-name']) expect(text).not.toContain(leak);
    expect(fake.mock.commandCalls(GetQueryExecutionCommand).length).toBeGreaterThan(0);
  });
});
