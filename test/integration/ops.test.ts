import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { GetTableCommand, GlueClient, type Table } from '@aws-sdk/client-glue';
import { mockClient } from 'aws-sdk-client-mock';
import { loadConfig } from '../../src/config/config';
import type { Engine, EngineResult, RunOptions } from '../../src/engines/engine';
import { tableInput } from '../../src/engines/glue/table-definitions';
import { EXAMPLE_PARAMS } from '../../src/engines/glue/table-params';
import type { Query } from '../../src/query/ir';
import { openEngine } from '../../src/server/gateway';
import { startHttpServer, type HttpServer, type HttpServerOptions } from '../../src/server/http-server';
import { createLogger } from '../../src/server/logger';
import { metricsAccessFromEnv } from '../../src/server/metrics';
import { openAthenaEngine } from '../../src/server/open-athena-engine';
import { silentLogger } from '../support/gateway-harness';
import { FakeAthena, athenaEngine, running } from '../support/athena-fakes';
import { headerAuthenticator, principal } from '../support/test-authenticator';

/** /healthz, /readyz, /metrics and the per-request log line over HTTP, on a real set. */
const REAL = path.resolve(__dirname, '../../../shared/data/cloudtrail/flaws2-cloud');
const DAY = { from: '2018-11-28T00:00:00Z', to: '2018-11-29T00:00:00Z' };
const TOTALS = `query DayTotals($range: TimeRange!) { eventStats(filter: { range: $range }, groupBy: []) { totalEvents } }`;
const config = (env: Record<string, string> = {}) => loadConfig({ lake: REAL, port: 0, host: '127.0.0.1' }, { TRAILGATE_DUCKDB_THREADS: '1', ...env });

async function post(url: string, body: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body), signal: AbortSignal.timeout(30_000) });
  return { status: res.status, json: (await res.json()) as any };
}
const base = (server: HttpServer) => server.url.replace(/\/graphql$/, '');

/** The value of one sample line of the Prometheus text (`name{labels} value`), or undefined. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

const analyst = principal({ id: 'analyst-7' });
const authenticated = (opts: HttpServerOptions = {}) => ({ authenticator: headerAuthenticator({ analyst }, null), ...opts });

describe('operations endpoints', () => {
  const servers: HttpServer[] = [];
  const start = async (opts: HttpServerOptions = {}, env: Record<string, string> = {}, logger = silentLogger()) => {
    const c = config(env);
    const server = await startHttpServer(c, await openEngine(c, REAL, logger), logger, opts);
    servers.push(server);
    return server;
  };
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });

  it('answers /healthz and /readyz without credentials while everything else needs them', async () => {
    const server = await start(authenticated());
    const health = await fetch(`${base(server)}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });
    const ready = await fetch(`${base(server)}/readyz`);
    expect(ready.status).toBe(200);
    const body = (await ready.json()) as any;
    expect(body.status).toBe('ready');
    expect(body.checks.map((c: any) => [c.name, c.ok])).toEqual([
      ['lake', true],
      ['duckdb', true],
      ['persisted-catalog', true],
    ]);
    expect((await post(server.url, { query: TOTALS, variables: { range: DAY } })).status).toBe(401);
  });

  it('is not ready, with 503 and the failing check named, once the lake directory is gone', async () => {
    const lake = mkdtempSync(path.join(tmpdir(), 'trailgate-ops-'));
    const c = loadConfig({ lake, port: 0, host: '127.0.0.1' }, { TRAILGATE_DUCKDB_THREADS: '1' });
    const server = await startHttpServer(c, await openEngine(c, lake, silentLogger()), silentLogger());
    servers.push(server);
    expect((await fetch(`${base(server)}/readyz`)).status).toBe(200);
    rmSync(lake, { recursive: true });
    const res = await fetch(`${base(server)}/readyz`);
    expect(res.status).toBe(503);
    const body = (await res.json()) as any;
    expect(body.status).toBe('not ready');
    expect(body.checks).toContainEqual({ name: 'lake', ok: false, detail: 'the lake directory is not readable' });
    expect(JSON.stringify(body)).not.toContain(lake);
  });

  it('counts requests by operation and code, engine time, bytes scanned and cache hits on /metrics', async () => {
    const server = await start();
    const first = await post(server.url, { query: TOTALS, variables: { range: DAY } });
    expect(first.json.data.eventStats.totalEvents).toBe(37);
    const [facts] = first.json.extensions.trailgate.queries;
    await post(server.url, { query: TOTALS, variables: { range: DAY } }); // served by the result cache
    await post(server.url, { query: TOTALS, variables: { range: { from: DAY.to, to: DAY.from } } }); // BAD_USER_INPUT

    const res = await fetch(`${base(server)}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await res.text();
    expect(sample(text, 'trailgate_graphql_requests_total{operation="DayTotals",code="OK"}')).toBe(2);
    expect(sample(text, 'trailgate_graphql_requests_total{operation="DayTotals",code="BAD_USER_INPUT"}')).toBe(1);
    expect(sample(text, 'trailgate_result_cache_lookups_total{result="miss"}')).toBe(1);
    expect(sample(text, 'trailgate_result_cache_lookups_total{result="hit"}')).toBe(1);
    expect(sample(text, 'trailgate_engine_query_duration_seconds_count{engine="duckdb"}')).toBe(1);
    expect(sample(text, 'trailgate_engine_bytes_scanned_total{engine="duckdb"}')).toBe(facts.bytesScanned);
    expect(facts.bytesScanned).toBeGreaterThan(0);
    expect(sample(text, 'trailgate_engine_queue_depth{engine="duckdb"}')).toBe(0);
    expect(sample(text, 'trailgate_http_requests_total{route="/graphql",method="POST",status="200"}')).toBe(3);
    expect(text).toContain('process_cpu_seconds_total');
  });

  it('labels at most 200 distinct operation names; later names count as "other"', async () => {
    const server = await start();
    for (let i = 0; i < 203; i++) await post(server.url, { query: `query Op${i} { __typename }` });
    const text = await (await fetch(`${base(server)}/metrics`)).text();
    expect(sample(text, 'trailgate_graphql_requests_total{operation="Op199",code="OK"}')).toBe(1);
    expect(sample(text, 'trailgate_graphql_requests_total{operation="Op200",code="OK"}')).toBeUndefined();
    expect(sample(text, 'trailgate_graphql_requests_total{operation="other",code="OK"}')).toBe(3);
  });

  it.each([
    ['open', 200, 200],
    ['auth', 401, 200],
    ['off', 401, 404],
  ] as const)('TRAILGATE_METRICS=%s: /metrics answers %i without credentials and %i with them', async (mode, anonymous, withKey) => {
    const server = await start(authenticated({ metrics: mode }));
    expect((await fetch(`${base(server)}/metrics`)).status).toBe(anonymous);
    expect((await fetch(`${base(server)}/metrics`, { headers: { 'x-test-principal': 'analyst' } })).status).toBe(withKey);
  });

  it('logs one line per GraphQL request with the request id, principal, operation, codes and cost, and no secret or variable value', async () => {
    const lines: string[] = [];
    const logger = createLogger('info', { write: (s: string) => void lines.push(s) });
    const server = await start(authenticated(), {}, logger);
    const secretFilter = 'NOT-TO-BE-LOGGED-7f3a';
    const res = await post(
      server.url,
      { query: `query Named($range: TimeRange!, $k: String) { events(filter: { range: $range, userAgentContains: $k }) { nodes { eventId } } }`, variables: { range: DAY, k: secretFilter } },
      { 'x-test-principal': 'analyst', authorization: 'Bearer tg_SECRETKEY_never_logged' },
    );
    expect(res.status).toBe(200);
    const entries = lines.map((l) => JSON.parse(l));
    const line = entries.find((e) => e.msg === 'graphql request');
    expect(line).toEqual(
      expect.objectContaining({
        requestId: res.json.extensions.trailgate.requestId,
        principal: 'analyst-7',
        operation: 'Named',
        codes: [],
        queries: 1,
        bytesScanned: res.json.extensions.trailgate.queries[0].bytesScanned,
        engineMs: expect.any(Number),
        durationMs: expect.any(Number),
        cacheHits: 0,
      }),
    );
    expect(lines.join('')).not.toContain(secretFilter);
    expect(lines.join('')).not.toContain('SECRETKEY');
    expect(lines.join('')).not.toContain('2018-11-28T00:00:00Z');
  });
});

describe('TRAILGATE_METRICS', () => {
  it('is open by default, auth or off when set, and anything else stops the start', () => {
    expect(metricsAccessFromEnv({})).toBe('open');
    expect(metricsAccessFromEnv({ TRAILGATE_METRICS: 'AUTH' })).toBe('auth');
    expect(metricsAccessFromEnv({ TRAILGATE_METRICS: 'off' })).toBe('off');
    expect(() => metricsAccessFromEnv({ TRAILGATE_METRICS: 'public' })).toThrow(/TRAILGATE_METRICS must be open, auth or off/);
  });
});

describe('graceful shutdown', () => {
  /** Delays every engine run, and says when one has started. */
  class SlowEngine implements Engine {
    readonly name: string;
    started!: Promise<void>;
    private markStarted!: () => void;
    constructor(
      private readonly inner: Engine,
      private readonly ms: number,
    ) {
      this.name = inner.name;
      this.started = new Promise((resolve) => (this.markStarted = resolve));
    }
    async run(query: Query, opts: RunOptions): Promise<EngineResult> {
      this.markStarted();
      await new Promise((resolve) => setTimeout(resolve, this.ms));
      return this.inner.run(query, opts);
    }
    explain = (q: Query) => this.inner.explain(q);
    lakeInfo = (s: Parameters<Engine['lakeInfo']>[0]) => this.inner.lakeInfo(s);
    close = () => this.inner.close();
  }

  it('lets a request in flight finish, then refuses new connections', async () => {
    const c = config({ TRAILGATE_CACHE: 'off' });
    const logger = silentLogger();
    const engine = new SlowEngine(await openEngine(c, REAL, logger), 700);
    const server = await startHttpServer(c, engine, logger);
    const answer = post(server.url, { query: TOTALS, variables: { range: DAY } });
    await engine.started;
    let closed = false;
    const closing = server.close().then(() => (closed = true));
    const res = await answer;
    expect(res.status).toBe(200);
    expect(res.json.data.eventStats.totalEvents).toBe(37);
    await closing;
    expect(closed).toBe(true);
    await expect(fetch(`${base(server)}/healthz`)).rejects.toThrow();
  });

  it('past the grace period cancels a running Athena query: StopQueryExecution is sent and the client gets QUERY_TIMEOUT', async () => {
    const fake = new FakeAthena([{ statuses: [running] }]);
    try {
      const realTime = { now: () => new Date(), sleep: (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, Math.min(ms, 20))), waits: [], advance: () => {} };
      const engine = athenaEngine(realTime, { queryTimeoutMs: 60_000 });
      const c = config();
      const server = await startHttpServer(c, engine, silentLogger(), { manifest: null, shutdownGraceMs: 300 });
      const answer = post(server.url, {
        query: `{ eventStats(filter: { range: { from: "2024-03-01T00:00:00Z", to: "2024-03-02T00:00:00Z" }, accounts: ["111122223333"] }, groupBy: []) { totalEvents } }`,
      });
      while (fake.started.length === 0) await new Promise((resolve) => setTimeout(resolve, 10));
      const closing = server.close();
      const res = await answer;
      expect(res.json.errors[0].extensions.code).toBe('QUERY_TIMEOUT');
      expect(fake.stopped).toEqual(['q-1']);
      await closing;
    } finally {
      fake.restore();
    }
  });
});

describe('readiness on Athena', () => {
  const TABLE: Table = { ...tableInput('single', { ...EXAMPLE_PARAMS, accounts: ['111122223333'] }), Name: 'cloudtrail_logs', DatabaseName: 'cloudtrail' } as Table;
  const glue = mockClient(GlueClient);
  afterAll(() => glue.restore());

  it('turns not ready while the Glue table refresh fails, and ready again once it works, naming no AWS detail', async () => {
    let refusing = false;
    glue.on(GetTableCommand).callsFake(() => {
      if (refusing) throw Object.assign(new Error('User: arn:aws:iam::999988887777:role/x is not authorized to perform: glue:GetTable'), { name: 'AccessDeniedException' });
      return { Table: TABLE };
    });
    const c = loadConfig(
      { engine: 'athena', port: 0, host: '127.0.0.1' },
      { ATHENA_WORKGROUP: 'primary', ATHENA_DATABASE: 'cloudtrail', ATHENA_TABLE: 'cloudtrail_logs', AWS_REGION: 'us-east-1', TRAILGATE_GLUE_REFRESH_MS: '30' },
    );
    const logger = silentLogger();
    const server = await startHttpServer(c, await openAthenaEngine(c, logger), logger, { manifest: null });
    try {
      const readyz = async () => {
        const res = await fetch(`${base(server)}/readyz`);
        return { status: res.status, text: await res.text() };
      };
      expect((await readyz()).status).toBe(200);
      refusing = true;
      await new Promise((resolve) => setTimeout(resolve, 150));
      const down = await readyz();
      expect(down.status).toBe(503);
      expect(JSON.parse(down.text).checks).toContainEqual({ name: 'glue', ok: false, detail: 'the last Glue table refresh failed (see the log)' });
      expect(down.text).not.toMatch(/999988887777|AccessDenied|arn:/);
      refusing = false;
      await new Promise((resolve) => setTimeout(resolve, 150));
      expect((await readyz()).status).toBe(200);
    } finally {
      await server.close();
    }
  });
});
