import type { GlueClient } from '@aws-sdk/client-glue';
import type { S3Client } from '@aws-sdk/client-s3';
import type { Logger } from 'pino';
import type { AthenaQueryRunner, StartInput } from '../query-runner';
import { chunkPairs, maxPartitions } from './compaction-chunks';
import { CompactionError } from './compaction-error';
import type { CompactedDay, CompactionStatementRecord } from './compaction-manifest';
import { insertStatement } from './insert-statement';
import { dropDelivery, type ParquetTarget } from './parquet-target';
import { fingerprintDay } from './raw-fingerprint';
import type { RawSource } from './raw-source';

export interface DayJob {
  readonly raw: RawSource;
  readonly target: ParquetTarget;
  readonly glue: GlueClient;
  readonly s3: S3Client;
  readonly runner: AthenaQueryRunner;
  /** StartQueryExecution's input for a statement (workgroup, context, output location) */
  readonly startInput: (sql: string) => StartInput;
  readonly statementTimeoutMs: number;
  readonly listConcurrency: number;
  readonly now: () => number;
  readonly signal: AbortSignal;
  readonly log: Logger;
}

/**
 * Compacts one delivery day: lists its raw partitions (the fingerprint), drops whatever an earlier
 * run left of the day in the Parquet table (INSERT INTO only appends), then runs one INSERT INTO per
 * chunk, each waited for until it SUCCEEDS. Returns the day's manifest entry; the caller records
 * it only now, so an interrupted day is never recorded and is dropped and redone next time.
 */
export async function compactDay(job: DayJob, day: string, onStatement: (done: number, of: number) => void): Promise<CompactedDay> {
  const pairs = await job.raw.pairs(day, job.signal);
  const { source, nonEmpty } = await fingerprintDay(job.s3, pairs, job.listConcurrency, job.signal);
  const dropped = await dropDelivery(job, job.target, day, job.signal);
  if (dropped.objects + dropped.partitions > 0) job.log.info({ day, ...dropped }, 'compaction: dropped the Parquet output of an earlier run of the day');
  const binding = job.raw.binding;
  const chunks = chunkPairs(nonEmpty, !!binding.account && 'column' in binding.account);
  const statements: CompactionStatementRecord[] = [];
  for (const [i, chunk] of chunks.entries()) {
    const sql = insertStatement(binding, job.target.ref, day, chunk);
    const started = job.now();
    try {
      const done = await job.runner.run({
        input: job.startInput(sql),
        deadline: started + job.statementTimeoutMs,
        timeoutMs: job.statementTimeoutMs,
        signal: job.signal,
        log: job.log,
        resubmit: false,
      });
      statements.push({ queryExecutionId: done.id, accounts: chunk.accounts, regions: chunk.regions, maxPartitions: maxPartitions(chunk) });
      job.log.info({ day, statement: i + 1, of: chunks.length, queryExecutionId: done.id, bytesScanned: done.execution.Statistics?.DataScannedInBytes }, 'compaction: statement succeeded');
    } catch (e) {
      const what = `delivery day ${day}: INSERT INTO ${i + 1} of ${chunks.length} (accounts ${chunk.accounts?.join(',') ?? binding.table}, regions ${chunk.regions.join(',')})`;
      throw new CompactionError(
        `${what} failed: ${(e as Error)?.message ?? e} The day stays unrecorded; the next run drops what it wrote and compacts it again (Athena's reason is in the log).`,
        { cause: e },
      );
    }
    onStatement(i + 1, chunks.length);
  }
  return { compactedAt: new Date(job.now()).toISOString(), source, statements };
}
