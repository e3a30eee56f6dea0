import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { BenchResults, LakeResults, TableRow } from './bench-results';

export const fmtMs = (ms: number | null | undefined): string =>
  ms === null || ms === undefined || Number.isNaN(ms) ? '—' : ms < 10 ? `${ms.toFixed(1)} ms` : ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(2)} s`;
export const fmtBytes = (b: number): string =>
  b >= 2 ** 30 ? `${(b / 2 ** 30).toFixed(2)} GiB` : b >= 2 ** 20 ? `${(b / 2 ** 20).toFixed(1)} MiB` : `${(b / 1024).toFixed(1)} KiB`;
const fmtInt = (n: number) => n.toLocaleString('en-US');
const x = (r: number) => `${r >= 10 ? r.toFixed(0) : r.toFixed(2)}×`;
const pct = (r: number) => `${(r * 100).toFixed(1)}%`;

/** The rows of the table: one per measurement, with the ratio its target is about. */
export function tableRows(lakes: readonly LakeResults[]): TableRow[] {
  return lakes.flatMap((l) => lakeRows(l));
}

function lakeRows(l: LakeResults): TableRow[] {
  const rows: TableRow[] = [];
  const add = (row: string, what: string, measured: string, ratio = '', target = '', met: boolean | null = null) =>
    rows.push({ row, lake: l.lake.label, what, measured, ratio, target, met });
  const b = l.b?.timings.p50Ms;
  const c = l.c?.question.timings.p50Ms;
  const e = l.e?.timings.p50Ms;
  const runs = (t: { runsMs: readonly number[] }) => `p50 of ${t.runsMs.length}`;

  if (l.a && 'skipped' in l.a) add('a', 'top users: `zcat | jq | sort | uniq -c`', `skipped: ${l.a.skipped}`, '', 'c ≥ 2× faster', null);
  else if (l.a) {
    const r = l.a.paired ? l.a.paired.ratioP50 : c ? l.a.timings.p50Ms / c : NaN;
    const how = l.a.paired ? `${runs(l.a.timings)} in rounds with b and c; ratio: median of ${l.a.paired.ratios.length} rounds` : runs(l.a.timings);
    add('a', `top users: \`zcat | jq | sort | uniq -c\` (${how})`, fmtMs(l.a.timings.p50Ms), c ? `c is ${x(r)} faster` : '', 'c ≥ 2× faster', c ? r >= 2 : null);
  }
  if (l.b) add('b', `top users: hand-written DuckDB SQL over raw, no de-dup (${runs(l.b.timings)})`, fmtMs(b), '', '', null);
  if (l.c) {
    // run alternately with b: the median of the pairs' ratios; else the ratio of the medians
    const r = l.c.paired ? l.c.paired.ratioP50 : b && c ? c / b : NaN;
    const q = l.c.question;
    const how = l.c.paired ? `${runs(q.timings)} in rounds with b; ratio: median of ${l.c.paired.ratios.length} rounds` : runs(q.timings);
    add('c', `top users: gateway over raw, HTTP GraphQL, no cache (${how}; ${fmtInt(q.cost.filesRead)} files)`, fmtMs(c), b ? `${x(r)} b` : '', '≤ 1.2× b', b ? r <= 1.2 : null);
    if (l.c.baseline) {
      const bl = l.c.baseline;
      add('c′', `TopUsers baseline (${bl.cost.queries} engine queries), gateway over raw, no cache (1 run)`, fmtMs(bl.timings.p50Ms), c ? `${x(bl.timings.p50Ms / c)} c` : '');
    }
  }
  if (l.d) {
    // against b run right before and after it when it was (scansAround), else b's median
    const around = l.d.scansAround;
    const den = around ? (around[0] + around[1]) / 2 : b;
    const r = den ? l.d.ms / den : NaN;
    const s = l.d.summary;
    const against = around ? `; ratio: against b run right before and after it, ${fmtMs(around[0])} and ${fmtMs(around[1])}` : '';
    add('d', `compaction from scratch, \`trailgate compact\` (${s.days} delivery days, ${fmtInt(s.rawFiles)} files → ${fmtInt(s.parquetFiles)} Parquet files, ${fmtBytes(s.parquetBytes)}${against})`, fmtMs(l.d.ms), den ? `${x(r)} b` : '', '≤ 1.5× b', den ? r <= 1.5 : null);
  }
  if (l.e) add('e', `top users: hand-written DuckDB SQL over Parquet, no de-dup (${runs(l.e.timings)})`, fmtMs(e), b ? `b is ${x(b / (e as number))} slower` : '');
  if (l.f) {
    const cold = l.f.question.cold;
    const is10m = l.lake.label === '10m';
    add('f', 'top users: gateway over Parquet, cold (first request after start, no cache)', fmtMs(cold.timings.firstMs));
    add(
      'f',
      `top users: gateway over Parquet, no result cache (${runs(cold.timings)})`,
      fmtMs(cold.timings.p50Ms),
      e ? `${x(cold.timings.p50Ms / e)} e` : '',
      is10m ? '≤ 150 ms p50 on 10 M' : '(≤ 150 ms p50 on 10 M)',
      is10m ? cold.timings.p50Ms <= 150 : null,
    );
    if (l.f.question.cached) add('f', `top users: gateway over Parquet, result cache hit (${runs(l.f.question.cached.timings)})`, fmtMs(l.f.question.cached.timings.p50Ms));
    const bl = l.f.baseline;
    add(
      'f′',
      `TopUsers baseline (${bl.cold.cost.queries} engine queries) over Parquet: cold / no cache (${runs(bl.cold.timings)}) / cached (${bl.cached ? runs(bl.cached.timings) : '—'})`,
      `${fmtMs(bl.cold.timings.firstMs)} / ${fmtMs(bl.cold.timings.p50Ms)} / ${fmtMs(bl.cached?.timings.p50Ms)}`,
    );
  }
  if (l.g) {
    const r = l.g.gateway.requestsPerSecond / l.g.bareApollo.requestsPerSecond;
    const failures = l.g.gateway.failures + l.g.bareApollo.failures;
    add(
      'g',
      `req/s, autocannon ${l.g.connections} connections × ${l.g.durationS} s: gateway serving the cached TopUsers baseline (${fmtBytes(l.g.gateway.bodyBytes)} answer) vs bare Apollo hello-world`,
      `${fmtInt(l.g.gateway.requestsPerSecond)} vs ${fmtInt(l.g.bareApollo.requestsPerSecond)} req/s${failures ? ` (${failures} failed requests)` : ''}`,
      pct(r),
      '≥ 60%',
      failures ? null : r >= 0.6,
    );
  }
  if (l.h) {
    const q = l.h.question.cost;
    const share = q.bytesScanned / l.h.lake.bytes;
    add(
      'h',
      `a 1-day query (${l.h.day.from.slice(0, 10)}) in the ${l.lake.days}-day lake, raw tier: files and bytes read vs the whole lake (${runs(l.h.question.timings)}: ${fmtMs(l.h.question.timings.p50Ms)})`,
      `${fmtInt(q.filesRead)} of ${fmtInt(l.h.lake.files)} files, ${fmtBytes(q.bytesScanned)} of ${fmtBytes(l.h.lake.bytes)}`,
      `${pct(share)} of bytes (${pct(q.filesRead / l.h.lake.files)} of files)`,
      '≤ 10% of bytes',
      share <= 0.1,
    );
  }
  if (l.mem) {
    const m = l.mem;
    const growth = m.peakRssHalfBytes ? m.peakRssBytes / m.peakRssHalfBytes - 1 : NaN;
    add(
      'mem',
      `gateway peak RSS serving ${m.pages} pages × 1,000 events, every field, over Parquet (${fmtBytes(m.responseBytes)} of JSON; page p50 ${fmtMs(m.pageP50Ms)})`,
      `${fmtBytes(m.peakRssBytes)} (${fmtBytes(m.rssBeforeBytes)} before, ${fmtBytes(m.peakRssHalfBytes)} after half)`,
      `+${pct(growth)} over the 2nd half`,
      'bounded: ≤ +10% over the 2nd half',
      Number.isNaN(growth) ? null : growth <= 0.1,
    );
  }
  return rows;
}

export function markdownTable(rows: readonly TableRow[]): string {
  const met = (m: boolean | null) => (m === null ? '' : m ? 'met' : '**not met**');
  const lines = ['| row | lake | what | measured | ratio | target | |', '|---|---|---|---|---|---|---|'];
  // a pipe inside a cell (even in a code span) ends the cell in GitHub's tables unless escaped
  const cell = (s: string) => s.replace(/\|/g, '\\|');
  for (const r of rows) lines.push(`| ${[r.row, r.lake, r.what, r.measured, r.ratio, r.target, met(r.met)].map(cell).join(' | ')} |`);
  return lines.join('\n');
}

export function machineLine(res: Pick<BenchResults, 'machine'>): string {
  const { start, end } = res.machine;
  return (
    `${start.cores} cores (${start.cpuModel}), ${start.ramGiB} GiB RAM, ${start.os}, Node ${start.node}, DuckDB ${res.machine.duckdb}; ` +
    `load average ${start.loadAverage.join(' ')} at start, ${end.loadAverage.join(' ')} at end`
  );
}

export function lakesLine(lakes: readonly LakeResults[]): string {
  return lakes
    .map(
      (l) =>
        `lake-${l.lake.label}: ${fmtInt(l.lake.events)} events (+${fmtInt(l.lake.duplicates)} re-delivered copies), ${l.lake.days} days, ${l.lake.accounts} accounts, ` +
        `${fmtInt(l.lake.raw.files)} gzip files, ${fmtBytes(l.lake.raw.bytes)}` +
        (l.lake.parquet ? `; Parquet tier ${fmtInt(l.lake.parquet.files)} files, ${fmtBytes(l.lake.parquet.bytes)}` : '') +
        (l.lake.reused ? ' (reused)' : ` (generated in ${fmtMs(l.lake.generateMs)})`),
    )
    .join('\n');
}

export async function writeResults(file: string, results: BenchResults): Promise<void> {
  await fs.mkdir(path.dirname(file), { recursive: true });
  await fs.writeFile(file, `${JSON.stringify(results, null, 2)}\n`);
}
