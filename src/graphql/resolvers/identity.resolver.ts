import { Arg, Ctx, FieldResolver, Int, Query, Resolver, Root } from 'type-graphql';
import type { IdentityNode } from '../../services/identity.service';
import type { GraphQLContext } from '../context';
import { EventFilter } from '../inputs/event-filter.input';
import { filterSpec, rangeSpec } from '../inputs/filter-spec';
import { TimeRange } from '../inputs/time-range.input';
import { EventConnection } from '../types/event-connection.type';
import { CountedValue, Identity, IdentityConnection } from '../types/identity.type';

@Resolver(() => Identity)
export class IdentityResolver {
  @Query(() => IdentityConnection, { description: 'Principals active under a filter, most active first.' })
  identities(
    @Ctx() ctx: GraphQLContext,
    @Arg('filter', () => EventFilter) filter: EventFilter,
    @Arg('first', () => Int, { nullable: true, defaultValue: 50 }) first: number | null,
    @Arg('after', () => String, { nullable: true }) after: string | null,
  ) {
    return ctx.services.identities.list(ctx.runner, filterSpec(filter), { first: first ?? 50, after });
  }

  @Query(() => Identity, { nullable: true, description: 'One principal (see Identity.arn) over a range.' })
  identity(@Ctx() ctx: GraphQLContext, @Arg('arn') arn: string, @Arg('range', () => TimeRange) range: TimeRange) {
    return ctx.services.identities.get(ctx.runner, ctx.loaders, arn, rangeSpec(range));
  }

  @FieldResolver(() => [CountedValue], { description: 'Most used source addresses.' })
  sourceIps(@Root() id: IdentityNode, @Ctx() ctx: GraphQLContext, @Arg('first', () => Int, { nullable: true, defaultValue: 10 }) first: number | null) {
    return ctx.services.identities.counted(ctx.loaders, id, 'sourceIps', first ?? 10);
  }

  @FieldResolver(() => [CountedValue], { description: 'Most used user agents.' })
  userAgents(@Root() id: IdentityNode, @Ctx() ctx: GraphQLContext, @Arg('first', () => Int, { nullable: true, defaultValue: 10 }) first: number | null) {
    return ctx.services.identities.counted(ctx.loaders, id, 'userAgents', first ?? 10);
  }

  @FieldResolver(() => [CountedValue], { description: 'Most called event names.' })
  topEvents(@Root() id: IdentityNode, @Ctx() ctx: GraphQLContext, @Arg('first', () => Int, { nullable: true, defaultValue: 10 }) first: number | null) {
    return ctx.services.identities.counted(ctx.loaders, id, 'topEvents', first ?? 10);
  }

  @FieldResolver(() => [String], { description: 'Regions the principal acted in, sorted.' })
  regions(@Root() id: IdentityNode, @Ctx() ctx: GraphQLContext) {
    return ctx.services.identities.regions(ctx.loaders, id);
  }

  @FieldResolver(() => [CountedValue], {
    description:
      'For a role session: the principals whose AssumeRole* calls issued the credentials it used (their responseElements.credentials.accessKeyId ' +
      'is its userIdentity.accessKeyId), by sessions issued, most first. Issuing calls are searched from 12 hours before the range. Empty for other principals.',
  })
  assumedBy(@Root() id: IdentityNode, @Ctx() ctx: GraphQLContext, @Arg('first', () => Int, { nullable: true, defaultValue: 10 }) first: number | null) {
    return ctx.services.identities.assumedBy(ctx.loaders, id, first ?? 10);
  }

  @FieldResolver(() => String, {
    nullable: true,
    description:
      'For a role session: the principal behind it, following assumedBy up a chain of role sessions (at most 5 links) to the first principal that is not one ' +
      '(an IAM user, root, a service, a SAML or web-identity user). An IAM Identity Center session (role AWSReservedSSO_*) resolves to its session name, the ' +
      'signed-in user. Without an issuing call in reach: the session\'s sourceIdentity, else its session name. Null for other principals.',
  })
  sourcePrincipal(@Root() id: IdentityNode, @Ctx() ctx: GraphQLContext) {
    return ctx.services.identities.sourcePrincipal(ctx.loaders, id);
  }

  @FieldResolver(() => EventConnection, { description: "The principal's events, newest first." })
  events(
    @Root() id: IdentityNode,
    @Ctx() ctx: GraphQLContext,
    @Arg('first', () => Int, { nullable: true, defaultValue: 50 }) first: number | null,
    @Arg('after', () => String, { nullable: true }) after: string | null,
  ) {
    return ctx.services.identities.eventsOf(ctx.runner, ctx.loaders, id, { first: first ?? 50, after });
  }
}
