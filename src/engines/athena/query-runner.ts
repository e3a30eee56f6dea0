import { randomUUID } from 'node:crypto';
import {
  type AthenaClient,
  type ColumnInfo,
  GetQueryExecutionCommand,
  GetQueryResultsCommand,
  type QueryExecution,
  type QueryExecutionState,
  StartQueryExecutionCommand,
  type StartQueryExecutionInput,
  StopQueryExecutionCommand,
} from '@aws-sdk/client-athena';
import type { Logger } from 'pino';
import { TrailgateError } from '../../domain/trailgate-error';
import type { Row } from '../engine';
import { abortableSleep } from './abortable-sleep';
import { backoffDelay, POLL_BACKOFF, THROTTLE_BACKOFF } from './backoff';
import { classifyFailure } from './failure-classifier';
import { decodeRows } from './result-decoder';
import { isThrottlingError, sdkFailure } from './sdk-errors';

/** GetQueryResults returns at most 1000 rows a call. */
export const RESULT_PAGE_SIZE = 1000;

export interface QueryRunnerDeps {
  readonly client: AthenaClient;
  readonly now: () => number;
  readonly sleep: (ms: number) => Promise<void>;
  readonly random: () => number;
  /** gateway-side retries of a throttled call, after the SDK's own */
  readonly throttleRetries: number;
  /** executions started and not yet ended, by id, with their (memoised) stop; shared with close() */
  readonly inFlight: Map<string, () => Promise<void>>;
}

/**
 * Everything StartQueryExecution gets. The token is absent on purpose: every submission makes
 * its own, server-side; nothing a client sends reaches ClientRequestToken, OutputLocation,
 * WorkGroup or an execution id (there is no path from RunOptions to them).
 */
export type StartInput = Omit<StartQueryExecutionInput, 'ClientRequestToken'>;

export interface Submission {
  readonly input: StartInput;
  /** epoch ms on the runner's clock */
  readonly deadline: number;
  readonly timeoutMs: number;
  readonly signal: AbortSignal;
  readonly log: Logger;
  /** the caller's scan budget: a query seen scanning more is stopped (SCAN_LIMIT_EXCEEDED) */
  readonly maxBytesScanned?: number;
  /**
   * false: a retryable failure is not resubmitted. For writes: a failed INSERT INTO may leave
   * files behind, so running it again in place could write rows twice (compaction drops the day
   * and redoes it instead). https://docs.aws.amazon.com/athena/latest/ug/ctas-considerations-limitations.html
   */
  readonly resubmit?: boolean;
  /**
   * false: the result is not paged through GetQueryResults (rows stay empty); the caller reads the
   * result object itself (exports stream it from S3).
   */
  readonly readRows?: boolean;
}

export interface FinishedQuery {
  readonly id: string;
  readonly execution: QueryExecution;
  readonly rows: Row[];
  readonly submissions: number;
  readonly pages: number;
}

const overBudget = (execution: QueryExecution | undefined, max: number | undefined): boolean =>
  max !== undefined && (execution?.Statistics?.DataScannedInBytes ?? 0) > max;

const TERMINAL: ReadonlySet<QueryExecutionState | undefined> = new Set(['SUCCEEDED', 'FAILED', 'CANCELLED']);

/**
 * One query's life on Athena: start → poll with backoff until a terminal state or the deadline →
 * page the results; stop the remote query on deadline or abort (Cube's Athena driver loop, in
 * small pieces). https://docs.aws.amazon.com/athena/latest/ug/querying.html
 */
export class AthenaQueryRunner {
  constructor(private readonly deps: QueryRunnerDeps) {}

  async run(sub: Submission): Promise<FinishedQuery> {
    let resubmitted = false;
    for (let submissions = 1; ; submissions++) {
      const id = await this.start(sub);
      const stop = this.stopper(id, sub.log);
      this.deps.inFlight.set(id, stop);
      try {
        if (sub.signal.aborted) await this.abandon(sub.signal, stop);
        const execution = await this.waitForEnd(id, sub, stop);
        const status = execution.Status;
        if (status?.State === 'SUCCEEDED') {
          const { rows, pages } = sub.readRows === false ? { rows: [], pages: 0 } : await this.fetchRows(id, sub);
          return { id, execution, rows, submissions, pages };
        }
        const action = classifyFailure(status, resubmitted || sub.resubmit === false);
        sub.log.warn(
          {
            queryExecutionId: id,
            state: status?.State,
            reason: status?.StateChangeReason,
            athenaError: status?.AthenaError,
            action: action.kind,
            code: action.kind === 'fail' ? action.error.code : undefined,
            sql: sub.input.QueryString,
          },
          'athena query did not succeed',
        );
        if (action.kind === 'fail') throw action.error;
        resubmitted = true;
      } finally {
        this.deps.inFlight.delete(id);
      }
    }
  }

  private async start(sub: Submission): Promise<string> {
    if (sub.signal.aborted) throw sub.signal.reason;
    // One token per submission: the SDK's own retries of this call re-send it (idempotent), and a
    // resubmission after a failure gets a new one, or Athena would hand back the failed execution.
    // https://docs.aws.amazon.com/athena/latest/APIReference/API_StartQueryExecution.html#athena-StartQueryExecution-request-ClientRequestToken
    const token = randomUUID();
    const out = await this.withThrottleRetry(sub, 'StartQueryExecution', () =>
      this.deps.client.send(new StartQueryExecutionCommand({ ...sub.input, ClientRequestToken: token })),
    );
    if (!out.QueryExecutionId) throw new TrailgateError('INTERNAL_SERVER_ERROR', 'The query failed.', { internal: 'StartQueryExecution returned no id' });
    sub.log.debug({ queryExecutionId: out.QueryExecutionId }, 'athena query started');
    return out.QueryExecutionId;
  }

  /** StopQueryExecution at most once per execution, whoever asks (deadline, abort, close). */
  private stopper(id: string, log: Logger): () => Promise<void> {
    let stopping: Promise<void> | null = null;
    const send = async () => {
      try {
        await this.deps.client.send(new StopQueryExecutionCommand({ QueryExecutionId: id }));
        log.info({ queryExecutionId: id }, 'athena query stopped');
      } catch (e) {
        // Best effort: the query may have ended meanwhile; the caller's own error matters more.
        log.warn({ queryExecutionId: id, err: (e as Error)?.name }, 'athena StopQueryExecution failed');
      }
    };
    return () => (stopping ??= send());
  }

  private async waitForEnd(id: string, sub: Submission, stop: () => Promise<void>): Promise<QueryExecution> {
    const { now, random } = this.deps;
    for (let n = 0; ; n++) {
      const remaining = sub.deadline - now();
      if (remaining <= 0) return this.timedOut(sub, stop);
      await this.stopOnAbort(stop, sub.signal, () => abortableSleep(this.deps.sleep, Math.min(backoffDelay(POLL_BACKOFF, n, random), remaining), sub.signal));
      let execution: QueryExecution | undefined;
      try {
        const out = await this.deps.client.send(new GetQueryExecutionCommand({ QueryExecutionId: id }), { abortSignal: sub.signal });
        execution = out.QueryExecution;
      } catch (e) {
        if (sub.signal.aborted) return this.abandon(sub.signal, stop);
        // A throttled poll is not a failed query: poll again after the next backoff.
        if (isThrottlingError(e)) continue;
        await stop();
        throw sdkFailure(e);
      }
      // Athena reports DataScannedInBytes while a query runs; the workgroup's cutoff is one number
      // for everyone, so a principal's own budget is enforced here by stopping the query.
      // https://docs.aws.amazon.com/athena/latest/APIReference/API_QueryExecutionStatistics.html
      if (overBudget(execution, sub.maxBytesScanned)) return this.overBudget(id, sub, stop, execution);
      if (execution && TERMINAL.has(execution.Status?.State)) return execution;
      if (sub.signal.aborted) return this.abandon(sub.signal, stop);
    }
  }

  private async overBudget(id: string, sub: Submission, stop: () => Promise<void>, execution: QueryExecution | undefined): Promise<never> {
    if (!TERMINAL.has(execution?.Status?.State)) await stop();
    sub.log.warn({ queryExecutionId: id, bytesScanned: execution?.Statistics?.DataScannedInBytes, maxBytesScanned: sub.maxBytesScanned }, 'athena query over the caller scan budget');
    throw new TrailgateError('SCAN_LIMIT_EXCEEDED', 'The query scanned more data than this caller may scan per query; narrow the range, accounts or regions.', {
      details: { maxBytesScannedPerQuery: sub.maxBytesScanned },
    });
  }

  private async timedOut(sub: Submission, stop: () => Promise<void>): Promise<never> {
    await stop();
    throw new TrailgateError('QUERY_TIMEOUT', `The query did not finish within ${sub.timeoutMs} ms.`);
  }

  /** The request was abandoned (client gone, engine closing): stop the remote query, then fail. */
  private async abandon(signal: AbortSignal, stop: () => Promise<void>): Promise<never> {
    await stop();
    throw signal.reason;
  }

  /** Runs `f`; if the signal has aborted when it fails, the remote query is stopped first. */
  private async stopOnAbort<T>(stop: () => Promise<void>, signal: AbortSignal, f: () => Promise<T>): Promise<T> {
    try {
      return await f();
    } catch (e) {
      if (signal.aborted) return this.abandon(signal, stop);
      throw e;
    }
  }

  /**
   * Pages GetQueryResults along the NextToken chain. For a SELECT, the first row of the first page
   * is the header (the column labels); later pages carry data only.
   * https://docs.aws.amazon.com/athena/latest/APIReference/API_GetQueryResults.html
   */
  private async fetchRows(id: string, sub: Submission): Promise<{ rows: Row[]; pages: number }> {
    const rows: Row[] = [];
    let columns: ColumnInfo[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      if (sub.signal.aborted) throw sub.signal.reason;
      // The query itself has finished, so there is nothing to stop; the request has run out of time.
      if (this.deps.now() >= sub.deadline) throw new TrailgateError('QUERY_TIMEOUT', `The query did not finish within ${sub.timeoutMs} ms.`);
      const nextToken = token;
      const out = await this.withThrottleRetry(sub, 'GetQueryResults', () =>
        this.deps.client.send(new GetQueryResultsCommand({ QueryExecutionId: id, MaxResults: RESULT_PAGE_SIZE, NextToken: nextToken }), {
          abortSignal: sub.signal,
        }),
      );
      if (pages === 0) columns = out.ResultSet?.ResultSetMetadata?.ColumnInfo ?? [];
      const page = out.ResultSet?.Rows ?? [];
      for (const row of decodeRows(columns, pages === 0 ? page.slice(1) : page)) rows.push(row);
      pages++;
      token = out.NextToken;
    } while (token);
    return { rows, pages };
  }

  /**
   * Calls `f`, absorbing throttling: a bounded number of jittered, capped waits (never past the
   * deadline), then ENGINE_UNAVAILABLE. Other errors are mapped at once.
   */
  private async withThrottleRetry<T>(sub: Submission, what: string, f: () => Promise<T>): Promise<T> {
    const { now, random, throttleRetries } = this.deps;
    for (let attempt = 0; ; attempt++) {
      try {
        return await f();
      } catch (e) {
        if (sub.signal.aborted) throw sub.signal.reason;
        const wait = backoffDelay(THROTTLE_BACKOFF, attempt, random);
        if (!isThrottlingError(e) || attempt >= throttleRetries || now() + wait >= sub.deadline) {
          sub.log.warn({ call: what, attempt, err: (e as Error)?.name, message: (e as Error)?.message }, 'athena call failed');
          throw sdkFailure(e);
        }
        sub.log.info({ call: what, attempt, waitMs: wait, err: (e as Error)?.name }, 'athena throttled; retrying');
        await abortableSleep(this.deps.sleep, wait, sub.signal);
      }
    }
  }
}
