import { Ctx, Query, Resolver } from 'type-graphql';
import type { GraphQLContext } from '../context';
import { Lake } from '../types/lake.type';

@Resolver()
export class LakeResolver {
  @Query(() => Lake, { description: 'The lake behind the gateway: engine, coverage, accounts, regions, rejected input.' })
  lake(@Ctx() ctx: GraphQLContext) {
    return ctx.services.lake.info(ctx.runner.engine, ctx.runner.principal);
  }
}
