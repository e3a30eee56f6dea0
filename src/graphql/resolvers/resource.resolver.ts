import { Arg, Ctx, FieldResolver, Int, Query, Resolver, Root } from 'type-graphql';
import type { ResourceNode } from '../../services/resource.service';
import type { GraphQLContext } from '../context';
import { EventFilter } from '../inputs/event-filter.input';
import { filterSpec, rangeSpec } from '../inputs/filter-spec';
import { TimeRange } from '../inputs/time-range.input';
import { EventConnection } from '../types/event-connection.type';
import { CountedValue } from '../types/identity.type';
import { Resource, ResourceConnection } from '../types/resource.type';

@Resolver(() => Resource)
export class ResourceResolver {
  @Query(() => ResourceConnection, {
    description: 'Resources named in resources[] by the events matching a filter, most used first (eventCount desc, arn asc). With resourceArns, only those resources.',
  })
  resources(
    @Ctx() ctx: GraphQLContext,
    @Arg('filter', () => EventFilter) filter: EventFilter,
    @Arg('first', () => Int, { nullable: true, defaultValue: 50 }) first: number | null,
    @Arg('after', () => String, { nullable: true }) after: string | null,
  ) {
    return ctx.services.resources.list(ctx.runner, filterSpec(filter), { first: first ?? 50, after });
  }

  @Query(() => Resource, { nullable: true, description: 'One resource (see Resource.arn) over a range; null when no event names it.' })
  resource(@Ctx() ctx: GraphQLContext, @Arg('arn') arn: string, @Arg('range', () => TimeRange) range: TimeRange) {
    return ctx.services.resources.get(ctx.runner, ctx.loaders.resources, arn, rangeSpec(range));
  }

  @FieldResolver(() => [CountedValue], { description: 'Principals (Identity.arn) acting on the resource most often.' })
  topPrincipals(@Root() r: ResourceNode, @Ctx() ctx: GraphQLContext, @Arg('first', () => Int, { nullable: true, defaultValue: 10 }) first: number | null) {
    return ctx.services.resources.topPrincipals(ctx.loaders.resources, r, first ?? 10);
  }

  @FieldResolver(() => EventConnection, { description: 'Events naming the resource, newest first.' })
  events(
    @Root() r: ResourceNode,
    @Ctx() ctx: GraphQLContext,
    @Arg('first', () => Int, { nullable: true, defaultValue: 50 }) first: number | null,
    @Arg('after', () => String, { nullable: true }) after: string | null,
  ) {
    return ctx.services.resources.eventsOf(ctx.runner, ctx.loaders.resources, r, { first: first ?? 50, after });
  }
}
