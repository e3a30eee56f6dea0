/**
 * Capped exponential backoff with jitter. Jitter spreads many concurrent callers apart so their
 * polls and retries do not arrive in lock-step (the AWS Architecture Blog, "Exponential Backoff
 * and Jitter"); the cap bounds how late a finished query is noticed.
 */
export interface BackoffPolicy {
  /** delay before the first retry/poll, before jitter */
  readonly baseMs: number;
  readonly factor: number;
  readonly capMs: number;
  /** fraction of each delay that is randomised away: delay * (1 - jitter * random()) */
  readonly jitter: number;
}

/**
 * Polling GetQueryExecution. The first poll comes after at most 80 ms: a query answered from
 * the result-reuse cache is SUCCEEDED in about 200 ms, and waiting a fixed second or two for it
 * would make the cache pointless. Waits then double (80, 160, 320, 640, 1280) up to a 1.5 s cap,
 * which keeps a 30 s query to ~25 GetQueryExecution calls, well inside the API's rate quota.
 * https://docs.aws.amazon.com/athena/latest/ug/reusing-query-results.html
 */
export const POLL_BACKOFF: BackoffPolicy = Object.freeze({ baseMs: 80, factor: 2, capMs: 1500, jitter: 0.25 });

/**
 * Resubmitting StartQueryExecution after TooManyRequestsException, on top of the SDK's own
 * retries. Full-ish jitter (up to 50 % off) because the point is to de-synchronise the callers
 * that were refused together.
 */
export const THROTTLE_BACKOFF: BackoffPolicy = Object.freeze({ baseMs: 250, factor: 2, capMs: 2000, jitter: 0.5 });

/** The wait before attempt `n + 1` (n = 0 for the first wait). */
export function backoffDelay(policy: BackoffPolicy, n: number, random: () => number = Math.random): number {
  const raw = Math.min(policy.capMs, policy.baseMs * policy.factor ** n);
  const r = Math.min(1, Math.max(0, random()));
  return Math.round(raw * (1 - policy.jitter * r));
}
