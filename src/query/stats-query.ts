import { dimensionExpr, type GroupKeySpec } from './dimensions';
import type { EventFilterSpec } from './event-filter';
import { filterPredicate } from './filter-predicate';
import type { EventSelect, OrderItem, PartitionPlan, Pred, SelectItem, TimeUnit } from './ir';
import { agg, and, asc, bucket, cmp, count, desc, field, instant, isTrue, item, lit, ref, select, totalCount } from './ir-builders';

export type StatsOrder = 'COUNT_DESC' | 'COUNT_ASC' | 'KEYS_ASC' | 'BUCKET_ASC';

export interface StatsSpec {
  readonly groupBy: readonly GroupKeySpec[];
  readonly interval: TimeUnit | null;
  readonly first: number;
  readonly order: StatsOrder;
  /** keep only groups (or buckets) with at least this many events: thresholds and spikes */
  readonly minCount?: number;
  /**
   * keep only groups first seen at or after this instant: with a range that starts a look-back
   * window earlier, what is new (a principal's first source IP, API, region...)
   */
  readonly firstSeenAfter?: Date;
  /** also count the distinct values of this key per group (e.g. user names per source IP) */
  readonly countDistinct?: GroupKeySpec;
}

export const keyAlias = (i: number) => `k${i}`;

/** Counts per group (and time bucket), with error count, first/last seen and the grand total. */
export function statsQuery(filter: EventFilterSpec, plan: PartitionPlan, spec: StatsSpec): EventSelect {
  const keys = spec.groupBy.map((g, i) => item(keyAlias(i), dimensionExpr(g)));
  const bucketItem = spec.interval ? [item('bucket', bucket(spec.interval, field('eventTime')))] : [];
  const items: SelectItem[] = [
    ...keys,
    ...bucketItem,
    item('event_count', count()),
    item('error_count', count(isTrue(field('isError')))),
    item('first_seen', agg('min', field('eventTime'))),
    item('last_seen', agg('max', field('eventTime'))),
    item('total_events', totalCount()),
    ...(spec.countDistinct ? [item('distinct_count', agg('countDistinct', dimensionExpr(spec.countDistinct)))] : []),
  ];
  const keyOrder = keys.map((k) => asc(ref(k.alias)));
  const bucketOrder = spec.interval ? [asc(ref('bucket'))] : [];
  const n = ref('event_count');
  const orderBy: Record<StatsOrder, OrderItem[]> = {
    COUNT_DESC: [desc(n), ...keyOrder, ...bucketOrder],
    COUNT_ASC: [asc(n), ...keyOrder, ...bucketOrder],
    KEYS_ASC: [...keyOrder, ...bucketOrder],
    BUCKET_ASC: [...bucketOrder, desc(n), ...keyOrder],
  };
  return select({
    plan,
    where: filterPredicate(filter),
    select: items,
    groupBy: [...keys.map((k) => k.expr), ...bucketItem.map((b) => b.expr)],
    having: havingOf(spec, keys.length === 0 && !spec.interval),
    orderBy: orderBy[spec.order],
    limit: spec.first,
  });
}

function havingOf(spec: StatsSpec, ungrouped: boolean): Pred | null {
  const h = and(
    // Without group keys an aggregate returns one row even over nothing; no events means no rows.
    ungrouped ? cmp('>', count(), lit(0)) : and(),
    spec.minCount !== undefined ? cmp('>=', count(), lit(spec.minCount)) : and(),
    spec.firstSeenAfter ? cmp('>=', agg('min', field('eventTime')), instant(spec.firstSeenAfter)) : and(),
  );
  return h.kind === 'true' ? null : h;
}
