import type { AthenaClient } from '@aws-sdk/client-athena';
import type { GlueClient } from '@aws-sdk/client-glue';
import type { S3Client } from '@aws-sdk/client-s3';
import type { Logger } from 'pino';

export interface CompactAthenaOptions {
  readonly athena: AthenaClient;
  readonly glue: GlueClient;
  readonly s3: S3Client;
  readonly workgroup: string;
  /** the Athena data catalog of both tables (default AwsDataCatalog) */
  readonly catalog?: string;
  /** omit when the workgroup enforces its own results location */
  readonly outputLocation?: string;
  /** the raw table (ATHENA_DATABASE / ATHENA_TABLE) */
  readonly database: string;
  readonly rawTable: string;
  /** the Parquet table (ATHENA_PARQUET_DATABASE, default the raw table's / ATHENA_PARQUET_TABLE) */
  readonly parquetDatabase?: string;
  readonly parquetTable: string;
  /** s3://bucket/key of the manifest object (ATHENA_COMPACTION_MANIFEST) */
  readonly manifest: string;
  /** first delivery day, YYYY-MM-DD (default: the raw table's projected start) */
  readonly from?: string;
  /** last delivery day, YYYY-MM-DD, before today UTC (default: yesterday) */
  readonly to?: string;
  /** compact the range again even where the manifest records it */
  readonly force?: boolean;
  /**
   * Recorded days this close to today (in days, default 3) have their raw objects listed again;
   * a different count or size (a late delivery) compacts them again. Older days are skipped
   * without a call: use force with from/to for them.
   */
  readonly recheckDays?: number;
  /**
   * Before re-compacting a recorded day, the job removes it from the manifest, then waits this
   * long before dropping its Parquet output, so that gateways (which re-read the manifest every
   * ATHENA_COMPACTION_REFRESH_MS) stop reading it first. Default 0; pass the gateways' refresh
   * interval when they serve those days.
   */
  readonly settleMs?: number;
  /** per INSERT INTO (default 60 min; Athena's own DML timeout applies too) */
  readonly statementTimeoutMs?: number;
  /** S3 listings in flight at once (default 8) */
  readonly listConcurrency?: number;
  /** aborting stops the running statement (StopQueryExecution) and ends the job */
  readonly signal?: AbortSignal;
  readonly logger: Logger;
  readonly now?: () => Date;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly random?: () => number;
}

/** After each statement and each day: days handled of the range, the range's days, what happened. */
export type CompactionProgress = (done: number, total: number, label: string) => void;

export interface CompactionSummary {
  /** days compacted by this run */
  readonly compacted: readonly string[];
  /** recorded days whose raw objects were listed again and had not changed */
  readonly unchanged: readonly string[];
  /** recorded days left alone */
  readonly skipped: readonly string[];
  /** INSERT INTO statements run */
  readonly statements: number;
}

export const COMPACTION_DEFAULTS = Object.freeze({
  catalog: 'AwsDataCatalog',
  recheckDays: 3,
  settleMs: 0,
  statementTimeoutMs: 60 * 60_000,
  listConcurrency: 8,
});
