import type { Config } from '../config/config';
import { ConfigError } from '../config/config';
import { DuckDbEngine } from '../engines/duckdb/duckdb-engine';
import { dayAfter, type CompactSummary } from '../engines/duckdb/lake-compactor';
import { createLogger } from '../server/logger';
import { progressBar } from './progress';

export interface CompactFlags {
  /** first delivery day, YYYY-MM-DD */
  readonly from?: string;
  /** last delivery day, YYYY-MM-DD, inclusive */
  readonly to?: string;
  readonly force?: boolean;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/**
 * `trailgate compact [--engine duckdb|athena] [--lake DIR] [--from D] [--to D] [--force]`: the
 * Parquet tier of a local lake, or of the Athena table (INSERT INTO per delivery day), with a
 * progress bar; prints a JSON summary.
 */
export async function compact(config: Config, flags: CompactFlags, out: (s: string) => void = (s) => process.stdout.write(s)): Promise<unknown> {
  for (const [name, v] of [['--from', flags.from], ['--to', flags.to]] as const) {
    if (v !== undefined && !DAY.test(v)) throw new ConfigError(`${name} must be a day, YYYY-MM-DD (got ${v})`);
  }
  return config.engine === 'athena' ? compactAthenaTable(config, flags, out) : compactLake(config, flags, out);
}

async function compactAthenaTable(config: Config, flags: CompactFlags, out: (s: string) => void): Promise<unknown> {
  const a = config.athena!;
  if (!a.parquet) throw new ConfigError('compact --engine athena needs ATHENA_PARQUET_TABLE and ATHENA_COMPACTION_MANIFEST');
  // the AWS SDK clients load only for Athena (~0.1 s a local compaction does not pay)
  const { createAthenaClient } = await import('../engines/athena/athena-client');
  const { compactAthena } = await import('../engines/athena/compaction/compact-athena');
  const { CompactionError } = await import('../engines/athena/compaction/compaction-error');
  const { ManifestError } = await import('../engines/athena/compaction/compaction-manifest');
  const { createS3Client } = await import('../engines/athena/s3-client');
  const { createGlueClient } = await import('../engines/glue/glue-client');
  const { GlueTableError } = await import('../engines/glue/glue-table-error');
  const ctl = new AbortController();
  const interrupt = () => ctl.abort(new Error('interrupted'));
  process.once('SIGINT', interrupt);
  const bar = progressBar('Compacting');
  try {
    const summary = await compactAthena(
      {
        athena: createAthenaClient({ region: a.region, maxAttempts: a.sdkMaxAttempts }),
        glue: createGlueClient({ region: a.region, maxAttempts: a.sdkMaxAttempts }),
        s3: createS3Client({ region: a.region, maxAttempts: a.sdkMaxAttempts }),
        workgroup: a.workgroup,
        catalog: a.catalog,
        outputLocation: a.outputLocation,
        database: a.database,
        rawTable: a.table,
        parquetDatabase: a.parquet.database,
        parquetTable: a.parquet.table,
        manifest: a.parquet.manifest,
        from: flags.from,
        to: flags.to,
        force: flags.force,
        // gateways re-read the manifest this often: a day being redone waits that long before its output goes
        settleMs: a.parquet.manifestRefreshMs,
        signal: ctl.signal,
        logger: createLogger(config.logLevel),
      },
      (done, total) => bar.update(done, total),
    );
    bar.stop();
    out(`${JSON.stringify(summary, null, 2)}\n`);
    return summary;
  } catch (e) {
    if (e instanceof CompactionError || e instanceof GlueTableError || e instanceof ManifestError) throw new ConfigError(e.message);
    throw e;
  } finally {
    bar.stop();
    process.off('SIGINT', interrupt);
  }
}

async function compactLake(config: Config, flags: CompactFlags, out: (s: string) => void): Promise<CompactSummary> {
  if (!config.lake) throw new ConfigError('compact needs --lake DIR (or TRAILGATE_LAKE)');
  const logger = createLogger(config.logLevel);
  const engine = await DuckDbEngine.open({ lakeDir: config.lake, ...config.duckdb, queryTimeoutMs: 24 * 3_600_000, inventoryTtlMs: 0, logger, forCompaction: true });
  const bar = progressBar('Compacting');
  try {
    const summary = await engine.compact({ from: flags.from, to: flags.to && dayAfter(flags.to), force: flags.force }, (done, total) => bar.update(done, total));
    bar.stop();
    out(`${JSON.stringify(summary, null, 2)}\n`);
    return summary;
  } finally {
    bar.stop();
    await engine.close();
  }
}
