import type { ResultReuseConfiguration } from '@aws-sdk/client-athena';
import type { PartitionPlan } from '../../query/ir';
import { rangeOpen } from '../range-openness';

/** Athena accepts MaxAgeInMinutes up to 10080 (7 days). */
export const MAX_REUSE_AGE_MINUTES = 10_080;

/**
 * Whether a query may be answered from a previous identical query's results: only when its
 * partitions can no longer change (see range-openness.ts for the rule and why it is on days).
 * https://docs.aws.amazon.com/athena/latest/ug/reusing-query-results.html
 */
export function reuseAllowed(plan: PartitionPlan, now: Date): boolean {
  return !rangeOpen(plan, now);
}

/** The StartQueryExecution ResultReuseConfiguration for a plan (reuse explicitly off when not allowed). */
export function resultReuseConfiguration(plan: PartitionPlan, now: Date, maxAgeMinutes: number): ResultReuseConfiguration {
  return reuseAllowed(plan, now)
    ? { ResultReuseByAgeConfiguration: { Enabled: true, MaxAgeInMinutes: maxAgeMinutes } }
    : { ResultReuseByAgeConfiguration: { Enabled: false } };
}
