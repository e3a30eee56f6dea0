import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { CLIENT_ERROR_CODES, isTrailgateError } from '../domain/trailgate-error';

/** Apollo/graphql-js codes for faults in the client's document or variables. */
const CLIENT_DOCUMENT_CODES = new Set(['GRAPHQL_PARSE_FAILED', 'GRAPHQL_VALIDATION_FAILED', 'BAD_USER_INPUT', 'BAD_REQUEST', 'OPERATION_RESOLUTION_FAILURE']);
const PUBLIC_CODES = new Set<string>(CLIENT_ERROR_CODES);

interface ValidationErrorLike {
  property: string;
  constraints?: Record<string, string>;
  children?: ValidationErrorLike[];
}

function flatten(errors: readonly ValidationErrorLike[], prefix = ''): Array<{ path: string; problems: string[] }> {
  return errors.flatMap((e) => {
    const p = prefix ? `${prefix}.${e.property}` : e.property;
    const own = e.constraints ? [{ path: p, problems: Object.values(e.constraints) }] : [];
    return [...own, ...flatten(e.children ?? [], p)];
  });
}

/**
 * Request errors Apollo raises with a 4xx status and no code ("provided sha does not match
 * query", "Unsupported persisted query version" in its APQ handling): the client's fault, with a
 * fixed message of Apollo's, so they are answered, not masked. Only errors Apollo built itself
 * qualify (a GraphQLError wrapping nothing); anything wrapping a thrown error is still masked.
 */
function isApolloRequestError(error: unknown): boolean {
  if (!(error instanceof GraphQLError) || error.originalError || error.extensions.code !== undefined) return false;
  const status = (error.extensions.http as { status?: unknown } | undefined)?.status;
  return typeof status === 'number' && status >= 400 && status < 500;
}

/** Marks internal errors; the request-id plugin fills in the id (formatError has no context). */
export const INTERNAL_MESSAGE = 'Internal server error. Quote the requestId when reporting it.';

/**
 * Client faults keep their code and a clear message; everything else becomes
 * INTERNAL_SERVER_ERROR with no SQL, paths, engine text or stack (STYLE.md habit 7).
 */
export function formatError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  const original = (error as { originalError?: unknown })?.originalError ?? error;
  const base = { locations: formatted.locations, path: formatted.path };
  if (isTrailgateError(original) && original.fault === 'client') {
    return { ...base, message: original.message, extensions: { code: original.code, ...(original.details ?? {}) } };
  }
  const code = formatted.extensions?.code;
  const validationErrors = (formatted.extensions as { validationErrors?: ValidationErrorLike[] } | undefined)?.validationErrors;
  if (code === 'BAD_USER_INPUT' && Array.isArray(validationErrors)) {
    const problems = flatten(validationErrors);
    const summary = problems.map((p) => `${p.path}: ${p.problems.join('; ')}`).join(' | ');
    return { ...base, message: `Invalid input: ${summary}`, extensions: { code: 'BAD_USER_INPUT', validation: problems } };
  }
  if (isApolloRequestError(error)) {
    return { ...base, message: formatted.message, extensions: { code: 'BAD_USER_INPUT', reason: 'BAD_REQUEST' } };
  }
  if (typeof code === 'string' && CLIENT_DOCUMENT_CODES.has(code) && !isTrailgateError(original)) {
    return { ...base, message: formatted.message, extensions: { code: 'BAD_USER_INPUT', reason: code } };
  }
  if (typeof code === 'string' && PUBLIC_CODES.has(code) && !(original instanceof Error && !('extensions' in original))) {
    return { ...base, message: formatted.message, extensions: { code } };
  }
  return { ...base, message: INTERNAL_MESSAGE, extensions: { code: 'INTERNAL_SERVER_ERROR' } };
}
