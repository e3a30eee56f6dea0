/**
 * `npm run bench`: trailgate against the ways people answer the same questions without it, over
 * generated lakes (reused once made). Prints a table, writes bench/results.json. It reports; it
 * asserts nothing (a timing is never a test). See README "Measurements".
 */
import { DuckDBInstance } from '@duckdb/node-api';
import { parseBenchOptions, type BenchOptions } from './bench-options';
import type { BenchResults, LakeResults } from './bench-results';
import { killAllChildren } from './child-processes';
import { benchLake, type Shared } from './lake-bench';
import { ensureLake, LAKE_10M, LAKE_1M, lakeSpec, type LakeSpec } from './lakes';
import { machineFacts } from './machine';
import { lakesLine, machineLine, markdownTable, tableRows, writeResults } from './report';

const NOTES = [
  'The question everywhere: the 10 most active principals over the whole lake, keyed like Identity.arn (userIdentity.arn, else invokedBy, else account:<id>, else principalId).',
  'The gateway de-duplicates re-delivered records (eventID plus content); the jq pipeline and the hand-written SQL over raw do not, so their counts are higher by the lake\'s duplicate rate (~0.5%). The Parquet tier is de-duplicated when compacted, so e counts as the gateway does.',
  'The jq pipeline reads every *.json.gz under CloudTrail/ folders (not digests) and filters no range: every event of the lake is inside it.',
  'Gateway timings are client wall times over HTTP on loopback (request sent to JSON parsed), dev mode, one gateway process, TRAILGATE_QUERY_TIMEOUT_MS raised for large lakes.',
  'c and h run with TRAILGATE_PARQUET=off TRAILGATE_CACHE=off; f "cold" is the first request after start with TRAILGATE_CACHE=off, f "no result cache" the p50 after it, f "cached" repeats with the cache on.',
  'd is one run (it rewrites the tier): `trailgate compact` as a process, the Parquet tier removed first; its ratio is against b, one hand-written scan of the same raw files.',
  'mem runs with the result cache off (so cached pages do not count as growth) over the Parquet tier.',
];

async function duckdbVersion(): Promise<string> {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    return String((await connection.runAndReadAll('SELECT version() AS v')).getRowObjects()[0].v);
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

function lakeSpecs(opts: BenchOptions): LakeSpec[] {
  if (opts.custom) {
    // --events/--days of a named lake measure that lake alone (e.g. the 10 M one without the 1 M one)
    const named = [LAKE_1M, LAKE_10M].find((l) => l.options.events === opts.custom!.events && l.options.days === opts.custom!.days);
    return [named ?? lakeSpec(opts.custom.events, opts.custom.days)];
  }
  return opts.tenM ? [LAKE_1M, LAKE_10M] : [LAKE_1M];
}

async function main(): Promise<void> {
  const opts = parseBenchOptions(process.argv.slice(2));
  const startedAt = new Date().toISOString();
  const start = machineFacts();
  process.stderr.write(`[bench] ${start.cores} cores, ${start.ramGiB} GiB RAM, load average ${start.loadAverage.join(' ')}\n`);
  const shared: Shared = { bareApollo: null };
  const lakes: LakeResults[] = [];
  for (const spec of lakeSpecs(opts)) {
    const lake = await ensureLake(opts.lakesRoot, spec);
    process.stderr.write(`[bench] lake-${spec.label}: ${lake.dir}${lake.reused ? ' (reused)' : ''}\n`);
    lakes.push(await benchLake(lake, opts, shared));
  }
  const results: BenchResults = {
    startedAt,
    finishedAt: new Date().toISOString(),
    command: `npm run bench -- ${process.argv.slice(2).join(' ')}`.trim(),
    machine: { start, end: machineFacts(), duckdb: await duckdbVersion() },
    settings: { runs: opts.runs, fastRuns: Math.max(10, opts.runs), pages: opts.pages, loadSeconds: opts.loadSeconds, connections: opts.connections },
    lakes,
    table: tableRows(lakes),
    notes: NOTES,
  };
  await writeResults(opts.out, results);
  const warnings = lakes.flatMap((l) => l.warnings);
  process.stdout.write(
    [
      '',
      `Machine: ${machineLine(results)}`,
      lakesLine(lakes),
      '',
      markdownTable(results.table),
      '',
      ...NOTES.map((n) => `- ${n}`),
      ...Object.entries(Object.assign({}, ...lakes.map((l) => Object.fromEntries(Object.entries(l.agreement).map(([k, v]) => [`${l.lake.label} ${k}`, v])))) as Record<string, { note: string }>).map(
        ([k, v]) => `- ${k} vs the gateway: ${v.note}`,
      ),
      ...warnings.map((w) => `WARNING: ${w}`),
      '',
      `Results: ${opts.out}`,
      '',
    ].join('\n'),
  );
}

process.once('exit', killAllChildren);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    process.stderr.write(`\n[bench] ${signal}: stopping the processes it started\n`);
    killAllChildren();
    process.exit(130);
  });
}

main().catch((err) => {
  process.stderr.write(`[bench] failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  killAllChildren();
  process.exit(1);
});
