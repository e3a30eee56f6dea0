import { LRUCache } from 'lru-cache';
import type { Logger } from 'pino';
import type { AccountScope } from '../domain/principal';
import { TrailgateError } from '../domain/trailgate-error';
import type { Query } from '../query/ir';
import type { Engine, EngineResult, ExplainedQuery, LakeInfo, ReadinessCheck, RunOptions } from './engine';
import { rangeOpen } from './range-openness';
import { resultCacheKey, rootPlan } from './result-cache-key';
import { approximateRowBytes } from './row-size';

export interface CachedEngineOptions {
  /** bound on the kept rows, in approximate heap bytes (see row-size.ts) */
  readonly maxBytes: number;
  /** a result larger than this is not kept */
  readonly maxEntryBytes: number;
  /** how long an answer over partitions that can no longer change is kept; 0: not kept */
  readonly ttlMs: number;
  /** how long an answer over partitions still being delivered is kept (range-openness.ts); 0: not kept */
  readonly openTtlMs: number;
  readonly logger?: Logger;
  /** epoch milliseconds: the TTL clock and the "now" of the openness rule (tests inject one) */
  readonly now?: () => number;
}

/** One engine run shared by every identical request that arrives while it is in flight. */
interface Flight {
  readonly result: Promise<EngineResult>;
  readonly ctl: AbortController;
  waiters: number;
}

const cancelled = () => new TrailgateError('QUERY_TIMEOUT', 'The request was cancelled.');

/**
 * The result cache and singleflight, as a decorator of any engine (engines stay unaware).
 *
 * The key is the statement as the wrapped engine would compile it now (its own `explain`), plus
 * the plan's scope (result-cache-key.ts). A kept answer is served with `cache: 'hit'`, the id of
 * the query that computed it, and zero cost (nothing was run or scanned for this request).
 * Identical concurrent requests share one engine run; a request that joins a run someone else
 * started is reported the same way. Errors are never kept.
 *
 * Scan budgets: runs are shared only between callers with the same budget (the engine enforces
 * it while running), but kept answers are shared across budgets, each caller's budget checked
 * against what the answer scanned when computed: over it, SCAN_LIMIT_EXCEEDED, as the engine
 * would have refused.
 *
 * Cancellation: a run has its own AbortController, aborted only when every waiting caller has
 * gone; each caller still gets its own QUERY_TIMEOUT at once (its signal, or its `timeoutMs`).
 */
export class CachedEngine implements Engine {
  private readonly results: LRUCache<string, EngineResult>;
  private readonly flights = new Map<string, Flight>();
  private readonly now: () => number;
  /**
   * Streams (exports) go past the cache and the singleflight: a stream is read once, at its
   * reader's pace, and its rows are never kept.
   */
  readonly stream?: Engine['stream'];

  constructor(
    readonly inner: Engine,
    private readonly opts: CachedEngineOptions,
  ) {
    this.now = opts.now ?? Date.now;
    if (inner.stream) this.stream = inner.stream.bind(inner);
    this.results = new LRUCache<string, EngineResult>({
      maxSize: opts.maxBytes,
      maxEntrySize: Math.min(opts.maxEntryBytes, opts.maxBytes),
      sizeCalculation: (r) => approximateRowBytes(r.rows),
      perf: { now: this.now },
      // the clock is read on every check (an injected clock must be seen at once)
      ttlResolution: 0,
    });
  }

  get name(): string {
    return this.inner.name;
  }

  async run(query: Query, opts: RunOptions): Promise<EngineResult> {
    if (opts.signal?.aborted) throw cancelled();
    const key = resultCacheKey(this.inner.name, query, await this.inner.explain(query, 'key'));
    if (opts.signal?.aborted) throw cancelled();
    const kept = this.results.get(key);
    if (kept) {
      this.opts.logger?.debug({ requestId: opts.requestId, queryId: kept.facts.id }, 'result cache hit');
      return this.asHit(kept, opts);
    }
    const flightKey = `${key}:${opts.maxBytesScanned ?? 'unbudgeted'}`;
    const running = this.flights.get(flightKey);
    if (running) return this.asHit(await this.wait(flightKey, running, opts), opts);
    return this.wait(flightKey, this.fly(flightKey, key, query, opts), opts);
  }

  /** Explain mode neither reads nor fills the cache. */
  explain(query: Query): Promise<ExplainedQuery> {
    return this.inner.explain(query);
  }

  lakeInfo(scope: AccountScope): Promise<LakeInfo> {
    return this.inner.lakeInfo(scope);
  }

  async close(): Promise<void> {
    this.results.clear();
    await this.inner.close();
  }

  queueDepth(): number {
    return this.inner.queueDepth?.() ?? 0;
  }

  ready(): Promise<readonly ReadinessCheck[]> {
    return this.inner.ready?.() ?? Promise.resolve([]);
  }

  private fly(flightKey: string, key: string, query: Query, opts: RunOptions): Flight {
    const ctl = new AbortController();
    const result = this.inner
      .run(query, { requestId: opts.requestId, timeoutMs: opts.timeoutMs, maxBytesScanned: opts.maxBytesScanned, signal: ctl.signal })
      .then((r) => {
        this.keep(key, query, r, opts.requestId);
        return r;
      })
      .finally(() => {
        if (this.flights.get(flightKey) === flight) this.flights.delete(flightKey);
      });
    // Every caller may have left before it settles: its rejection is nobody's to handle then.
    result.catch(() => undefined);
    const flight: Flight = { result, ctl, waiters: 0 };
    this.flights.set(flightKey, flight);
    return flight;
  }

  private keep(key: string, query: Query, result: EngineResult, requestId: string): void {
    // Decided when the answer is complete: a range may have been closed when the run started.
    const ttl = rangeOpen(rootPlan(query), new Date(this.now())) ? this.opts.openTtlMs : this.opts.ttlMs;
    if (ttl <= 0) return;
    const status: LRUCache.Status<string, EngineResult> = {};
    this.results.set(key, result, { ttl, status });
    if (status.maxEntrySizeExceeded) this.opts.logger?.debug({ requestId, queryId: result.facts.id, rows: result.rows.length }, 'result too large to cache');
  }

  /** The flight's answer for one caller, who may leave (signal, own deadline) without stopping it for others. */
  private wait(flightKey: string, flight: Flight, opts: RunOptions): Promise<EngineResult> {
    flight.waiters++;
    return new Promise<EngineResult>((resolve, reject) => {
      let settled = false;
      let timer: NodeJS.Timeout | undefined;
      const settle = (): boolean => {
        if (settled) return false;
        settled = true;
        clearTimeout(timer);
        opts.signal?.removeEventListener('abort', onAbort);
        flight.waiters--;
        return true;
      };
      const leave = (why: TrailgateError) => {
        if (!settle()) return;
        if (flight.waiters === 0) {
          // The last caller gone: stop the run, and let the next identical request start afresh.
          if (this.flights.get(flightKey) === flight) this.flights.delete(flightKey);
          flight.ctl.abort(why);
        }
        reject(why);
      };
      const onAbort = () => leave(cancelled());
      opts.signal?.addEventListener('abort', onAbort, { once: true });
      if (opts.timeoutMs !== undefined) {
        const ms = opts.timeoutMs;
        timer = setTimeout(() => leave(new TrailgateError('QUERY_TIMEOUT', `The query did not finish within ${ms} ms.`)), ms);
      }
      flight.result.then(
        (r) => settle() && resolve(r),
        (e: unknown) => settle() && reject(e),
      );
    });
  }

  /** A kept (or shared) answer as this caller sees it: nothing ran or was scanned for it. */
  private asHit(kept: EngineResult, opts: RunOptions): EngineResult {
    const budget = opts.maxBytesScanned;
    if (budget !== undefined && kept.facts.bytesScanned > budget) {
      throw new TrailgateError('SCAN_LIMIT_EXCEEDED', 'The query would scan more data than this caller may scan per query; narrow the range, accounts or regions.', {
        details: { bytesToScan: kept.facts.bytesScanned, maxBytesScannedPerQuery: budget },
      });
    }
    const { id, filesRead } = kept.facts;
    return { rows: kept.rows, facts: { id, engineMs: 0, bytesScanned: 0, filesRead: filesRead === null ? null : 0, cache: 'hit' } };
  }
}
