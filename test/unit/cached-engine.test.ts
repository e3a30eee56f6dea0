import { ConfigError, loadConfig } from '../../src/config/config';
import type { AccountScope } from '../../src/domain/principal';
import { TrailgateError } from '../../src/domain/trailgate-error';
import { CachedEngine, type CachedEngineOptions } from '../../src/engines/cached-engine';
import type { Engine, EngineResult, ExplainedQuery, LakeInfo, Row, RunOptions } from '../../src/engines/engine';
import { rangeOpen } from '../../src/engines/range-openness';
import { approximateRowBytes } from '../../src/engines/row-size';
import { eventsQuery } from '../../src/query/event-queries';
import type { EventFilterSpec } from '../../src/query/event-filter';
import type { Query } from '../../src/query/ir';
import { planPartitions } from '../../src/query/partition-planner';
import { DuckDbCompiler } from '../../src/sql/duckdb-compiler';

/**
 * The result cache and singleflight over a fake engine that counts its runs. The fake compiles
 * with the real DuckDB compiler, so keys come from real statements (scope and values included).
 */
const A = '111111111111';
const B = '222222222222';
const MB = 1024 * 1024;
const HOUR = 3_600_000;
const NOW = Date.parse('2024-06-01T12:00:00Z');
const CLOSED = { from: new Date('2024-03-01T00:00:00Z'), to: new Date('2024-03-02T00:00:00Z') };
const OPEN = { from: new Date(NOW - 2 * HOUR), to: new Date(NOW) };

interface Range {
  readonly from: Date;
  readonly to: Date;
}

function query(opts: { range?: Range; scope?: AccountScope; accounts?: string[]; filter?: Partial<EventFilterSpec> } = {}): Query {
  const range = opts.range ?? CLOSED;
  const plan = planPartitions({ ...range, scope: opts.scope ?? '*', accounts: opts.accounts ?? null });
  return eventsQuery({ range, ...opts.filter }, plan, { first: 10, after: null, order: 'NEWEST_FIRST' });
}

const deferred = () => {
  let open!: () => void;
  const gate = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { gate, open };
};

/** Counts runs; each run answers its own rows (so a hit is the same rows object, not an equal one). */
class FakeEngine implements Engine {
  readonly name = 'fake';
  runs = 0;
  closed = false;
  fingerprint = 'files-v1';
  bytesScanned = 1000;
  rowCount = 3;
  /** runs wait for this before answering */
  gate: Promise<void> = Promise.resolve();
  failNext: Error | null = null;
  readonly signals: AbortSignal[] = [];
  readonly compiler = new DuckDbCompiler({ files: ['/lake/a.json.gz'], maxObjectBytes: 16 * MB });

  /** compiles every query as the same statement (a compiler that forgot the scope) */
  scopeBlind = false;

  async explain(q: Query): Promise<ExplainedQuery> {
    const compiled = this.compiler.compile(this.scopeBlind ? query() : q);
    return { engine: this.name, compiled, partitions: [], files: 1, fingerprint: this.fingerprint };
  }

  async run(_query: Query, opts: RunOptions): Promise<EngineResult> {
    const n = ++this.runs;
    this.signals.push(opts.signal!);
    const failure = this.failNext;
    this.failNext = null;
    await new Promise<void>((resolve, reject) => {
      opts.signal?.addEventListener('abort', () => reject(new TrailgateError('QUERY_TIMEOUT', 'The request was cancelled.')), { once: true });
      void this.gate.then(resolve);
    });
    if (failure) throw failure;
    const rows: Row[] = Array.from({ length: this.rowCount }, (_, i) => ({ eventId: `run${n}-row${i}`, payload: 'x'.repeat(100) }));
    return { rows, facts: { id: `q${n}`, engineMs: 42, bytesScanned: this.bytesScanned, filesRead: 1, cache: 'miss' } };
  }

  async lakeInfo(): Promise<LakeInfo> {
    throw new Error('not used');
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}

const defaults: CachedEngineOptions = { maxBytes: 64 * MB, maxEntryBytes: 8 * MB, ttlMs: HOUR, openTtlMs: 60_000 };

function setup(opts: Partial<CachedEngineOptions> = {}) {
  const inner = new FakeEngine();
  let now = NOW;
  const engine = new CachedEngine(inner, { ...defaults, now: () => now, ...opts });
  const run = (q: Query, o: Partial<RunOptions> = {}) => engine.run(q, { requestId: 'r', ...o });
  const advance = (ms: number) => {
    now += ms;
  };
  return { inner, engine, run, advance };
}

const codeOf = async (p: Promise<unknown>): Promise<string | undefined> =>
  p.then(
    () => undefined,
    (e: unknown) => (e instanceof TrailgateError ? e.code : String(e)),
  );

describe('CachedEngine: hits and misses', () => {
  it('answers a repeated query from the cache: one engine run, the same rows, facts of a hit', async () => {
    const { inner, run } = setup();
    const first = await run(query());
    const second = await run(query());
    expect(inner.runs).toBe(1);
    expect(first.facts).toEqual({ id: 'q1', engineMs: 42, bytesScanned: 1000, filesRead: 1, cache: 'miss' });
    expect(second.rows).toBe(first.rows);
    expect(second.facts).toEqual({ id: 'q1', engineMs: 0, bytesScanned: 0, filesRead: 0, cache: 'hit' });
  });

  it('keeps scopes apart: a scoped principal never gets an unscoped answer, nor the reverse', async () => {
    const { inner, run } = setup();
    const unscoped = query({ scope: '*', accounts: [A], filter: { accounts: [A] } });
    const scoped = query({ scope: [A] });
    const u1 = await run(unscoped);
    const s1 = await run(scoped);
    expect(inner.runs).toBe(2);
    expect(s1.facts.cache).toBe('miss');
    expect(s1.rows).not.toBe(u1.rows);
    expect((await run(scoped)).rows).toBe(s1.rows);
    expect((await run(unscoped)).rows).toBe(u1.rows);
    expect((await run(query({ scope: [A, B] }))).facts.cache).toBe('miss');
    expect(inner.runs).toBe(3);
  });

  it('keys on the plan’s scope even if the engine compiled the same statement for two scopes', async () => {
    const { inner, run } = setup();
    inner.scopeBlind = true;
    // the same accounts read, once under a scope and once unscoped with an accounts filter
    const scoped = await run(query({ scope: [A] }));
    const unscoped = await run(query({ scope: '*', accounts: [A] }));
    const other = await run(query({ scope: [B] }));
    expect([scoped, unscoped, other].map((r) => r.facts.cache)).toEqual(['miss', 'miss', 'miss']);
    expect(inner.runs).toBe(3);
    expect((await run(query({ scope: [A] }))).rows).toBe(scoped.rows);
    expect((await run(query({ scope: '*', accounts: [A] }))).rows).toBe(unscoped.rows);
  });

  it('misses when only a bound parameter differs', async () => {
    const { inner, run } = setup();
    const create = query({ filter: { eventNames: ['CreateUser'] } });
    const del = query({ filter: { eventNames: ['DeleteUser'] } });
    expect(inner.compiler.compile(create).sql).toBe(inner.compiler.compile(del).sql);
    await run(create);
    expect((await run(del)).facts.cache).toBe('miss');
    expect((await run(create)).facts.cache).toBe('hit');
    expect(inner.runs).toBe(2);
  });

  it('misses when the files read change under the same statement (the engine’s fingerprint)', async () => {
    const { inner, run } = setup();
    await run(query());
    inner.fingerprint = 'files-v2';
    expect((await run(query())).facts.cache).toBe('miss');
    expect(inner.runs).toBe(2);
  });

  it('neither reads nor fills the cache in explain mode', async () => {
    const { inner, engine, run } = setup();
    const explained = await engine.explain(query());
    expect(explained.compiled.dialect).toBe('duckdb');
    expect((await run(query())).facts.cache).toBe('miss');
    await engine.explain(query());
    expect((await run(query())).facts.cache).toBe('hit');
    expect(inner.runs).toBe(1);
  });

  it('reports the wrapped engine’s name and closes it', async () => {
    const { inner, engine } = setup();
    expect(engine.name).toBe('fake');
    await engine.close();
    expect(inner.closed).toBe(true);
  });
});

describe('CachedEngine: time to live', () => {
  it('keeps an answer over closed partitions for the long TTL', async () => {
    const { inner, run, advance } = setup();
    await run(query({ range: CLOSED }));
    advance(HOUR - 1);
    expect((await run(query({ range: CLOSED }))).facts.cache).toBe('hit');
    advance(2);
    expect((await run(query({ range: CLOSED }))).facts.cache).toBe('miss');
    expect(inner.runs).toBe(2);
  });

  it('keeps an answer over a range touching the last hour only for the short TTL', async () => {
    const { inner, run, advance } = setup();
    await run(query({ range: OPEN }));
    advance(59_000);
    expect((await run(query({ range: OPEN }))).facts.cache).toBe('hit');
    advance(2_000);
    expect((await run(query({ range: OPEN }))).facts.cache).toBe('miss');
    expect(inner.runs).toBe(2);
  });

  it('does not keep answers whose TTL is 0', async () => {
    const { inner, run } = setup({ openTtlMs: 0 });
    await run(query({ range: OPEN }));
    await run(query({ range: OPEN }));
    expect(inner.runs).toBe(2);
  });

  it('calls a plan open while it reads the delivery day of now - 1h or a later one (the planner pads a lag day)', () => {
    const now = new Date(NOW);
    const plan = (from: string, to: string) => planPartitions({ from: new Date(from), to: new Date(to), scope: '*' });
    expect(rangeOpen(plan('2024-06-01T09:00:00Z', '2024-06-01T11:30:00Z'), now)).toBe(true);
    // ended yesterday, but its lag day is today's folder, still being written
    expect(rangeOpen(plan('2024-05-31T00:00:00Z', '2024-05-31T23:00:00Z'), now)).toBe(true);
    expect(rangeOpen(plan('2024-05-29T00:00:00Z', '2024-05-30T00:00:00Z'), now)).toBe(false);
    // just after midnight, yesterday's folder is still the last hour's
    const early = new Date('2024-06-01T00:30:00Z');
    expect(rangeOpen(planPartitions({ from: new Date('2024-05-29T00:00:00Z'), to: new Date('2024-05-30T12:00:00Z'), scope: '*' }), early)).toBe(true);
  });
});

describe('CachedEngine: singleflight', () => {
  it('runs identical concurrent requests once; every caller gets the rows, the others as hits', async () => {
    const { inner, run } = setup();
    const { gate, open } = deferred();
    inner.gate = gate;
    const pending = Array.from({ length: 5 }, () => run(query()));
    open();
    const results = await Promise.all(pending);
    expect(inner.runs).toBe(1);
    for (const r of results) expect(r.rows).toBe(results[0].rows);
    expect(results.map((r) => r.facts.cache).sort()).toEqual(['hit', 'hit', 'hit', 'hit', 'miss']);
    expect(new Set(results.map((r) => r.facts.id))).toEqual(new Set(['q1']));
  });

  it('lets one caller leave (cancelled at once) without stopping the run for the others', async () => {
    const { inner, run } = setup();
    const { gate, open } = deferred();
    inner.gate = gate;
    const leaving = new AbortController();
    const a = run(query(), { signal: leaving.signal });
    const b = run(query()).catch((e: unknown) => e);
    await new Promise((r) => setImmediate(r));
    leaving.abort();
    expect(await codeOf(a)).toBe('QUERY_TIMEOUT');
    expect(inner.signals[0].aborted).toBe(false);
    open();
    expect(await b).toEqual(expect.objectContaining({ rows: expect.arrayContaining([expect.objectContaining({ eventId: 'run1-row0' })]) }));
    expect(inner.runs).toBe(1);
  });

  it('stops the run when every caller has left, and starts afresh for the next one', async () => {
    const { inner, run } = setup();
    const { gate, open } = deferred();
    inner.gate = gate;
    const callers = [new AbortController(), new AbortController()];
    const pending = callers.map((c) => run(query(), { signal: c.signal }));
    await new Promise((r) => setImmediate(r));
    callers[0].abort();
    expect(inner.signals[0].aborted).toBe(false);
    callers[1].abort();
    expect(await Promise.all(pending.map(codeOf))).toEqual(['QUERY_TIMEOUT', 'QUERY_TIMEOUT']);
    expect(inner.signals[0].aborted).toBe(true);
    open();
    expect((await run(query())).facts.cache).toBe('miss');
    expect(inner.runs).toBe(2);
  });

  it('refuses a caller already cancelled without running anything', async () => {
    const { inner, run } = setup();
    expect(await codeOf(run(query(), { signal: AbortSignal.abort() }))).toBe('QUERY_TIMEOUT');
    expect(inner.runs).toBe(0);
  });

  it('gives a caller with its own deadline a QUERY_TIMEOUT when it passes, the run going on for the others', async () => {
    const { inner, run } = setup();
    const { gate, open } = deferred();
    inner.gate = gate;
    const patient = run(query()).catch((e: unknown) => e);
    const hasty = run(query(), { timeoutMs: 5 });
    expect(await codeOf(hasty)).toBe('QUERY_TIMEOUT');
    expect(inner.signals[0].aborted).toBe(false);
    open();
    expect(await patient).toEqual(expect.objectContaining({ facts: expect.objectContaining({ cache: 'miss' }) }));
  });

  it('does not keep errors: every waiting caller gets the failure, the next request runs again', async () => {
    const { inner, run } = setup();
    const { gate, open } = deferred();
    inner.gate = gate;
    inner.failNext = new TrailgateError('INTERNAL_SERVER_ERROR', 'The query failed.');
    const pending = [run(query()), run(query())];
    open();
    expect(await Promise.all(pending.map(codeOf))).toEqual(['INTERNAL_SERVER_ERROR', 'INTERNAL_SERVER_ERROR']);
    expect(inner.runs).toBe(1);
    expect((await run(query())).facts.cache).toBe('miss');
    expect((await run(query())).facts.cache).toBe('hit');
    expect(inner.runs).toBe(2);
  });
});

describe('CachedEngine: scan budgets', () => {
  it('checks a kept answer against the caller’s budget: over it SCAN_LIMIT_EXCEEDED with no run, within it a hit', async () => {
    const { inner, run } = setup();
    await run(query()); // scanned 1000 bytes, unbudgeted
    expect(await codeOf(run(query(), { maxBytesScanned: 999 }))).toBe('SCAN_LIMIT_EXCEEDED');
    expect((await run(query(), { maxBytesScanned: 1000 })).facts.cache).toBe('hit');
    expect(inner.runs).toBe(1);
  });

  it('does not share a run between callers with different budgets (the engine enforces each while running)', async () => {
    const { inner, run } = setup();
    const { gate, open } = deferred();
    inner.gate = gate;
    const pending = [run(query(), { maxBytesScanned: 5000 }), run(query())];
    open();
    const results = await Promise.all(pending);
    expect(inner.runs).toBe(2);
    expect(results.map((r) => r.facts.cache)).toEqual(['miss', 'miss']);
  });
});

describe('CachedEngine: memory bound', () => {
  it('does not keep a result over the per-entry cap', async () => {
    const { inner, run } = setup({ maxEntryBytes: 4096 });
    inner.rowCount = 100; // ~100 rows of 100+ characters: well over 4 KB
    await run(query());
    expect((await run(query())).facts.cache).toBe('miss');
    inner.rowCount = 3;
    await run(query({ accounts: [A] }));
    expect((await run(query({ accounts: [A] }))).facts.cache).toBe('hit');
  });

  it('evicts the least recently used answers to stay within its size', async () => {
    // room for two answers of 3 rows, not three
    const one = approximateRowBytes(await new FakeEngine().run(query(), { requestId: 'size' }).then((r) => r.rows));
    const { inner, run } = setup({ maxBytes: Math.floor(2.5 * one), maxEntryBytes: one });
    const q = [query({ accounts: [A] }), query({ accounts: [B] }), query({ accounts: [A, B] })];
    await run(q[0]);
    await run(q[1]);
    expect((await run(q[0])).facts.cache).toBe('hit'); // q[0] now the most recent
    await run(q[2]); // evicts q[1]
    expect(inner.runs).toBe(3);
    expect((await run(q[0])).facts.cache).toBe('hit');
    expect((await run(q[2])).facts.cache).toBe('hit');
    expect((await run(q[1])).facts.cache).toBe('miss');
    expect(inner.runs).toBe(4);
  });
});

describe('cache settings', () => {
  it('default to on, 256 MB, a 32 MB entry cap, 1 h for closed ranges and 60 s for open ones', () => {
    expect(loadConfig({}, {}).cache).toEqual({ enabled: true, maxBytes: 256 * MB, maxEntryBytes: 32 * MB, ttlMs: 3_600_000, openTtlMs: 60_000 });
  });

  it('read TRAILGATE_CACHE, _MB, _ENTRY_MB, _TTL_SECONDS and _OPEN_TTL_SECONDS', () => {
    const env = { TRAILGATE_CACHE: 'off', TRAILGATE_CACHE_MB: '16', TRAILGATE_CACHE_ENTRY_MB: '2', TRAILGATE_CACHE_TTL_SECONDS: '600', TRAILGATE_CACHE_OPEN_TTL_SECONDS: '0' };
    expect(loadConfig({}, env).cache).toEqual({ enabled: false, maxBytes: 16 * MB, maxEntryBytes: 2 * MB, ttlMs: 600_000, openTtlMs: 0 });
    expect(loadConfig({}, { TRAILGATE_CACHE_MB: '8' }).cache.maxEntryBytes).toBe(8 * MB);
  });

  it.each([
    [{ TRAILGATE_CACHE: 'maybe' }, /TRAILGATE_CACHE must be on or off/],
    [{ TRAILGATE_CACHE_MB: '0' }, /TRAILGATE_CACHE_MB/],
    [{ TRAILGATE_CACHE_MB: '16', TRAILGATE_CACHE_ENTRY_MB: '17' }, /TRAILGATE_CACHE_ENTRY_MB/],
    [{ TRAILGATE_CACHE_TTL_SECONDS: '-1' }, /TRAILGATE_CACHE_TTL_SECONDS/],
  ])('refuse %j with a message naming the setting', (env, message) => {
    expect(() => loadConfig({}, env)).toThrow(ConfigError);
    expect(() => loadConfig({}, env)).toThrow(message);
  });
});
