import { LRUCache } from 'lru-cache';
import type { KeptAnswer } from './kept-answer';

export interface ResponseCacheOptions {
  /** bound on the kept answers, in bytes */
  readonly maxBytes: number;
  /** a larger answer is not kept */
  readonly maxEntryBytes: number;
  /** how long an answer that read only delivery days that can no longer change is kept; 0: not kept */
  readonly ttlMs: number;
  /** how long an answer that read delivery days still being delivered is kept; 0: not kept */
  readonly openTtlMs: number;
  /** epoch milliseconds: the TTL clock (tests inject one) */
  readonly now?: () => number;
}

/**
 * Whole answers of catalogue operations (the persisted baselines partners and dashboards call
 * over and over), answered by the HTTP layer before Apollo: a repeated baseline skips Apollo's
 * pipeline, the loaders and the engine, and its 10-30 KB of JSON is not serialised again.
 *
 * - Keyed by principal, operation and coerced variables (response-cache-key.ts); the HTTP layer
 *   authenticates, rate limits and checks the principal's operations before it looks here.
 * - Kept as long as the engine's result cache keeps the parts: the long TTL, or the short one when
 *   any engine query read delivery days that may still change (QueryRunner.readOpenRange), never
 *   longer than the long one. Errors are never kept (kept-answer.ts).
 * - Identical requests that arrive while one is being computed wait for it, and are answered
 *   from what it kept (or run themselves if it kept nothing).
 */
export class ResponseCache {
  private readonly answers: LRUCache<string, KeptAnswer>;
  private readonly flights = new Map<string, Promise<KeptAnswer | undefined>>();

  constructor(private readonly opts: ResponseCacheOptions) {
    const now = opts.now ?? Date.now;
    this.answers = new LRUCache<string, KeptAnswer>({
      maxSize: opts.maxBytes,
      maxEntrySize: Math.min(opts.maxEntryBytes, opts.maxBytes),
      sizeCalculation: (answer, key) => answer.size + key.length,
      perf: { now },
      // the clock is read on every check (an injected clock must be seen at once)
      ttlResolution: 0,
    });
  }

  /** The kept answer, if any. */
  get(key: string): KeptAnswer | undefined {
    return this.answers.get(key);
  }

  /** The answer an identical request in flight is computing, if one is (undefined if it keeps none). */
  inFlight(key: string): Promise<KeptAnswer | undefined> | undefined {
    return this.flights.get(key);
  }

  /**
   * Marks `key` as being computed; the returned function ends that with what was computed
   * (undefined: nothing to keep) and keeps it. Call it exactly once, whatever happens.
   */
  compute(key: string): (answer: KeptAnswer | undefined, readOpenRange: boolean) => void {
    let land!: (answer: KeptAnswer | undefined) => void;
    const flight = new Promise<KeptAnswer | undefined>((resolve) => (land = resolve));
    this.flights.set(key, flight);
    return (answer, readOpenRange) => {
      if (this.flights.get(key) === flight) this.flights.delete(key);
      const ttl = readOpenRange ? Math.min(this.opts.openTtlMs, this.opts.ttlMs) : this.opts.ttlMs;
      if (answer && ttl > 0) this.answers.set(key, answer, { ttl });
      land(answer && ttl > 0 ? answer : undefined);
    };
  }
}
