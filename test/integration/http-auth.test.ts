import { writeFileSync } from 'node:fs';
import { createAuthenticator, type Authenticator } from '../../src/auth/authenticator';
import { mintApiKey } from '../../src/auth/api-key';
import { loadConfig } from '../../src/config/config';
import type { Engine } from '../../src/engines/engine';
import { openEngine } from '../../src/server/gateway';
import { startHttpServer, type HttpServer } from '../../src/server/http-server';
import { removeFixtureManifest, writeFixtureManifest } from '../fixtures/persisted/fixture-manifest';
import { silentLogger } from '../support/gateway-harness';
import { REAL_DATA_DIR, filterEvents, loadReferenceLake, type RefEvent } from '../support/reference-lake';
import { SignJWT } from 'jose';
import { b64url, nowSeconds, rsaKeys, signRs256, tempDir } from '../unit/auth/auth-test-kit';

/**
 * The gateway behind real authentication (src/auth over a config file): who gets in, as whom,
 * how often, and what each principal may run. The credential checks themselves (every JWT
 * refusal, key hashing, reloads) have unit tests in test/unit/auth.
 */
const ref = loadReferenceLake(REAL_DATA_DIR);
const RANGE = { from: '2000-01-01T00:00:00Z', to: '2090-01-01T00:00:00Z' };
const byAccount = new Map<string, RefEvent[]>();
for (const e of ref.served) byAccount.set(e.account, [...(byAccount.get(e.account) ?? []), e]);
const [OWN, FOREIGN] = [...byAccount.keys()].sort((a, b) => byAccount.get(b)!.length - byAccount.get(a)!.length);

const secops = mintApiKey();
const partner = mintApiKey();
const limited = mintApiKey();
const revoked = mintApiKey();
const jwtKeys = rsaKeys('k1');

const principals = {
  secops: { accounts: '*', mode: 'full', introspection: true },
  partner: { accounts: [OWN], mode: 'persisted-only', operations: ['EventTotals'], maxRangeDays: 36500 },
  limited: { accounts: '*', mode: 'full', rateLimit: { requests: 3, perSeconds: 60 } },
  analyst: { accounts: [OWN], mode: 'full', introspection: false },
};
const keyEntry = (k: ReturnType<typeof mintApiKey>, principal: string) => ({ id: k.id, hash: k.hash, principal });
const configWith = (keys: Array<ReturnType<typeof keyEntry>>) => ({
  principals,
  apiKeys: keys,
  jwt: {
    issuer: 'https://idp.test/',
    audience: 'trailgate',
    jwks: { keys: [jwtKeys.publicJwk] },
    algorithms: ['RS256'],
    requiredClaims: ['sub'],
    principals: [{ when: { team: 'analysts' }, principal: 'analyst' }],
  },
});

type Answer = { status: number; headers: Headers; json: any };
async function post(url: string, body: unknown, headers: Record<string, string> = {}): Promise<Answer> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body), signal: AbortSignal.timeout(30_000) });
  return { status: res.status, headers: res.headers, json: await res.json() };
}
async function get(url: string, headers: Record<string, string> = {}): Promise<Answer> {
  const res = await fetch(url, { headers, signal: AbortSignal.timeout(30_000) });
  return { status: res.status, headers: res.headers, json: await res.json() };
}
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const STATS = 'query($f: EventFilter!) { eventStats(filter: $f, groupBy: [{ dimension: ACCOUNT }], first: 1000) { totalEvents rows { keys count } } }';

describe('the gateway behind API keys and JWTs', () => {
  const dir = tempDir();
  let file: string;
  let auth: Authenticator;
  let server: HttpServer;
  let engine: Engine;
  let manifest: string;
  let base: string;

  beforeAll(async () => {
    file = dir.write('trailgate.config.json', configWith([keyEntry(secops, 'secops'), keyEntry(partner, 'partner'), keyEntry(limited, 'limited'), keyEntry(revoked, 'secops')]));
    auth = await createAuthenticator({ file, logger: silentLogger(), watch: false });
    manifest = await writeFixtureManifest();
    // authentication on: a non-loopback bind would be allowed; tests still listen on loopback
    const config = loadConfig({ lake: REAL_DATA_DIR, port: 0, host: '127.0.0.1' }, { TRAILGATE_DUCKDB_THREADS: '1', TRAILGATE_MAX_RANGE_DAYS: '36500' });
    engine = await openEngine(config, REAL_DATA_DIR, silentLogger());
    server = await startHttpServer(config, engine, silentLogger(), { manifest, authenticator: auth });
    base = server.url.replace(/\/graphql$/, '');
  });
  afterAll(async () => {
    await server?.close();
    auth?.close();
    await removeFixtureManifest(manifest);
    dir.cleanup();
  });

  /** Counts engine runs while `f` runs. */
  async function engineCalls(f: () => Promise<void>): Promise<number> {
    const spy = jest.spyOn(engine, 'run');
    try {
      await f();
      return spy.mock.calls.length;
    } finally {
      spy.mockRestore();
    }
  }

  it('refuses a request without credentials, or with a wrong one, with 401 and a Bearer challenge, running nothing', async () => {
    for (const headers of [{} as Record<string, string>, bearer('tg_0000000000_' + 'A'.repeat(43)), bearer(secops.key + 'x'), { 'x-api-key': 'nonsense' }, bearer('not.a.jwt')]) {
      let r!: Answer;
      const calls = await engineCalls(async () => {
        r = await post(server.url, { query: STATS, variables: { f: { range: RANGE } } }, headers);
      });
      expect({ status: r.status, code: r.json.errors?.[0]?.extensions?.code, data: r.json.data, calls }).toEqual({ status: 401, code: 'UNAUTHENTICATED', data: undefined, calls: 0 });
      expect(r.headers.get('www-authenticate')).toMatch(/^Bearer/);
    }
    // health stays open
    expect((await get(`${base}/healthz`)).status).toBe(200);
  });

  it('serves a valid API key (Authorization: Bearer or X-API-Key) as its principal', async () => {
    for (const headers of [bearer(secops.key), { 'x-api-key': secops.key }]) {
      const r = await post(server.url, { query: STATS, variables: { f: { range: RANGE } } }, headers);
      expect(r.status).toBe(200);
      expect(r.json.data.eventStats.totalEvents).toBe(filterEvents(ref, { range: RANGE }).length);
    }
  });

  it('serves a valid JWT as the principal its claims map to (scoped), and refuses a wrong audience', async () => {
    const token = await signRs256(jwtKeys, { iss: 'https://idp.test/', aud: 'trailgate', sub: 'ana', team: 'analysts' });
    const r = await post(server.url, { query: STATS, variables: { f: { range: RANGE } } }, bearer(token));
    expect(r.status).toBe(200);
    expect(r.json.data.eventStats.totalEvents).toBe(byAccount.get(OWN)!.length);
    expect(r.json.data.eventStats.rows.map((x: any) => x.keys[0])).toEqual([OWN]);
    const wrong = await signRs256(jwtKeys, { iss: 'https://idp.test/', aud: 'someone-else', sub: 'ana', team: 'analysts' });
    expect((await post(server.url, { query: STATS, variables: { f: { range: RANGE } } }, bearer(wrong))).status).toBe(401);
  });

  it('answers 401 to every bad token the issue lists, running nothing', async () => {
    const good = { iss: 'https://idp.test/', aud: 'trailgate', sub: 'ana', team: 'analysts' };
    const other = rsaKeys('k2');
    const bad: Array<[string, () => Promise<string>]> = [
      ['wrong aud', () => signRs256(jwtKeys, { ...good, aud: 'another' })],
      ['wrong iss', () => signRs256(jwtKeys, { ...good, iss: 'https://evil.test/' })],
      ['expired beyond the clock skew', () => signRs256(jwtKeys, { ...good, iat: nowSeconds() - 900, exp: nowSeconds() - 120 })],
      ['alg none', async () => `${b64url({ alg: 'none', typ: 'JWT' })}.${b64url({ ...good, iat: nowSeconds(), exp: nowSeconds() + 600 })}.`],
      ['HS256 signed with the public key', () => new SignJWT(good).setProtectedHeader({ alg: 'HS256', kid: 'k1' }).setIssuedAt().setExpirationTime('10m').sign(new TextEncoder().encode(jwtKeys.publicKeyPem))],
      ['unknown kid', () => signRs256(other, good, { kid: 'k2' })],
      ['missing required claims', () => signRs256(jwtKeys, { iss: good.iss, aud: good.aud, team: 'analysts' })],
    ];
    for (const [what, make] of bad) {
      const token = await make();
      let r!: Answer;
      const calls = await engineCalls(async () => {
        r = await post(server.url, { query: STATS, variables: { f: { range: RANGE } } }, bearer(token));
      });
      expect({ what, status: r.status, code: r.json.errors?.[0]?.extensions?.code, calls }).toEqual({ what, status: 401, code: 'UNAUTHENTICATED', calls: 0 });
    }
  });

  it('introspection follows the principal: on for secops, FORBIDDEN for the analyst (__typename still fine)', async () => {
    const q = { query: '{ __schema { queryType { name } } }' };
    expect((await post(server.url, q, bearer(secops.key))).json.data.__schema.queryType.name).toBe('Query');
    const token = await signRs256(jwtKeys, { iss: 'https://idp.test/', aud: 'trailgate', sub: 'ana', team: 'analysts' });
    const r = await post(server.url, q, bearer(token));
    expect(r.status).toBe(403);
    expect(r.json.errors[0].extensions.code).toBe('FORBIDDEN');
    expect(r.json.data).toBeUndefined();
    expect((await post(server.url, { query: '{ __typename }' }, bearer(token))).json.data).toEqual({ __typename: 'Query' });
  });

  it('explains only for full principals that may introspect: partners and the analyst get FORBIDDEN, nothing runs', async () => {
    const body = { query: STATS, variables: { f: { range: RANGE } }, extensions: { explain: true } };
    const ok = await post(server.url, body, bearer(secops.key));
    expect(ok.status).toBe(200);
    expect(ok.json.extensions.trailgate.explain.length).toBeGreaterThan(0);
    const token = await signRs256(jwtKeys, { iss: 'https://idp.test/', aud: 'trailgate', sub: 'ana', team: 'analysts' });
    for (const headers of [bearer(token), bearer(partner.key)]) {
      let r!: Answer;
      const calls = await engineCalls(async () => {
        r = await post(server.url, body, headers);
      });
      expect({ status: r.status, code: r.json.errors?.[0]?.extensions?.code, explain: r.json.extensions?.trailgate?.explain, calls }).toEqual({ status: 403, code: 'FORBIDDEN', explain: undefined, calls: 0 });
      expect(JSON.stringify(r.json)).not.toMatch(/SELECT|read_json|\/work\//);
    }
  });

  it('limits each principal to its rate: 429 RATE_LIMITED with Retry-After, others unaffected', async () => {
    const answers: Answer[] = [];
    for (let i = 0; i < 5; i++) answers.push(await post(server.url, { query: '{ __typename }' }, bearer(limited.key)));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 429, 429]);
    const refused = answers[3];
    expect(refused.json.errors[0].extensions.code).toBe('RATE_LIMITED');
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(Number(refused.headers.get('retry-after'))).toBeLessThanOrEqual(60);
    expect((await post(server.url, { query: '{ __typename }' }, bearer(secops.key))).status).toBe(200);
  });

  describe('a persisted-only partner scoped to one account', () => {
    const totals = (accounts?: string[]) => {
      const events = filterEvents(ref, { range: RANGE, accounts: accounts ?? [OWN] }).filter((e) => e.account === OWN);
      return events.length;
    };

    it('runs its catalogue operation by name, within its scope only', async () => {
      const r = await get(`${base}/baselines/EventTotals?from=${RANGE.from}&to=${RANGE.to}&first=1000`, bearer(partner.key));
      expect(r.status).toBe(200);
      expect(r.json.data.eventStats.totalEvents).toBe(totals());
      const mixed = await get(`${base}/baselines/EventTotals?from=${RANGE.from}&to=${RANGE.to}&accounts=${OWN}&accounts=${FOREIGN}`, bearer(partner.key));
      expect(mixed.json.data.eventStats.totalEvents).toBe(totals());
    });

    it('is FORBIDDEN a foreign account, with no engine call', async () => {
      let r!: Answer;
      const calls = await engineCalls(async () => {
        r = await get(`${base}/baselines/EventTotals?from=${RANGE.from}&to=${RANGE.to}&accounts=${FOREIGN}`, bearer(partner.key));
      });
      expect({ code: r.json.errors?.[0]?.extensions?.code, calls }).toEqual({ code: 'FORBIDDEN', calls: 0 });
    });

    it('sees and runs only the operations it is given; free-form documents are PERSISTED_QUERY_REQUIRED', async () => {
      const list = await get(`${base}/baselines`, bearer(partner.key));
      expect(list.json.map((op: any) => op.name)).toEqual(['EventTotals']);
      const all = await get(`${base}/baselines`, bearer(secops.key));
      expect(all.json.length).toBeGreaterThan(1);
      const other = all.json.find((op: any) => op.name !== 'EventTotals');
      const byName = await get(`${base}/baselines/${other.name}?from=${RANGE.from}&to=${RANGE.to}`, bearer(partner.key));
      expect(byName.status).toBe(404);
      const byId = await post(server.url, { documentId: other.id, variables: { range: RANGE } }, bearer(partner.key));
      expect([byId.status, byId.json.errors[0].extensions.code]).toEqual([403, 'FORBIDDEN']);
      const free = await post(server.url, { query: STATS, variables: { f: { range: RANGE } } }, bearer(partner.key));
      expect([free.status, free.json.errors[0].extensions.code]).toEqual([403, 'PERSISTED_QUERY_REQUIRED']);
    });
  });

  it('revokes a key on reload, without a restart', async () => {
    expect((await post(server.url, { query: '{ __typename }' }, bearer(revoked.key))).status).toBe(200);
    writeFileSync(file, JSON.stringify(configWith([keyEntry(secops, 'secops'), keyEntry(partner, 'partner'), keyEntry(limited, 'limited')])));
    await auth.reload();
    const r = await post(server.url, { query: '{ __typename }' }, bearer(revoked.key));
    expect([r.status, r.json.errors[0].extensions.code]).toEqual([401, 'UNAUTHENTICATED']);
    expect((await post(server.url, { query: '{ __typename }' }, bearer(secops.key))).status).toBe(200);
  });
});
