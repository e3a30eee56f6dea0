import { GraphQLError } from 'graphql';
import { TrailgateError } from '../../domain/trailgate-error';

/** What a refused document was over; the message names the kind of limit, never its number. */
export type LimitKind = 'depth' | 'aliases' | 'directives' | 'cost' | 'tokens' | 'selections' | 'complexity';

const MESSAGES = {
  depth: 'The query is too complex: its selections are nested too deeply.',
  aliases: 'The query is too complex: it uses too many aliases.',
  directives: 'The query is too complex: it uses too many directives.',
  cost: 'The query is too complex: it selects too many fields and pages.',
  tokens: 'The query is too complex: the document is too long.',
  selections: 'The query is too complex: its fragments expand to too many selections.',
  complexity: 'The query is too complex: ask for smaller pages (`first`) or fewer nested lists.',
} as const satisfies Record<LimitKind, string>;

export const limitMessage = (kind: LimitKind): string => MESSAGES[kind];

/**
 * A QUERY_TOO_COMPLEX refusal as Apollo wants it: a GraphQLError carrying the TrailgateError (so
 * the error formatter answers its code and message) and HTTP 400 (Apollo's default for a refusal
 * raised outside validation would be 500).
 */
export function queryTooComplex(kind: LimitKind): GraphQLError {
  const message = limitMessage(kind);
  return new GraphQLError(message, {
    originalError: new TrailgateError('QUERY_TOO_COMPLEX', message, { details: { limit: kind } }),
    extensions: { code: 'QUERY_TOO_COMPLEX', http: { status: 400 } },
  });
}
