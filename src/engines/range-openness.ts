import { utcDay } from '../domain/utc-day';
import type { PartitionPlan } from '../query/ir';

const HOUR_MS = 3_600_000;

/**
 * Whether a plan reads partitions that may still change: any answer over it is provisional.
 *
 * CloudTrail delivers late: files for the last hour (and, with late deliveries, the current
 * delivery day) are still arriving, so a kept answer over them would hide events that have
 * landed since. The plan carries only delivery days, not the range's end instant, so the rule is
 * stated on days: a plan is open when it reads the delivery day that contains `now - 1h` or a
 * later one (`plan.lastDay >= utcDay(now - 1h)`).
 *
 * That is deliberately stricter than "the range touches the last hour": the planner pads the last
 * day by its delivery lag, so any range touching the last hour reads that day, and so does a
 * range ending late yesterday (today's folder is still being written). It never calls closed
 * anything whose partitions can still change, whatever lag the planner used.
 * https://docs.aws.amazon.com/awscloudtrail/latest/userguide/how-cloudtrail-works.html
 */
export function rangeOpen(plan: PartitionPlan, now: Date): boolean {
  return plan.lastDay >= utcDay(new Date(now.getTime() - HOUR_MS));
}
