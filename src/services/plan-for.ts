import type { Principal } from '../domain/principal';
import type { EventFilterSpec } from '../query/event-filter';
import type { PartitionPlan } from '../query/ir';
import { planPartitions } from '../query/partition-planner';
import type { QueryLimits } from './limits';

/** The partition plan of a filter for a principal: its range, its accounts within the principal's scope, its regions. */
export function planFor(filter: Pick<EventFilterSpec, 'range' | 'accounts' | 'regions'>, limits: QueryLimits, principal: Principal): PartitionPlan {
  return planPartitions({ ...filter.range, scope: principal.accounts, accounts: filter.accounts, regions: filter.regions, lagDays: limits.deliveryLagDays });
}
