import type { ApolloServerPlugin } from '@apollo/server';
import type { Logger } from 'pino';
import { isTrailgateError } from '../domain/trailgate-error';
import type { GraphQLContext } from '../graphql/context';
import { mapExplained } from '../mapping/explain.mapper';
import { formatError } from './error-formatter';

/**
 * Adds the cost facts to every response (`extensions.trailgate`), stamps the request id on
 * masked errors, logs what was masked with the request id (never to the client), and logs one
 * line per request: who, which operation, the outcome and its cost (kept-answer-reply.ts does both
 * for answers from the response cache, which never reach Apollo). Never the variables, the
 * query text or a header (values may be secrets or the very data being protected).
 */
export function trailgatePlugin(logger: Logger, engineName: string): ApolloServerPlugin<GraphQLContext> {
  return {
    async requestDidStart() {
      const started = performance.now();
      return {
        async didEncounterErrors({ contextValue, errors }) {
          for (const e of errors) {
            // Client faults are answers, not incidents: only what gets masked is logged.
            if (formatError(e.toJSON(), e).extensions?.code !== 'INTERNAL_SERVER_ERROR') continue;
            const original = e.originalError ?? e;
            logger.error({ requestId: contextValue.requestId, principal: contextValue.principal?.id, err: original, internal: isTrailgateError(original) ? original.internal : undefined, path: e.path }, 'request failed');
          }
        },
        async willSendResponse({ contextValue, response, operationName }) {
          if (response.body.kind !== 'single') return;
          const result = response.body.singleResult;
          const facts = contextValue.runner?.facts ?? [];
          logger.info(
            {
              requestId: contextValue.requestId,
              principal: contextValue.principal?.id,
              operation: operationName ?? null,
              codes: [...new Set((result.errors ?? []).map((e) => String(e.extensions?.code ?? 'INTERNAL_SERVER_ERROR')))],
              durationMs: Math.round(performance.now() - started),
              queries: facts.length,
              engineMs: facts.reduce((n, f) => n + f.engineMs, 0),
              bytesScanned: facts.reduce((n, f) => n + f.bytesScanned, 0),
              cacheHits: facts.filter((f) => f.cache === 'hit').length,
              ...(contextValue.runner?.explain ? { explain: true } : {}),
            },
            'graphql request',
          );
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
