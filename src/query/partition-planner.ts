import type { AccountScope } from '../domain/principal';
import { TrailgateError } from '../domain/trailgate-error';
import { addDays, utcDay } from '../domain/utc-day';
import type { PartitionPlan } from './ir';

/**
 * The date folders of a CloudTrail lake are DELIVERY days, not event days: an event at 23:58 can
 * sit in the next day's folder, and deliveries run late. So a range [from, to) reads from the day
 * of `from` to `lagDays` after the day of its last instant, and every query still filters on
 * eventTime itself.
 * https://docs.aws.amazon.com/awscloudtrail/latest/userguide/how-cloudtrail-works.html (delivery)
 */
export const GLOBAL_SERVICE_REGION = 'us-east-1';

export interface PlanInput {
  readonly from: Date;
  readonly to: Date;
  /** the principal's scope: `*`, or the accounts it may see */
  readonly scope: AccountScope;
  /** the accounts asked for (none: all the scope holds) */
  readonly accounts?: readonly string[] | null;
  readonly regions?: readonly string[] | null;
  /** days after the range's last day a delivery may still land in (default 1) */
  readonly lagDays?: number;
}

const sortedUnique = (xs: readonly string[]): string[] => [...new Set(xs)].sort();

export function planPartitions(input: PlanInput): PartitionPlan {
  if (!(input.from.getTime() < input.to.getTime())) throw new Error('planPartitions: from must be before to');
  const lastInstant = new Date(input.to.getTime() - 1);
  const accounts = scopedAccounts(input.scope, input.accounts);
  // IAM, STS (global endpoint), CloudFront and console sign-in events are recorded in us-east-1,
  // so a region filter still reads us-east-1 and then filters the record's awsRegion.
  const regions = input.regions && input.regions.length > 0 ? sortedUnique([...input.regions, GLOBAL_SERVICE_REGION]) : null;
  return Object.freeze({
    kind: 'partitions',
    firstDay: utcDay(input.from),
    lastDay: addDays(utcDay(lastInstant), input.lagDays ?? 1),
    scope: input.scope === '*' ? '*' : Object.freeze(sortedUnique(input.scope)),
    accounts: accounts && Object.freeze(accounts),
    regions: regions && Object.freeze(regions),
  });
}

/**
 * The accounts a query reads: what was asked for, cut to the principal's scope (the row-level
 * access rule; ARCHITECTURE.md: tenant scope is applied in the planner, never trusted from
 * arguments). Asking only for accounts outside the scope is FORBIDDEN, before any engine call.
 */
export function scopedAccounts(scope: AccountScope, requested: readonly string[] | null | undefined): string[] | null {
  if (scope === undefined || scope === null) throw new Error('planPartitions: a plan needs the principal scope');
  const asked = requested && requested.length > 0 ? sortedUnique(requested) : null;
  if (scope === '*') return asked;
  const allowed = new Set(scope);
  const accounts = asked ? asked.filter((a) => allowed.has(a)) : sortedUnique(scope);
  if (accounts.length === 0) throw new TrailgateError('FORBIDDEN', 'None of the requested accounts is visible to this caller.');
  return accounts;
}

/** One partition of a lake: an account/region/delivery-day folder. */
export interface PartitionRef {
  readonly account: string;
  readonly region: string;
  readonly day: string;
}

/** The partitions of an inventory that a plan reads. */
export function selectPartitions<P extends PartitionRef>(plan: PartitionPlan, inventory: readonly P[]): P[] {
  const accounts = plan.accounts && new Set(plan.accounts);
  const regions = plan.regions && new Set(plan.regions);
  return inventory.filter(
    (p) =>
      p.day >= plan.firstDay &&
      p.day <= plan.lastDay &&
      (!accounts || accounts.has(p.account)) &&
      (!regions || regions.has(p.region)),
  );
}
