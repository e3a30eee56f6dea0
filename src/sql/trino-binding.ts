/**
 * The delivery-day partition(s) of a table. `date`: one column holding the day as text
 * (`kind` may be omitted; partition projection's `date` type, e.g. `timestamp` = 'yyyy/MM/dd').
 * `ymd`: manual Hive partitions year/month/day holding zero-padded text ('2024', '03', '01').
 */
export type TrinoDaySpec =
  | { readonly kind?: 'date'; readonly column: string; readonly format: 'yyyy/MM/dd' | 'yyyy-MM-dd' }
  | { readonly kind: 'ymd'; readonly year: string; readonly month: string; readonly day: string };

/** A table of the Glue/Hive catalog. */
export interface TrinoTableRef {
  readonly catalog?: string;
  readonly database: string;
  readonly table: string;
}

/**
 * How a Glue/Hive table lays out the lake's partitions. `account` is a partition column for
 * organization trails, or a constant for a single-account table. An `injected` account column
 * (partition projection type `injected`) only works when every query names its accounts.
 */
export interface TrinoTableBinding extends TrinoTableRef {
  readonly account: { readonly column: string; readonly injected?: boolean } | { readonly constant: string } | null;
  readonly regionColumn: string | null;
  /** delivery-day partitioning */
  readonly day: TrinoDaySpec | null;
}

/**
 * The columnar tier (issue 6): a Parquet copy of whole delivery days of the raw table, written by
 * `trailgate compact --engine athena`. Its partitions are PARQUET_PARTITION_KEYS; its data columns
 * are the raw table's, value for value.
 */
export interface TrinoParquetTier extends TrinoTableRef {
  /** delivery days (YYYY-MM-DD) whose raw partitions the Parquet table holds in full */
  readonly compactedDays: ReadonlySet<string>;
}

/**
 * The Parquet table's partition keys, in order. `delivery` (the raw delivery day, YYYY-MM-DD)
 * comes first so that one delivery day's output is one S3 prefix (dropped whole on re-compaction);
 * `account` and `region` are the raw partition's; `date` is the event's UTC day, kept within a day
 * of the delivery day (see compaction/insert-statement.ts for why).
 */
export const PARQUET_PARTITION_KEYS = ['delivery', 'account', 'region', 'date'] as const;

const IDENT = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/** A quoted identifier from configuration (Glue names); anything unexpected is refused. */
export function ident(name: string): string {
  if (!IDENT.test(name)) throw new Error(`bad identifier ${name}`);
  return `"${name}"`;
}

export function tableSql(t: TrinoTableRef): string {
  return `${t.catalog ? `${ident(t.catalog)}.` : ''}${ident(t.database)}.${ident(t.table)}`;
}
