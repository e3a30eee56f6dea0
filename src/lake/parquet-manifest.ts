import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { LakeFile } from './lake-layout';

/**
 * The columnar tier of a local lake: `<lake>/parquet/date=E/delivery=D/*.parquet` (E the EVENT
 * day, D the delivery day the records came from; each row carries the account and region folder
 * it was delivered to), and `_manifest.json`, which says which raw partitions (account/region/
 * delivery day) are compacted and from which files.
 *
 * A partition is served from Parquet only while its raw files are exactly the ones compacted
 * (same names and sizes): a late delivery, a rewritten or a removed file sends that partition
 * back to the raw files (its rows are filtered out of the day's Parquet files) until the next
 * `trailgate compact` redoes its day.
 */
export const PARQUET_DIR = 'parquet';
/** Every data file of the tier, under PARQUET_DIR (not the rollups in `_rollup/` beside them). */
export const TIER_DATA_GLOB = 'date=*/delivery=*/*.parquet';
export const MANIFEST_FILE = '_manifest.json';
const VERSION = 2;

export interface CompactedPartition {
  /** digest of the raw files compacted (names and sizes) */
  readonly fingerprint: string;
  readonly rawFiles: number;
  readonly rawBytes: number;
}

export interface CompactedDay {
  readonly compactedAt: string;
  /** by partition key `account/region` */
  readonly partitions: Readonly<Record<string, CompactedPartition>>;
  /** Parquet files written from the day (every partition), relative to `<lake>/parquet` */
  readonly outputs: readonly string[];
  readonly outputBytes: number;
  /**
   * The rollups of each output (ROLLUP_FILES under the output's directory, relative to
   * `<lake>/parquet`) and the definition they were written with (ROLLUP_DIGEST). Absent in a tier
   * written before rollups: `trailgate compact` adds them from the outputs.
   */
  readonly rollups?: CompactedRollups;
}

export interface CompactedRollups {
  readonly digest: string;
  readonly files: readonly string[];
  readonly bytes: number;
}

/** Where the rollups of an output directory (`date=E/delivery=D`) live (see src/query/identity-rollup.ts). */
export const ROLLUP_FILES = { identities: path.join('_rollup', 'identities.parquet'), facets: path.join('_rollup', 'facets.parquet') } as const;
export type RollupKind = keyof typeof ROLLUP_FILES;

/** Which rollup a rollup file is (by its name). */
export const rollupKindOf = (file: string): RollupKind | null =>
  (Object.keys(ROLLUP_FILES) as RollupKind[]).find((k) => path.basename(file) === path.basename(ROLLUP_FILES[k])) ?? null;

export interface ParquetManifest {
  readonly version: number;
  /** the DuckDB version that wrote the files: its record hash is stored with each row */
  readonly writer: string;
  /** by delivery day YYYY-MM-DD */
  readonly days: Readonly<Record<string, CompactedDay>>;
}

export const emptyManifest = (writer: string): ParquetManifest => ({ version: VERSION, writer, days: {} });

export const parquetRoot = (lakeDir: string): string => path.join(lakeDir, PARQUET_DIR);

export const partitionKey = (p: { account: string; region: string }): string => `${p.account}/${p.region}`;

/** The event day of a tier file, from its `date=E` folder (null for a path outside the tier's layout). */
export function eventDayOf(file: string): string | null {
  return /(?:^|[\\/])date=(\d{4}-\d{2}-\d{2})[\\/]/.exec(file)?.[1] ?? null;
}

/** Names and sizes of a partition's raw files (from every bucket prefix that holds it). */
export function rawFingerprint(files: readonly LakeFile[]): string {
  const lines = files.map((f) => `${path.basename(f.path)}\t${f.bytes}`).sort();
  return createHash('sha256').update(lines.join('\n')).digest('base64url').slice(0, 32);
}

/** The manifest on disk, or null when the lake has no (readable, current) one. */
export async function readManifest(lakeDir: string): Promise<ParquetManifest | null> {
  let text: string;
  try {
    text = await fs.readFile(path.join(parquetRoot(lakeDir), MANIFEST_FILE), 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
  const m = JSON.parse(text) as ParquetManifest;
  return m && m.version === VERSION && typeof m.days === 'object' ? m : null;
}

/** Written to a temporary file and renamed over the old one: a reader sees the old or the new manifest, never half. */
export async function writeManifest(lakeDir: string, manifest: ParquetManifest): Promise<void> {
  const dir = parquetRoot(lakeDir);
  await fs.mkdir(dir, { recursive: true });
  const tmp = path.join(dir, `.${MANIFEST_FILE}.${process.pid}.tmp`);
  await fs.writeFile(tmp, `${JSON.stringify(manifest, null, 1)}\n`);
  await fs.rename(tmp, path.join(dir, MANIFEST_FILE));
}
