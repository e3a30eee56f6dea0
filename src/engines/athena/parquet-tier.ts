import type { GlueClient } from '@aws-sdk/client-glue';
import type { S3Client } from '@aws-sdk/client-s3';
import type { TrinoParquetTier, TrinoTableRef } from '../../sql/trino-binding';
import type { ReadinessCheck } from '../engine';
import type { GlueLogger } from '../glue/glue-catalog';
import { CompactionError } from './compaction/compaction-error';
import type { CompactionManifest } from './compaction/compaction-manifest';
import { columnTypes, getGlueTable, qualifiedName } from './compaction/glue-tables';
import { checkTables, readManifest } from './compaction/manifest-store';
import { parquetTableProblems } from './compaction/parquet-target';
import { parseS3Url, type S3Location } from './compaction/s3-url';

export interface ParquetTierOptions {
  readonly glue: GlueClient;
  readonly s3: S3Client;
  readonly raw: TrinoTableRef;
  readonly parquet: TrinoTableRef;
  /** s3://bucket/key of the compaction manifest */
  readonly manifest: string;
  /** re-read the manifest this often; 0 never */
  readonly refreshMs: number;
  readonly logger: GlueLogger;
}

/**
 * The Parquet tier as the gateway sees it: which delivery days the compaction manifest records,
 * read at startup and re-read on a timer (like the Glue table). A failed refresh keeps the last
 * good manifest: a day recorded stays readable from Parquet, whose output is only dropped after a
 * compaction job has taken the day out of the manifest (and waited for gateways to re-read it).
 * Requests never call S3.
 */
export class ParquetTier {
  private current: TrinoParquetTier;
  private timer: NodeJS.Timeout | null = null;
  private lastRefreshFailed = false;

  private constructor(
    private readonly opts: ParquetTierOptions,
    private readonly at: S3Location,
    manifest: CompactionManifest,
  ) {
    this.current = tierOf(opts.parquet, manifest);
  }

  /**
   * Checks that the Parquet table is the tier (partition keys, catalogue columns) and that the
   * two tables' shared columns have the same types (UNION ALL needs them), then reads the
   * manifest; any problem is a startup error naming it.
   */
  static async load(opts: ParquetTierOptions): Promise<ParquetTier> {
    const at = parseS3Url(opts.manifest, 'ATHENA_COMPACTION_MANIFEST');
    const [parquet, raw] = await Promise.all([getGlueTable(opts.glue, opts.parquet), getGlueTable(opts.glue, opts.raw)]);
    const problems = parquetTableProblems(parquet);
    const pq = columnTypes(parquet);
    for (const [name, type] of columnTypes(raw)) {
      if (pq.has(name) && pq.get(name) !== type) problems.push(`column ${name} is ${type} in the raw table and ${pq.get(name)} in the Parquet table`);
    }
    if (problems.length > 0) throw new CompactionError(`Parquet table ${qualifiedName(opts.parquet)} cannot be read beside ${qualifiedName(opts.raw)}:\n  - ${problems.join('\n  - ')}`);
    const tier = new ParquetTier(opts, at, await fetchManifest(opts, at));
    opts.logger.info({ parquetTier: { table: qualifiedName(opts.parquet), compactedDays: tier.current.compactedDays.size } }, 'parquet tier loaded');
    if (opts.refreshMs > 0) {
      tier.timer = setInterval(() => void tier.refresh(), opts.refreshMs);
      tier.timer.unref();
    }
    return tier;
  }

  tier(): TrinoParquetTier {
    return this.current;
  }

  /** For /readyz: whether the last manifest refresh worked (a failed one keeps serving the last good manifest). */
  readiness(): ReadinessCheck {
    return this.lastRefreshFailed ? { name: 'compaction-manifest', ok: false, detail: 'the last compaction manifest refresh failed (see the log)' } : { name: 'compaction-manifest', ok: true };
  }

  /** Re-reads the manifest now; never throws (a failure keeps the last good one). */
  async refresh(): Promise<void> {
    try {
      const next = tierOf(this.opts.parquet, await fetchManifest(this.opts, this.at));
      if (next.compactedDays.size !== this.current.compactedDays.size) {
        this.opts.logger.info({ parquetTier: { compactedDays: next.compactedDays.size } }, 'compaction manifest changed');
      }
      this.current = next;
      this.lastRefreshFailed = false;
    } catch (err) {
      this.lastRefreshFailed = true;
      this.opts.logger.warn({ err, parquetTier: { manifest: this.opts.manifest } }, 'compaction manifest refresh failed; keeping the last good one');
    }
  }

  close(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}

async function fetchManifest(opts: ParquetTierOptions, at: S3Location): Promise<CompactionManifest> {
  const tables = { raw: qualifiedName(opts.raw), parquet: qualifiedName(opts.parquet) };
  const { manifest } = await readManifest(opts.s3, at, tables);
  checkTables(manifest, tables, at);
  return manifest;
}

const tierOf = (ref: TrinoTableRef, m: CompactionManifest): TrinoParquetTier =>
  Object.freeze({ ...ref, compactedDays: new Set(Object.keys(m.days)) });
