import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import type { Principal, RateLimit } from '../domain/principal';

export type RateDecision = { readonly allowed: true } | { readonly allowed: false; readonly retryAfterSeconds: number };

/**
 * Per-principal request budgets (`rateLimit` in the principal's config), with rate-limiter-flexible
 * fixed windows kept in process memory. A config reload that changes a principal's limit starts it
 * a fresh window; principals without a limit are never counted.
 */
export class PrincipalRateLimiter {
  private readonly limiters = new Map<string, { readonly limit: RateLimit; readonly limiter: RateLimiterMemory }>();

  async consume(principal: Principal): Promise<RateDecision> {
    const limit = principal.rateLimit;
    if (!limit) return { allowed: true };
    let entry = this.limiters.get(principal.id);
    if (!entry || entry.limit.requests !== limit.requests || entry.limit.perSeconds !== limit.perSeconds) {
      entry = { limit, limiter: new RateLimiterMemory({ keyPrefix: `tg-${principal.id}`, points: limit.requests, duration: limit.perSeconds }) };
      this.limiters.set(principal.id, entry);
    }
    try {
      await entry.limiter.consume(principal.id);
      return { allowed: true };
    } catch (e) {
      if (!(e instanceof RateLimiterRes)) throw e;
      return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(e.msBeforeNext / 1000)) };
    }
  }
}
