import { HeaderMap } from '@apollo/server';
import { GraphQLError } from 'graphql';
import { TrailgateError } from '../domain/trailgate-error';

/**
 * HTTP statuses of the persisted-operation refusals. Both answers carry `errors` and no `data`,
 * and GraphQL-over-HTTP (§ Status Codes, application/graphql-response+json) says such a response
 * MUST be 4xx or 5xx; these are the client's, so 4xx, never 5xx.
 *
 * - PERSISTED_QUERY_NOT_FOUND → 404: the request is well-formed, it names a document the server
 *   does not hold (RFC 9110 §15.5.5). Appendix A (persisted documents) gives no status, only "a
 *   well-formed GraphQL response consisting of a single error", and notes the URL-per-document
 *   pattern, where a miss is naturally 404; `/baselines/<Name>` is that pattern. Not 400: Apollo
 *   Client's persisted-query link reads the errors of a non-2xx answer and still retries with the
 *   full document (apollo-client #9410), while older links took 400 (and 500) to mean "this server
 *   has no APQ" and stopped hashing for good. Apollo Server's own default is 200; we override it.
 * - PERSISTED_QUERY_REQUIRED → 403: the server understood the document and will not run it for
 *   this principal; the spec: "If the client is not permitted to issue the GraphQL request then the
 *   server SHOULD reply with 403, 401 or similar".
 */
export const PERSISTED_STATUS = { PERSISTED_QUERY_NOT_FOUND: 404, PERSISTED_QUERY_REQUIRED: 403, FORBIDDEN: 403 } as const;
export type PersistedRefusal = keyof typeof PERSISTED_STATUS;

/** APQ clients (Apollo Client, Apollo Kotlin, Relay plugins) match this exact message. */
export const PERSISTED_QUERY_NOT_FOUND_MESSAGE = 'PersistedQueryNotFound';

/** Per principal and soon to be registered: no shared cache may keep it (Apollo does the same). */
const NO_STORE = (): HeaderMap => new HeaderMap([['cache-control', 'private, no-cache, must-revalidate']]);

/** A refusal Apollo turns into a response with the status above (a client fault: never masked). */
export function persistedRefusal(code: PersistedRefusal, message: string): GraphQLError {
  return new GraphQLError(message, {
    originalError: new TrailgateError(code, message),
    extensions: { code, http: { status: PERSISTED_STATUS[code], headers: NO_STORE() } },
  });
}

export const persistedQueryNotFound = (): GraphQLError => persistedRefusal('PERSISTED_QUERY_NOT_FOUND', PERSISTED_QUERY_NOT_FOUND_MESSAGE);

export const persistedQueryRequired = (): GraphQLError =>
  persistedRefusal(
    'PERSISTED_QUERY_REQUIRED',
    'This caller may run catalogue operations only: send a documentId or extensions.persistedQuery.sha256Hash from the catalogue (GET /baselines lists it).',
  );

/** A catalogue operation outside the principal's `operations` list. */
export const operationForbidden = (name: string): GraphQLError =>
  persistedRefusal('FORBIDDEN', `This caller may not run the catalogue operation "${name}".`);
