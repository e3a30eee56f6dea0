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

/** `trailgate compact --lake DIR [--from D] [--to D] [--force]`: the lake's Parquet tier, with a progress bar. */
export async function compactLake(config: Config, flags: CompactFlags, out: (s: string) => void = (s) => process.stdout.write(s)): Promise<CompactSummary> {
  if (config.engine !== 'duckdb') throw new ConfigError('compact --engine athena is not wired in this command yet');
  if (!config.lake) throw new ConfigError('compact needs --lake DIR (or TRAILGATE_LAKE)');
  for (const [name, v] of [['--from', flags.from], ['--to', flags.to]] as const) {
    if (v !== undefined && !DAY.test(v)) throw new ConfigError(`${name} must be a day, YYYY-MM-DD (got ${v})`);
  }
  const logger = createLogger(config.logLevel);
  const engine = await DuckDbEngine.open({ lakeDir: config.lake, ...config.duckdb, queryTimeoutMs: 24 * 3_600_000, inventoryTtlMs: 0, logger });
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
