import type { ApolloServerPlugin } from '@apollo/server';
import type { Logger } from 'pino';
import { isTrailgateError } from '../domain/trailgate-error';
import type { GraphQLContext } from '../graphql/context';
import { mapExplained } from '../mapping/explain.mapper';
import { formatError } from './error-formatter';

/**
 * Adds the cost facts to every response (`extensions.trailgate`), stamps the request id on
 * masked errors, and logs what was masked with the request id (never to the client).
 */
export function trailgatePlugin(logger: Logger, engineName: string): ApolloServerPlugin<GraphQLContext> {
  return {
    async requestDidStart() {
      return {
        async didEncounterErrors({ contextValue, errors }) {
          for (const e of errors) {
            // Client faults are answers, not incidents: only what gets masked is logged.
            if (formatError(e.toJSON(), e).extensions?.code !== 'INTERNAL_SERVER_ERROR') continue;
            const original = e.originalError ?? e;
            logger.error({ requestId: contextValue.requestId, principal: contextValue.principal?.id, err: original, internal: isTrailgateError(original) ? original.internal : undefined, path: e.path }, 'request failed');
          }
        },
        async willSendResponse({ contextValue, response }) {
          if (response.body.kind !== 'single') return;
          const result = response.body.singleResult;
          result.errors = result.errors?.map((e) =>
            e.extensions?.code === 'INTERNAL_SERVER_ERROR' ? { ...e, extensions: { ...e.extensions, requestId: contextValue.requestId } } : e,
          );
          result.extensions = {
            ...(result.extensions ?? {}),
            trailgate: {
              requestId: contextValue.requestId,
              engine: engineName,
              queries: contextValue.runner?.facts ?? [],
              ...(contextValue.runner?.explain ? { explain: contextValue.runner.explained.map(mapExplained) } : {}),
            },
          };
        },
      };
    },
  };
}
