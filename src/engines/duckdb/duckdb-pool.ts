import { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { createPool, type Pool } from 'generic-pool';
import path from 'node:path';
import type { Logger } from 'pino';
import { DUCKDB_MACROS } from '../../sql/duckdb-macros';
import { encodeString } from '../../sql/literal-encoder';
import { SpillDirectory } from './spill-directory';

export interface DuckDbPoolOptions {
  readonly threads: number;
  readonly memoryLimit: string;
  readonly connections: number;
  /** the only directories DuckDB may read (the lake); everything else is refused */
  readonly allowedDirectories: readonly string[];
  /**
   * Bytes of block memory DuckDB keeps once it has touched them instead of returning them to the
   * OS (its block_allocator_memory; default none). Set (once, at open: the configuration is then
   * locked) where statements allocate and free gigabytes in turn: see DuckDbEngineOptions.forCompaction.
   */
  readonly keptBlockBytes?: number;
  /** told when the spill directory's lock is lost (see SpillDirectory) */
  readonly logger?: Logger;
}

export interface DuckDbLease {
  readonly connection: DuckDBConnection;
  /** returns the connection to the pool (once; later calls do nothing) */
  release(): Promise<void>;
}

/** One embedded DuckDB instance and a bounded pool of its connections. */
export class DuckDbPool {
  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly pool: Pool<DuckDBConnection>,
    private readonly spill: SpillDirectory,
  ) {}

  static async open(opts: DuckDbPoolOptions): Promise<DuckDbPool> {
    const spill = await SpillDirectory.create((err) =>
      opts.logger?.warn({ err: err.message }, 'the lock on DuckDB\'s spill directory was lost: another trailgate may remove it while in use'),
    );
    const instance = await openInstance(opts, spill.path).catch(async (err: unknown) => {
      await spill.remove();
      throw err;
    });
    const pool = createPool<DuckDBConnection>(
      {
        create: () => instance.connect(),
        destroy: async (c) => c.closeSync(),
      },
      { max: opts.connections, min: 0 },
    );
    return new DuckDbPool(instance, pool, spill);
  }

  async use<T>(fn: (c: DuckDBConnection) => Promise<T>): Promise<T> {
    const c = await this.pool.acquire();
    try {
      return await fn(c);
    } finally {
      await this.pool.release(c);
    }
  }

  /** A connection held until `release()` (a stream keeps one while its reader reads). */
  async lease(): Promise<DuckDbLease> {
    const connection = await this.pool.acquire();
    let released = false;
    return {
      connection,
      release: async () => {
        if (released) return;
        released = true;
        await this.pool.release(connection);
      },
    };
  }

  get pending(): number {
    return this.pool.pending;
  }

  async close(): Promise<void> {
    await this.pool.drain();
    await this.pool.clear();
    this.instance.closeSync();
    await this.spill.remove();
  }
}

/** The embedded instance, locked down (closed again if that fails). */
async function openInstance(opts: DuckDbPoolOptions, spill: string): Promise<DuckDBInstance> {
  const instance = await DuckDBInstance.create(':memory:', {
    threads: String(opts.threads),
    memory_limit: opts.memoryLimit,
    // The gateway reads only files it selected; nothing may be fetched at run time.
    autoinstall_known_extensions: 'false',
    autoload_known_extensions: 'false',
    // Every statement orders what it returns; keeping scan order would serialise COPY (the
    // Parquet compaction) and large reads for nothing.
    preserve_insertion_order: 'false',
    ...(opts.keptBlockBytes ? { block_allocator_memory: `${Math.floor(opts.keptBlockBytes / 2 ** 20)}MiB` } : {}),
  });
  try {
    await lockDown(instance, opts.allowedDirectories, spill);
  } catch (err) {
    instance.closeSync();
    throw err;
  }
  return instance;
}

/**
 * Once, before any query: UTC, the macros, then file access limited to the lake (and DuckDB's own
 * spill directory) and the configuration locked, so no statement can read elsewhere or undo it.
 * https://duckdb.org/docs/stable/operations_manual/securing_duckdb/overview
 */
async function lockDown(instance: DuckDBInstance, lakeDirs: readonly string[], spill: string): Promise<void> {
  const dirs = [...lakeDirs, spill].map((d) => encodeString(`${path.resolve(d)}${path.sep}`));
  const c = await instance.connect();
  try {
    await c.run(`SET GLOBAL TimeZone = 'UTC'`);
    for (const m of DUCKDB_MACROS) await c.run(m);
    await c.run(`SET GLOBAL temp_directory = ${encodeString(spill)}`);
    await c.run(`SET GLOBAL allowed_directories = [${dirs.join(', ')}]`);
    await c.run(`SET GLOBAL enable_external_access = false`);
    await c.run(`SET GLOBAL lock_configuration = true`);
  } finally {
    c.closeSync();
  }
}
