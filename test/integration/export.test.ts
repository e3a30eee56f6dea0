import http from 'node:http';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { parse } from 'csv-parse/sync';
import { loadConfig } from '../../src/config/config';
import type { AccountScope } from '../../src/domain/principal';
import type { Engine, EngineResult, ExplainedQuery, LakeInfo, Row, RunOptions, StreamOptions } from '../../src/engines/engine';
import type { Query } from '../../src/query/ir';
import { openEngine } from '../../src/server/gateway';
import { startHttpServer, type HttpServer } from '../../src/server/http-server';
import { silentLogger } from '../support/gateway-harness';
import { REAL_DATA_DIR, filterEvents, iso, loadReferenceLake, type FilterInput, type RefEvent } from '../support/reference-lake';
import { headerAuthenticator, partner, principal } from '../support/test-authenticator';

/**
 * GET /export over HTTP, on DuckDB over the real sets (and a small crafted lake for CSV quoting).
 * Expected rows come from a plain reading of the records (reference-lake.ts), never from SQL.
 * The engine is wrapped to see what the route asked of it: stream calls, rows pulled, batch
 * sizes, whether the stream ended, and to make it fail on purpose.
 */
class SpyEngine implements Engine {
  streams = 0;
  runs = 0;
  pulled = 0;
  ended = 0;
  batches: number[] = [];
  /** throw after this many batches (null: never) */
  failAfter: number | null = null;

  constructor(readonly inner: Engine) {}

  get name(): string {
    return this.inner.name;
  }

  run(query: Query, opts: RunOptions): Promise<EngineResult> {
    this.runs++;
    return this.inner.run(query, opts);
  }

  async *stream(query: Query, opts: StreamOptions): AsyncGenerator<readonly Row[]> {
    this.streams++;
    let n = 0;
    try {
      for await (const batch of this.inner.stream!(query, opts)) {
        if (this.failAfter !== null && n++ >= this.failAfter) throw new Error('the disk is on fire at /var/secret/path');
        this.pulled += batch.length;
        this.batches.push(batch.length);
        yield batch;
      }
    } finally {
      this.ended++;
    }
  }

  explain(query: Query): Promise<ExplainedQuery> {
    return this.inner.explain(query);
  }

  lakeInfo(scope: AccountScope): Promise<LakeInfo> {
    return this.inner.lakeInfo(scope);
  }

  close(): Promise<void> {
    return this.inner.close();
  }

  reset(): void {
    Object.assign(this, { streams: 0, runs: 0, pulled: 0, ended: 0, batches: [], failAfter: null });
  }
}

interface Answer {
  status: number;
  headers: Headers;
  text: string;
}

async function startOver(lake: string, principals: Record<string, ReturnType<typeof principal>>): Promise<{ server: HttpServer; spy: SpyEngine; base: string }> {
  // One connection: every statement after an interrupted export runs on the connection it left.
  const config = loadConfig({ lake, port: 0, host: '127.0.0.1' }, { TRAILGATE_DUCKDB_THREADS: '1', TRAILGATE_DUCKDB_CONNECTIONS: '1', TRAILGATE_MAX_RANGE_DAYS: '36500' });
  const spy = new SpyEngine(await openEngine(config, lake, silentLogger()));
  const server = await startHttpServer(config, spy, silentLogger(), { manifest: null, authenticator: headerAuthenticator(principals) });
  return { server, spy, base: server.url.replace(/\/graphql$/, '') };
}

const query = (params: Record<string, string | string[]>): string => {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) for (const x of Array.isArray(v) ? v : [v]) q.append(k, x);
  return q.toString();
};

/** Waits until `cond` holds, at most `ms` (a bounded wait, not a timing goal). */
async function eventually(cond: () => boolean, ms = 10_000, everyMs = 20): Promise<void> {
  const until = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

const ref = loadReferenceLake(REAL_DATA_DIR);
const ALL = { from: '2000-01-01T00:00:00Z', to: '2090-01-01T00:00:00Z' };
const byAccount = new Map<string, number>();
for (const e of ref.served) byAccount.set(e.account, (byAccount.get(e.account) ?? 0) + 1);
const [OWN, FOREIGN] = [...byAccount.keys()].sort((a, b) => byAccount.get(b)! - byAccount.get(a)!);

const text = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));
/** What an exported row of COMPARED shows, read from the record itself. */
const COMPARED = 'eventTime,eventSource,eventName,awsRegion,recipientAccountId,userIdentity.arn,errorCode';
const expectedTuple = (e: RefEvent) => JSON.stringify([iso(e.time), e.eventSource, e.eventName, e.awsRegion, text(e.raw.recipientAccountId), text(e.raw.userIdentity?.arn), e.errorCode]);
const exportedTuple = (r: Record<string, unknown>) => JSON.stringify(COMPARED.split(',').map((c) => r[c]));

const ndjson = (body: string): Array<Record<string, any>> =>
  body
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l));

/** Rows are in (eventTime, eventId) order, oldest first. */
function expectOrdered(rows: Array<Record<string, any>>): void {
  for (let i = 1; i < rows.length; i++) {
    const [a, b] = [rows[i - 1], rows[i]];
    expect(a.eventTime <= b.eventTime).toBe(true);
    if (a.eventTime === b.eventTime) expect(a.eventId <= b.eventId).toBe(true);
  }
}

describe('GET /export over the real sets', () => {
  const principals = {
    scoped: principal({ id: 'scoped', accounts: [OWN] }),
    partner: partner('partner', [OWN], { operations: '*' }),
    weekly: principal({ id: 'weekly', maxRangeDays: 7 }),
    tight: principal({ id: 'tight', maxBytesScannedPerQuery: 1 }),
  };
  let server: HttpServer;
  let spy: SpyEngine;
  let base: string;

  beforeAll(async () => {
    ({ server, spy, base } = await startOver(REAL_DATA_DIR, principals));
  });
  afterAll(async () => {
    await server?.close();
  });
  beforeEach(() => spy.reset());

  async function get(params: Record<string, string | string[]>, as?: keyof typeof principals): Promise<Answer> {
    const res = await fetch(`${base}/export?${query(params)}`, { headers: as ? { 'x-test-principal': as } : {}, signal: AbortSignal.timeout(60_000) });
    return { status: res.status, headers: res.headers, text: await res.text() };
  }

  it('streams every event a filter matches, as the records say, oldest first', async () => {
    const filter: FilterInput = { range: ALL, eventSources: ['iam.amazonaws.com', 's3.amazonaws.com'] };
    const r = await get({ format: 'ndjson', ...ALL, eventSources: 'iam.amazonaws.com,s3.amazonaws.com', columns: `eventId,${COMPARED}` });
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('application/x-ndjson; charset=utf-8');
    expect(r.headers.get('content-disposition')).toBe('attachment; filename="trailgate-events-20000101T000000Z-20900101T000000Z.ndjson"');
    const rows = ndjson(r.text);
    const expected = filterEvents(ref, filter);
    expect(rows.map(exportedTuple).sort()).toEqual(expected.map(expectedTuple).sort());
    expectOrdered(rows);
  });

  it('has no 1000-row cap: the whole lake comes through, in batches of at most one DuckDB chunk', async () => {
    const r = await get({ format: 'ndjson', ...ALL, columns: `eventId,${COMPARED}` });
    expect(r.status).toBe(200);
    const rows = ndjson(r.text);
    expect(rows.length).toBe(ref.served.length);
    expect(rows.length).toBeGreaterThan(1000);
    expect(rows.map(exportedTuple).sort()).toEqual(ref.served.map(expectedTuple).sort());
    expectOrdered(rows);
    expect(spy.streams).toBe(1);
    expect(spy.runs).toBe(0);
    expect(Math.max(...spy.batches)).toBeLessThanOrEqual(2048);
    expect(spy.batches.length).toBeGreaterThan(1);
  });

  it('takes the filter as JSON too (JSON matches only there), validated like GraphQL input', async () => {
    const f = { range: ALL, requestParameters: [{ path: 'bucketName', exists: true }], hasError: false };
    const r = await get({ format: 'ndjson', filter: JSON.stringify(f), columns: COMPARED });
    expect(r.status).toBe(200);
    expect(ndjson(r.text).map(exportedTuple).sort()).toEqual(filterEvents(ref, f).map(expectedTuple).sort());
  });

  it('orders newest first when asked', async () => {
    const r = await get({ format: 'ndjson', ...ALL, eventNames: 'ConsoleLogin', order: 'NEWEST_FIRST', columns: 'eventTime' });
    const times = ndjson(r.text).map((x) => x.eventTime);
    expect(times).toEqual(filterEvents(ref, { range: ALL, eventNames: ['ConsoleLogin'] }).map((e) => iso(e.time)).sort().reverse());
  });

  it('shows the columns asked for, in that order, nested paths and JSON members included', async () => {
    const r = await get({ format: 'csv', ...ALL, eventNames: 'ConsoleLogin', columns: 'eventTime,eventName,userIdentity.arn,additionalEventData' });
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('text/csv; charset=utf-8; header=present');
    const [header, ...rows] = parse(r.text, { relax_quotes: false }) as string[][];
    expect(header).toEqual(['eventTime', 'eventName', 'userIdentity.arn', 'additionalEventData']);
    const expected = filterEvents(ref, { range: ALL, eventNames: ['ConsoleLogin'] });
    expect(rows.map((c) => JSON.stringify([c[0], c[1], c[2] === '' ? null : c[2], c[3] === '' ? null : JSON.parse(c[3])])).sort()).toEqual(
      expected.map((e) => JSON.stringify([iso(e.time), 'ConsoleLogin', text(e.raw.userIdentity?.arn), e.raw.additionalEventData ?? null])).sort(),
    );
    expect(r.text.endsWith('\r\n')).toBe(true);
  });

  it('gives a scoped principal only its accounts, and refuses a foreign-only request before any engine call', async () => {
    const own = await get({ format: 'ndjson', ...ALL, columns: COMPARED }, 'scoped');
    expect(own.status).toBe(200);
    expect(ndjson(own.text).map(exportedTuple).sort()).toEqual(filterEvents(ref, { range: ALL, accounts: [OWN] }).map(expectedTuple).sort());
    spy.reset();
    const foreign = await get({ format: 'csv', ...ALL, accounts: FOREIGN }, 'scoped');
    expect(foreign.status).toBe(403);
    expect(JSON.parse(foreign.text).errors[0].extensions.code).toBe('FORBIDDEN');
    expect(spy.streams + spy.runs).toBe(0);
  });

  it('refuses a persisted-only principal (FORBIDDEN, 403), nothing run', async () => {
    const r = await get({ format: 'csv', ...ALL }, 'partner');
    expect(r.status).toBe(403);
    expect(JSON.parse(r.text)).toMatchObject({ errors: [{ extensions: { code: 'FORBIDDEN' } }], extensions: { trailgate: { queries: [] } } });
    expect(spy.streams + spy.runs).toBe(0);
  });

  it.each([
    ['no range', { format: 'csv' }],
    ['a bad instant', { from: 'yesterday', to: ALL.to }],
    ['from after to', { from: ALL.to, to: ALL.from }],
    ['a bad account', { ...ALL, accounts: '1234' }],
    ['a bad enum', { ...ALL, identityTypes: 'WIZARD' }],
    ['a bad boolean', { ...ALL, hasError: 'maybe' }],
    ['an unknown parameter', { ...ALL, acounts: OWN }],
    ['an unknown column', { ...ALL, columns: 'eventTime,password' }],
    ['an unknown format', { ...ALL, format: 'xlsx' }],
    ['a field twice', { ...ALL, filter: JSON.stringify({ eventNames: ['A'] }), eventNames: 'B' }],
    ['an unknown filter field', { ...ALL, filter: JSON.stringify({ eventNamez: ['A'] }) }],
    ['an unknown JSON match field', { ...ALL, filter: JSON.stringify({ requestParameters: [{ path: 'a', exists: true, regex: '.*' }] }) }],
    ['a JSON match with two tests', { ...ALL, filter: JSON.stringify({ requestParameters: [{ path: 'a', exists: true, equals: 'x' }] }) }],
    ['filter that is not JSON', { ...ALL, filter: '{range:' }],
    ['NUL in a value', { ...ALL, userAgentContains: 'a\u0000b' }],
  ])('refuses %s as BAD_USER_INPUT (400) with a JSON body, nothing run', async (_, params) => {
    const r = await get(params as Record<string, string>);
    expect(r.status).toBe(400);
    expect(r.headers.get('content-type')).toMatch(/^application\/json/);
    expect(JSON.parse(r.text).errors[0].extensions.code).toBe('BAD_USER_INPUT');
    expect(spy.streams + spy.runs).toBe(0);
  });

  it("applies the principal's range cap (400) and scan budget (400 SCAN_LIMIT_EXCEEDED, nothing read)", async () => {
    const wide = await get({ ...ALL }, 'weekly');
    expect(wide.status).toBe(400);
    expect(JSON.parse(wide.text).errors[0].message).toMatch(/maximum is 7/);
    expect(spy.streams).toBe(0);
    const costly = await get({ ...ALL }, 'tight');
    expect(costly.status).toBe(400);
    expect(JSON.parse(costly.text).errors[0].extensions.code).toBe('SCAN_LIMIT_EXCEEDED');
    expect(spy.pulled).toBe(0);
  });

  /** An export whose reader is a raw socket we can pause and cut. */
  function open(params: Record<string, string>): Promise<{ req: http.ClientRequest; res: http.IncomingMessage }> {
    return new Promise((resolve, reject) => {
      const req = http.get(`${base}/export?${query(params)}`, (res) => resolve({ req, res }));
      req.on('error', reject);
    });
  }

  it('holds the engine while the client does not read (backpressure), and finishes when it reads again', async () => {
    const { res } = await open({ format: 'csv', ...ALL, columns: '*' });
    expect(res.statusCode).toBe(200);
    res.pause();
    let received = 0;
    // Let the socket buffers fill until the engine is no longer asked for rows (no change for 500 ms).
    let stalled = -1;
    await eventually(() => {
      const settled = spy.pulled === stalled;
      stalled = spy.pulled;
      return settled;
    }, 30_000, 500);
    expect(stalled).toBeLessThan(ref.served.length);
    res.on('data', (chunk: Buffer) => (received += chunk.length));
    res.resume();
    await new Promise((r) => res.on('end', r));
    expect(spy.pulled).toBe(ref.served.length);
    expect(received).toBeGreaterThan(0);
  });

  it('stops the engine when the client goes away, and serves the next export', async () => {
    const { req, res } = await open({ format: 'ndjson', ...ALL, columns: '*' });
    await new Promise((r) => res.once('data', r));
    res.pause();
    req.destroy();
    await eventually(() => spy.ended === 1);
    expect(spy.pulled).toBeLessThan(ref.served.length);
    const next = await get({ format: 'ndjson', ...ALL, eventNames: 'ConsoleLogin', columns: 'eventTime' });
    expect(ndjson(next.text)).toHaveLength(filterEvents(ref, { range: ALL, eventNames: ['ConsoleLogin'] }).length);
  });

  it('ends NDJSON with an error line when the engine fails mid-stream (masked, with the request id)', async () => {
    spy.failAfter = 1;
    const r = await get({ format: 'ndjson', ...ALL, columns: 'eventTime,eventId' });
    expect(r.status).toBe(200);
    const lines = ndjson(r.text);
    const last = lines[lines.length - 1];
    expect(last).toEqual({ error: { code: 'INTERNAL_SERVER_ERROR', message: expect.stringMatching(/requestId/), requestId: expect.any(String) } });
    expect(r.text).not.toMatch(/secret|fire/);
    expect(lines.length - 1).toBe(spy.pulled);
    expect(spy.ended).toBe(1);
  });

  it('cuts a CSV transfer when the engine fails mid-stream: the client sees a truncated body', async () => {
    spy.failAfter = 1;
    const res = await fetch(`${base}/export?${query({ format: 'csv', ...ALL, columns: 'eventTime,eventId' })}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    await expect(res.text()).rejects.toThrow();
    await eventually(() => spy.ended === 1);
  });
});

describe('GET /export CSV text', () => {
  const DAY = 'AWSLogs/111122223333/CloudTrail/us-east-1/2024/05/01';
  const record = (i: number, over: Record<string, unknown>): Record<string, unknown> => ({
    eventVersion: '1.08',
    eventTime: `2024-05-01T10:00:0${i}Z`,
    eventSource: 'iam.amazonaws.com',
    eventName: 'ListUsers',
    awsRegion: 'us-east-1',
    eventID: `csv-${i}`,
    recipientAccountId: '111122223333',
    userIdentity: { type: 'IAMUser', arn: 'arn:aws:iam::111122223333:user/alice' },
    ...over,
  });
  const RECORDS = [
    record(1, { userAgent: '=HYPERLINK("http://evil.example","click")', errorMessage: 'a, "quoted"\nsecond line' }),
    record(2, { userAgent: '+1+2', errorMessage: '-2+3', requestParameters: { userName: '@SUM(A1)' } }),
    record(3, { userAgent: '@cmd', errorMessage: '\tTabbed' }),
    record(4, { userAgent: 'aws-cli/2.0 Python/3.11', errorMessage: '' }),
  ];
  let dir: string;
  let server: HttpServer;
  let base: string;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'tg-export-csv-'));
    mkdirSync(path.join(dir, DAY), { recursive: true });
    writeFileSync(path.join(dir, DAY, '111122223333_CloudTrail_us-east-1_20240501T1005Z_csv.json.gz'), gzipSync(JSON.stringify({ Records: RECORDS })));
    ({ server, base } = await startOver(dir, {}));
  });
  afterAll(async () => {
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('quotes per RFC 4180 and defuses spreadsheet formulas with a leading quote (NDJSON keeps values as they are)', async () => {
    const params = { from: '2024-05-01T00:00:00Z', to: '2024-05-02T00:00:00Z', columns: 'eventId,userAgent,errorMessage,requestParameters' };
    const csv = await (await fetch(`${base}/export?${query({ ...params, format: 'csv' })}`)).text();
    expect(csv.split('\r\n')[0]).toBe('eventId,userAgent,errorMessage,requestParameters');
    expect(csv).toContain('csv-1,"\'=HYPERLINK(""http://evil.example"",""click"")","a, ""quoted""\nsecond line",\r\n');
    const rows = parse(csv) as string[][];
    expect(rows.slice(1)).toEqual([
      ['csv-1', `'=HYPERLINK("http://evil.example","click")`, 'a, "quoted"\nsecond line', ''],
      ['csv-2', "'+1+2", "'-2+3", '{"userName":"@SUM(A1)"}'],
      ['csv-3', "'@cmd", "'\tTabbed", ''],
      ['csv-4', 'aws-cli/2.0 Python/3.11', '', ''],
    ]);
    const exact = ndjson(await (await fetch(`${base}/export?${query({ ...params, format: 'ndjson' })}`)).text());
    expect(exact.map((r) => r.userAgent)).toEqual(RECORDS.map((r) => r.userAgent));
    expect(exact[1].requestParameters).toEqual({ userName: '@SUM(A1)' });
  });
});
