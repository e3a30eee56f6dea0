import type { AccountScope } from '../../domain/principal';
import type { AthenaClient } from '@aws-sdk/client-athena';
import type { S3Client } from '@aws-sdk/client-s3';
import type { Logger } from 'pino';
import type { TrinoParquetTier, TrinoTableBinding } from '../../sql/trino-compiler';
import type { LakeInfo, ReadinessCheck } from '../engine';
import { MAX_REUSE_AGE_MINUTES } from './result-reuse';

export interface AthenaEngineOptions {
  readonly client: AthenaClient;
  readonly workgroup: string;
  readonly database: string;
  /** default AwsDataCatalog */
  readonly catalog?: string;
  /** omit when the workgroup enforces its own results location */
  readonly outputLocation?: string;
  /** reads result objects (exports stream them from S3); default: a client in the Athena client's region */
  readonly resultsS3?: S3Client;
  /** the table layout, from the Glue catalogue (cached and refreshed there; read per query here) */
  readonly binding: () => TrinoTableBinding | Promise<TrinoTableBinding>;
  /** the Parquet copy of compacted delivery days (the compaction manifest, refreshed there); read per query */
  readonly parquetTier?: () => TrinoParquetTier | null;
  /** true when the table's account partition is `injected`: every query must name its accounts */
  readonly requireAccounts?: () => boolean;
  /** default 30000 */
  readonly queryTimeoutMs?: number;
  /** default 60; Athena allows 1..10080 */
  readonly resultReuseMaxAgeMinutes?: number;
  /** in-flight Athena queries at most (default 20); the rest wait in the gateway's queue */
  readonly concurrency?: number;
  /** gateway-side retries of a throttled call, after the SDK's own (default 4) */
  readonly throttleRetries?: number;
  /** what lakeInfo() reports as the location, e.g. database.table */
  readonly location: string;
  readonly logger: Logger;
  readonly now?: () => Date;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly random?: () => number;
  readonly lakeInfo?: (scope: AccountScope) => Promise<LakeInfo>;
  /** the state of what the engine reads beside Athena (the Glue table, the compaction manifest), for /readyz */
  readonly readiness?: () => readonly ReadinessCheck[];
}

export const ATHENA_DEFAULTS = Object.freeze({
  catalog: 'AwsDataCatalog',
  queryTimeoutMs: 30_000,
  resultReuseMaxAgeMinutes: 60,
  concurrency: 20,
  throttleRetries: 4,
});

/** Throws a RangeError naming the first setting out of range (a startup error, not a request error). */
export function checkAthenaOptions(opts: AthenaEngineOptions): void {
  const timeout = opts.queryTimeoutMs ?? ATHENA_DEFAULTS.queryTimeoutMs;
  const reuse = opts.resultReuseMaxAgeMinutes ?? ATHENA_DEFAULTS.resultReuseMaxAgeMinutes;
  const concurrency = opts.concurrency ?? ATHENA_DEFAULTS.concurrency;
  const retries = opts.throttleRetries ?? ATHENA_DEFAULTS.throttleRetries;
  if (!opts.workgroup || !opts.database) throw new RangeError('athena: workgroup and database are required');
  if (!(timeout > 0)) throw new RangeError(`athena: queryTimeoutMs must be positive (got ${timeout})`);
  // https://docs.aws.amazon.com/athena/latest/APIReference/API_ResultReuseByAgeConfiguration.html
  if (!Number.isInteger(reuse) || reuse < 1 || reuse > MAX_REUSE_AGE_MINUTES) {
    throw new RangeError(`athena: resultReuseMaxAgeMinutes must be 1..${MAX_REUSE_AGE_MINUTES} (got ${reuse})`);
  }
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new RangeError(`athena: concurrency must be a positive integer (got ${concurrency})`);
  if (!Number.isInteger(retries) || retries < 0) throw new RangeError(`athena: throttleRetries must be a non-negative integer (got ${retries})`);
}
