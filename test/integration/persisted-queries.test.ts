import { createHash } from 'node:crypto';
import path from 'node:path';
import pino from 'pino';
import { loadConfig } from '../../src/config/config';
import { openEngine } from '../../src/server/gateway';
import { startHttpServer, type HttpServer } from '../../src/server/http-server';
import { PersistedCatalog, PersistedCatalogError } from '../../src/persisted/persisted-catalog';
import { defaultManifestPath } from '../../src/persisted/default-manifest-path';
import { buildManifest, readBaselineFiles } from '../../src/persisted/manifest';
import { fixtureOperations, removeFixtureManifest, writeFixtureManifest, type FixtureOperation } from '../fixtures/persisted/fixture-manifest';
import { headerAuthenticator, partner } from '../support/test-authenticator';

const REAL = path.resolve(__dirname, '../../../shared/data/cloudtrail/flaws2-cloud');
const ACCOUNT = '653711331788';
const FROM = '2018-11-28T00:00:00Z';
const TO = '2018-11-29T00:00:00Z';
const RANGE = { from: FROM, to: TO };
const logger = pino({ level: 'silent' });
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
/** A persisted-only principal (test/support/test-authenticator.ts). */
const PARTNER = { 'x-test-principal': 'partner' };
/** Apollo's CSRF prevention wants this on GETs to /graphql (not on /baselines). */
const PREFLIGHT = { 'apollo-require-preflight': 'true' };

type Answer = { status: number; json: any };

async function post(url: string, body: unknown, headers: Record<string, string> = {}): Promise<Answer> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body), signal: AbortSignal.timeout(30_000) });
  return { status: res.status, json: await res.json() };
}

async function get(url: string, headers: Record<string, string> = {}): Promise<Answer> {
  const res = await fetch(url, { headers, signal: AbortSignal.timeout(30_000) });
  return { status: res.status, json: await res.json() };
}

const apq = (sha256Hash: string) => ({ persistedQuery: { version: 1, sha256Hash } });

function expectRefused({ status, json }: Answer, code: string, httpStatus: number) {
  expect(status).toBe(httpStatus);
  expect(json.data).toBeUndefined();
  expect(json.errors).toHaveLength(1);
  expect(json.errors[0].extensions.code).toBe(code);
  expect(json.extensions?.trailgate?.queries ?? []).toEqual([]); // nothing ran
}

describe('persisted operations over HTTP', () => {
  let server: HttpServer;
  let ops: Record<string, FixtureOperation>;
  let base: string;
  let manifest: string;

  beforeAll(async () => {
    ops = Object.fromEntries((await fixtureOperations()).map((op) => [op.name, op]));
    manifest = await writeFixtureManifest();
    const config = loadConfig({ lake: REAL, port: 0, host: '127.0.0.1' }, { TRAILGATE_DUCKDB_THREADS: '1' });
    server = await startHttpServer(config, await openEngine(config, REAL, logger), logger, {
      manifest,
      authenticator: headerAuthenticator({ partner: partner('partner', '*') }),
    });
    base = server.url.replace(/\/graphql$/, '');
  });
  afterAll(async () => {
    await server?.close();
    await removeFixtureManifest(manifest);
  });

  /** The same document sent as a plain query: what every persisted run must equal. */
  const plain = async (name: string, variables: Record<string, unknown>) => {
    const { status, json } = await post(server.url, { query: ops[name].body, variables });
    expect(status).toBe(200);
    expect(json.errors).toBeUndefined();
    return json.data;
  };

  it('loads the catalogue with its ids, descriptions and typed variables', () => {
    expect(server.catalog.size).toBe(3);
    const totals = server.catalog.byName('EventTotals')!;
    expect(totals.id).toBe(sha256(ops.EventTotals.body));
    expect(server.catalog.byId(totals.id)).toBe(totals);
    expect(totals.description).toBe('EventTotals: events per event source in the range.\n\nA test fixture: a small eventStats question over the flaws2 set.');
  });

  describe('by Apollo APQ hash (extensions.persistedQuery.sha256Hash)', () => {
    it('runs the catalogue document for a hash alone, with the answer of the plain query', async () => {
      const variables = { range: RANGE, accounts: [ACCOUNT] };
      const { status, json } = await post(server.url, { variables, extensions: apq(ops.EventTotals.id) });
      expect(status).toBe(200);
      expect(json.errors).toBeUndefined();
      expect(json.data.eventStats.totalEvents).toBe(37);
      expect(json.data).toEqual(await plain('EventTotals', variables));
      expect(json.extensions.trailgate).toEqual(expect.objectContaining({ engine: 'duckdb', requestId: expect.any(String) }));
      expect(json.extensions.trailgate.queries.length).toBeGreaterThan(0);
    });

    it('runs it over GET as well (extensions and variables as JSON parameters)', async () => {
      const variables = { range: RANGE, first: 2 };
      const qs = new URLSearchParams({ variables: JSON.stringify(variables), extensions: JSON.stringify(apq(ops.RecentEvents.id)) });
      const { status, json } = await get(`${server.url}?${qs}`, PREFLIGHT);
      expect(status).toBe(200);
      expect(json.data.events.nodes).toHaveLength(2);
      expect(json.data).toEqual(await plain('RecentEvents', variables));
    });

    it('answers an unknown hash with 404 PERSISTED_QUERY_NOT_FOUND (Apollo alone would say 200)', async () => {
      const unknown = sha256('query Nope { lake { engine } }');
      const answer = await post(server.url, { extensions: apq(unknown) });
      expectRefused(answer, 'PERSISTED_QUERY_NOT_FOUND', 404);
      expect(answer.json.errors[0].message).toBe('PersistedQueryNotFound'); // what APQ clients match
      const asGraphQLResponse = await post(server.url, { extensions: apq(unknown) }, { accept: 'application/graphql-response+json' });
      expectRefused(asGraphQLResponse, 'PERSISTED_QUERY_NOT_FOUND', 404);
      const viaGet = await get(`${server.url}?${new URLSearchParams({ extensions: JSON.stringify(apq(unknown)) })}`, PREFLIGHT);
      expectRefused(viaGet, 'PERSISTED_QUERY_NOT_FOUND', 404);
    });

    it('keeps APQ registration for a full principal: hash + query registers, then the hash alone runs', async () => {
      const query = '{ lake { engine accounts } }';
      const hash = sha256(query);
      expectRefused(await post(server.url, { extensions: apq(hash) }), 'PERSISTED_QUERY_NOT_FOUND', 404);
      const registered = await post(server.url, { query, extensions: apq(hash) });
      expect(registered.status).toBe(200);
      expect(registered.json.data.lake).toEqual({ engine: 'duckdb', accounts: [ACCOUNT] });
      const byHash = await post(server.url, { extensions: apq(hash) });
      expect(byHash.status).toBe(200);
      expect(byHash.json.data).toEqual(registered.json.data);
    });

    it('refuses a hash that does not match the query as a client fault (400), not an internal error', async () => {
      const { status, json } = await post(server.url, { query: '{ lake { engine } }', extensions: apq(sha256('something else')) });
      expect(status).toBe(400);
      expect(json.errors[0].extensions.code).toBe('BAD_USER_INPUT');
      expect(json.errors[0].message).toMatch(/sha does not match/);
    });
  });

  describe('by GraphQL-over-HTTP documentId', () => {
    it('runs "sha256:<hex>" and bare "<hex>" identifiers from a POST body', async () => {
      const variables = { range: RANGE, accounts: [ACCOUNT], first: 3 };
      const expected = await plain('EventTotals', variables);
      for (const documentId of [`sha256:${ops.EventTotals.id}`, ops.EventTotals.id]) {
        const { status, json } = await post(server.url, { documentId, variables });
        expect(status).toBe(200);
        expect(json.errors).toBeUndefined();
        expect(json.data).toEqual(expected);
        expect(json.extensions.trailgate.engine).toBe('duckdb');
      }
    });

    it('runs a GET ?documentId=…&variables=…', async () => {
      const variables = { range: RANGE, hasError: true, first: 50 };
      const qs = new URLSearchParams({ documentId: `sha256:${ops.RecentEvents.id}`, variables: JSON.stringify(variables) });
      const { status, json } = await get(`${server.url}?${qs}`, PREFLIGHT);
      expect(status).toBe(200);
      expect(json.data).toEqual(await plain('RecentEvents', variables));
      expect(json.data.events.nodes.length).toBeGreaterThan(0);
      for (const e of json.data.events.nodes) expect(e.errorCode).not.toBeNull();
    });

    it('answers an unknown identifier with 404 PERSISTED_QUERY_NOT_FOUND, by POST and by GET', async () => {
      for (const documentId of [`sha256:${'0'.repeat(64)}`, 'x-vendor:whatever', 'EventTotals']) {
        expectRefused(await post(server.url, { documentId, variables: { range: RANGE } }), 'PERSISTED_QUERY_NOT_FOUND', 404);
        expectRefused(await get(`${server.url}?${new URLSearchParams({ documentId })}`, PREFLIGHT), 'PERSISTED_QUERY_NOT_FOUND', 404);
      }
    });

    it('validates the variables like any input: a bad account is BAD_USER_INPUT before any engine query', async () => {
      const { json } = await post(server.url, { documentId: `sha256:${ops.EventTotals.id}`, variables: { range: RANGE, accounts: ['not-an-account'] } });
      expect(json.errors[0].extensions.code).toBe('BAD_USER_INPUT');
      expect(json.extensions.trailgate.queries).toEqual([]);
      const missing = await post(server.url, { documentId: `sha256:${ops.EventTotals.id}`, variables: {} });
      expect(missing.status).toBe(400); // $range is required: variable coercion fails
      expect(missing.json.errors[0].extensions.code).toBe('BAD_USER_INPUT');
    });
  });

  describe('by name at /baselines', () => {
    it('lists the catalogue: name, id, description and variables with types and defaults', async () => {
      const { status, json } = await get(`${base}/baselines`);
      expect(status).toBe(200);
      expect(json.map((b: { name: string }) => b.name)).toEqual(['EventTotals', 'NewPrincipals', 'RecentEvents']);
      const totals = json.find((b: { name: string }) => b.name === 'EventTotals');
      expect(totals).toEqual({
        name: 'EventTotals',
        id: ops.EventTotals.id,
        description: 'EventTotals: events per event source in the range.\n\nA test fixture: a small eventStats question over the flaws2 set.',
        variables: [
          { name: 'range', type: 'TimeRange!', defaultValue: null },
          { name: 'accounts', type: '[String!]', defaultValue: null },
          { name: 'first', type: 'Int', defaultValue: 10 },
        ],
      });
      const principals = json.find((b: { name: string }) => b.name === 'NewPrincipals');
      expect(principals.variables).toContainEqual({ name: 'interval', type: 'TimeBucket', defaultValue: 'HOUR' });
    });

    it('runs GET /baselines/<Name>?from&to&accounts with range, list and Int parameters typed', async () => {
      const { status, json } = await get(`${base}/baselines/EventTotals?from=${FROM}&to=${TO}&accounts=${ACCOUNT},999999999999&first=2`);
      expect(status).toBe(200);
      expect(json.errors).toBeUndefined();
      expect(json.data.eventStats.totalEvents).toBe(37);
      expect(json.data.eventStats.rows).toHaveLength(2);
      expect(json.data).toEqual(await plain('EventTotals', { range: RANGE, accounts: [ACCOUNT, '999999999999'], first: 2 }));
      expect(json.extensions.trailgate).toEqual(expect.objectContaining({ engine: 'duckdb', requestId: expect.any(String) }));
      expect(json.extensions.trailgate.queries.length).toBeGreaterThan(0);
    });

    it('types Boolean, repeated list, DateTime and enum parameters', async () => {
      const failed = await get(`${base}/baselines/RecentEvents?from=${FROM}&to=${TO}&hasError=true&eventNames=ListBuckets&eventNames=GetObject&first=50`);
      expect(failed.status).toBe(200);
      expect(failed.json.data).toEqual(await plain('RecentEvents', { range: RANGE, hasError: true, eventNames: ['ListBuckets', 'GetObject'], first: 50 }));
      const since = '2018-11-28T12:00:00Z';
      const fresh = await get(`${base}/baselines/NewPrincipals?from=${FROM}&to=${TO}&since=${since}&interval=DAY`);
      expect(fresh.status).toBe(200);
      expect(fresh.json.errors).toBeUndefined();
      expect(fresh.json.data).toEqual(await plain('NewPrincipals', { range: RANGE, since, interval: 'DAY' }));
    });

    it('validates parameters like any input: bad values are BAD_USER_INPUT, unknown parameters are refused', async () => {
      const badAccount = await get(`${base}/baselines/EventTotals?from=${FROM}&to=${TO}&accounts=abc`);
      expect(badAccount.json.errors[0].extensions.code).toBe('BAD_USER_INPUT');
      expect(badAccount.json.extensions.trailgate.queries).toEqual([]);
      const badInt = await get(`${base}/baselines/EventTotals?from=${FROM}&to=${TO}&first=lots`);
      expect(badInt.status).toBe(400);
      expect(badInt.json.errors[0].extensions.code).toBe('BAD_USER_INPUT');
      const badRange = await get(`${base}/baselines/EventTotals?from=${TO}&to=${FROM}`);
      expect(badRange.json.errors[0].extensions.code).toBe('BAD_USER_INPUT');
      const noRange = await get(`${base}/baselines/EventTotals?accounts=${ACCOUNT}`);
      expect(noRange.status).toBe(400);
      expect(noRange.json.errors[0].extensions.code).toBe('BAD_USER_INPUT');
      const typo = await get(`${base}/baselines/EventTotals?from=${FROM}&to=${TO}&acounts=${ACCOUNT}`);
      expectRefused(typo, 'BAD_USER_INPUT', 400);
      expect(typo.json.errors[0].message).toMatch(/no parameter "acounts".*from, to, accounts, first/);
    });

    it('answers an unknown name with 404 PERSISTED_QUERY_NOT_FOUND in a GraphQL-shaped body', async () => {
      const answer = await get(`${base}/baselines/NoSuchBaseline?from=${FROM}&to=${TO}`);
      expectRefused(answer, 'PERSISTED_QUERY_NOT_FOUND', 404);
      expect(answer.json.errors[0].message).toMatch(/NoSuchBaseline/);
      expect(answer.json.extensions.trailgate).toEqual({ requestId: expect.any(String), engine: 'duckdb', queries: [] });
    });
  });

  describe('for a persisted-only principal', () => {
    it('refuses a free-form query with 403 PERSISTED_QUERY_REQUIRED before parsing or running it', async () => {
      const query = `{ eventStats(filter: { range: { from: "${FROM}", to: "${TO}" } }, groupBy: []) { totalEvents } }`;
      expectRefused(await post(server.url, { query }, PARTNER), 'PERSISTED_QUERY_REQUIRED', 403);
      expectRefused(await get(`${server.url}?${new URLSearchParams({ query })}`, { ...PREFLIGHT, ...PARTNER }), 'PERSISTED_QUERY_REQUIRED', 403);
      // Not even parsed or validated: no syntax error, no schema hints.
      expectRefused(await post(server.url, { query: '{ evnts {' }, PARTNER), 'PERSISTED_QUERY_REQUIRED', 403);
      // The same document from a full principal runs.
      expect((await post(server.url, { query })).json.data.eventStats.totalEvents).toBe(37);
    });

    it('refuses APQ registration, and never runs what someone else registered', async () => {
      const query = '{ lake { engine regions } }';
      const hash = sha256(query);
      expectRefused(await post(server.url, { query, extensions: apq(hash) }, PARTNER), 'PERSISTED_QUERY_REQUIRED', 403);
      expect((await post(server.url, { query, extensions: apq(hash) })).status).toBe(200); // a full principal registers it
      expect((await post(server.url, { extensions: apq(hash) })).status).toBe(200);
      expectRefused(await post(server.url, { extensions: apq(hash) }, PARTNER), 'PERSISTED_QUERY_NOT_FOUND', 404);
      expectRefused(await post(server.url, { documentId: `sha256:${hash}` }, PARTNER), 'PERSISTED_QUERY_NOT_FOUND', 404);
    });

    it('still runs catalogue operations by hash, documentId, name, and by their exact text', async () => {
      const variables = { range: RANGE, accounts: [ACCOUNT] };
      const expected = await plain('EventTotals', variables);
      const answers = [
        await post(server.url, { variables, extensions: apq(ops.EventTotals.id) }, PARTNER),
        await post(server.url, { documentId: `sha256:${ops.EventTotals.id}`, variables }, PARTNER),
        await get(`${server.url}?${new URLSearchParams({ documentId: ops.EventTotals.id, variables: JSON.stringify(variables) })}`, { ...PREFLIGHT, ...PARTNER }),
        await get(`${base}/baselines/EventTotals?from=${FROM}&to=${TO}&accounts=${ACCOUNT}`, PARTNER),
        await post(server.url, { query: ops.EventTotals.body, variables }, PARTNER),
        await post(server.url, { query: ops.EventTotals.body, variables, extensions: apq(ops.EventTotals.id) }, PARTNER),
      ];
      for (const { status, json } of answers) {
        expect(status).toBe(200);
        expect(json.errors).toBeUndefined();
        expect(json.data).toEqual(expected);
      }
    });

    it('validates catalogue variables for them too', async () => {
      const { json } = await post(server.url, { documentId: ops.EventTotals.id, variables: { range: RANGE, accounts: ['x'] } }, PARTNER);
      expect(json.errors[0].extensions.code).toBe('BAD_USER_INPUT');
      expect(json.extensions.trailgate.queries).toEqual([]);
    });
  });
});

describe('the persisted catalogue at load', () => {
  it('refuses an entry whose id is not the SHA-256 of its body, naming the operation', async () => {
    const ops = await fixtureOperations();
    const tampered = ops.map((op) => (op.name === 'RecentEvents' ? { ...op, body: op.body.replace('first: Int = 5', 'first: Int = 500') } : op));
    expect(() => PersistedCatalog.fromManifest({ format: 'apollo-persisted-query-manifest', version: 1, operations: tampered })).toThrow(
      /persisted operation "RecentEvents": id [0-9a-f]{64} is not the SHA-256 of its body/,
    );
  });

  it('stops the server from starting on such a manifest', async () => {
    const manifest = await writeFixtureManifest((ops) => ops.map((op) => (op.name === 'EventTotals' ? { ...op, id: sha256('something else') } : op)));
    const config = loadConfig({ lake: REAL, port: 0, host: '127.0.0.1' }, {});
    const engine = await openEngine(config, REAL, logger);
    try {
      await expect(startHttpServer(config, engine, logger, { manifest })).rejects.toThrow(/"EventTotals": id .* is not the SHA-256 of its body/);
    } finally {
      await engine.close();
      await removeFixtureManifest(manifest);
    }
  });

  it('refuses bodies that do not parse, duplicate names, non-queries and a foreign format', async () => {
    const [op] = await fixtureOperations();
    const manifest = (operations: unknown[]) => ({ format: 'apollo-persisted-query-manifest', version: 1, operations });
    const broken = '# Broken\nquery Broken { lake {';
    expect(() => PersistedCatalog.fromManifest(manifest([{ id: sha256(broken), name: 'Broken', type: 'query', body: broken }]))).toThrow(/"Broken" does not parse/);
    expect(() => PersistedCatalog.fromManifest(manifest([op, { ...op }]))).toThrow(PersistedCatalogError);
    expect(() => PersistedCatalog.fromManifest(manifest([{ ...op, type: 'mutation' }]))).toThrow(/queries only/);
    const misnamed = op.body.replace(`query ${op.name}`, 'query Other');
    expect(() => PersistedCatalog.fromManifest(manifest([{ ...op, id: sha256(misnamed), body: misnamed }]))).toThrow(/must be a query named/);
    expect(() => PersistedCatalog.fromManifest({ operations: [op] })).toThrow(/not an Apollo persisted-query manifest/);
  });

  it('accepts the manifest the committed baselines generate (the contract with src/persisted/manifest.ts)', () => {
    const files = readBaselineFiles();
    const catalog = PersistedCatalog.fromManifest(buildManifest(files));
    expect(catalog.list().map((op) => op.name)).toEqual(files.map((f) => f.name).sort());
  });

  it('refuses a manifest path that does not exist, and finds the repository default from src/ and dist/', async () => {
    await expect(PersistedCatalog.load('/nonexistent/manifest.json')).rejects.toThrow(PersistedCatalogError);
    const repo = path.resolve(__dirname, '../..');
    const expected = path.join(repo, 'schema', 'persisted', 'manifest.json');
    expect(defaultManifestPath(path.join(repo, 'src', 'persisted'))).toBe(expected);
    expect(defaultManifestPath(path.join(repo, 'dist', 'src', 'persisted'))).toBe(expected);
  });
});
