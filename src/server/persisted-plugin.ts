import type { ApolloServerPlugin, GraphQLRequest } from '@apollo/server';
import type { GraphQLError } from 'graphql';
import type { GraphQLContext } from '../graphql/context';
import { mayRunOperation, type Principal } from '../domain/principal';
import type { CatalogOperation, PersistedCatalog } from '../persisted/persisted-catalog';
import { operationForbidden, PERSISTED_STATUS, persistedQueryNotFound, persistedQueryRequired } from './persisted-errors';

/**
 * What a refused request runs instead of its own document. Apollo turns a hook's error into a
 * response only from didResolveOperation on (one thrown in requestDidStart becomes a 500), and
 * that hook comes after parsing and validation; the stub lets the refusal happen there without the
 * client's document ever being parsed or validated (no schema hints for a persisted-only caller).
 */
const REFUSED_STUB = '{ __typename }';

interface ApqExtension {
  readonly version?: unknown;
  readonly sha256Hash?: unknown;
}

function dropApq(request: GraphQLRequest): void {
  const { persistedQuery: _dropped, ...rest } = request.extensions ?? {};
  request.extensions = rest;
}

function refuse(request: GraphQLRequest, error: GraphQLError): GraphQLError {
  request.query = REFUSED_STUB;
  request.operationName = undefined;
  dropApq(request);
  return error;
}

/**
 * Resolves a request against the catalogue before Apollo looks at it, and says what to refuse.
 *
 * - A hash alone (`extensions.persistedQuery.sha256Hash`; `documentId` arrives in the same form)
 *   in the catalogue: its body becomes the query and the APQ extension is dropped, so Apollo runs
 *   it as a plain query (the answer is the one the same text would get).
 * - A hash alone not in the catalogue: a full principal falls through to Apollo's APQ cache (a
 *   miss answers PERSISTED_QUERY_NOT_FOUND, made a 404 by the plugin); a persisted-only principal
 *   never reads that cache, whoever filled it: PERSISTED_QUERY_NOT_FOUND.
 * - No query and no hash, but an `operationName` the catalogue holds: that operation (by name).
 * - A query text that is byte-for-byte a catalogue body is the catalogue operation (with or without
 *   a matching hash; Apollo's safelisting with `requireId: false` does the same).
 * - Any other text (free-form, or APQ registration): Apollo's normal behaviour for a full
 *   principal; PERSISTED_QUERY_REQUIRED for a persisted-only one (so it never registers anything).
 * - A catalogue operation outside the principal's `operations`: FORBIDDEN.
 *
 * Mutates `request` (Apollo reads it after requestDidStart) and returns the refusal, if any.
 */
export function resolvePersistedRequest(catalog: PersistedCatalog, request: GraphQLRequest, principal: Principal): GraphQLError | undefined {
  const persistedOnly = principal.mode === 'persisted-only';
  const allowed = (op: CatalogOperation) => (mayRunOperation(principal, op.name) ? undefined : refuse(request, operationForbidden(op.name)));
  const apq = request.extensions?.persistedQuery as ApqExtension | undefined;
  const hash = typeof apq?.sha256Hash === 'string' ? apq.sha256Hash : undefined;
  if (request.query === undefined) {
    if (!apq) {
      const named = typeof request.operationName === 'string' ? catalog.byName(request.operationName) : undefined;
      if (!named) return undefined; // Apollo answers "no query" (400)
      request.query = named.body;
      return allowed(named);
    }
    if (apq.version !== 1) return undefined; // Apollo answers "unsupported version" (400)
    const op = hash === undefined ? undefined : catalog.byId(hash);
    if (op) {
      request.query = op.body;
      dropApq(request);
      return allowed(op);
    }
    return persistedOnly ? refuse(request, persistedQueryNotFound()) : undefined;
  }
  if (typeof request.query !== 'string') return undefined;
  const op = catalog.byBody(request.query);
  if (op && (hash === undefined || hash === op.id)) {
    if (apq) dropApq(request); // nothing to register: the catalogue holds it
    return allowed(op);
  }
  if (op) return undefined; // a catalogue text under a wrong hash: Apollo answers "provided sha does not match query" (400)
  return persistedOnly ? refuse(request, persistedQueryRequired()) : undefined;
}

/**
 * Runs catalogue operations by hash and enforces the principal's mode and operations; also
 * gives Apollo's own APQ miss (status 200 by default) the 404 of every other miss.
 */
export function persistedPlugin(catalog: PersistedCatalog): ApolloServerPlugin<GraphQLContext> {
  return {
    async requestDidStart({ request, contextValue }) {
      const refusal = resolvePersistedRequest(catalog, request, contextValue.principal);
      // The HTTP layer keeps the answers of catalogue operations (response-cache.ts) only when this agrees.
      if (!refusal && typeof request.query === 'string') contextValue.catalogue.operation = catalog.byBody(request.query)?.name ?? null;
      return {
        async didResolveOperation() {
          if (refusal) throw refusal;
        },
        async willSendResponse({ response }) {
          if (response.body.kind !== 'single') return;
          const missed = response.body.singleResult.errors?.some((e) => e.extensions?.code === 'PERSISTED_QUERY_NOT_FOUND');
          if (missed && (response.http.status ?? 200) < 300) response.http.status = PERSISTED_STATUS.PERSISTED_QUERY_NOT_FOUND;
        },
      };
    },
  };
}
