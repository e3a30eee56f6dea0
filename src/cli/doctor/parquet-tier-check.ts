import { listPartitionFiles, type LakePartition } from '../../lake/lake-layout';
import { partitionKey, rawFingerprint, readManifest, type ParquetManifest } from '../../lake/parquet-manifest';
import { check, counted, type DoctorCheck } from './doctor-check';

export interface ParquetTierCheckOptions {
  readonly lake: string;
  /** called while the compacted partitions' raw files are listed and fingerprinted */
  readonly onProgress?: (done: number, total: number) => void;
  /** the day today (UTC) for "closed" delivery days; tests pin it */
  readonly today?: string;
}

const message = (e: unknown) => (e instanceof Error ? e.message : String(e)).split('\n')[0];
const dayBefore = (day: string) => new Date(Date.parse(`${day}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);

/** Compacted partitions whose raw files are no longer the ones compacted (served raw until recompacted). */
async function stalePartitions(manifest: ParquetManifest, partitions: readonly LakePartition[], onProgress?: ParquetTierCheckOptions['onProgress']): Promise<number> {
  const dirs = new Map<string, string[]>();
  for (const p of partitions) {
    const key = `${p.day}|${partitionKey(p)}`;
    dirs.set(key, [...(dirs.get(key) ?? []), p.dir]);
  }
  const recorded = Object.entries(manifest.days).flatMap(([day, d]) => Object.entries(d.partitions).map(([k, done]) => ({ key: `${day}|${k}`, fingerprint: done.fingerprint })));
  let stale = 0;
  for (const [i, r] of recorded.entries()) {
    const files = (await Promise.all((dirs.get(r.key) ?? []).map(listPartitionFiles))).flat();
    if (rawFingerprint(files) !== r.fingerprint) stale++;
    onProgress?.(i + 1, recorded.length);
  }
  return stale;
}

/** The Parquet tier of a local lake: compacted days, partitions changed since, closed days left raw, another DuckDB's files. */
export async function parquetTierCheck(opts: ParquetTierCheckOptions, partitions: readonly LakePartition[], writer: string | null): Promise<DoctorCheck> {
  const fix = `trailgate compact --lake ${opts.lake}`;
  let manifest: ParquetManifest | null;
  try {
    manifest = await readManifest(opts.lake);
  } catch (e) {
    return check('parquet', 'fail', `the Parquet manifest cannot be read (${message(e)}): every query reads the raw files`, `remove ${opts.lake}/parquet/_manifest.json, then ${fix}`);
  }
  if (!manifest) return check('parquet', 'ok', `not compacted: queries read the raw files (\`${fix}\` makes repeated questions faster)`);
  if (writer !== null && manifest.writer !== writer) {
    return check('parquet', 'warn', `written by "${manifest.writer}", read by "${writer}": every query reads the raw files until it is rewritten`, fix);
  }
  const compacted = Object.keys(manifest.days).sort();
  const stale = await stalePartitions(manifest, partitions, opts.onProgress);
  // Today's and yesterday's deliveries are still arriving: compacting them early only means redoing them.
  const closedBefore = dayBefore(opts.today ?? new Date().toISOString().slice(0, 10));
  const missing = [...new Set(partitions.map((p) => p.day))].filter((d) => d < closedBefore && !manifest!.days[d]).length;
  const span = compacted.length ? ` (${compacted[0]}..${compacted[compacted.length - 1]})` : '';
  const summary = `${counted(compacted.length, 'delivery day')} compacted${span}`;
  if (stale === 0 && missing === 0) return check('parquet', 'ok', `${summary}, all current`);
  const problems = [
    ...(stale ? [`${counted(stale, 'compacted partition')} changed since (late deliveries or rewritten files), read raw`] : []),
    ...(missing ? [`${counted(missing, 'closed delivery day')} not compacted`] : []),
  ];
  return check('parquet', 'warn', `${summary}; ${problems.join('; ')}`, fix);
}
