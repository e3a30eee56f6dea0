import { Arg, Ctx, Int, Query, Resolver } from 'type-graphql';
import { badInput } from '../../domain/trailgate-error';
import type { TimeUnit } from '../../query/ir';
import type { StatsOrder as StatsOrderName } from '../../query/stats-query';
import type { GraphQLContext } from '../context';
import { StatsOrder, TimeBucket } from '../enums';
import { EventFilter } from '../inputs/event-filter.input';
import { filterSpec, groupKeySpec } from '../inputs/filter-spec';
import { GroupKey } from '../inputs/group-key.input';
import { DateTimeScalar } from '../scalars';
import { EventStats } from '../types/stats.type';

const MAX_GROUP_KEYS = 6;

@Resolver()
export class StatsResolver {
  @Query(() => EventStats, { description: 'Counts grouped by dimensions and, optionally, time buckets (first ≤ 1000 rows).' })
  eventStats(
    @Ctx() ctx: GraphQLContext,
    @Arg('filter', () => EventFilter) filter: EventFilter,
    @Arg('groupBy', () => [GroupKey]) groupBy: GroupKey[],
    @Arg('interval', () => TimeBucket, { nullable: true }) interval: TimeUnit | null,
    @Arg('first', () => Int, { nullable: true, defaultValue: 100 }) first: number | null,
    @Arg('order', () => StatsOrder, { nullable: true, defaultValue: 'COUNT_DESC' }) order: StatsOrderName | null,
    @Arg('minCount', () => Int, { nullable: true, description: 'Only groups (or buckets) with at least this many events: thresholds and spikes.' })
    minCount: number | null,
    @Arg('firstSeenAfter', () => DateTimeScalar, {
      nullable: true,
      description: "Only groups whose first event in the range is at or after this instant: start the range a look-back window earlier to see what is new.",
    })
    firstSeenAfter: Date | null,
    @Arg('countDistinct', () => GroupKey, { nullable: true, description: 'Also count the distinct values of this key per group (StatsRow.distinctCount).' })
    countDistinct: GroupKey | null,
  ) {
    if (groupBy.length > MAX_GROUP_KEYS) throw badInput(`groupBy takes at most ${MAX_GROUP_KEYS} keys.`);
    if (order === 'BUCKET_ASC' && !interval) throw badInput('order BUCKET_ASC needs an interval.');
    if (minCount != null && (!Number.isSafeInteger(minCount) || minCount < 1)) throw badInput('minCount must be a positive integer.');
    const f = filterSpec(filter);
    if (firstSeenAfter && !(firstSeenAfter > f.range.from && firstSeenAfter < f.range.to)) {
      throw badInput('firstSeenAfter must lie inside the range (after range.from: the time before it is the look-back window).');
    }
    return ctx.services.stats.stats(ctx.runner, f, {
      groupBy: groupBy.map(groupKeySpec),
      interval: interval ?? null,
      first: first ?? 100,
      order: order ?? 'COUNT_DESC',
      minCount: minCount ?? undefined,
      firstSeenAfter: firstSeenAfter ?? undefined,
      countDistinct: countDistinct ? groupKeySpec(countDistinct) : undefined,
    });
  }
}
