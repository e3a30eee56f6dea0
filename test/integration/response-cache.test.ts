import { loadConfig } from '../../src/config/config';
import type { Principal } from '../../src/domain/principal';
import type { Engine } from '../../src/engines/engine';
import { openEngine } from '../../src/server/gateway';
import { startHttpServer, type HttpServer } from '../../src/server/http-server';
import { createLogger } from '../../src/server/logger';
import { removeFixtureManifest, writeFixtureManifest } from '../fixtures/persisted/fixture-manifest';
import { silentLogger } from '../support/gateway-harness';
import { REAL_DATA_DIR, filterEvents, loadReferenceLake } from '../support/reference-lake';
import { headerAuthenticator, partner, principal } from '../support/test-authenticator';

/**
 * Whole answers of catalogue operations come from the HTTP layer's response cache, before Apollo:
 * per principal, operation and coerced variables; after authentication, the rate limit and the
 * operation allow-list; never for free-form documents, explain or errors; kept for the result
 * cache's TTLs (the short one when the answer read open delivery days); never with a public HTTP
 * cache header.
 */
const ref = loadReferenceLake(REAL_DATA_DIR);
const RANGE = { from: '2000-01-01T00:00:00Z', to: '2090-01-01T00:00:00Z' };
const [ONE, TWO] = [...new Set(ref.served.map((e) => e.account))].sort();
const TOTAL = filterEvents(ref, { range: RANGE }).length;

const PRINCIPALS: Record<string, Principal> = {
  scoped: principal({ id: 'scoped', accounts: [ONE] }),
  // the same id seeing another account (a config change): never the first one's answers
  rescoped: principal({ id: 'scoped', accounts: [TWO] }),
  // may run RecentEvents only
  partner: partner('partner', '*', { operations: ['RecentEvents'] }),
  limited: principal({ id: 'limited', rateLimit: { requests: 2, perSeconds: 3600 } }),
};

type Answer = { status: number; headers: Headers; text: string; json: any };
const answerOf = async (res: Response): Promise<Answer> => {
  const text = await res.text();
  return { status: res.status, headers: res.headers, text, json: JSON.parse(text) };
};
const get = async (url: string, headers: Record<string, string> = {}): Promise<Answer> => answerOf(await fetch(url, { headers, signal: AbortSignal.timeout(30_000) }));
const post = async (url: string, body: unknown, headers: Record<string, string> = {}): Promise<Answer> =>
  answerOf(await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body), signal: AbortSignal.timeout(30_000) }));
const as = (name: string) => ({ 'x-test-principal': name });
const hitOf = (a: Answer) => a.json.extensions?.trailgate?.responseCache;
/** the raw text of `data`, as sent */
const dataText = (a: Answer) => a.text.slice(0, a.text.lastIndexOf(',"extensions":'));

interface Served {
  server: HttpServer;
  engine: Engine;
  manifest: string;
  base: string;
  ids: Record<string, string>;
  lines: Record<string, any>[];
}

async function serve(env: Record<string, string> = {}, now?: () => number): Promise<Served> {
  const manifest = await writeFixtureManifest();
  const config = loadConfig({ lake: REAL_DATA_DIR, port: 0, host: '127.0.0.1' }, { TRAILGATE_DUCKDB_THREADS: '1', TRAILGATE_MAX_RANGE_DAYS: '36500', ...env });
  const lines: Record<string, any>[] = [];
  const logger = createLogger('info', { write: (s: string) => void lines.push(JSON.parse(s)) });
  const engine = await openEngine(config, REAL_DATA_DIR, silentLogger());
  const server = await startHttpServer(config, engine, logger, { manifest, authenticator: headerAuthenticator(PRINCIPALS), now, metrics: 'open' });
  const ids = Object.fromEntries(server.catalog.list().map((op) => [op.name, op.id]));
  return { server, engine, manifest, base: server.url.replace(/\/graphql$/, ''), ids, lines };
}

async function stop(s: Served | undefined): Promise<void> {
  await s?.server.close();
  if (s) await removeFixtureManifest(s.manifest);
}

/** What `f` answered, and how many engine queries it asked for. */
async function counted<T>(s: Served, f: () => Promise<T>): Promise<{ a: T; calls: number }> {
  const spy = jest.spyOn(s.engine, 'run');
  try {
    const a = await f();
    return { a, calls: spy.mock.calls.length };
  } finally {
    spy.mockRestore();
  }
}

describe('the response cache', () => {
  let s: Served;
  beforeAll(async () => {
    s = await serve();
  });
  afterAll(() => stop(s));

  const totals = (first = 1000, range = RANGE) => `${s.base}/baselines/EventTotals?from=${range.from}&to=${range.to}&first=${first}`;

  it('answers a repeated catalogue operation whole, without an engine call, with the same data byte for byte and the same headers', async () => {
    const miss = await counted(s, () => get(totals()));
    expect(miss.calls).toBeGreaterThan(0);
    expect(hitOf(miss.a)).toBeUndefined();
    expect(miss.a.json.data.eventStats.totalEvents).toBe(TOTAL);
    const hit = await counted(s, () => get(totals()));
    expect(hit.calls).toBe(0);
    expect(hit.a.status).toBe(200);
    expect(dataText(hit.a)).toBe(dataText(miss.a));
    expect(hit.a.json.extensions.trailgate).toEqual({ requestId: expect.stringMatching(/^[0-9a-f-]{36}$/), engine: 'duckdb', queries: [], responseCache: 'hit' });
    expect(hit.a.json.extensions.trailgate.requestId).not.toBe(miss.a.json.extensions.trailgate.requestId);
    expect(hit.a.text.endsWith('}\n')).toBe(miss.a.text.endsWith('}\n'));
    for (const h of ['content-type', 'cache-control']) expect(hit.a.headers.get(h)).toBe(miss.a.headers.get(h));
    // private to the caller: no HTTP cache may keep it
    expect(hit.a.headers.get('cache-control')).toBe('no-store');
  });

  it('logs one line for a hit, with its request id, and counts it in the metrics like any request', async () => {
    await get(totals(999));
    const before = s.lines.length;
    const hit = await get(totals(999));
    expect(hitOf(hit)).toBe('hit');
    const lines = s.lines.slice(before).filter((l) => l.msg === 'graphql request');
    expect(lines).toEqual([
      expect.objectContaining({ requestId: hit.json.extensions.trailgate.requestId, principal: 'anonymous', operation: 'EventTotals', codes: [], queries: 0, cacheHits: 0, responseCache: 'hit' }),
    ]);
    const metrics = await (await fetch(`${s.base}/metrics`)).text();
    const sample = (name: string) => Number(metrics.split('\n').find((l) => l.startsWith(`${name} `))?.split(' ')[1]);
    expect(sample('trailgate_graphql_requests_total{operation="EventTotals",code="OK"}')).toBeGreaterThanOrEqual(2);
    expect(sample('trailgate_http_requests_total{route="/baselines/:name",method="GET",status="200"}')).toBeGreaterThanOrEqual(2);
  });

  it('hits whatever the parameter order, a default spelled out or the same instant written another way; other variables miss', async () => {
    const first = await get(`${s.base}/baselines/EventTotals?from=${RANGE.from}&to=${RANGE.to}`);
    expect(hitOf(first)).toBeUndefined();
    for (const url of [
      `${s.base}/baselines/EventTotals?to=${RANGE.to}&from=${RANGE.from}`,
      `${s.base}/baselines/EventTotals?from=${RANGE.from}&first=10&to=${RANGE.to}`,
      `${s.base}/baselines/EventTotals?from=2000-01-01T00:00:00.000Z&to=2090-01-01T01:00:00%2B01:00`,
    ]) {
      const again = await counted(s, () => get(url));
      expect([again.calls, hitOf(again.a)]).toEqual([0, 'hit']);
      expect(dataText(again.a)).toBe(dataText(first));
    }
    for (const url of [`${s.base}/baselines/EventTotals?from=${RANGE.from}&to=${RANGE.to}&first=2`, `${s.base}/baselines/EventTotals?from=${RANGE.from}&to=${RANGE.to}&accounts=${ONE}`]) {
      const other = await counted(s, () => get(url));
      expect(other.calls).toBeGreaterThan(0);
      expect(hitOf(other.a)).toBeUndefined();
    }
  });

  it('serves the same entry to GET and POST /graphql by sha256 hash, by documentId, by name alone and by the catalogue text', async () => {
    const variables = { range: RANGE, first: 7 };
    const miss = await get(totals(7));
    expect(hitOf(miss)).toBeUndefined();
    const apq = { persistedQuery: { version: 1, sha256Hash: s.ids.EventTotals } };
    const query = s.server.catalog.byName('EventTotals')!.body;
    const search = (params: Record<string, unknown>) => new URLSearchParams(Object.entries(params).map(([k, v]): [string, string] => [k, typeof v === 'string' ? v : JSON.stringify(v)]));
    const requests: Array<[string, () => Promise<Answer>]> = [
      ['GET by hash', () => get(`${s.server.url}?${search({ extensions: apq, variables })}`, { 'apollo-require-preflight': 'true' })],
      ['GET by documentId', () => get(`${s.server.url}?${search({ documentId: `sha256:${s.ids.EventTotals}`, variables })}`, { 'content-type': 'application/json' })],
      ['POST by hash', () => post(s.server.url, { extensions: apq, variables })],
      ['POST by documentId', () => post(s.server.url, { documentId: s.ids.EventTotals, variables })],
      ['POST by name', () => post(s.server.url, { operationName: 'EventTotals', variables })],
      ['POST the catalogue text', () => post(s.server.url, { query, variables })],
    ];
    for (const [what, request] of requests) {
      const hit = await counted(s, request);
      expect([what, hit.a.status, hit.calls, hitOf(hit.a)]).toEqual([what, 200, 0, 'hit']);
      expect(dataText(hit.a)).toBe(dataText(miss));
    }
  });

  it('leaves to Apollo what it would refuse or answer otherwise: a GET without CSRF protection, another operation name, a wrong hash', async () => {
    const variables = { range: RANGE, first: 7 };
    await get(totals(7));
    const apq = { persistedQuery: { version: 1, sha256Hash: s.ids.EventTotals } };
    const csrf = await get(`${s.server.url}?extensions=${encodeURIComponent(JSON.stringify(apq))}&variables=${encodeURIComponent(JSON.stringify(variables))}`);
    expect(csrf.status).toBe(400);
    const renamed = await post(s.server.url, { extensions: apq, variables, operationName: 'Other' });
    expect(renamed.json.errors?.length).toBeGreaterThan(0);
    const query = s.server.catalog.byName('EventTotals')!.body;
    const wrongHash = await post(s.server.url, { query, variables, extensions: { persistedQuery: { version: 1, sha256Hash: s.ids.RecentEvents } } });
    expect(wrongHash.status).toBe(400);
    for (const a of [csrf, renamed, wrongHash]) expect(hitOf(a)).toBeUndefined();
  });

  it('negotiates the content type per request, as Apollo does', async () => {
    const accept = { accept: 'application/graphql-response+json' };
    const miss = await get(totals(6), accept);
    const hit = await get(totals(6), accept);
    expect(hitOf(hit)).toBe('hit');
    expect(hit.headers.get('content-type')).toBe(miss.headers.get('content-type'));
    expect(hit.headers.get('content-type')).toMatch(/^application\/graphql-response\+json/);
    const plain = await get(totals(6));
    expect([hitOf(plain), plain.headers.get('content-type')]).toEqual(['hit', 'application/json; charset=utf-8']);
  });

  it('keeps principals apart: another scope misses and gets its own answer, also under the same principal id', async () => {
    await get(totals());
    const scoped = await counted(s, () => get(totals(), as('scoped')));
    expect(scoped.calls).toBeGreaterThan(0);
    expect(hitOf(scoped.a)).toBeUndefined();
    expect(scoped.a.json.data.eventStats.totalEvents).toBe(filterEvents(ref, { range: RANGE, accounts: [ONE] }).length);
    const again = await get(totals(), as('scoped'));
    expect(hitOf(again)).toBe('hit');
    expect(dataText(again)).toBe(dataText(scoped.a));
    const rescoped = await get(totals(), as('rescoped'));
    expect(hitOf(rescoped)).toBeUndefined();
    expect(rescoped.json.data.eventStats.totalEvents).toBe(filterEvents(ref, { range: RANGE, accounts: [TWO] }).length);
  });

  it("refuses an operation outside the caller's catalogue even when another principal's answer is kept, without an engine call", async () => {
    await get(totals(5));
    expect(hitOf(await get(totals(5)))).toBe('hit');
    const byRoute = await counted(s, () => get(totals(5), as('partner')));
    expect([byRoute.a.status, byRoute.a.json.errors[0].extensions.code, byRoute.a.json.data, byRoute.calls]).toEqual([404, 'PERSISTED_QUERY_NOT_FOUND', undefined, 0]);
    const byHash = await counted(s, () => post(s.server.url, { documentId: s.ids.EventTotals, variables: { range: RANGE, first: 5 } }, as('partner')));
    expect([byHash.a.status, byHash.a.json.errors[0].extensions.code, byHash.a.json.data ?? null, byHash.calls]).toEqual([403, 'FORBIDDEN', null, 0]);
  });

  it('answers 429 to a rate-limited principal on what would be a hit', async () => {
    const first = await get(totals(4), as('limited'));
    const second = await get(totals(4), as('limited'));
    expect([first.status, hitOf(first), second.status, hitOf(second)]).toEqual([200, undefined, 200, 'hit']);
    const third = await counted(s, () => get(totals(4), as('limited')));
    expect([third.a.status, third.a.json.errors[0].extensions.code, third.a.json.data, third.calls]).toEqual([429, 'RATE_LIMITED', undefined, 0]);
  });

  it('never keeps an answer with errors', async () => {
    const spy = jest.spyOn(s.engine, 'run').mockRejectedValueOnce(new Error('the engine fell over'));
    let failed: Answer;
    try {
      failed = await get(totals(3));
    } finally {
      spy.mockRestore();
    }
    expect(failed.json.errors[0].extensions.code).toBe('INTERNAL_SERVER_ERROR');
    const next = await counted(s, () => get(totals(3)));
    expect(next.calls).toBeGreaterThan(0);
    expect([next.a.json.errors, hitOf(next.a)]).toEqual([undefined, undefined]);
    // nor a client fault
    const bad = `${s.base}/baselines/EventTotals?from=${RANGE.to}&to=${RANGE.from}`;
    for (let i = 0; i < 2; i++) {
      const r = await get(bad);
      expect([r.status < 500, r.json.errors[0].extensions.code, hitOf(r)]).toEqual([true, 'BAD_USER_INPUT', undefined]);
    }
  });

  it('never answers a free-form document or an explain from it', async () => {
    const query = 'query($f: EventFilter!) { eventStats(filter: $f, groupBy: []) { totalEvents } }';
    for (let i = 0; i < 2; i++) {
      const r = await post(s.server.url, { query, variables: { f: { range: RANGE } } });
      expect(hitOf(r)).toBeUndefined();
    }
    await get(totals(2));
    for (let i = 0; i < 2; i++) {
      const r = await post(s.server.url, { documentId: s.ids.EventTotals, variables: { range: RANGE, first: 2 }, extensions: { explain: true } });
      expect(hitOf(r)).toBeUndefined();
      expect(r.json.extensions.trailgate.explain.length).toBeGreaterThan(0);
    }
  });

  it('runs identical requests that arrive together once, and answers the others from it', async () => {
    const run = s.engine.run.bind(s.engine);
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let started!: () => void;
    const reached = new Promise<void>((resolve) => (started = resolve));
    const spy = jest.spyOn(s.engine, 'run').mockImplementation(async (...args) => {
      started();
      await released;
      return run(...args);
    });
    try {
      const first = get(totals(8));
      await reached;
      await new Promise((resolve) => setTimeout(resolve, 100));
      const calls = spy.mock.calls.length;
      const others = [get(totals(8)), get(`${s.base}/baselines/EventTotals?first=8&to=${RANGE.to}&from=${RANGE.from}`)];
      await new Promise((resolve) => setTimeout(resolve, 300));
      // without the singleflight each of the others would have asked the engine by now
      expect(spy.mock.calls.length).toBe(calls);
      release();
      const answers = await Promise.all([first, ...others]);
      expect(answers.map(hitOf)).toEqual([undefined, 'hit', 'hit']);
      for (const a of answers) expect(dataText(a)).toBe(dataText(answers[0]));
    } finally {
      release();
      spy.mockRestore();
    }
  });
});

describe('the response cache TTLs', () => {
  const HOUR = 3_600_000;
  let clock = Date.now();
  let s: Served;
  beforeAll(async () => {
    s = await serve({ TRAILGATE_CACHE_TTL_SECONDS: '3600', TRAILGATE_CACHE_OPEN_TTL_SECONDS: '60' }, () => clock);
  });
  afterAll(() => stop(s));

  it('keeps an answer that read delivery days still open for the short TTL only', async () => {
    const open = { from: new Date(Date.now() - HOUR).toISOString(), to: new Date().toISOString() };
    const url = `${s.base}/baselines/EventTotals?from=${open.from}&to=${open.to}`;
    await get(url);
    clock += 59_000;
    expect(hitOf(await get(url))).toBe('hit');
    clock += 2_000;
    expect(hitOf(await get(url))).toBeUndefined();
  });

  it('keeps an answer over closed days for the long TTL', async () => {
    const url = `${s.base}/baselines/EventTotals?from=${RANGE.from}&to=2020-01-01T00:00:00Z`;
    await get(url);
    clock += 61_000;
    expect(hitOf(await get(url))).toBe('hit');
    clock += HOUR;
    expect(hitOf(await get(url))).toBeUndefined();
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
      const first = await get(url);
      const again = await counted(s, () => get(url));
      expect(again.a.status).toBe(200);
      expect(hitOf(again.a)).toBeUndefined();
      expect(again.calls).toBeGreaterThan(0);
      expect(again.a.json.data).toEqual(first.json.data);
      expect(again.a.headers.get('cache-control')).toBe('no-store');
    } finally {
      await stop(s);
    }
  });
});
