import { GetTableCommand, type GlueClient, type Table } from '@aws-sdk/client-glue';
import type { TrinoTableBinding } from '../../sql/trino-compiler';
import type { ReadinessCheck } from '../engine';
import { GlueTableError } from './glue-table-error';
import { readGlueTable, type GlueTableInfo } from './read-glue-table';

/** The part of a pino logger the catalogue uses. */
export interface GlueLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
}

export interface GlueCatalogOptions {
  readonly client: GlueClient;
  /** the AWS account id of the Glue catalog; defaults to the caller's */
  readonly catalogId?: string;
  readonly database: string;
  readonly table: string;
  /** Athena data catalog name to qualify the table with in SQL (e.g. AwsDataCatalog) */
  readonly athenaCatalog?: string;
  /** re-read the table this often; 0 never */
  readonly refreshMs: number;
  readonly logger: GlueLogger;
  /** explicit retries of ThrottlingException on top of the SDK's own (default 4) */
  readonly throttleRetries?: number;
  /** first backoff delay, doubled each retry with full jitter (default 250 ms, capped at 5 s) */
  readonly throttleBaseMs?: number;
  /** for tests */
  readonly sleep?: (ms: number) => Promise<void>;
}

const sleeper = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());
const isThrottle = (e: unknown) => e instanceof Error && (e.name === 'ThrottlingException' || e.name === 'TooManyRequestsException');

/**
 * The Glue table behind the Athena engine: read with GetTable at startup (a bad table stops the
 * gateway with a GlueTableError naming every problem), cached, and re-read on a timer. A failed
 * refresh keeps the last good table and logs; requests never call Glue.
 * GetTable returns one table whole: it has no NextToken to follow (GetTables does; we never list).
 */
export class GlueCatalog {
  private current: GlueTableInfo;
  private timer: NodeJS.Timeout | null = null;
  private refreshing: Promise<boolean> | null = null;
  private lastRefreshFailed = false;

  private constructor(
    private readonly opts: GlueCatalogOptions,
    first: GlueTableInfo,
  ) {
    this.current = first;
  }

  static async load(opts: GlueCatalogOptions): Promise<GlueCatalog> {
    const info = await fetchTable(opts);
    opts.logger.info({ glue: { database: opts.database, table: opts.table, layout: info.layout, requireAccounts: info.requireAccounts } }, 'glue table loaded');
    const catalog = new GlueCatalog(opts, info);
    if (opts.refreshMs > 0) {
      catalog.timer = setInterval(() => void catalog.refresh(), opts.refreshMs);
      catalog.timer.unref();
    }
    return catalog;
  }

  binding(): TrinoTableBinding {
    return this.current.binding;
  }

  requireAccounts(): boolean {
    return this.current.requireAccounts;
  }

  info(): GlueTableInfo {
    return this.current;
  }

  /** For /readyz: the table was loaded at start (or there is no catalogue), and the last refresh worked. */
  readiness(): ReadinessCheck {
    return this.lastRefreshFailed ? { name: 'glue', ok: false, detail: 'the last Glue table refresh failed (see the log)' } : { name: 'glue', ok: true };
  }

  /** Re-reads the table now; true when it was replaced. Never throws: failures keep the last good one. */
  refresh(): Promise<boolean> {
    this.refreshing ??= this.doRefresh().finally(() => {
      this.refreshing = null;
    });
    return this.refreshing;
  }

  close(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  private async doRefresh(): Promise<boolean> {
    try {
      const next = await fetchTable(this.opts);
      const changed = JSON.stringify(next) !== JSON.stringify(this.current);
      if (changed) this.opts.logger.info({ glue: { table: this.opts.table, layout: next.layout } }, 'glue table changed');
      this.current = next;
      this.lastRefreshFailed = false;
      return changed;
    } catch (err) {
      this.lastRefreshFailed = true;
      this.opts.logger.warn({ err, glue: { database: this.opts.database, table: this.opts.table } }, 'glue table refresh failed; keeping the last good definition');
      return false;
    }
  }
}

async function fetchTable(opts: GlueCatalogOptions): Promise<GlueTableInfo> {
  const table = await getTable(opts);
  return readGlueTable(table, { database: opts.database, table: opts.table, catalog: opts.athenaCatalog });
}

async function getTable(opts: GlueCatalogOptions): Promise<Table> {
  const retries = opts.throttleRetries ?? 4;
  const base = opts.throttleBaseMs ?? 250;
  const sleep = opts.sleep ?? sleeper;
  const where = `Glue table ${opts.database}.${opts.table}${opts.catalogId ? ` (catalog ${opts.catalogId})` : ''}`;
  for (let attempt = 0; ; attempt++) {
    try {
      const out = await opts.client.send(new GetTableCommand({ CatalogId: opts.catalogId, DatabaseName: opts.database, Name: opts.table }));
      if (!out.Table) throw new GlueTableError(`${where}: GetTable returned no table`);
      return out.Table;
    } catch (err) {
      if (err instanceof GlueTableError) throw err;
      if (isThrottle(err) && attempt < retries) {
        // Full jitter: https://aws.amazon.com/blogs/architecture/exponential-backoff-and-jitter/
        await sleep(Math.random() * Math.min(5000, base * 2 ** attempt));
        continue;
      }
      const name = err instanceof Error ? err.name : 'Error';
      if (name === 'EntityNotFoundException') throw new GlueTableError(`${where} does not exist (create it with trailgate glue apply)`, [], { cause: err });
      throw new GlueTableError(`${where} could not be read: ${name}: ${err instanceof Error ? err.message : String(err)}`, [], { cause: err });
    }
  }
}
