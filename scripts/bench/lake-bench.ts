import type { BenchOptions, Phase } from './bench-options';
import type { BenchLake } from './lakes';
import type { LakeResults } from './bench-results';
import { loadBareApollo, loadCachedBaseline, type Load } from './autocannon';
import { compactFromScratch, hasParquetTier } from './compaction';
import { handTopUsers } from './duckdb-hand';
import { withGateway, type GatewayOptions } from './gateway';
import { gatewayBaseline, gatewayQuestion } from './gateway-top-users';
import { jqTopUsers, jqVersion } from './jq';
import { parquetFootprint, rawFootprint } from './lake-footprint';
import { pagesMemory } from './memory';
import { compareTop, type TopList } from './top-list';

const MIN = 60_000;

/** Deadlines scale with the lake (a raw scan of 1 M events is ~10 s on 2 busy cores). */
function deadlines(events: number) {
  const m = Math.max(1, events / 1_000_000);
  return { query: 2 * MIN * m, jqRun: 6 * MIN * m, compaction: 10 * MIN * m, start: 3 * MIN * m };
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
  const gw = (parquet: boolean, cache: boolean): GatewayOptions => ({ lakeDir: lake.dir, parquet, cache, startDeadlineMs: dl.start, queryTimeoutMs: dl.query });
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

  if (on('b')) {
    log(`(b) hand-written DuckDB over the raw files, ${opts.runs} runs after a warm-up`);
    r.b = await handTopUsers('raw', lake.dir, range, opts.runs, dl.query);
  }
  if (on('a')) {
    const jq = jqVersion();
    if (!jq) {
      log('(a) skipped: jq not installed (apt-get install jq)');
      r.a = { skipped: 'jq not installed (apt-get install jq)' };
    } else {
      log(`(a) zcat | jq | sort | uniq -c, ${opts.runs} runs`);
      r.a = { ...(await jqTopUsers(lake.dir, opts.runs, dl.jqRun)), jq };
    }
  }
  if (on('c') || on('h')) {
    await withGateway(gw(false, false), async (g) => {
      if (on('c')) {
        log(`(c) gateway over the raw files (TRAILGATE_PARQUET=off, TRAILGATE_CACHE=off), ${opts.runs} runs after a warm-up`);
        const question = await gatewayQuestion(g, range, opts.runs, 1, dl.query);
        log('(c) the persisted TopUsers baseline over the raw files, 1 run');
        const baseline = await gatewayBaseline(g, range, 1, 0, dl.query * 3);
        r.c = { question, baseline };
      }
      if (on('h')) {
        const day = oneDay(lake);
        log(`(h) a 1-day query (${day.from}) in the ${lake.spec.options.days}-day lake, raw tier`);
        r.h = { day, question: await gatewayQuestion(g, day, fast, 1, dl.query), lake: r.lake.raw };
      }
    });
  }

  if (on('d')) {
    log('(d) trailgate compact from scratch (the Parquet tier removed first)');
    r.d = await compactFromScratch(lake.dir, dl.compaction);
  } else if ((on('e') || on('f') || on('g') || on('mem')) && !(await hasParquetTier(lake.dir))) {
    log('compacting the lake (no Parquet tier yet; not timed: --only leaves out d)');
    await compactFromScratch(lake.dir, dl.compaction);
  }
  r.lake = { ...r.lake, parquet: (await hasParquetTier(lake.dir)) ? await parquetFootprint(lake.dir) : null };

  if (on('e')) {
    log(`(e) hand-written DuckDB over the Parquet tier, ${fast} runs after a warm-up`);
    r.e = await handTopUsers('parquet', lake.dir, range, fast, dl.query);
  }
  if (on('f') || on('mem')) {
    await withGateway(gw(true, false), async (g) => {
      if (on('f')) {
        log(`(f) gateway over Parquet, no result cache: the first request after start (cold), then ${fast} runs`);
        const question = await gatewayQuestion(g, range, fast, 1, dl.query);
        const baseline = await gatewayBaseline(g, range, opts.runs, 1, dl.query);
        r.f = { question: { cold: question, cached: null }, baseline: { cold: baseline, cached: null } };
      }
      if (on('mem')) {
        log(`(mem) gateway memory while serving ${opts.pages} pages of 1,000 events, every field`);
        r.mem = await pagesMemory(g, range, opts.pages, dl.query);
      }
    });
  }
  if (on('f') || on('g')) {
    await withGateway(gw(true, true), async (g) => {
      if (r.f) {
        log(`(f) gateway over Parquet, result cache on: ${fast} repeats after the first request`);
        const question = await gatewayQuestion(g, range, fast, 1, dl.query);
        const baseline = await gatewayBaseline(g, range, fast, 1, dl.query);
        r.f = { question: { ...r.f.question, cached: question }, baseline: { ...r.f.baseline, cached: baseline } };
        for (const [name, cost] of [['question', question.cost], ['baseline', baseline.cost]] as const) {
          if (cost.cacheHits < cost.queries) r.warnings = [...r.warnings, `${lake.spec.label}: f cached ${name}: ${cost.cacheHits} of ${cost.queries} engine queries were cache hits`];
        }
      }
      if (on('g')) {
        log(`(g) autocannon ${opts.connections} connections x ${opts.loadSeconds} s: the gateway's cached TopUsers baseline`);
        const gateway = await loadCachedBaseline(g, range, { connections: opts.connections, durationS: opts.loadSeconds }, dl.query);
        r.g = { gateway, bareApollo: null as unknown as Load, connections: opts.connections, durationS: opts.loadSeconds };
      }
    });
    if (r.g) {
      if (!shared.bareApollo) {
        log(`(g) autocannon ${opts.connections} connections x ${opts.loadSeconds} s: a bare Apollo Server hello-world`);
        shared.bareApollo = await loadBareApollo({ connections: opts.connections, durationS: opts.loadSeconds }, MIN);
      }
      r.g = { ...r.g, bareApollo: shared.bareApollo };
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

/** Every method answers the same question: the gateway's answer is the reference (it de-duplicates). */
function checkAgreement(r: { -readonly [K in keyof LakeResults]: LakeResults[K] }): void {
  const reference: TopList | undefined = r.c?.question.top ?? r.f?.question.cold.top;
  if (!reference) return;
  const others: [string, TopList | undefined][] = [
    ['a (jq)', r.a && 'top' in r.a ? r.a.top : undefined],
    ['b (DuckDB, raw)', r.b?.top],
    ['e (DuckDB, Parquet)', r.e?.top],
    ['f (gateway, Parquet)', r.f?.question.cold.top],
    ['f (gateway, Parquet, cached)', r.f?.question.cached?.top],
  ];
  const agreement: Record<string, ReturnType<typeof compareTop>> = {};
  const warnings: string[] = [];
  for (const [name, top] of others) {
    if (!top) continue;
    const a = compareTop(reference, top);
    agreement[name] = a;
    const gateway = name.startsWith('f');
    if (!a.sameOrder || (gateway && a.maxCountDelta > 0)) warnings.push(`${r.lake.label}: ${name} vs the gateway over raw: ${a.note}`);
  }
  r.agreement = agreement;
  r.warnings = [...r.warnings, ...warnings];
}
