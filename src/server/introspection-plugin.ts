import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError, NoSchemaIntrospectionCustomRule, validate } from 'graphql';
import { TrailgateError } from '../domain/trailgate-error';
import type { GraphQLContext } from '../graphql/context';

const MESSAGE = 'Introspection is not enabled for this caller.';

/**
 * Introspection per principal. Apollo's `introspection` switch is server-wide, so it stays on and
 * this plugin refuses `__schema` / `__type` for principals whose `introspection` is off, with
 * graphql-js's own rule (NoSchemaIntrospectionCustomRule); `__typename` stays allowed.
 */
export function introspectionPlugin(): ApolloServerPlugin<GraphQLContext> {
  return {
    async requestDidStart({ contextValue }) {
      if (contextValue.principal.introspection) return {};
      return {
        async didResolveOperation({ schema, document }) {
          if (validate(schema, document, [NoSchemaIntrospectionCustomRule]).length === 0) return;
          throw new GraphQLError(MESSAGE, {
            originalError: new TrailgateError('FORBIDDEN', MESSAGE),
            extensions: { code: 'FORBIDDEN', http: { status: 403 } },
          });
        },
      };
    },
  };
}
