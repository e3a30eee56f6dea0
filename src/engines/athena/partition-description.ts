import type { PartitionPlan } from '../../query/ir';

/**
 * What an Athena query touches, for explain. Athena prunes by the partition predicate, not by a
 * file list, so this is the predicate's shape as account/region/day patterns: one entry per
 * account × region (`*` where the plan does not restrict it) over the delivery-day range.
 */
export function describePartitions(plan: PartitionPlan): string[] {
  const days = plan.firstDay === plan.lastDay ? plan.firstDay : `${plan.firstDay}..${plan.lastDay}`;
  const accounts = plan.accounts ?? ['*'];
  const regions = plan.regions ?? ['*'];
  return accounts.flatMap((a) => regions.map((r) => `${a}/${r}/${days}`));
}
