import type { ApolloServerPlugin } from '@apollo/server';
import { ApolloArmor } from '@escape.tech/graphql-armor';
import type { GraphQLError, ValidationContext, ValidationRule } from 'graphql';
import { queryTooComplex, type LimitKind } from './limit-errors';

export interface DocumentLimits {
  readonly maxDepth: number;
  readonly maxAliases: number;
  readonly maxDirectives: number;
  readonly maxCost: number;
  readonly maxTokens: number;
}

/**
 * The static limits on a GraphQL document (before any variable is looked at). The catalogue
 * (schema/persisted), the schema examples and the test suite's queries reach depth 5, 25 aliases,
 * no directive, 880 tokens and a static cost of 11.3 million (test/integration/role-chains.test.ts:
 * 1000 identities × assumedBy(first: 1000), literal); test/integration/graphql-limits.test.ts
 * checks the catalogue and the examples against these.
 */
export const DOCUMENT_LIMITS: DocumentLimits = Object.freeze({
  /** selection depth: the deepest path without a cycle (resources.edges.node.events.edges.node.userIdentity.arn) is 8 */
  maxDepth: 12,
  /** aliases per operation: a lookup of 40 or so events, principals or groupings in one request is fine */
  maxAliases: 100,
  /** directives per operation (@include / @skip on every field a client toggles) */
  maxDirectives: 50,
  /**
   * graphql-armor's static cost (objects 2, scalars 1, × 1.5 per level, × every literal `first`,
   * variables unseen): only a backstop for absurd documents. It multiplies truncated and
   * top-N lists alike, so it cannot tell a costly nesting from a cheap one; the variable-aware
   * price (complexity-plugin.ts) is the budget.
   */
  maxCost: 50_000_000,
  /** lexical tokens of a document, enforced by graphql-js's parser (Apollo's `parseOptions`); 40 lookups of every Event field take 2,900 */
  maxTokens: 10_000,
});

/** Reports armor's refusal as QUERY_TOO_COMPLEX (armor's own report is BAD_USER_INPUT / a validation failure). */
const reject =
  (kind: LimitKind) =>
  (ctx: ValidationContext | null, _error: GraphQLError): void => {
    ctx?.reportError(queryTooComplex(kind));
  };

const callbacks = (kind: LimitKind) => ({ exposeLimits: false, propagateOnRejection: false, onReject: [reject(kind)] });

export interface ArmorProtection {
  readonly plugins: ApolloServerPlugin<any>[];
  readonly validationRules: ValidationRule[];
  /** for Apollo's `parseOptions` */
  readonly maxTokens: number;
}

/**
 * graphql-armor for depth, aliases, directives and static cost, each refusal reported as
 * QUERY_TOO_COMPLEX. Its maxTokens protection is off: under Apollo it throws from
 * `parsingDidStart` and the client gets HTTP 500. The parser's own `maxTokens` (Apollo
 * `parseOptions`) does the job; refusal-plugin.ts words its refusal.
 */
export function armorProtection(limits: DocumentLimits = DOCUMENT_LIMITS): ArmorProtection {
  const armor = new ApolloArmor({
    maxTokens: { enabled: false },
    maxDepth: { n: limits.maxDepth, flattenFragments: true, ignoreIntrospection: true, ...callbacks('depth') },
    maxAliases: { n: limits.maxAliases, ...callbacks('aliases') },
    maxDirectives: { n: limits.maxDirectives, ...callbacks('directives') },
    costLimit: { maxCost: limits.maxCost, flattenFragments: true, ignoreIntrospection: true, ...callbacks('cost') },
    // Apollo's hideSchemaDetailsFromClientErrors removes the suggestions (gateway.ts)
    blockFieldSuggestion: { enabled: false },
  });
  const { plugins, validationRules } = armor.protect();
  return { plugins, validationRules, maxTokens: limits.maxTokens };
}
