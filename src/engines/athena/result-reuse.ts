import type { ResultReuseConfiguration } from '@aws-sdk/client-athena';
import { utcDay } from '../../domain/utc-day';
import type { PartitionPlan } from '../../query/ir';

/** Athena accepts MaxAgeInMinutes up to 10080 (7 days). */
export const MAX_REUSE_AGE_MINUTES = 10_080;
const HOUR_MS = 3_600_000;

/**
 * Whether a query may be answered from a previous identical query's results.
 *
 * CloudTrail delivers late: files for the last hour (and, with late deliveries, the current
 * delivery day) are still arriving, so a reused answer over them would hide events that have
 * landed since. The plan carries only delivery days, not the range's end instant, so the rule is
 * stated on days: reuse is off when the plan reads the delivery day that contains `now - 1h`
 * or a later one (`plan.lastDay >= utcDay(now - 1h)`).
 *
 * That is deliberately stricter than "the range touches the last hour": with the planner's lag
 * day, a range ending late yesterday also reads today's folder (which is still being written),
 * and it loses reuse too. It never reuses anything whose partitions can still change, whatever
 * lag the planner used. https://docs.aws.amazon.com/athena/latest/ug/reusing-query-results.html
 */
export function reuseAllowed(plan: PartitionPlan, now: Date): boolean {
  return plan.lastDay < utcDay(new Date(now.getTime() - HOUR_MS));
}

/** The StartQueryExecution ResultReuseConfiguration for a plan (reuse explicitly off when not allowed). */
export function resultReuseConfiguration(plan: PartitionPlan, now: Date, maxAgeMinutes: number): ResultReuseConfiguration {
  return reuseAllowed(plan, now)
    ? { ResultReuseByAgeConfiguration: { Enabled: true, MaxAgeInMinutes: maxAgeMinutes } }
    : { ResultReuseByAgeConfiguration: { Enabled: false } };
}
