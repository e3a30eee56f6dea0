import { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { createPool, type Pool } from 'generic-pool';
import { DUCKDB_MACROS } from '../../sql/duckdb-macros';

export interface DuckDbPoolOptions {
  readonly threads: number;
  readonly memoryLimit: string;
  readonly connections: number;
}

/** One embedded DuckDB instance and a bounded pool of its connections. */
export class DuckDbPool {
  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly pool: Pool<DuckDBConnection>,
  ) {}

  static async open(opts: DuckDbPoolOptions): Promise<DuckDbPool> {
    const instance = await DuckDBInstance.create(':memory:', {
      threads: String(opts.threads),
      memory_limit: opts.memoryLimit,
      // The gateway reads only files it selected; nothing may be fetched at run time.
      autoinstall_known_extensions: 'false',
      autoload_known_extensions: 'false',
    });
    const pool = createPool<DuckDBConnection>(
      {
        create: async () => {
          const c = await instance.connect();
          await c.run(`SET TimeZone = 'UTC'`);
          for (const m of DUCKDB_MACROS) await c.run(m);
          return c;
        },
        destroy: async (c) => c.closeSync(),
      },
      { max: opts.connections, min: 0 },
    );
    return new DuckDbPool(instance, pool);
  }

  async use<T>(fn: (c: DuckDBConnection) => Promise<T>): Promise<T> {
    const c = await this.pool.acquire();
    try {
      return await fn(c);
    } finally {
      await this.pool.release(c);
    }
  }

  get pending(): number {
    return this.pool.pending;
  }

  async close(): Promise<void> {
    await this.pool.drain();
    await this.pool.clear();
    this.instance.closeSync();
  }
}
