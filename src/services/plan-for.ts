import type { EventFilterSpec } from '../query/event-filter';
import type { PartitionPlan } from '../query/ir';
import { planPartitions } from '../query/partition-planner';
import type { QueryLimits } from './limits';

/** The partition plan of a filter: its range, accounts and regions. */
export function planFor(filter: Pick<EventFilterSpec, 'range' | 'accounts' | 'regions'>, limits: QueryLimits): PartitionPlan {
  return planPartitions({ ...filter.range, accounts: filter.accounts, regions: filter.regions, lagDays: limits.deliveryLagDays });
}
