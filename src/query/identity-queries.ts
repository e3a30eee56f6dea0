import { EVENT_SELECT } from './event-columns';
import type { EventFilterSpec, TimeRangeSpec } from './event-filter';
import type { FieldName } from './fields';
import { filterPredicate, rangePredicate } from './filter-predicate';
import type { EventSelect, PartitionPlan, Pred, TopPerGroup } from './ir';
import { agg, and, asc, cmp, count, desc, eq, field, inList, isTrue, item, lit, or, ref, select, topPerGroup } from './ir-builders';

/** Keyset position in an identity ranking: (eventCount desc, arn asc). */
export interface IdentityPosition {
  readonly count: number;
  readonly key: string;
}

/** What a principal's summary holds (Identity's scalar fields); also what the identity rollup stores (identity-rollup.ts). */
export const IDENTITY_SUMMARY = [
  item('identity_key', field('identityKey')),
  item('identity_type', agg('max', field('identityType'))),
  item('account_id', agg('max', field('identityAccountId'))),
  item('user_name', agg('max', field('userName'))),
  item('role_arn', agg('max', field('roleArn'))),
  item('event_count', count()),
  item('error_count', count(isTrue(field('isError')))),
  item('first_seen', agg('min', field('eventTime'))),
  item('last_seen', agg('max', field('eventTime'))),
];

const RANKING = [desc(ref('event_count')), asc(ref('identity_key'))];

/** Principals active under a filter, most active first. */
export function identitiesQuery(filter: EventFilterSpec, plan: PartitionPlan, first: number, after: IdentityPosition | null): EventSelect {
  const n = count();
  const k = field('identityKey');
  return select({
    plan,
    where: filterPredicate(filter),
    select: IDENTITY_SUMMARY,
    groupBy: [k],
    having: after ? or(cmp('<', n, lit(after.count)), and(eq(n, lit(after.count)), cmp('>', k, lit(after.key)))) : null,
    orderBy: RANKING,
    limit: first + 1,
  });
}

/** Summaries of the given principals over a range (batched for Event.identity and identity()). */
export function identitySummariesQuery(keys: readonly string[], range: TimeRangeSpec, plan: PartitionPlan, scope: Pred = and()): EventSelect {
  return select({
    plan,
    where: and(rangePredicate(range), scope, inList(field('identityKey'), keys)),
    select: IDENTITY_SUMMARY,
    groupBy: [field('identityKey')],
    orderBy: RANKING,
  });
}

/** The top `first` values of a field per principal, for the given principals. */
export function identityTopValuesQuery(
  keys: readonly string[],
  valueField: FieldName,
  first: number,
  filter: EventFilterSpec,
  plan: PartitionPlan,
): TopPerGroup {
  const inner = select({
    plan,
    where: and(filterPredicate(filter), inList(field('identityKey'), keys)),
    select: [item('identity_key', field('identityKey')), item('value', field(valueField)), item('value_count', count())],
    groupBy: [field('identityKey'), field(valueField)],
  });
  return topPerGroup(inner, ['identity_key'], [desc(ref('value_count')), asc(ref('value'))], first);
}

/** The newest `first + 1` events of each given principal. */
export function identityEventsQuery(keys: readonly string[], first: number, filter: EventFilterSpec, plan: PartitionPlan): TopPerGroup {
  const inner = select({ plan, where: and(filterPredicate(filter), inList(field('identityKey'), keys)), select: EVENT_SELECT });
  const order = [desc(ref('event_time')), desc(ref('event_id')), desc(ref('row_hash'))];
  return topPerGroup(inner, ['identity_key'], order, first + 1);
}
