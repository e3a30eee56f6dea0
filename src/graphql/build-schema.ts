import 'reflect-metadata';
import type { GraphQLSchema } from 'graphql';
import { buildSchema } from 'type-graphql';
import { EventResolver } from './resolvers/event.resolver';
import { IdentityResolver } from './resolvers/identity.resolver';
import { LakeResolver } from './resolvers/lake.resolver';
import { ResourceResolver } from './resolvers/resource.resolver';
import { StatsResolver } from './resolvers/stats.resolver';
import { DateTimeScalar } from './scalars';

/**
 * The executable schema. type-graphql 2.0 ships with validation off; it is turned on here so
 * every input class validates itself before a resolver runs.
 */
export function buildTrailgateSchema(): Promise<GraphQLSchema> {
  return buildSchema({
    resolvers: [EventResolver, StatsResolver, IdentityResolver, ResourceResolver, LakeResolver],
    scalarsMap: [{ type: Date, scalar: DateTimeScalar }],
    validate: { forbidUnknownValues: false, stopAtFirstError: false },
    emitSchemaFile: false,
  });
}
