import { loadConfig } from '../../src/config/config';
import type { Engine } from '../../src/engines/engine';
import { openEngine } from '../../src/server/gateway';
import { startHttpServer, type HttpServer } from '../../src/server/http-server';
import { removeFixtureManifest, writeFixtureManifest } from '../fixtures/persisted/fixture-manifest';
import { silentLogger } from '../support/gateway-harness';
import { REAL_DATA_DIR, filterEvents, loadReferenceLake } from '../support/reference-lake';
import { headerAuthenticator, principal } from '../support/test-authenticator';

/**
 * Whole answers of catalogue operations come from Apollo's response cache: per principal, never
 * for free-form documents or explain, not for ranges still being delivered when their TTL is 0,
 * and never with a public HTTP cache header.
 */
const ref = loadReferenceLake(REAL_DATA_DIR);
const RANGE = { from: '2000-01-01T00:00:00Z', to: '2090-01-01T00:00:00Z' };
const [ONE] = [...new Set(ref.served.map((e) => e.account))].sort();

type Answer = { status: number; headers: Headers; json: any };
const get = async (url: string, headers: Record<string, string> = {}): Promise<Answer> => {
  const res = await fetch(url, { headers, signal: AbortSignal.timeout(30_000) });
  return { status: res.status, headers: res.headers, json: await res.json() };
};
const post = async (url: string, body: unknown, headers: Record<string, string> = {}): Promise<Answer> => {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body), signal: AbortSignal.timeout(30_000) });
  return { status: res.status, headers: res.headers, json: await res.json() };
};

async function serve(env: Record<string, string>) {
  const manifest = await writeFixtureManifest();
  const config = loadConfig({ lake: REAL_DATA_DIR, port: 0, host: '127.0.0.1' }, { TRAILGATE_DUCKDB_THREADS: '1', TRAILGATE_MAX_RANGE_DAYS: '36500', ...env });
  const engine = await openEngine(config, REAL_DATA_DIR, silentLogger());
  const server = await startHttpServer(config, engine, silentLogger(), {
    manifest,
    authenticator: headerAuthenticator({ scoped: principal({ id: 'scoped', accounts: [ONE] }) }),
  });
  return { server, engine, manifest, base: server.url.replace(/\/graphql$/, '') };
}

describe('the response cache', () => {
  let s: { server: HttpServer; engine: Engine; manifest: string; base: string };
  beforeAll(async () => {
    s = await serve({});
  });
  afterAll(async () => {
    await s?.server.close();
    await removeFixtureManifest(s.manifest);
  });

  const runs = async (f: () => Promise<Answer>) => {
    const spy = jest.spyOn(s.engine, 'run');
    try {
      const a = await f();
      return { a, calls: spy.mock.calls.length };
    } finally {
      spy.mockRestore();
    }
  };
  const totals = () => `${s.base}/baselines/EventTotals?from=${RANGE.from}&to=${RANGE.to}&first=1000`;

  it('answers a repeated catalogue operation whole, without running anything, and with the same data', async () => {
    const first = await runs(() => get(totals()));
    expect(first.calls).toBeGreaterThan(0);
    expect(first.a.json.data.eventStats.totalEvents).toBe(filterEvents(ref, { range: RANGE }).length);
    const second = await runs(() => get(totals()));
    expect(second.calls).toBe(0);
    expect(second.a.json.data).toEqual(first.a.json.data);
    expect(second.a.json.extensions.trailgate).toMatchObject({ responseCache: 'hit', queries: [] });
    // private to the caller: no shared HTTP cache may keep it
    expect(second.a.headers.get('cache-control') ?? '').not.toMatch(/public|max-age=[1-9]/);
  });

  it('keeps principals apart: another scope misses, and gets its own answer', async () => {
    const scoped = await runs(() => get(totals(), { 'x-test-principal': 'scoped' }));
    expect(scoped.calls).toBeGreaterThan(0);
    expect(scoped.a.json.extensions.trailgate.responseCache).toBeUndefined();
    expect(scoped.a.json.data.eventStats.totalEvents).toBe(filterEvents(ref, { range: RANGE, accounts: [ONE] }).length);
    const again = await runs(() => get(totals(), { 'x-test-principal': 'scoped' }));
    expect(again.a.json.extensions.trailgate.responseCache).toBe('hit');
    expect(again.a.json.data).toEqual(scoped.a.json.data);
  });

  it('never answers a free-form document or an explain from it', async () => {
    const query = 'query($f: EventFilter!) { eventStats(filter: $f, groupBy: []) { totalEvents } }';
    for (let i = 0; i < 2; i++) {
      const r = await post(s.server.url, { query, variables: { f: { range: RANGE } } });
      expect(r.json.extensions.trailgate.responseCache).toBeUndefined();
    }
    const manifest = (await get(`${s.base}/baselines`)).json.find((op: any) => op.name === 'EventTotals');
    for (let i = 0; i < 2; i++) {
      const r = await post(s.server.url, { documentId: manifest.id, variables: { range: RANGE }, extensions: { explain: true } });
      expect(r.json.extensions.trailgate.responseCache).toBeUndefined();
      expect(r.json.extensions.trailgate.explain.length).toBeGreaterThan(0);
    }
  });
});

describe('the response cache with a zero TTL for open ranges, or switched off', () => {
  it.each([
    ['an open range with TRAILGATE_CACHE_OPEN_TTL_SECONDS=0', { TRAILGATE_CACHE_OPEN_TTL_SECONDS: '0' }, () => ({ from: new Date(Date.now() - 3_600_000).toISOString(), to: new Date().toISOString() })],
    ['TRAILGATE_CACHE=off', { TRAILGATE_CACHE: 'off' }, () => RANGE],
  ])('keeps nothing for %s', async (_what, env, range) => {
    const s = await serve(env);
    try {
      const r = range();
      const url = `${s.base}/baselines/EventTotals?from=${r.from}&to=${r.to}`;
      await get(url);
      const again = await get(url);
      expect(again.status).toBe(200);
      expect(again.json.extensions.trailgate.responseCache).toBeUndefined();
    } finally {
      await s.server.close();
      await removeFixtureManifest(s.manifest);
    }
  });
});
