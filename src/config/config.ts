import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { availableParallelism } from 'node:os';

/**
 * The only reader of process.env. Flags win over env; env wins over defaults. The result is
 * validated and frozen; a bad setting stops the process with a message that names it.
 */
export interface Config {
  readonly engine: 'duckdb';
  /** null: serve the generated sample lake (created on first start) */
  readonly lake: string | null;
  readonly sampleLakeDir: string;
  readonly host: string;
  readonly port: number;
  readonly maxRangeDays: number;
  readonly queryTimeoutMs: number;
  readonly inventoryTtlMs: number;
  readonly logLevel: string;
  readonly cursorSecret: string;
  readonly duckdb: {
    readonly threads: number;
    readonly memoryLimit: string;
    readonly connections: number;
    readonly maxObjectBytes: number;
  };
}

export interface ConfigFlags {
  lake?: string;
  port?: string | number;
  host?: string;
  maxRangeDays?: string | number;
  engine?: string;
}

export class ConfigError extends Error {}

function int(name: string, raw: string | number | undefined, def: number, min: number, max: number): number {
  if (raw === undefined || raw === '') return def;
  const n = typeof raw === 'number' ? raw : Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) throw new ConfigError(`${name} must be an integer from ${min} to ${max} (got ${raw})`);
  return n;
}

export function loadConfig(flags: ConfigFlags = {}, env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): Config {
  const engine = flags.engine ?? env.TRAILGATE_ENGINE ?? 'duckdb';
  if (engine !== 'duckdb') {
    throw new ConfigError(`engine must be "duckdb" (got "${engine}"); the Athena engine is not part of this build yet`);
  }
  const lake = flags.lake ?? env.TRAILGATE_LAKE ?? null;
  const memoryLimit = env.TRAILGATE_DUCKDB_MEMORY_LIMIT ?? '4GB';
  if (!/^\d+(\.\d+)?\s*(KB|MB|GB|TB|KiB|MiB|GiB|TiB)$/i.test(memoryLimit)) throw new ConfigError(`TRAILGATE_DUCKDB_MEMORY_LIMIT must look like 4GB (got ${memoryLimit})`);
  return Object.freeze({
    engine,
    lake: lake ? path.resolve(cwd, lake) : null,
    sampleLakeDir: path.resolve(cwd, env.TRAILGATE_SAMPLE_LAKE ?? '.trailgate/sample-lake'),
    host: flags.host ?? env.HOST ?? '127.0.0.1',
    port: int('port', flags.port ?? env.PORT, 4000, 0, 65535),
    maxRangeDays: int('max-range-days', flags.maxRangeDays ?? env.TRAILGATE_MAX_RANGE_DAYS, 90, 1, 36500),
    queryTimeoutMs: int('TRAILGATE_QUERY_TIMEOUT_MS', env.TRAILGATE_QUERY_TIMEOUT_MS, 30_000, 100, 3_600_000),
    inventoryTtlMs: int('TRAILGATE_INVENTORY_TTL_MS', env.TRAILGATE_INVENTORY_TTL_MS, 30_000, 0, 86_400_000),
    logLevel: env.TRAILGATE_LOG_LEVEL ?? env.LOG_LEVEL ?? 'info',
    // Cursors are signed; without a configured secret they are valid for this process only.
    cursorSecret: env.TRAILGATE_CURSOR_SECRET ?? randomBytes(32).toString('hex'),
    duckdb: Object.freeze({
      threads: int('TRAILGATE_DUCKDB_THREADS', env.TRAILGATE_DUCKDB_THREADS, availableParallelism(), 1, 256),
      memoryLimit,
      connections: int('TRAILGATE_DUCKDB_CONNECTIONS', env.TRAILGATE_DUCKDB_CONNECTIONS, 4, 1, 64),
      maxObjectBytes: int('TRAILGATE_MAX_FILE_MB', env.TRAILGATE_MAX_FILE_MB, 64, 1, 4096) * 1024 * 1024,
    }),
  });
}
