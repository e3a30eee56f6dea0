/**
 * A FIFO counting semaphore: the gateway-side queue in front of Athena. Athena caps the active
 * DML queries per account and answers StartQueryExecution with TooManyRequestsException
 * (Reason CONCURRENT_QUERY_LIMIT_EXCEEDED) beyond it, so the gateway keeps its own in-flight
 * queries below that quota and queues the rest here instead of hammering the API.
 * https://docs.aws.amazon.com/athena/latest/ug/service-limits.html
 *
 * Written here rather than taken from p-limit: p-limit is only present as a transitive dev
 * dependency of jest, and a waiter here must be able to leave the queue (client abort, deadline)
 * and the queue must be closable on shutdown, which p-limit@3 does not offer.
 */
interface Waiter {
  readonly grant: () => void;
  readonly fail: (reason: unknown) => void;
}

export type Release = () => void;

export class Semaphore {
  private inUse = 0;
  private readonly waiters: Waiter[] = [];
  private closedWith: { reason: unknown } | null = null;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`semaphore capacity must be a positive integer (got ${capacity})`);
  }

  /** Holders of a permit right now. */
  get active(): number {
    return this.inUse;
  }

  /** Callers waiting for a permit (the queue depth, for metrics). */
  get pending(): number {
    return this.waiters.length;
  }

  /**
   * Resolves with a release function once a permit is free. If `signal` aborts first, the caller
   * leaves the queue and the promise rejects with the signal's reason.
   */
  acquire(signal?: AbortSignal): Promise<Release> {
    if (this.closedWith) return Promise.reject(this.closedWith.reason);
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (this.inUse < this.capacity && this.waiters.length === 0) {
      this.inUse++;
      return Promise.resolve(this.releaser());
    }
    return new Promise<Release>((resolve, reject) => {
      const onAbort = () => {
        const i = this.waiters.indexOf(waiter);
        if (i >= 0) this.waiters.splice(i, 1);
        reject(signal!.reason);
      };
      const waiter: Waiter = {
        grant: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve(this.releaser());
        },
        fail: (reason) => {
          signal?.removeEventListener('abort', onAbort);
          reject(reason);
        },
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiters.push(waiter);
    });
  }

  /** Rejects every waiter and every later acquire with `reason`; permits already held stay valid. */
  close(reason: unknown): void {
    this.closedWith = { reason };
    for (const w of this.waiters.splice(0)) w.fail(reason);
  }

  private releaser(): Release {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiters.shift();
      // The permit passes straight to the next waiter, so a newcomer cannot overtake the queue.
      if (next) next.grant();
      else this.inUse--;
    };
  }
}
