import path from 'node:path';
import pino from 'pino';
import { loadConfig } from '../../src/config/config';
import type { Engine } from '../../src/engines/engine';
import { openEngine } from '../../src/server/gateway';
import { startHttpServer, type HttpServer } from '../../src/server/http-server';

const REAL = path.resolve(__dirname, '../../../shared/data/cloudtrail/flaws2-cloud');
const logger = pino({ level: 'silent' });

async function post(url: string, body: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  return { status: res.status, json: (await res.json()) as any };
}

describe('GraphQL over HTTP', () => {
  let server: HttpServer;

  beforeAll(async () => {
    const config = loadConfig({ lake: REAL, port: 0, host: '127.0.0.1' }, { TRAILGATE_DUCKDB_THREADS: '1' });
    server = await startHttpServer(config, await openEngine(config, REAL, logger), logger);
  });
  afterAll(() => server.close());

  it('answers POST /graphql with data and the cost facts of every engine query', async () => {
    const query = `{ eventStats(filter: { range: { from: "2018-11-28T00:00:00Z", to: "2018-11-29T00:00:00Z" } }, groupBy: []) { totalEvents } }`;
    const { status, json } = await post(server.url, { query });
    expect(status).toBe(200);
    expect(json.data.eventStats.totalEvents).toBe(37);
    const t = json.extensions.trailgate;
    expect(t.engine).toBe('duckdb');
    expect(t.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(t.queries).toHaveLength(1);
    expect(t.queries[0]).toEqual(expect.objectContaining({ cache: 'miss', filesRead: expect.any(Number), bytesScanned: expect.any(Number), engineMs: expect.any(Number) }));
    expect(t.queries[0].filesRead).toBeGreaterThan(0);
  });

  it('refuses batched requests and GET mutations-by-CSRF the way Apollo is configured', async () => {
    const batch = await post(server.url, [{ query: '{ lake { engine } }' }, { query: '{ lake { engine } }' }]);
    expect(batch.status).toBe(400);
    const csrf = await fetch(`${server.url}?query=${encodeURIComponent('{ lake { engine } }')}`);
    expect(csrf.status).toBe(400); // no content-type / apollo-require-preflight header
    const ok = await fetch(`${server.url}?query=${encodeURIComponent('{ lake { engine } }')}`, { headers: { 'apollo-require-preflight': 'true' } });
    expect(ok.status).toBe(200);
  });

  it('reports a bad input as BAD_USER_INPUT without running anything', async () => {
    const query = `{ events(filter: { range: { from: "2018-11-29T00:00:00Z", to: "2018-11-28T00:00:00Z" } }) { nodes { eventId } } }`;
    const { json } = await post(server.url, { query });
    expect(json.errors[0].extensions.code).toBe('BAD_USER_INPUT');
    expect(json.extensions.trailgate.queries).toEqual([]);
  });

  it('explains instead of running when the request carries extensions.explain', async () => {
    const query = `{ eventStats(filter: { range: { from: "2018-11-28T00:00:00Z", to: "2018-11-29T00:00:00Z" }, eventNames: ["ListBuckets"] }, groupBy: [{ dimension: USER_AGENT }]) { totalEvents } }`;
    const { json } = await post(server.url, { query, extensions: { explain: true } });
    const t = json.extensions.trailgate;
    expect(t.queries).toEqual([]); // nothing ran
    expect(t.explain).toHaveLength(1);
    const [q] = t.explain;
    expect(q.engine).toBe('duckdb');
    expect(q.sql).toMatch(/^WITH ev AS \(/);
    expect(q.partitions).toEqual(['653711331788/us-east-1/2018-11-28']);
    expect(q.parameters[0]).toEqual({ type: 'VARCHAR[]', value: `<the ${q.files} log files of the partitions listed>` });
    expect(q.parameters).toContainEqual({ type: 'VARCHAR', value: 'ListBuckets' });
    expect(JSON.stringify(t.explain)).not.toContain('/work/'); // file paths stay on the server
    expect(json.data.eventStats.totalEvents).toBe(0);
  });

  it('serves /healthz', async () => {
    const res = await fetch(server.url.replace('/graphql', '/healthz'));
    expect(await res.json()).toEqual({ status: 'ok' });
  });

  it.each([
    ['a body over 1 MiB', 413, { 'content-type': 'application/json' }, JSON.stringify({ query: `{ __typename } #${'x'.repeat(1_100_000)}` }), /larger than 1024 KiB/],
    ['malformed JSON', 400, { 'content-type': 'application/json' }, '{"query": "{ __typename }"', /could not be read/],
    ['an unsupported content type', 415, { 'content-type': 'application/x-www-form-urlencoded' }, 'query=x', /Unsupported content type/],
  ])('refuses %s with a GraphQL-shaped client error, nothing internal', async (_what, status, headers, body, message) => {
    const res = await fetch(server.url, { method: 'POST', headers, body });
    const json = (await res.json()) as any;
    expect(res.status).toBe(status);
    expect(json.errors).toHaveLength(1);
    expect(json.errors[0].extensions.code).toBe('BAD_USER_INPUT');
    expect(json.errors[0].message).toMatch(message);
    expect(JSON.stringify(json)).not.toMatch(/FST_|Unexpected token|at .*\.js/);
  });
});

describe('an engine failure', () => {
  let server: HttpServer;
  const secret = "SELECT * FROM read_json('/srv/bucket-name/AWSLogs/x.json.gz')";

  beforeAll(async () => {
    const failing: Engine = {
      name: 'duckdb',
      run: async () => {
        throw new Error(`IO Error: ${secret}`);
      },
      explain: async () => {
        throw new Error('unused');
      },
      lakeInfo: async () => {
        throw new Error(`census failed at /srv/bucket-name/AWSLogs`);
      },
      close: async () => undefined,
    };
    const config = loadConfig({ lake: REAL, port: 0 }, {});
    server = await startHttpServer(config, failing, logger);
  });
  afterAll(() => server.close());

  it('is masked as INTERNAL_SERVER_ERROR with a request id and no SQL, paths or stack', async () => {
    for (const query of [
      `{ events(filter: { range: { from: "2018-11-28T00:00:00Z", to: "2018-11-29T00:00:00Z" } }) { nodes { eventId } } }`,
      `{ lake { files } }`,
    ]) {
      const { json } = await post(server.url, { query });
      const text = JSON.stringify(json.errors);
      expect(json.errors[0].extensions.code).toBe('INTERNAL_SERVER_ERROR');
      expect(json.errors[0].extensions.requestId).toBe(json.extensions.trailgate.requestId);
      for (const leak of ['SELECT', 'read_json', '/srv/', 'bucket-name', 'AWSLogs', 'at ', 'stacktrace']) expect(text).not.toContain(leak);
    }
  });
});
