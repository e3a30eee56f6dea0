import { EVENT_SELECT } from './event-columns';
import type { EventFilterSpec, TimeRangeSpec } from './event-filter';
import { filterPredicate, rangePredicate } from './filter-predicate';
import type { EventSelect, Expr, PartitionPlan, Pred, TopPerGroup } from './ir';
import {
  agg,
  and,
  anyResourceArn,
  asc,
  cmp,
  desc,
  eq,
  field,
  inList,
  isNull,
  item,
  lit,
  not,
  or,
  ref,
  select,
  topPerGroup,
  unnest,
  unnested,
} from './ir-builders';

/**
 * Resources are the entries of resources[]: one per distinct `ARN`, or `ARNPrefix` for entries
 * that carry only a prefix. Queries expand each event into its entries (unnest) after
 * de-duplication; the event filter still tests whole events, so a resourceArns filter first keeps
 * the events naming those resources, and then only those resources are listed.
 */

/** Keyset position in a resource ranking: (eventCount desc, arn asc). */
export interface ResourcePosition {
  readonly count: number;
  readonly arn: string;
}

const ARN = unnested('resourceArn');
/** Events naming a resource (an event naming one twice counts once). */
const EVENTS = agg('countDistinct', field('rowHash'));

const SUMMARY = [
  item('resource_arn', ARN),
  item('resource_type', agg('max', unnested('resourceType'))),
  item('account_id', agg('max', unnested('resourceAccountId'))),
  item('event_count', EVENTS),
  item('first_seen', agg('min', field('eventTime'))),
  item('last_seen', agg('max', field('eventTime'))),
];

const RANKING = [desc(ref('event_count')), asc(ref('resource_arn'))];

/** Expanded rows naming a resource (in `arns`, when given). */
const entries = (arns: readonly string[] | undefined) =>
  unnest('resources', and(not(isNull(ARN)), arns?.length ? inList(ARN, arns) : and()));

/** Resources named by the events matching a filter, most used first. */
export function resourcesQuery(filter: EventFilterSpec, plan: PartitionPlan, first: number, after: ResourcePosition | null): EventSelect {
  return select({
    plan,
    where: filterPredicate(filter),
    unnest: entries(filter.resourceArns),
    select: SUMMARY,
    groupBy: [ARN],
    having: after ? keysetAfter(EVENTS, ARN, after) : null,
    orderBy: RANKING,
    limit: first + 1,
  });
}

function keysetAfter(n: Expr, k: Expr, after: ResourcePosition): Pred {
  return or(cmp('<', n, lit(after.count)), and(eq(n, lit(after.count)), cmp('>', k, lit(after.arn))));
}

/** Summaries of the given resources over a range (batched for resource()). */
export function resourceSummariesQuery(arns: readonly string[], range: TimeRangeSpec, plan: PartitionPlan, scope: Pred = and()): EventSelect {
  return select({
    plan,
    where: and(rangePredicate(range), scope, anyResourceArn(arns)),
    unnest: entries(arns),
    select: SUMMARY,
    groupBy: [ARN],
    orderBy: RANKING,
  });
}

/** The `first` principals acting most often on each given resource. */
export function resourceTopPrincipalsQuery(arns: readonly string[], first: number, filter: EventFilterSpec, plan: PartitionPlan): TopPerGroup {
  const inner = select({
    plan,
    where: and(filterPredicate(filter), anyResourceArn(arns)),
    unnest: entries(arns),
    select: [item('resource_arn', ARN), item('value', field('identityKey')), item('value_count', EVENTS)],
    groupBy: [ARN, field('identityKey')],
  });
  return topPerGroup(inner, ['resource_arn'], [desc(ref('value_count')), asc(ref('value'))], first);
}

/** The newest `first + 1` events naming each given resource. */
export function resourceEventsQuery(arns: readonly string[], first: number, filter: EventFilterSpec, plan: PartitionPlan): TopPerGroup {
  const inner = select({
    plan,
    where: and(filterPredicate(filter), anyResourceArn(arns)),
    unnest: entries(arns),
    select: [...EVENT_SELECT, item('resource_arn', ARN)],
  });
  const order = [desc(ref('event_time')), desc(ref('event_id')), desc(ref('row_hash'))];
  return topPerGroup(inner, ['resource_arn'], order, first + 1);
}
