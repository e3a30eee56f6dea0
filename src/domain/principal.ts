import { createHash } from 'node:crypto';

/**
 * Who a request runs as, and what it may see and spend. Authentication (an API key or a JWT)
 * produces one; the planner reads its account scope (the one choke point for row-level access),
 * the services its budgets, the HTTP layer its rate limit.
 */
export type PrincipalMode = 'full' | 'persisted-only';

/** `*`: every account; otherwise the 12-digit account ids the principal may see (sorted, unique). */
export type AccountScope = '*' | readonly string[];

export interface RateLimit {
  /** requests allowed per window */
  readonly requests: number;
  readonly perSeconds: number;
}

export interface Principal {
  readonly id: string;
  readonly accounts: AccountScope;
  readonly mode: PrincipalMode;
  /** the persisted operations (by name) it may run; `*` for the whole catalogue */
  readonly operations: '*' | readonly string[];
  /** its own cap on a query's range (the server's cap still applies); null: the server's */
  readonly maxRangeDays: number | null;
  /** the most one engine query may scan for it; null: no cap of its own */
  readonly maxBytesScannedPerQuery: number | null;
  readonly introspection: boolean;
  /** null: not rate limited */
  readonly rateLimit: RateLimit | null;
}

/**
 * Dev mode: no authentication configured, so the server is loopback-only and every request runs
 * as this full principal.
 */
export const ANONYMOUS_PRINCIPAL: Principal = Object.freeze({
  id: 'anonymous',
  accounts: '*',
  mode: 'full',
  operations: '*',
  maxRangeDays: null,
  maxBytesScannedPerQuery: null,
  introspection: true,
  rateLimit: null,
});

/**
 * A stable digest of what a principal may see: part of every cursor and cache key, so nothing
 * minted for one principal serves another.
 */
export function scopeKey(principal: Pick<Principal, 'id' | 'accounts'>): string {
  const accounts = principal.accounts === '*' ? '*' : [...new Set(principal.accounts)].sort().join(',');
  return createHash('sha256').update(`${principal.id}\n${accounts}`).digest('base64url').slice(0, 22);
}

/** Whether a persisted operation (by name) is in the principal's catalogue. */
export function mayRunOperation(principal: Principal, operationName: string): boolean {
  return principal.operations === '*' || principal.operations.includes(operationName);
}
