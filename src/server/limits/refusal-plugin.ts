import type { ApolloServerPlugin } from '@apollo/server';
import type { GraphQLError } from 'graphql';
import { limitMessage, type LimitKind } from './limit-errors';

/** graphql-js's wording of its parser limit (its "more that" typo included, and the spelling it may be fixed to). */
const TOKEN_LIMIT = /^Syntax Error: Document contains more tha[nt] \d+ tokens/;

/** Which limit a refusal raised by graphql-js or Apollo itself (not by trailgate) stands for. */
function limitOf(error: GraphQLError): LimitKind | null {
  const ext = error.extensions ?? {};
  if (ext.code === 'GRAPHQL_PARSE_FAILED' && TOKEN_LIMIT.test(error.message)) return 'tokens';
  // Apollo's `maxRecursiveSelections` rule
  if (ext.code === 'GRAPHQL_VALIDATION_FAILED' && ext.validationErrorCode === 'MAX_RECURSIVE_SELECTIONS_EXCEEDED') return 'selections';
  return null;
}

/**
 * The limits graphql-js and Apollo enforce themselves answer like trailgate's own: the parser's
 * token limit (Apollo `parseOptions.maxTokens`: GRAPHQL_PARSE_FAILED, the limit in the message)
 * and Apollo's `maxRecursiveSelections` (GRAPHQL_VALIDATION_FAILED) become QUERY_TOO_COMPLEX
 * without a number. Both already carry HTTP 400. Apollo formats the errors after
 * `didEncounterErrors`, so the rewording reaches the client.
 */
export function limitRefusalPlugin(): ApolloServerPlugin<any> {
  return {
    async requestDidStart() {
      return {
        async didEncounterErrors({ errors }) {
          for (const error of errors) {
            const kind = limitOf(error);
            if (!kind) continue;
            error.message = limitMessage(kind);
            (error.extensions as Record<string, unknown>).code = 'QUERY_TOO_COMPLEX';
          }
        },
      };
    },
  };
}
