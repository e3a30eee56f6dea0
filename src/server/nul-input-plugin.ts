import type { ApolloServerPlugin } from '@apollo/server';
import { BREAK, GraphQLError, visit, type DocumentNode } from 'graphql';
import { badInput } from '../domain/trailgate-error';

const MESSAGE = 'Text inputs may not contain the NUL character (U+0000).';

function hasNul(value: unknown, depth = 0): boolean {
  if (typeof value === 'string') return value.includes('\u0000');
  if (depth > 64 || value === null || typeof value !== 'object') return false;
  return Object.values(value as Record<string, unknown>).some((v) => hasNul(v, depth + 1));
}

function documentHasNul(document: DocumentNode): boolean {
  let found = false;
  visit(document, {
    StringValue(node) {
      if (!node.value.includes('\u0000')) return undefined;
      found = true;
      return BREAK;
    },
  });
  return found;
}

/**
 * Refuses NUL in any text input, before anything runs. No CloudTrail value holds one, Trino
 * string literals cannot carry one (the literal encoder refuses it) and DuckDB would compare it
 * silently: one clear BAD_USER_INPUT keeps both engines answering alike.
 */
export function nulInputPlugin(): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ request, document }) {
          if (!hasNul(request.variables) && !documentHasNul(document)) return;
          throw new GraphQLError(MESSAGE, { originalError: badInput(MESSAGE), extensions: { code: 'BAD_USER_INPUT', http: { status: 400 } } });
        },
      };
    },
  };
}
