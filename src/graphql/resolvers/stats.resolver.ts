import { Arg, Ctx, Int, Query, Resolver } from 'type-graphql';
import { badInput } from '../../domain/trailgate-error';
import type { TimeUnit } from '../../query/ir';
import type { StatsOrder as StatsOrderName } from '../../query/stats-query';
import type { GraphQLContext } from '../context';
import { StatsOrder, TimeBucket } from '../enums';
import { EventFilter } from '../inputs/event-filter.input';
import { filterSpec, groupKeySpec } from '../inputs/filter-spec';
import { GroupKey } from '../inputs/group-key.input';
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
  ) {
    if (groupBy.length > MAX_GROUP_KEYS) throw badInput(`groupBy takes at most ${MAX_GROUP_KEYS} keys.`);
    if (order === 'BUCKET_ASC' && !interval) throw badInput('order BUCKET_ASC needs an interval.');
    return ctx.services.stats.stats(ctx.runner, filterSpec(filter), {
      groupBy: groupBy.map(groupKeySpec),
      interval: interval ?? null,
      first: first ?? 100,
      order: order ?? 'COUNT_DESC',
    });
  }
}
