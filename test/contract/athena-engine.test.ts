import {
  AthenaClient,
  type ColumnInfo,
  GetQueryExecutionCommand,
  GetQueryResultsCommand,
  InvalidRequestException,
  StartQueryExecutionCommand,
  TooManyRequestsException,
} from '@aws-sdk/client-athena';
import { TrailgateError } from '../../src/domain/trailgate-error';
import { POLL_BACKOFF, THROTTLE_BACKOFF } from '../../src/engines/athena/backoff';
import { reuseAllowed } from '../../src/engines/athena/result-reuse';
import { planPartitions } from '../../src/query/partition-planner';
import {
  athenaEngine,
  eventsOver,
  FakeAthena,
  fakeClock,
  resultPages,
  running,
  STATS,
  statsOver,
  succeeded,
  type Script,
} from '../support/athena-fakes';
import { trinoErrors } from '../support/trino-parser';
import { failure } from '../support/expect-failure';

const NOW = '2024-03-10T12:00:00Z';
const OLD = statsOver('2024-03-01T00:00:00Z', '2024-03-05T00:00:00Z');
const RUN = { requestId: 'req-1' };

let athena: FakeAthena | undefined;
const fake = (...scripts: Script[]) => (athena = new FakeAthena(scripts));
afterEach(() => athena?.restore());


const okAfter = (runningPolls: number, extra: Partial<Script> = {}): Script => ({
  statuses: [...Array<typeof running>(runningPolls).fill(running), succeeded],
  ...extra,
});

describe('AthenaEngine: results', () => {
  // One column per decoded type; cell text as Athena renders it.
  const COLUMNS: ColumnInfo[] = [
    { Name: 'name', Type: 'varchar' },
    { Name: 'big', Type: 'bigint' },
    { Name: 'small', Type: 'integer' },
    { Name: 'ratio', Type: 'double' },
    { Name: 'ok', Type: 'boolean' },
    { Name: 'at', Type: 'timestamp', Precision: 3 },
    { Name: 'at_tz', Type: 'timestamp with time zone' },
    { Name: 'day', Type: 'date' },
    { Name: 'doc', Type: 'json' },
    { Name: 'tags', Type: 'array' },
    { Name: 'maybe', Type: 'varchar' },
  ];
  const pad = (n: number) => String(n).padStart(2, '0');
  const cells = (i: number): Array<string | undefined> => [
    `user-${i}`,
    String(1_000_000_000_000 + i),
    String(i - 1000),
    `${i}.5`,
    i % 2 === 0 ? 'true' : 'false',
    `2024-03-01 ${pad(i % 24)}:00:00.000`,
    `2024-03-02 ${pad(i % 24)}:30:00.000 UTC`,
    `2024-03-${pad((i % 28) + 1)}`,
    `{"i":${i}}`,
    `["a","b${i}"]`,
    i % 3 === 0 ? undefined : `m${i}`,
  ];
  const ROWS = Array.from({ length: 2500 }, (_, i) => cells(i));

  it('pages 2,500 rows over 3 pages, skips the header on page 1 only, and decodes every column type', async () => {
    const pages = resultPages(COLUMNS, ROWS);
    expect(pages).toHaveLength(3);
    fake(okAfter(1, { pages, statistics: STATS }));
    const result = await athenaEngine(fakeClock(NOW)).run(OLD, RUN);

    expect(result.rows).toHaveLength(2500);
    // Expected values written out by hand from the cell text above.
    expect(result.rows[0]).toEqual({
      name: 'user-0',
      big: 1_000_000_000_000,
      small: -1000,
      ratio: 0.5,
      ok: true,
      at: new Date('2024-03-01T00:00:00.000Z'),
      at_tz: new Date('2024-03-02T00:30:00.000Z'),
      day: new Date('2024-03-01T00:00:00.000Z'),
      doc: '{"i":0}',
      tags: '["a","b0"]',
      maybe: null,
    });
    // the last row of page 1, the first of page 2 (no header there) and the very last
    expect(result.rows[998]).toMatchObject({ name: 'user-998', big: 1_000_000_000_998, ok: true, maybe: 'm998' });
    expect(result.rows[999]).toMatchObject({ name: 'user-999', small: -1, ok: false, maybe: null, at: new Date('2024-03-01T15:00:00Z') });
    expect(result.rows[2499]).toMatchObject({ name: 'user-2499', big: 1_000_000_002_499, ratio: 2499.5, day: new Date('2024-03-08T00:00:00Z') });
    expect(result.rows.map((r) => r.name)).toEqual(ROWS.map((r) => r[0]));

    const resultCalls = athena!.mock.commandCalls(GetQueryResultsCommand).map((c) => c.args[0].input);
    expect(resultCalls).toEqual([
      { QueryExecutionId: 'q-1', MaxResults: 1000, NextToken: undefined },
      { QueryExecutionId: 'q-1', MaxResults: 1000, NextToken: 'page-1' },
      { QueryExecutionId: 'q-1', MaxResults: 1000, NextToken: 'page-2' },
    ]);
    expect(result.facts).toEqual({ id: 'q-1', engineMs: 1234, bytesScanned: 5_678_901, filesRead: null, cache: 'miss', queueMs: 45 });
  });

  it('returns no rows when page 1 holds only the header', async () => {
    fake(okAfter(0, { pages: resultPages(COLUMNS, []) }));
    const result = await athenaEngine(fakeClock(NOW)).run(OLD, RUN);
    expect(result.rows).toEqual([]);
  });

  it('refuses a bigint a JS number cannot hold, as a masked error', async () => {
    fake(okAfter(0, { pages: resultPages([{ Name: 'n', Type: 'bigint' }], [['9007199254740993']]) }));
    const err = await failure(athenaEngine(fakeClock(NOW)).run(OLD, RUN));
    expect(err.code).toBe('INTERNAL_SERVER_ERROR');
    expect(err.message).not.toMatch(/9007199254740993/);
  });
});

describe('AthenaEngine: StartQueryExecution', () => {
  it('sends the compiled Trino SQL with the workgroup, catalogue and database, and nothing from the client', async () => {
    fake(okAfter(0));
    await athenaEngine(fakeClock(NOW)).run(eventsOver('2024-03-01T00:00:00Z', '2024-03-02T00:00:00Z', ['111122223333'], ['eu-west-1']), RUN);
    const input = athena!.started[0];
    expect(input.WorkGroup).toBe('trailgate');
    expect(input.QueryExecutionContext).toEqual({ Catalog: 'AwsDataCatalog', Database: 'cloudtrail' });
    expect(input.ResultConfiguration).toBeUndefined();
    expect(input.ExecutionParameters).toBeUndefined();
    // our own idempotency token, per submission
    expect(input.ClientRequestToken).toMatch(/^[0-9a-f-]{36}$/);
    expect(input.QueryString).toContain(`src."timestamp" BETWEEN '2024/03/01' AND '2024/03/02'`);
    expect(input.QueryString).toContain(`src."account" IN ('111122223333')`);
    expect(input.QueryString).toContain(`src."region" IN ('eu-west-1', 'us-east-1')`);
  });

  it('sends an OutputLocation only when one is configured', async () => {
    fake(okAfter(0));
    await athenaEngine(fakeClock(NOW), { outputLocation: 's3://results/trailgate/' }).run(OLD, RUN);
    expect(athena!.started[0].ResultConfiguration).toEqual({ OutputLocation: 's3://results/trailgate/' });
  });

  it.each([
    ['a stats query', statsOver('2024-03-01T00:00:00Z', '2024-03-03T00:00:00Z', ['111122223333'])],
    ['an events query with a quote in a value', eventsOver('2024-03-01T00:00:00Z', '2024-03-02T00:00:00Z', ['111122223333'], ['eu-west-1'])],
  ])('sends SQL that parses under the Trino grammar with zero errors: %s', async (_name, query) => {
    fake(okAfter(0));
    await athenaEngine(fakeClock(NOW)).run(query, RUN);
    const sql = athena!.started[0].QueryString!;
    expect(trinoErrors(sql)).toEqual([]);
  });

  it('enables result reuse for an old range, with the configured max age', async () => {
    fake(okAfter(0));
    await athenaEngine(fakeClock(NOW), { resultReuseMaxAgeMinutes: 45 }).run(OLD, RUN);
    expect(athena!.started[0].ResultReuseConfiguration).toEqual({ ResultReuseByAgeConfiguration: { Enabled: true, MaxAgeInMinutes: 45 } });
  });

  it('disables result reuse for a range touching the last hour', async () => {
    fake(okAfter(0));
    await athenaEngine(fakeClock(NOW)).run(statsOver('2024-03-10T10:00:00Z', '2024-03-10T11:30:00Z'), RUN);
    expect(athena!.started[0].ResultReuseConfiguration).toEqual({ ResultReuseByAgeConfiguration: { Enabled: false } });
  });

  it('reuse rule: off while the plan reads the delivery day of now - 1h or later, on before it', () => {
    const plan = (from: string, to: string) => planPartitions({ scope: '*', from: new Date(from), to: new Date(to) });
    const now = new Date('2024-03-10T00:30:00Z'); // now - 1h is on 2024-03-09
    // ends yesterday evening: its lag day (03-10) is still being delivered to
    expect(reuseAllowed(plan('2024-03-09T00:00:00Z', '2024-03-09T20:00:00Z'), now)).toBe(false);
    // ends on 03-08: reads up to 03-09, the day of now - 1h, which still receives late files
    expect(reuseAllowed(plan('2024-03-07T00:00:00Z', '2024-03-08T12:00:00Z'), now)).toBe(false);
    // ends on 03-07: reads up to 03-08, complete
    expect(reuseAllowed(plan('2024-03-01T00:00:00Z', '2024-03-08T00:00:00Z'), now)).toBe(true);
  });
});

describe('AthenaEngine: polling', () => {
  it('polls first within 100 ms, so a reused result ready in ~200 ms is not held back, and reports the reuse', async () => {
    fake(okAfter(0, { statistics: { ...STATS, DataScannedInBytes: 0, ResultReuseInformation: { ReusedPreviousResult: true } } }));
    const clock = fakeClock(NOW);
    const result = await athenaEngine(clock).run(OLD, RUN);
    expect(clock.waits[0]).toBeLessThanOrEqual(100);
    expect(clock.waits).toHaveLength(1);
    expect(result.facts.cache).toBe('reuse');
    expect(result.facts.bytesScanned).toBe(0);
  });

  it('backs off exponentially between polls, up to the cap', async () => {
    fake(okAfter(12));
    const clock = fakeClock(NOW);
    await athenaEngine(clock).run(OLD, RUN);
    const w = clock.waits;
    expect(w).toHaveLength(13);
    expect(w[0]).toBeLessThanOrEqual(100);
    for (let i = 1; i < w.length; i++) expect(w[i]).toBeGreaterThanOrEqual(w[i - 1]);
    expect(w[w.length - 1]).toBeGreaterThan(4 * w[0]);
    expect(Math.max(...w)).toBeLessThanOrEqual(POLL_BACKOFF.capMs);
  });

  it('keeps every jittered wait within the first-poll bound and the cap', async () => {
    fake(okAfter(15));
    const clock = fakeClock(NOW);
    await athenaEngine(clock, { random: Math.random }).run(OLD, RUN);
    expect(clock.waits[0]).toBeLessThanOrEqual(100);
    expect(clock.waits.every((ms) => ms > 0 && ms <= POLL_BACKOFF.capMs)).toBe(true);
  });

  it('stops the query exactly once at the deadline and answers QUERY_TIMEOUT', async () => {
    fake({ statuses: [running] });
    const clock = fakeClock(NOW);
    const err = await failure(athenaEngine(clock, { queryTimeoutMs: 5000 }).run(OLD, RUN));
    expect(err.code).toBe('QUERY_TIMEOUT');
    expect(athena!.stopped).toEqual(['q-1']);
    // the loop ended: no poll after the stop, and no wait beyond the deadline
    expect(athena!.calls().at(-1)).toBe('StopQueryExecutionCommand');
    expect(clock.waits.reduce((a, b) => a + b, 0)).toBe(5000);
  });

  it("stops a running query once it has scanned more than the caller's budget: SCAN_LIMIT_EXCEEDED", async () => {
    fake({ statuses: [running], statistics: { DataScannedInBytes: 5_000_000_000, EngineExecutionTimeInMillis: 10 } });
    const err = await failure(athenaEngine(fakeClock(NOW)).run(OLD, { ...RUN, maxBytesScanned: 1_000_000_000 }));
    expect(err.code).toBe('SCAN_LIMIT_EXCEEDED');
    expect(err.message).not.toMatch(/athena|s3:|select/i);
    expect(athena!.stopped).toEqual(['q-1']);
  });

  it('answers within the budget, and refuses (without a stop) a finished query that went over it', async () => {
    fake(okAfter(1, { statistics: { DataScannedInBytes: 900, EngineExecutionTimeInMillis: 10 } }));
    await expect(athenaEngine(fakeClock(NOW)).run(OLD, { ...RUN, maxBytesScanned: 1000 })).resolves.toMatchObject({ facts: { bytesScanned: 900 } });
    athena!.restore();
    fake(okAfter(0, { statistics: { DataScannedInBytes: 1001, EngineExecutionTimeInMillis: 10 } }));
    const err = await failure(athenaEngine(fakeClock(NOW)).run(OLD, { ...RUN, maxBytesScanned: 1000 }));
    expect(err.code).toBe('SCAN_LIMIT_EXCEEDED');
    expect(athena!.stopped).toEqual([]);
  });

  it('honours a per-request timeout shorter than the default', async () => {
    fake({ statuses: [running] });
    const clock = fakeClock(NOW);
    const err = await failure(athenaEngine(clock).run(OLD, { ...RUN, timeoutMs: 1200 }));
    expect(err.code).toBe('QUERY_TIMEOUT');
    expect(clock.waits.reduce((a, b) => a + b, 0)).toBe(1200);
    expect(athena!.stopped).toEqual(['q-1']);
  });

  it('stops the query when the client goes away', async () => {
    const client = new AbortController();
    athena = fake({ statuses: [running] });
    athena.onPoll = (_id, n) => {
      if (n === 3) client.abort();
    };
    const err = await failure(athenaEngine(fakeClock(NOW)).run(OLD, { ...RUN, signal: client.signal }));
    expect(err.code).toBe('QUERY_TIMEOUT');
    expect(err.message).toMatch(/cancelled/);
    expect(athena.stopped).toEqual(['q-1']);
    expect(athena.polls('q-1')).toBe(3);
  });

  it('does not start a query for a request already gone', async () => {
    const client = new AbortController();
    client.abort();
    fake(okAfter(0));
    const err = await failure(athenaEngine(fakeClock(NOW)).run(OLD, { ...RUN, signal: client.signal }));
    expect(err.code).toBe('QUERY_TIMEOUT');
    expect(athena!.calls()).toEqual([]);
  });
});

describe('AthenaEngine: failures', () => {
  const ENGINE_TEXT = "line 1:8: Column 'secret_col' cannot be resolved in s3://private-bucket/AWSLogs/";
  const failed = (category: number, type: number, retryable = false) => ({
    State: 'FAILED' as const,
    StateChangeReason: ENGINE_TEXT,
    AthenaError: { ErrorCategory: category, ErrorType: type, Retryable: retryable, ErrorMessage: ENGINE_TEXT },
  });

  it('masks a user error the caller cannot act on, never retries it, and keeps the engine text out of the message', async () => {
    fake({ statuses: [running, failed(2, 1006)] });
    const err = await failure(athenaEngine(fakeClock(NOW)).run(OLD, RUN));
    expect(err.code).toBe('INTERNAL_SERVER_ERROR');
    expect(err.fault).toBe('server');
    expect(err.message).not.toMatch(/secret_col|private-bucket|line 1/);
    expect(JSON.stringify(err.details ?? {})).not.toMatch(/secret_col/);
    expect(athena!.started).toHaveLength(1);
  });

  it('maps a user error the caller can act on (exhausted resources) to BAD_USER_INPUT, not retried', async () => {
    fake({ statuses: [failed(2, 3, true)] });
    const err = await failure(athenaEngine(fakeClock(NOW)).run(OLD, RUN));
    expect(err.code).toBe('BAD_USER_INPUT');
    expect(err.fault).toBe('client');
    expect(err.message).not.toMatch(/secret_col/);
    expect(athena!.started).toHaveLength(1);
  });

  it('masks a system error that is not retryable', async () => {
    fake({ statuses: [failed(1, 100)] });
    const err = await failure(athenaEngine(fakeClock(NOW)).run(OLD, RUN));
    expect(err.code).toBe('INTERNAL_SERVER_ERROR');
    expect(err.message).not.toMatch(/secret_col/);
    expect(athena!.started).toHaveLength(1);
  });

  it('resubmits a retryable system error exactly once, with a new token, and then succeeds', async () => {
    fake({ statuses: [running, failed(1, 200, true)] }, okAfter(1));
    const result = await athenaEngine(fakeClock(NOW)).run(OLD, RUN);
    expect(athena!.started).toHaveLength(2);
    expect(athena!.started[1].QueryString).toBe(athena!.started[0].QueryString);
    expect(athena!.started[1].ClientRequestToken).not.toBe(athena!.started[0].ClientRequestToken);
    expect(result.facts.id).toBe('q-2');
  });

  it('gives up after one resubmission of a retryable system error', async () => {
    fake({ statuses: [failed(1, 200, true)] });
    const err = await failure(athenaEngine(fakeClock(NOW)).run(OLD, RUN));
    expect(err.code).toBe('INTERNAL_SERVER_ERROR');
    expect(athena!.started).toHaveLength(2);
  });

  it('masks an OTHER-category error', async () => {
    fake({ statuses: [failed(3, 1400, true)] });
    const err = await failure(athenaEngine(fakeClock(NOW)).run(OLD, RUN));
    expect(err.code).toBe('INTERNAL_SERVER_ERROR');
    expect(athena!.started).toHaveLength(1);
  });

  it('masks a plain cancellation', async () => {
    fake({ statuses: [running, { State: 'CANCELLED', StateChangeReason: 'Query was cancelled by user' }] });
    const err = await failure(athenaEngine(fakeClock(NOW)).run(OLD, RUN));
    expect(err.code).toBe('INTERNAL_SERVER_ERROR');
    expect(athena!.started).toHaveLength(1);
    expect(athena!.stopped).toEqual([]);
  });

  it("answers SCAN_LIMIT_EXCEEDED when the workgroup's bytes-scanned cutoff cancelled the query", async () => {
    fake({ statuses: [running, { State: 'CANCELLED', StateChangeReason: 'Bytes scanned limit was exceeded' }] });
    const err = await failure(athenaEngine(fakeClock(NOW)).run(OLD, RUN));
    expect(err.code).toBe('SCAN_LIMIT_EXCEEDED');
    expect(err.fault).toBe('client');
    expect(athena!.started).toHaveLength(1);
  });

  it('recognises the cutoff from AthenaError.ErrorMessage as well', async () => {
    fake({ statuses: [{ State: 'CANCELLED', AthenaError: { ErrorCategory: 2, ErrorType: 1011, ErrorMessage: 'Bytes Scanned limit was exceeded' } }] });
    const err = await failure(athenaEngine(fakeClock(NOW)).run(OLD, RUN));
    expect(err.code).toBe('SCAN_LIMIT_EXCEEDED');
  });
});

describe('AthenaEngine: throttling and concurrency', () => {
  const tooMany = () =>
    new TooManyRequestsException({ message: 'Rate exceeded', $metadata: { httpStatusCode: 400 }, Reason: 'CONCURRENT_QUERY_LIMIT_EXCEEDED' });

  it('absorbs TooManyRequestsException from StartQueryExecution with jittered, capped retries', async () => {
    athena = fake(okAfter(0));
    athena.failStart = (n) => (n <= 2 ? tooMany() : undefined);
    const clock = fakeClock(NOW);
    const engine = athenaEngine(clock, { random: Math.random });
    const result = await engine.run(OLD, RUN);
    expect(athena.mock.commandCalls(StartQueryExecutionCommand)).toHaveLength(3);
    expect(athena.started).toHaveLength(1);
    expect(result.facts.id).toBe('q-1');
    const throttleWaits = clock.waits.slice(0, 2);
    expect(throttleWaits.every((ms) => ms > 0 && ms <= THROTTLE_BACKOFF.capMs)).toBe(true);
  });

  it('keeps polling through a throttled GetQueryExecution', async () => {
    athena = fake(okAfter(1));
    let polls = 0;
    athena.onPoll = () => {
      if (++polls === 1) throw tooMany();
    };
    const result = await athenaEngine(fakeClock(NOW)).run(OLD, RUN);
    expect(result.facts.id).toBe('q-1');
    expect(athena.mock.commandCalls(GetQueryExecutionCommand)).toHaveLength(2);
    expect(athena.stopped).toEqual([]);
  });

  it('masks a StartQueryExecution the service refuses as invalid, without retrying it', async () => {
    athena = fake(okAfter(0));
    athena.failStart = () => new InvalidRequestException({ message: 'WorkGroup trailgate is disabled', $metadata: { httpStatusCode: 400 } });
    const err = await failure(athenaEngine(fakeClock(NOW)).run(OLD, RUN));
    expect(err.code).toBe('INTERNAL_SERVER_ERROR');
    expect(err.message).not.toMatch(/disabled|trailgate/);
    expect(athena.startCalls).toBe(1);
  });

  it('answers ENGINE_UNAVAILABLE when Athena cannot be reached', async () => {
    athena = fake(okAfter(0));
    athena.failStart = () => Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:443'), { code: 'ECONNREFUSED' });
    const err = await failure(athenaEngine(fakeClock(NOW)).run(OLD, RUN));
    expect(err.code).toBe('ENGINE_UNAVAILABLE');
    expect(err.message).not.toMatch(/ECONNREFUSED/);
  });

  it('answers ENGINE_UNAVAILABLE when throttling outlasts the retries', async () => {
    athena = fake(okAfter(0));
    athena.failStart = () => tooMany();
    const err = await failure(athenaEngine(fakeClock(NOW), { throttleRetries: 3 }).run(OLD, RUN));
    expect(err.code).toBe('ENGINE_UNAVAILABLE');
    expect(athena.mock.commandCalls(StartQueryExecutionCommand)).toHaveLength(4);
  });

  it.each([20, 3])('never has more than the cap (%i) of 100 concurrent requests in flight on Athena', async (cap) => {
    athena = fake(okAfter(2, { pages: resultPages([{ Name: 'n', Type: 'bigint' }], [['1']]) }));
    const engine = athenaEngine(fakeClock(NOW, true), { concurrency: cap });
    let maxPending = 0;
    athena.onPoll = () => {
      maxPending = Math.max(maxPending, engine.pending);
    };
    const results = await Promise.all(Array.from({ length: 100 }, (_, i) => engine.run(OLD, { requestId: `r${i}` })));
    expect(results.every((r) => r.rows.length === 1 && r.rows[0].n === 1)).toBe(true);
    expect(athena.started).toHaveLength(100);
    expect(athena.maxActive).toBe(cap);
    expect(maxPending).toBeGreaterThan(0);
    expect(engine.pending).toBe(0);
    expect(engine.active).toBe(0);
  });

  it('times out a request still waiting in the queue at its deadline, without starting it', async () => {
    athena = fake({ statuses: [running] });
    let polls = 0;
    athena.onPoll = () => polls++;
    // real-time sleep so the first query holds its slot while the second waits
    const engine = athenaEngine(fakeClock(NOW, true), { concurrency: 1, sleep: (ms) => new Promise((r) => setTimeout(r, Math.min(ms, 5))) });
    const holder = new AbortController();
    const first = engine.run(OLD, { requestId: 'holder', signal: holder.signal });
    const second = await failure(engine.run(OLD, { requestId: 'queued', timeoutMs: 50 }));
    expect(second.code).toBe('QUERY_TIMEOUT');
    expect(athena.started).toHaveLength(1);
    holder.abort();
    await failure(first);
    expect(athena.stopped).toEqual(['q-1']);
    expect(polls).toBeGreaterThan(0);
  });
});

describe('AthenaEngine: accounts, explain, lake info, close', () => {
  it('refuses settings out of range at construction', () => {
    const clock = fakeClock(NOW);
    expect(() => athenaEngine(clock, { concurrency: 0 })).toThrow(/concurrency/);
    expect(() => athenaEngine(clock, { resultReuseMaxAgeMinutes: 10_081 })).toThrow(/resultReuseMaxAgeMinutes/);
    expect(() => athenaEngine(clock, { queryTimeoutMs: 0 })).toThrow(/queryTimeoutMs/);
    expect(() => athenaEngine(clock, { workgroup: '' })).toThrow(/workgroup/);
  });

  it('refuses a query without account literals when the table needs them, before any AWS call', async () => {
    fake(okAfter(0));
    const engine = athenaEngine(fakeClock(NOW), { requireAccounts: () => true });
    const err = await failure(engine.run(OLD, RUN));
    expect(err.code).toBe('BAD_USER_INPUT');
    expect(err.message).toMatch(/accounts filter/);
    expect(athena!.calls()).toEqual([]);
    await expect(engine.run(statsOver('2024-03-01T00:00:00Z', '2024-03-02T00:00:00Z', ['111122223333']), RUN)).resolves.toBeDefined();
  });

  it('explains without calling AWS: the SQL and the partitions the predicate selects', async () => {
    fake(okAfter(0));
    const explained = await athenaEngine(fakeClock(NOW)).explain(
      eventsOver('2024-03-01T00:00:00Z', '2024-03-02T00:00:00Z', ['111122223333', '444455556666'], ['eu-west-1']),
    );
    expect(athena!.calls()).toEqual([]);
    expect(explained.engine).toBe('athena');
    expect(explained.compiled.dialect).toBe('trino');
    expect(explained.compiled.params).toEqual([]);
    expect(trinoErrors(explained.compiled.sql)).toEqual([]);
    expect(explained.files).toBeNull();
    expect(explained.partitions).toEqual([
      '111122223333/eu-west-1/2024-03-01..2024-03-02',
      '111122223333/us-east-1/2024-03-01..2024-03-02',
      '444455556666/eu-west-1/2024-03-01..2024-03-02',
      '444455556666/us-east-1/2024-03-01..2024-03-02',
    ]);
    const all = await athenaEngine(fakeClock(NOW)).explain(OLD);
    expect(all.partitions).toEqual(['*/*/2024-03-01..2024-03-05']);
  });

  it('reports the location with empty lists unless a lake-info source is given', async () => {
    const info = await athenaEngine(fakeClock(NOW)).lakeInfo('*');
    expect(info).toEqual({
      engine: 'athena',
      location: 'cloudtrail.trail',
      firstDay: null,
      lastDay: null,
      accounts: [],
      regions: [],
      files: null,
      rejectedRecords: 0,
      rejectedFiles: 0,
    });
    const custom = { ...info, firstDay: '2024-01-01' };
    await expect(athenaEngine(fakeClock(NOW), { lakeInfo: async () => custom }).lakeInfo('*')).resolves.toBe(custom);
  });

  it('close() stops every in-flight query once, fails queued requests, and destroys the client', async () => {
    athena = fake({ statuses: [running] });
    const client = new AthenaClient({ region: 'us-east-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } });
    const destroy = jest.spyOn(client, 'destroy');
    const engine = athenaEngine(fakeClock(NOW, true), { client, concurrency: 2, sleep: (ms) => new Promise((r) => setTimeout(r, Math.min(ms, 5))) });
    const runs = [1, 2, 3].map((i) => engine.run(OLD, { requestId: `r${i}` }).catch((e: unknown) => e));
    while (athena.started.length < 2 || athena.polls('q-2') === 0) await new Promise((r) => setTimeout(r, 5));
    await engine.close();
    const errors = (await Promise.all(runs)) as TrailgateError[];
    expect(errors.map((e) => e.code)).toEqual(['ENGINE_UNAVAILABLE', 'ENGINE_UNAVAILABLE', 'ENGINE_UNAVAILABLE']);
    expect([...athena.stopped].sort()).toEqual(['q-1', 'q-2']);
    expect(athena.started).toHaveLength(2);
    expect(destroy).toHaveBeenCalledTimes(1);
    await expect(engine.run(OLD, RUN)).rejects.toMatchObject({ code: 'ENGINE_UNAVAILABLE' });
  });
});
