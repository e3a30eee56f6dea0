import type { ApolloServerPlugin } from '@apollo/server';
import type { DocumentNode, GraphQLSchema } from 'graphql';
import { getComplexity, type ComplexityEstimator } from 'graphql-query-complexity';
import { EVENT_COLUMNS } from '../../query/event-columns';
import { queryTooComplex } from './limit-errors';

/**
 * The most an operation may cost (see `engineEstimator`): about nine full pages (1000) of events
 * with every field (105,000 each). The costliest catalogue operation (NewRegionForPrincipal, three
 * groupings of 1000 stats rows) costs 72,000 with its default variables, 17 groupings of 1000
 * stats rows 391,000; `first: 100000` on any list (1,800,000 or more) and 1000 identities × 1000
 * events each (58,000,000) are over it. test/integration/graphql-limits.test.ts checks these.
 */
export const MAX_COMPLEXITY = 1_000_000;

/** Fetching, mapping and resolving one row, before its columns and fields. */
const ROW_BASE = 10;

/**
 * What one row of each kind the engine produces costs before the fields asked of it: ROW_BASE
 * plus a unit per column the engine returns for it. An event query returns the whole record
 * (every EVENT_COLUMNS column, the JSON documents among them) whatever fields are asked; the
 * others are GROUP BY rows of a few columns (src/query/identity-queries.ts, resource-queries.ts,
 * stats-query.ts, role-chain-queries.ts).
 */
const ROW_COST = {
  event: ROW_BASE + Object.keys(EVENT_COLUMNS).length,
  identity: ROW_BASE + 9,
  resource: ROW_BASE + 6,
  stats: ROW_BASE + 7,
  counted: ROW_BASE + 3,
} as const;

type RowKind = keyof typeof ROW_COST;

interface Fetch {
  /** the rows the field's resolver has the engine produce */
  readonly row: RowKind;
  /**
   * `first` only truncates what the engine computes in full, so asking more costs the engine
   * nothing more: priced at the argument's default size at most.
   */
  readonly truncates?: true;
}

/**
 * The fields whose resolvers have the engine produce rows, by parent type. With a `first`
 * argument a field produces that many rows (its default when not given); without, one. Nested
 * per-row fields (Identity.events, sourceIps, Event.identity, ...) are batched by DataLoaders into
 * one engine query per field for the whole parent page, so they add no query per parent row,
 * only their rows: parent page × nested page.
 */
const FETCHES: Readonly<Record<string, Fetch>> = {
  'Query.events': { row: 'event' },
  'Query.event': { row: 'event' },
  'Query.identities': { row: 'identity' },
  'Query.identity': { row: 'identity' },
  'Query.resources': { row: 'resource' },
  'Query.resource': { row: 'resource' },
  'Query.eventStats': { row: 'stats' },
  'Event.identity': { row: 'identity' },
  'Identity.sourceIps': { row: 'counted' },
  'Identity.userAgents': { row: 'counted' },
  'Identity.topEvents': { row: 'counted' },
  // a principal's regions: a few values, from the same top-values query
  'Identity.regions': { row: 'counted' },
  // RoleChainService resolves every issuer of a session whatever `first` asks; a session's
  // issuers are the callers whose AssumeRole* calls issued its access keys (a handful)
  'Identity.assumedBy': { row: 'counted', truncates: true },
  'Identity.sourcePrincipal': { row: 'counted' },
  'Identity.events': { row: 'event' },
  'Resource.topPrincipals': { row: 'counted' },
  'Resource.events': { row: 'event' },
};

/**
 * Prices a field by the rows the engine produces for it and the fields resolved on them: 1, plus,
 * for a field in FETCHES, rows × (ROW_COST + its selections' cost per row). A connection's
 * pageInfo is priced per row too (a slight overcharge). A field taking `first` that FETCHES does
 * not list still multiplies by the page size. Arguments arrive with variables and defaults applied.
 */
export const engineEstimator: ComplexityEstimator = ({ type, field, args, childComplexity }) => {
  const fetch: Fetch | undefined = FETCHES[`${type.name}.${field.name}`];
  const paged = field.args.find((a) => a.name === 'first');
  if (!fetch && !paged) return 1 + childComplexity;
  let rows = 1;
  if (paged) {
    // an explicit `first: null` gets the resolvers' default too
    const asked: unknown = args.first ?? paged.defaultValue;
    rows = typeof asked === 'number' && Number.isFinite(asked) ? Math.max(1, asked) : 1;
    if (fetch?.truncates && typeof paged.defaultValue === 'number') rows = Math.min(rows, paged.defaultValue);
  }
  return 1 + rows * ((fetch ? ROW_COST[fetch.row] : 0) + childComplexity);
};

export interface ComplexityInput {
  readonly schema: GraphQLSchema;
  readonly document: DocumentNode;
  readonly operationName?: string | null;
  readonly variables?: Record<string, unknown> | null;
}

/**
 * The operation's cost, or `null` when it cannot be computed because the variables do not fit the
 * operation (execution then refuses them as BAD_USER_INPUT). A document too large to walk
 * (graphql-query-complexity's node limit: fragments spread over and over) is over any limit.
 */
export function operationComplexity({ schema, document, operationName, variables }: ComplexityInput): number | null {
  try {
    return getComplexity({
      schema,
      query: document,
      operationName: operationName ?? undefined,
      variables: variables ?? {},
      estimators: [engineEstimator],
    });
  } catch (e) {
    if (e instanceof Error && /maximum allowed number of nodes/.test(e.message)) return Number.POSITIVE_INFINITY;
    return null;
  }
}

/**
 * Refuses an operation whose variable-aware cost is over `max` with QUERY_TOO_COMPLEX (HTTP 400),
 * in `didResolveOperation`: before any resolver, so nothing reaches the engine.
 */
export function complexityPlugin(max = MAX_COMPLEXITY): ApolloServerPlugin<any> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ schema, document, operationName, request }) {
          const cost = operationComplexity({ schema, document, operationName, variables: request.variables });
          if (cost !== null && cost > max) throw queryTooComplex('complexity');
        },
      };
    },
  };
}
