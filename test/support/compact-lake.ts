import { loadConfig } from '../../src/config/config';
import type { CompactOptions } from '../../src/engines/duckdb/lake-compactor';
import { DuckDbEngine } from '../../src/engines/duckdb/duckdb-engine';
import { silentLogger } from './gateway-harness';

/** `trailgate compact` on a lake directory, in-process (every delivery day before 2090 unless told). */
export async function compactLake(lake: string, opts: CompactOptions = {}) {
  const config = loadConfig({ lake }, { TRAILGATE_DUCKDB_THREADS: '2' });
  const engine = await DuckDbEngine.open({ lakeDir: lake, ...config.duckdb, queryTimeoutMs: 600_000, inventoryTtlMs: 0, logger: silentLogger(), forCompaction: true });
  try {
    return await engine.compact({ to: '2090-01-01', ...opts });
  } finally {
    await engine.close();
  }
}
