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
  readonly accounts?: readonly string[] | null;
  readonly regions?: readonly string[] | null;
  /** days after the range's last day a delivery may still land in (default 1) */
  readonly lagDays?: number;
}

const sortedUnique = (xs: readonly string[]): string[] => [...new Set(xs)].sort();

export function planPartitions(input: PlanInput): PartitionPlan {
  if (!(input.from.getTime() < input.to.getTime())) throw new Error('planPartitions: from must be before to');
  const lastInstant = new Date(input.to.getTime() - 1);
  const accounts = input.accounts && input.accounts.length > 0 ? sortedUnique(input.accounts) : null;
  // IAM, STS (global endpoint), CloudFront and console sign-in events are recorded in us-east-1,
  // so a region filter still reads us-east-1 and then filters the record's awsRegion.
  const regions = input.regions && input.regions.length > 0 ? sortedUnique([...input.regions, GLOBAL_SERVICE_REGION]) : null;
  return Object.freeze({
    kind: 'partitions',
    firstDay: utcDay(input.from),
    lastDay: addDays(utcDay(lastInstant), input.lagDays ?? 1),
    accounts: accounts && Object.freeze(accounts),
    regions: regions && Object.freeze(regions),
  });
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
