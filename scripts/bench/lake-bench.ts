import type { BenchOptions, Phase } from './bench-options';
import type { BenchLake } from './lakes';
import type { LakeResults } from './bench-results';
import { loadBareApollo, loadCachedBaseline, type Load } from './autocannon';
import { compactBetweenScans, compactFromScratch, hasParquetTier } from './compaction';
import { handTopUsers, openHand } from './duckdb-hand';
import { withGateway, type Gateway, type GatewayOptions, type QueryCost } from './gateway';
import { askQuestion, gatewayBaseline, gatewayQuestion, type GatewayTiming } from './gateway-top-users';
import { measureRounds, ratioOf } from './timing';
import type { TopList } from './top-list';
import { JQ_PIPELINE, jqOnce, jqTopUsers, jqVersion } from './jq';
import { parquetFootprint, rawFootprint } from './lake-footprint';
import { pagesMemory } from './memory';
import { checkAgreement } from './lake-agreement';

const MIN = 60_000;

/** Deadlines scale with the lake (a raw scan of 1 M events is ~10 s on 2 busy cores). */
function deadlines(events: number) {
  const m = Math.max(1, events / 1_000_000);
  // whole milliseconds: timers and TRAILGATE_QUERY_TIMEOUT_MS take integers
  const ms = (minutes: number) => Math.round(minutes * MIN * m);
  return { query: ms(2), slowQuery: ms(8), jqRun: ms(6), compaction: ms(10), start: ms(3) };
}

export interface Shared {
  /** the bare Apollo reference does not depend on the lake: measured once */
  bareApollo: Load | null;
}

const log = (s: string) => process.stderr.write(`[bench] ${s}\n`);

export async function benchLake(lake: BenchLake, opts: BenchOptions, shared: Shared): Promise<LakeResults> {
  const on = (p: Phase) => opts.only.has(p);
  const fast = Math.max(10, opts.runs);
  const dl = deadlines(lake.summary.events);
  const range = lake.range;
  // The engine's own deadline is the slow one: a persisted baseline runs its nested queries side by side.
  // TRAILGATE_QUERY_TIMEOUT_MS takes up to an hour
  const queryTimeoutMs = Math.min(3_600_000, dl.slowQuery);
  const gw = (parquet: boolean, cache: boolean): GatewayOptions => ({ lakeDir: lake.dir, parquet, cache, startDeadlineMs: dl.start, queryTimeoutMs });
  const r: { -readonly [K in keyof LakeResults]: LakeResults[K] } = {
    lake: {
      label: lake.spec.label,
      dir: lake.dir,
      events: lake.summary.events,
      duplicates: lake.summary.duplicates,
      days: lake.spec.options.days,
      accounts: lake.spec.options.accounts,
      raw: await rawFootprint(lake.dir),
      parquet: null,
      range,
      reused: lake.reused,
      generateMs: lake.generateMs,
    },
    a: null, b: null, c: null, d: null, e: null, f: null, g: null, h: null, mem: null,
    agreement: {},
    warnings: [],
  };
  /** A phase that fails is reported as a warning and left null; the others still run. */
  const attempt = async <T>(name: string, work: () => Promise<T>): Promise<T | null> => {
    try {
      return await work();
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      log(`${name} failed: ${message}`);
      r.warnings = [...r.warnings, `${lake.spec.label}: ${name} failed: ${message.slice(0, 300)}`];
      return null;
    }
  };

  // b and c (and a, when jq is installed) run in rounds (see measureRounds), inside the raw-tier
  // gateway phase below: their ratios are the point, and this machine's speed drifts
  const jq = on('a') ? jqVersion() : null;
  if (on('a') && !jq) {
    log('(a) skipped: jq not installed (apt-get install jq)');
    r.a = { skipped: 'jq not installed (apt-get install jq)' };
  }
  const rounds = on('b') && on('c');
  const withJq = rounds && jq !== null;
  if (on('b') && !rounds) {
    log(`(b) hand-written DuckDB over the raw files, ${opts.runs} runs after a warm-up`);
    r.b = await attempt('(b)', () => handTopUsers('raw', lake.dir, range, opts.runs, dl.query));
  }
  if (jq && !withJq) {
    log(`(a) zcat | jq | sort | uniq -c, ${opts.runs} runs`);
    r.a = await attempt('(a)', async () => ({ ...(await jqTopUsers(lake.dir, opts.runs, dl.jqRun)), jq }));
  }
  if (on('c') || on('h')) {
    await attempt('raw-tier gateway', () =>
      withGateway(gw(false, false), async (g) => {
        if (on('c')) {
          let question: GatewayTiming | null;
          let paired: { ratios: readonly number[]; ratioP50: number } | undefined;
          if (rounds) {
            const who = withJq ? '(a, b, c) the jq pipeline, hand-written DuckDB' : '(b, c) hand-written DuckDB';
            log(`${who} over the raw files and the gateway over them (TRAILGATE_PARQUET=off, TRAILGATE_CACHE=off), in ${opts.runs} rounds after a warm-up`);
            const all = await attempt(withJq ? '(a, b, c)' : '(b, c)', () => rawRounds(g, lake.dir, range, opts.runs, dl, withJq));
            if (all) {
              r.b = all.b;
              if (all.a && jq) r.a = { ...all.a, jq, paired: ratioOf(all.a.timings, all.c.timings) };
              paired = ratioOf(all.c.timings, all.b.timings);
            }
            question = all?.c ?? null;
          } else {
            log(`(c) gateway over the raw files (TRAILGATE_PARQUET=off, TRAILGATE_CACHE=off), ${opts.runs} runs after a warm-up`);
            question = await attempt('(c)', () => gatewayQuestion(g, range, opts.runs, 1, dl.query));
          }
          log('(c) the persisted TopUsers baseline over the raw files, 1 run');
          const baseline = await attempt('(c) TopUsers baseline', () => gatewayBaseline(g, range, 1, 0, dl.slowQuery));
          if (question) r.c = { question, baseline, ...(paired ? { paired } : {}) };
        }
        if (on('h')) {
          const day = oneDay(lake);
          log(`(h) a 1-day query (${day.from}) in the ${lake.spec.options.days}-day lake, raw tier`);
          const question = await attempt('(h)', () => gatewayQuestion(g, day, fast, 1, dl.query));
          if (question) r.h = { day, question, lake: r.lake.raw };
        }
      }),
    );
  }

  if (on('d')) {
    log('(d) trailgate compact from scratch (the Parquet tier removed first), between two runs of b');
    r.d = await attempt('(d)', () => compactBetweenScans(lake.dir, range, dl));
  } else if ((on('e') || on('f') || on('g') || on('mem')) && !(await hasParquetTier(lake.dir))) {
    log('compacting the lake (no Parquet tier yet; not timed: --only leaves out d)');
    await compactFromScratch(lake.dir, dl.compaction);
  }
  r.lake = { ...r.lake, parquet: (await hasParquetTier(lake.dir)) ? await parquetFootprint(lake.dir) : null };

  if (on('e')) {
    log(`(e) hand-written DuckDB over the Parquet tier, ${fast} runs after a warm-up`);
    r.e = await attempt('(e)', () => handTopUsers('parquet', lake.dir, range, fast, dl.query));
  }
  if (on('f') || on('mem')) {
    await attempt('Parquet-tier gateway (no cache)', () =>
      withGateway(gw(true, false), async (g) => {
        if (on('f')) {
          log(`(f) gateway over Parquet, no result cache: the first request after start (cold), then ${fast} runs`);
          const question = await attempt('(f)', () => gatewayQuestion(g, range, fast, 1, dl.query));
          const baseline = await attempt('(f) TopUsers baseline', () => gatewayBaseline(g, range, opts.runs, 1, dl.slowQuery));
          if (question && baseline) r.f = { question: { cold: question, cached: null }, baseline: { cold: baseline, cached: null } };
        }
        if (on('mem')) {
          log(`(mem) gateway memory while serving ${opts.pages} pages of 1,000 events, every field`);
          r.mem = await attempt('(mem)', () => pagesMemory(g, range, opts.pages, dl.query));
        }
      }),
    );
  }
  if (on('f') || on('g')) {
    await attempt('Parquet-tier gateway (cache)', () =>
      withGateway(gw(true, true), async (g) => {
        const f = r.f;
        if (f) {
          log(`(f) gateway over Parquet, result cache on: ${fast} repeats after the first request`);
          const question = await attempt('(f) cached', () => gatewayQuestion(g, range, fast, 1, dl.query));
          const baseline = await attempt('(f) cached TopUsers baseline', () => gatewayBaseline(g, range, fast, 1, dl.slowQuery));
          r.f = { question: { ...f.question, cached: question }, baseline: { ...f.baseline, cached: baseline } };
          for (const [name, cost] of [['question', question?.cost], ['baseline', baseline?.cost]] as const) {
            if (cost && cost.cacheHits < cost.queries) r.warnings = [...r.warnings, `${lake.spec.label}: f cached ${name}: ${cost.cacheHits} of ${cost.queries} engine queries were cache hits`];
          }
        }
        if (on('g')) {
          log(`(g) autocannon ${opts.connections} connections x ${opts.loadSeconds} s: the gateway's cached TopUsers baseline`);
          const gateway = await attempt('(g) gateway', () => loadCachedBaseline(g, range, { connections: opts.connections, durationS: opts.loadSeconds }, dl.slowQuery));
          if (gateway) r.g = { gateway, bareApollo: null as unknown as Load, connections: opts.connections, durationS: opts.loadSeconds };
        }
      }),
    );
    if (r.g) {
      if (!shared.bareApollo) {
        log(`(g) autocannon ${opts.connections} connections x ${opts.loadSeconds} s: a bare Apollo Server hello-world`);
        shared.bareApollo = await attempt('(g) bare Apollo', () => loadBareApollo({ connections: opts.connections, durationS: opts.loadSeconds }, MIN));
      }
      r.g = shared.bareApollo ? { ...r.g, bareApollo: shared.bareApollo } : null;
    }
  }
  checkAgreement(r);
  return r;
}

/** A whole day in the middle of the lake. */
function oneDay(lake: BenchLake): { from: string; to: string } {
  const to = Date.parse(lake.range.to) - Math.floor(lake.spec.options.days / 2) * 86_400_000;
  const iso = (t: number) => new Date(t).toISOString().replace('.000Z', 'Z');
  return { from: iso(to - 86_400_000), to: iso(to) };
}

/**
 * (b) and (c), and (a) when asked, in rounds: the hand-written scan, the gateway's answer, the jq
 * pipeline (no warm-up: it caches nothing), `runs` rounds.
 */
async function rawRounds(g: Gateway, lakeDir: string, range: { from: string; to: string }, runs: number, dl: { query: number; jqRun: number }, withJq: boolean) {
  const hand = await openHand('raw', lakeDir, range);
  try {
    const last: { b: TopList; c: { top: TopList; cost: QueryCost } | null; a: TopList } = { b: [], c: null, a: [] };
    const handRun = async () => {
      const once = await hand.once(dl.query);
      last.b = once.top;
      return once.ms;
    };
    const gatewayRun = async () => {
      const once = await askQuestion(g, range, dl.query);
      last.c = once;
      return once.ms;
    };
    const jqRun = async () => {
      const once = await jqOnce(lakeDir, dl.jqRun);
      last.a = once.top;
      return once.ms;
    };
    const methods = [{ warmups: 1, run: handRun }, { warmups: 1, run: gatewayRun }, ...(withJq ? [{ warmups: 0, run: jqRun }] : [])];
    const [b, c, a] = await measureRounds(runs, methods);
    const answer = last.c as unknown as { top: TopList; cost: QueryCost };
    return {
      b: { timings: b, top: last.b, sql: hand.sql },
      c: { timings: c, top: answer.top, cost: answer.cost },
      a: a ? { timings: a, top: last.a, pipeline: JQ_PIPELINE } : null,
    };
  } finally {
    hand.close();
  }
}
