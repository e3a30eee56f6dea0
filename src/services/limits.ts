import type { Principal } from '../domain/principal';
import { badInput } from '../domain/trailgate-error';
import type { TimeRangeSpec } from '../query/event-filter';

/** Bounds every query carries (ARCHITECTURE.md: every query is bounded). */
export interface QueryLimits {
  readonly maxRangeDays: number;
  readonly maxPageSize: number;
  /** days after a range a delivery may still land in (partition padding) */
  readonly deliveryLagDays: number;
}

export const DEFAULT_LIMITS: QueryLimits = Object.freeze({ maxRangeDays: 90, maxPageSize: 1000, deliveryLagDays: 1 });

const DAY_MS = 86_400_000;

/** The widest range a principal may query: the server's cap, or its own when that is smaller. */
export function maxRangeDaysFor(limits: QueryLimits, principal: Principal): number {
  return principal.maxRangeDays === null ? limits.maxRangeDays : Math.min(limits.maxRangeDays, principal.maxRangeDays);
}

export function checkRange(range: TimeRangeSpec, limits: QueryLimits, principal: Principal): void {
  if (!(range.from.getTime() < range.to.getTime())) throw badInput('range.from must be before range.to.');
  const days = (range.to.getTime() - range.from.getTime()) / DAY_MS;
  const max = maxRangeDaysFor(limits, principal);
  if (days > max) {
    throw badInput(`The range spans ${Math.ceil(days)} days; the maximum is ${max}.`, { maxRangeDays: max });
  }
}

export function checkFirst(first: number, limits: QueryLimits, name = 'first'): void {
  if (!Number.isInteger(first) || first < 1 || first > limits.maxPageSize) {
    throw badInput(`${name} must be between 1 and ${limits.maxPageSize}.`, { max: limits.maxPageSize });
  }
}
