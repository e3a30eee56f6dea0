import type { StartQueryExecutionInput } from '@aws-sdk/client-athena';
import type { S3Client } from '@aws-sdk/client-s3';
import type { Logger } from 'pino';
import { TrailgateError } from '../../domain/trailgate-error';
import type { AccountScope } from '../../domain/principal';
import type { PartitionPlan, Query } from '../../query/ir';
import { resultTypes } from '../../query/value-types';
import type { CompiledSql } from '../../sql/compiled-sql';
import { TrinoCompiler } from '../../sql/trino-compiler';
import type { Engine, EngineResult, ExplainedQuery, LakeInfo, Row, StreamOptions, ReadinessCheck, RunOptions } from '../engine';
import { realSleep } from './abortable-sleep';
import { ATHENA_DEFAULTS, type AthenaEngineOptions, checkAthenaOptions } from './athena-engine-options';
import { describePartitions } from './partition-description';
import { AthenaQueryRunner, type FinishedQuery, type StartInput } from './query-runner';
import { costLog, queryFacts } from './query-facts';
import { readResultObject } from './result-object-reader';
import { resultReuseConfiguration } from './result-reuse';
import { createS3Client } from './s3-client';
import { type Release, Semaphore } from './semaphore';

/** How long close() waits for abandoned runs to stop their queries before destroying the client. */
const CLOSE_GRACE_MS = 5_000;

const rootPlan = (q: Query): PartitionPlan => (q.kind === 'select' ? q.plan : q.inner.plan);
const shuttingDown = () => new TrailgateError('ENGINE_UNAVAILABLE', 'The query engine is shutting down.');
const cancelled = () => new TrailgateError('QUERY_TIMEOUT', 'The request was cancelled.');

/** Rows per batch of a stream read from a result object. */
const STREAM_BATCH_ROWS = 1000;

/**
 * Amazon Athena behind the engine port: Trino SQL from the shared compiler, run with a deadline,
 * cancellation, result reuse, a gateway-side concurrency cap and classified failures.
 */
export class AthenaEngine implements Engine {
  readonly name = 'athena';
  private readonly queue: Semaphore;
  private readonly runner: AthenaQueryRunner;
  private readonly inFlight = new Map<string, () => Promise<void>>();
  private readonly runs = new Map<AbortController, Promise<unknown>>();
  private readonly timeoutMs: number;
  private readonly reuseMaxAge: number;
  private closed = false;
  /** the results reader made here when none was given (destroyed on close) */
  private ownS3: S3Client | null = null;

  constructor(private readonly opts: AthenaEngineOptions) {
    checkAthenaOptions(opts);
    this.timeoutMs = opts.queryTimeoutMs ?? ATHENA_DEFAULTS.queryTimeoutMs;
    this.reuseMaxAge = opts.resultReuseMaxAgeMinutes ?? ATHENA_DEFAULTS.resultReuseMaxAgeMinutes;
    this.queue = new Semaphore(opts.concurrency ?? ATHENA_DEFAULTS.concurrency);
    this.runner = new AthenaQueryRunner({
      client: opts.client,
      now: () => this.clock(),
      sleep: opts.sleep ?? realSleep,
      random: opts.random ?? Math.random,
      throttleRetries: opts.throttleRetries ?? ATHENA_DEFAULTS.throttleRetries,
      inFlight: this.inFlight,
    });
  }

  /** Requests waiting in the gateway's queue for an Athena slot (for metrics). */
  get pending(): number {
    return this.queue.pending;
  }

  /** Requests holding an Athena slot. */
  get active(): number {
    return this.queue.active;
  }

  queueDepth(): number {
    return this.queue.pending;
  }

  /**
   * From state only: a readiness probe runs every few seconds, and an Athena or Glue call per probe
   * would cost API quota (and, for a query, money). The catalogue's own checks say whether its last
   * refresh worked.
   */
  async ready(): Promise<readonly ReadinessCheck[]> {
    const athena: ReadinessCheck = this.closed ? { name: 'athena', ok: false, detail: 'the engine is shutting down' } : { name: 'athena', ok: true };
    return [athena, ...(this.opts.readiness?.() ?? [])];
  }

  async explain(query: Query): Promise<ExplainedQuery> {
    const plan = rootPlan(query);
    this.checkAccounts(plan);
    return { engine: this.name, compiled: await this.compile(query), partitions: describePartitions(plan), files: null };
  }

  run(query: Query, opts: RunOptions): Promise<EngineResult> {
    if (this.closed) return Promise.reject(shuttingDown());
    const ctl = new AbortController();
    const result = this.execute(query, opts, ctl);
    this.runs.set(ctl, result.catch(() => undefined));
    return result.finally(() => this.runs.delete(ctl));
  }

  /**
   * Exports: the query runs as any other (a queue slot, the deadline, the scan budget, a stop on
   * abort), then its rows are read from the result object Athena wrote, as a stream, instead of
   * 1000-row GetQueryResults pages (result-object-reader.ts). Abort (or close) stops either phase.
   */
  async *stream(query: Query, opts: StreamOptions): AsyncGenerator<Row[]> {
    if (this.closed) throw shuttingDown();
    const ctl = new AbortController();
    const onClientAbort = () => ctl.abort(cancelled());
    if (opts.signal?.aborted) onClientAbort();
    else opts.signal?.addEventListener('abort', onClientAbort, { once: true });
    let ended = () => {};
    this.runs.set(ctl, new Promise<void>((resolve) => (ended = resolve)));
    try {
      const { done, queuedMs, log } = await this.complete(query, opts, ctl, false);
      log.info(costLog(done, queuedMs), 'athena query (stream)');
      opts.onFacts?.(queryFacts(done));
      const location = done.execution.ResultConfiguration?.OutputLocation;
      if (!location) throw new TrailgateError('INTERNAL_SERVER_ERROR', 'The query failed.', { internal: 'the finished query names no OutputLocation' });
      const s3 = this.opts.resultsS3 ?? (this.ownS3 ??= createS3Client({ region: await this.opts.client.config.region() }));
      yield* readResultObject({ s3, location, types: resultTypes(query), signal: ctl.signal, batchRows: STREAM_BATCH_ROWS });
    } finally {
      opts.signal?.removeEventListener('abort', onClientAbort);
      this.runs.delete(ctl);
      ended();
    }
  }

  private async execute(query: Query, opts: RunOptions, ctl: AbortController): Promise<EngineResult> {
    const { done, queuedMs, log } = await this.complete(query, opts, ctl, true);
    return this.result(done, queuedMs, log);
  }

  /** A query run to its end; with `readRows` false its rows stay in the result object. */
  private async complete(query: Query, opts: RunOptions, ctl: AbortController, readRows: boolean): Promise<{ done: FinishedQuery; queuedMs: number; log: Logger }> {
    const plan = rootPlan(query);
    this.checkAccounts(plan);
    const log = this.opts.logger.child({ requestId: opts.requestId, engine: this.name });
    const compiled = await this.compile(query, log);
    const timeoutMs = opts.timeoutMs ?? this.timeoutMs;
    const startedAt = this.clock();
    const deadline = startedAt + timeoutMs;
    // A client that went away (the HTTP request closed) aborts the run; the runner stops the query.
    const onClientAbort = () => ctl.abort(new TrailgateError('QUERY_TIMEOUT', 'The request was cancelled.'));
    if (opts.signal?.aborted) onClientAbort();
    else opts.signal?.addEventListener('abort', onClientAbort, { once: true });
    try {
      const release = await this.waitForSlot(ctl, deadline - startedAt);
      const queuedMs = this.clock() - startedAt;
      try {
        const input = this.startInput(compiled.sql, plan);
        const done = await this.runner.run({ input, deadline, timeoutMs, signal: ctl.signal, log, maxBytesScanned: opts.maxBytesScanned, readRows });
        return { done, queuedMs, log };
      } finally {
        release();
      }
    } catch (e) {
      throw this.failure(e, ctl.signal, log, compiled.sql);
    } finally {
      opts.signal?.removeEventListener('abort', onClientAbort);
    }
  }

  /**
   * A slot under the concurrency cap. The wait counts against the request's deadline; it is timed
   * with a real timer because no poll loop runs while queued.
   */
  private async waitForSlot(ctl: AbortController, remainingMs: number): Promise<Release> {
    const timer = setTimeout(
      () => ctl.abort(new TrailgateError('QUERY_TIMEOUT', 'The query could not start before its deadline: the engine is busy.')),
      Math.max(0, remainingMs),
    );
    try {
      return await this.queue.acquire(ctl.signal);
    } finally {
      clearTimeout(timer);
    }
  }

  private startInput(sql: string, plan: PartitionPlan): StartInput {
    const input: StartQueryExecutionInput = {
      QueryString: sql,
      WorkGroup: this.opts.workgroup,
      QueryExecutionContext: { Catalog: this.opts.catalog ?? ATHENA_DEFAULTS.catalog, Database: this.opts.database },
      ...(this.opts.outputLocation ? { ResultConfiguration: { OutputLocation: this.opts.outputLocation } } : {}),
      ResultReuseConfiguration: resultReuseConfiguration(plan, new Date(this.clock()), this.reuseMaxAge),
      // No ExecutionParameters: they are SQL text too, and every value already went through the
      // literal encoder in the compiled statement.
    };
    return input;
  }

  private result(done: FinishedQuery, queuedMs: number, log: Logger): EngineResult {
    log.info(costLog(done, queuedMs), 'athena query');
    return { rows: done.rows, facts: queryFacts(done) };
  }

  private failure(e: unknown, signal: AbortSignal, log: Logger, sql: string): TrailgateError {
    // Once abandoned (client gone, deadline in the queue, shutdown), that reason wins over whatever
    // the interrupted call threw.
    if (signal.aborted && signal.reason instanceof TrailgateError) return signal.reason;
    if (e instanceof TrailgateError) return e;
    const message = (e as Error)?.message ?? String(e);
    log.error({ err: message, sql }, 'athena query failed');
    return new TrailgateError('INTERNAL_SERVER_ERROR', 'The query failed.', { internal: message, cause: e });
  }

  private checkAccounts(plan: PartitionPlan): void {
    // With `injected` account projection Athena cannot enumerate accounts: a query without
    // account literals fails in Athena, after costing a round trip. Refuse it here instead.
    // https://docs.aws.amazon.com/athena/latest/ug/partition-projection-supported-types.html#partition-projection-injected-type
    if (this.opts.requireAccounts?.() && !(plan.accounts && plan.accounts.length > 0)) {
      throw new TrailgateError('BAD_USER_INPUT', 'This table needs an accounts filter: name the accounts to query (filter.accounts).');
    }
  }

  private async compile(query: Query, log: Logger = this.opts.logger): Promise<CompiledSql> {
    try {
      const compiled = new TrinoCompiler(await this.opts.binding(), this.opts.parquetTier?.() ?? null).compile(query);
      if (compiled.params.length > 0) throw new Error('Trino SQL must not carry bound parameters');
      return compiled;
    } catch (e) {
      if (e instanceof TrailgateError) throw e;
      const message = (e as Error)?.message ?? String(e);
      log.error({ err: message }, 'athena compile failed');
      throw new TrailgateError('INTERNAL_SERVER_ERROR', 'The query failed.', { internal: message, cause: e });
    }
  }

  /** Location only: counting a table's accounts or coverage would be a (costly) query of its own. */
  async lakeInfo(scope: AccountScope): Promise<LakeInfo> {
    if (this.opts.lakeInfo) return this.opts.lakeInfo(scope);
    return {
      engine: this.name,
      location: this.opts.location,
      firstDay: null,
      lastDay: null,
      accounts: [],
      regions: [],
      files: null,
      rejectedRecords: 0,
      rejectedFiles: 0,
    };
  }

  /** Stops every query still running on Athena (StopQueryExecution, once each), then the client. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const reason = shuttingDown();
    this.queue.close(reason);
    for (const ctl of this.runs.keys()) ctl.abort(reason);
    const stops = Promise.allSettled([...this.inFlight.values()].map((stop) => stop()));
    let grace: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.allSettled([stops, ...this.runs.values()]),
      new Promise((resolve) => {
        grace = setTimeout(resolve, CLOSE_GRACE_MS);
      }),
    ]);
    clearTimeout(grace);
    this.opts.client.destroy();
    this.ownS3?.destroy();
  }

  private clock(): number {
    return (this.opts.now?.() ?? new Date()).getTime();
  }
}
