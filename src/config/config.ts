import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { availableParallelism } from 'node:os';
import ipaddr from 'ipaddr.js';
import { sizeInBytes } from '../domain/size-in-bytes';

/**
 * The only reader of process.env. Flags win over env; env wins over defaults. The result is
 * validated and frozen; a bad setting stops the process with a message that names it.
 */
export interface AthenaConfig {
  readonly workgroup: string;
  readonly database: string;
  readonly table: string;
  readonly catalog: string;
  /** optional when the workgroup enforces its own results location */
  readonly outputLocation: string | undefined;
  /** undefined lets the SDK resolve it (AWS_REGION, shared config) */
  readonly region: string | undefined;
  readonly resultReuseMaxAgeMinutes: number;
  readonly concurrency: number;
  readonly sdkMaxAttempts: number;
  readonly glueRefreshMs: number;
  /** the Parquet tier (issue 6): null unless ATHENA_PARQUET_TABLE and ATHENA_COMPACTION_MANIFEST are set */
  readonly parquet: AthenaParquetConfig | null;
}

/** Where compacted delivery days are read from, and the manifest that says which days those are. */
export interface AthenaParquetConfig {
  readonly database: string;
  readonly table: string;
  /** s3://bucket/key of the compaction manifest */
  readonly manifest: string;
  readonly manifestRefreshMs: number;
}

export const ENGINES = ['duckdb', 'athena'] as const;
export type EngineName = (typeof ENGINES)[number];

export interface Config {
  readonly engine: EngineName;
  /** set when engine is athena */
  readonly athena: AthenaConfig | null;
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
    /** serve compacted partitions from `<lake>/parquet` (TRAILGATE_PARQUET, default on) */
    readonly parquet: boolean;
  };
  /** the result cache and singleflight in front of the engine (src/engines/cached-engine.ts) */
  readonly cache: CacheConfig;
  /**
   * whole answers of catalogue operations (src/server/response-cache.ts): on, off and kept as
   * long as `cache` says; this bounds their bytes
   */
  readonly responseCache: { readonly maxBytes: number };
}

export interface CacheConfig {
  readonly enabled: boolean;
  /** bound on the kept rows (approximate heap bytes) */
  readonly maxBytes: number;
  /** a larger result is not kept */
  readonly maxEntryBytes: number;
  /** answers over partitions that can no longer change */
  readonly ttlMs: number;
  /** answers over partitions still being delivered (the last hour's delivery day or later) */
  readonly openTtlMs: number;
}

export interface ConfigFlags {
  lake?: string;
  port?: string | number;
  host?: string;
  maxRangeDays?: string | number;
  engine?: string;
  /** the auth config file (trailgate.config.json|yaml); resolved by src/auth */
  config?: string;
}

export class ConfigError extends Error {}

/** A cursor HMAC key: at least 32 characters when set (a short one could be guessed), random per process when not. */
function cursorSecret(raw: string | undefined): string {
  if (raw === undefined || raw === '') return randomBytes(32).toString('hex');
  if (raw.length < 32) throw new ConfigError('TRAILGATE_CURSOR_SECRET must be at least 32 characters (e.g. openssl rand -hex 32)');
  return raw;
}

function onOff(name: string, raw: string | undefined, def: boolean): boolean {
  if (raw === undefined || raw === '') return def;
  const v = raw.toLowerCase();
  if (['on', 'true', '1'].includes(v)) return true;
  if (['off', 'false', '0'].includes(v)) return false;
  throw new ConfigError(`${name} must be on or off (got ${raw})`);
}

function int(name: string, raw: string | number | undefined, def: number, min: number, max: number): number {
  if (raw === undefined || raw === '') return def;
  const n = typeof raw === 'number' ? raw : Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) throw new ConfigError(`${name} must be an integer from ${min} to ${max} (got ${raw})`);
  return n;
}

export function loadConfig(flags: ConfigFlags = {}, env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): Config {
  const engine = flags.engine ?? env.TRAILGATE_ENGINE ?? 'duckdb';
  if (!(ENGINES as readonly string[]).includes(engine)) throw new ConfigError(`engine must be one of ${ENGINES.join(', ')} (got "${engine}")`);
  const lake = flags.lake ?? env.TRAILGATE_LAKE ?? null;
  const memoryLimit = env.TRAILGATE_DUCKDB_MEMORY_LIMIT ?? '4GB';
  if (sizeInBytes(memoryLimit) === null) throw new ConfigError(`TRAILGATE_DUCKDB_MEMORY_LIMIT must look like 4GB (got ${memoryLimit})`);
  const host = flags.host ?? env.HOST ?? '127.0.0.1';
  return Object.freeze({
    engine: engine as EngineName,
    athena: engine === 'athena' ? athenaConfig(env) : null,
    lake: lake ? path.resolve(cwd, lake) : null,
    sampleLakeDir: path.resolve(cwd, env.TRAILGATE_SAMPLE_LAKE ?? '.trailgate/sample-lake'),
    host,
    port: int('port', flags.port ?? env.PORT, 4000, 0, 65535),
    maxRangeDays: int('max-range-days', flags.maxRangeDays ?? env.TRAILGATE_MAX_RANGE_DAYS, 90, 1, 36500),
    queryTimeoutMs: int('TRAILGATE_QUERY_TIMEOUT_MS', env.TRAILGATE_QUERY_TIMEOUT_MS, 30_000, 100, 3_600_000),
    inventoryTtlMs: int('TRAILGATE_INVENTORY_TTL_MS', env.TRAILGATE_INVENTORY_TTL_MS, 30_000, 0, 86_400_000),
    logLevel: env.TRAILGATE_LOG_LEVEL ?? env.LOG_LEVEL ?? 'info',
    // Cursors are signed; without a configured secret they are valid for this process only.
    cursorSecret: cursorSecret(env.TRAILGATE_CURSOR_SECRET),
    duckdb: Object.freeze({
      threads: int('TRAILGATE_DUCKDB_THREADS', env.TRAILGATE_DUCKDB_THREADS, availableParallelism(), 1, 256),
      memoryLimit,
      connections: int('TRAILGATE_DUCKDB_CONNECTIONS', env.TRAILGATE_DUCKDB_CONNECTIONS, 4, 1, 64),
      maxObjectBytes: int('TRAILGATE_MAX_FILE_MB', env.TRAILGATE_MAX_FILE_MB, 1024, 1, 4096) * 1024 * 1024,
      parquet: onOff('TRAILGATE_PARQUET', env.TRAILGATE_PARQUET, true),
    }),
    cache: cacheConfig(env),
    responseCache: Object.freeze({ maxBytes: int('TRAILGATE_RESPONSE_CACHE_MB', env.TRAILGATE_RESPONSE_CACHE_MB, 64, 1, 65_536) * MB }),
  });
}

const MB = 1024 * 1024;

/** Result cache settings (env only). */
function cacheConfig(env: NodeJS.ProcessEnv): CacheConfig {
  const mb = int('TRAILGATE_CACHE_MB', env.TRAILGATE_CACHE_MB, 256, 1, 65_536);
  const entryMb = int('TRAILGATE_CACHE_ENTRY_MB', env.TRAILGATE_CACHE_ENTRY_MB, Math.min(32, mb), 1, mb);
  return Object.freeze({
    enabled: onOff('TRAILGATE_CACHE', env.TRAILGATE_CACHE, true),
    maxBytes: mb * MB,
    maxEntryBytes: entryMb * MB,
    ttlMs: int('TRAILGATE_CACHE_TTL_SECONDS', env.TRAILGATE_CACHE_TTL_SECONDS, 3600, 0, 604_800) * 1000,
    openTtlMs: int('TRAILGATE_CACHE_OPEN_TTL_SECONDS', env.TRAILGATE_CACHE_OPEN_TTL_SECONDS, 60, 0, 86_400) * 1000,
  });
}

/** Athena settings (env only). Credentials come from the SDK's default chain; endpoints from AWS_ENDPOINT_URL*. */
function athenaConfig(env: NodeJS.ProcessEnv): AthenaConfig {
  const missing = ['ATHENA_WORKGROUP', 'ATHENA_DATABASE', 'ATHENA_TABLE'].filter((k) => !env[k]);
  if (missing.length) throw new ConfigError(`the athena engine needs ${missing.join(', ')}`);
  const out = env.ATHENA_OUTPUT_LOCATION || undefined;
  if (out && !/^s3:\/\/[a-z0-9.-]{3,63}(\/.*)?$/.test(out)) throw new ConfigError(`ATHENA_OUTPUT_LOCATION must be an s3:// URL (got ${out})`);
  return Object.freeze({
    workgroup: env.ATHENA_WORKGROUP as string,
    database: env.ATHENA_DATABASE as string,
    table: env.ATHENA_TABLE as string,
    catalog: env.ATHENA_CATALOG || 'AwsDataCatalog',
    outputLocation: out,
    region: env.AWS_REGION || env.AWS_DEFAULT_REGION || undefined,
    resultReuseMaxAgeMinutes: int('ATHENA_RESULT_REUSE_MAX_AGE_MINUTES', env.ATHENA_RESULT_REUSE_MAX_AGE_MINUTES, 60, 1, 10080),
    concurrency: int('ATHENA_CONCURRENCY', env.ATHENA_CONCURRENCY, 20, 1, 1000),
    sdkMaxAttempts: int('ATHENA_SDK_MAX_ATTEMPTS', env.ATHENA_SDK_MAX_ATTEMPTS, 3, 1, 10),
    glueRefreshMs: int('TRAILGATE_GLUE_REFRESH_MS', env.TRAILGATE_GLUE_REFRESH_MS, 300_000, 0, 86_400_000),
    parquet: athenaParquetConfig(env),
  });
}

/** The Parquet tier: both ATHENA_PARQUET_TABLE and ATHENA_COMPACTION_MANIFEST, or neither. */
function athenaParquetConfig(env: NodeJS.ProcessEnv): AthenaParquetConfig | null {
  const table = env.ATHENA_PARQUET_TABLE || undefined;
  const manifest = env.ATHENA_COMPACTION_MANIFEST || undefined;
  if (!table && !manifest) return null;
  if (!table || !manifest) throw new ConfigError('the Parquet tier needs both ATHENA_PARQUET_TABLE and ATHENA_COMPACTION_MANIFEST');
  if (!/^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]\/.*[^/]$/.test(manifest)) {
    throw new ConfigError(`ATHENA_COMPACTION_MANIFEST must be an s3://bucket/key URL of an object (got ${manifest})`);
  }
  return Object.freeze({
    database: env.ATHENA_PARQUET_DATABASE || (env.ATHENA_DATABASE as string),
    table,
    manifest,
    manifestRefreshMs: int('ATHENA_COMPACTION_REFRESH_MS', env.ATHENA_COMPACTION_REFRESH_MS, 300_000, 0, 86_400_000),
  });
}

/**
 * Dev mode (no authentication configured) runs every request as an anonymous full principal:
 * serving that beyond this machine would publish the audit trail, so only loopback binds start.
 */
export function assertBindAllowed(host: string, authenticationEnabled: boolean): void {
  if (authenticationEnabled || isLoopback(host)) return;
  throw new ConfigError(
    `refusing to listen on ${host}: no authentication is configured (no API keys or jwt section in trailgate.config.json), and without it trailgate serves loopback addresses only (127.0.0.1, ::1, localhost)`,
  );
}

export function isLoopback(host: string): boolean {
  if (host === 'localhost') return true;
  try {
    return ipaddr.parse(host.replace(/^\[|\]$/g, '')).range() === 'loopback';
  } catch {
    return false;
  }
}
