import { isDay } from '../../../domain/utc-day';

/**
 * The compaction manifest: a small JSON object in S3 that says which delivery days of a raw table
 * the Parquet table holds in full. A day appears only once every INSERT INTO of it has SUCCEEDED;
 * the gateway reads Parquet for exactly these days (routing) and raw for every other day.
 *
 * {
 *   "version": 1,
 *   "raw": "AwsDataCatalog.security.cloudtrail_org_logs",
 *   "parquet": "AwsDataCatalog.security.cloudtrail_parquet",
 *   "days": {
 *     "2024-03-01": {
 *       "compactedAt": "2024-03-02T04:10:00.000Z",
 *       "source": { "objects": 9792, "bytes": 1523456789 },      // null: the raw location is unknown
 *       "statements": [
 *         { "queryExecutionId": "…", "accounts": ["111122223333"], "regions": ["eu-west-1", …], "maxPartitions": 51 }
 *       ]
 *     }
 *   }
 * }
 */
export interface CompactionManifest {
  readonly version: 1;
  /** catalog.database.table of the raw table the days were read from */
  readonly raw: string;
  /** catalog.database.table of the Parquet table they were written to */
  readonly parquet: string;
  readonly days: Readonly<Record<string, CompactedDay>>;
}

export interface CompactedDay {
  readonly compactedAt: string;
  /** the raw day's objects when it was read (S3 listing): a later difference means a late delivery */
  readonly source: { readonly objects: number; readonly bytes: number } | null;
  readonly statements: readonly CompactionStatementRecord[];
}

export interface CompactionStatementRecord {
  readonly queryExecutionId: string;
  /** null: the table's one account (no account partition) */
  readonly accounts: readonly string[] | null;
  readonly regions: readonly string[];
  /** the most partitions the statement could write (≤ 100) */
  readonly maxPartitions: number;
}

export class ManifestError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ManifestError';
  }
}

export const emptyManifest = (raw: string, parquet: string): CompactionManifest => ({ version: 1, raw, parquet, days: {} });

/** Parses and checks a manifest's text; throws ManifestError naming what is wrong. */
export function parseManifest(text: string, where: string): CompactionManifest {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new ManifestError(`${where} is not JSON: ${(e as Error).message}`);
  }
  const m = json as Partial<CompactionManifest> | null;
  if (!m || typeof m !== 'object' || m.version !== 1) throw new ManifestError(`${where} is not a version 1 trailgate compaction manifest`);
  if (typeof m.raw !== 'string' || typeof m.parquet !== 'string') throw new ManifestError(`${where} names no raw and Parquet tables`);
  if (!m.days || typeof m.days !== 'object') throw new ManifestError(`${where} has no days`);
  for (const [day, entry] of Object.entries(m.days)) {
    if (!isDay(day)) throw new ManifestError(`${where}: ${JSON.stringify(day)} is not a YYYY-MM-DD day`);
    if (!entry || typeof entry.compactedAt !== 'string' || !Array.isArray(entry.statements)) throw new ManifestError(`${where}: day ${day} is malformed`);
  }
  return m as CompactionManifest;
}

/** The manifest with `day` recorded (or, with null, removed). */
export function withDay(m: CompactionManifest, day: string, entry: CompactedDay | null): CompactionManifest {
  const { [day]: _old, ...rest } = m.days;
  return { ...m, days: entry ? { ...rest, [day]: entry } : rest };
}

/** The manifest without the given days. */
export const withoutDays = (m: CompactionManifest, days: readonly string[]): CompactionManifest =>
  days.reduce((acc, d) => withDay(acc, d, null), m);

/** Stable text: days in order, so two writers' diffs read well. */
export function manifestText(m: CompactionManifest): string {
  const days = Object.fromEntries(Object.keys(m.days).sort().map((d) => [d, m.days[d]]));
  return `${JSON.stringify({ version: 1, raw: m.raw, parquet: m.parquet, days }, null, 2)}\n`;
}
