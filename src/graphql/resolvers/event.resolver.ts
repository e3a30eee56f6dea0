import { Arg, Ctx, FieldResolver, Int, Query, Resolver, Root } from 'type-graphql';
import type { EventOrder as EventOrderName } from '../../query/event-queries';
import type { EventNode } from '../../services/event.service';
import type { GraphQLContext } from '../context';
import { EventOrder } from '../enums';
import { EventFilter } from '../inputs/event-filter.input';
import { filterSpec, rangeSpec } from '../inputs/filter-spec';
import { TimeRange } from '../inputs/time-range.input';
import { EventConnection } from '../types/event-connection.type';
import { Event } from '../types/event.type';
import { Identity } from '../types/identity.type';

@Resolver(() => Event)
export class EventResolver {
  @Query(() => EventConnection, { description: 'Events matching a filter, newest first by default (keyset cursors; first ≤ 1000).' })
  events(
    @Ctx() ctx: GraphQLContext,
    @Arg('filter', () => EventFilter) filter: EventFilter,
    @Arg('first', () => Int, { nullable: true, defaultValue: 50 }) first: number | null,
    @Arg('after', () => String, { nullable: true }) after: string | null,
    @Arg('order', () => EventOrder, { nullable: true, defaultValue: 'NEWEST_FIRST' }) order: EventOrderName | null,
  ) {
    return ctx.services.events.list(ctx.runner, filterSpec(filter), { first: first ?? 50, after, order: order ?? 'NEWEST_FIRST' });
  }

  @Query(() => Event, { nullable: true, description: 'One event by eventId within a range.' })
  event(
    @Ctx() ctx: GraphQLContext,
    @Arg('eventId') eventId: string,
    @Arg('range', () => TimeRange) range: TimeRange,
  ) {
    return ctx.services.events.get(ctx.runner, eventId, rangeSpec(range));
  }

  @FieldResolver(() => Identity, { nullable: true, description: "The acting principal, summarised over the query's range." })
  identity(@Root() event: EventNode, @Ctx() ctx: GraphQLContext) {
    return ctx.services.identities.get(ctx.runner, ctx.loaders, event.identityKey, event.range);
  }
}
