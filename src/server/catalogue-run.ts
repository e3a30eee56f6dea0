import type { HTTPGraphQLRequest } from '@apollo/server';
import type { CatalogOperation, PersistedCatalog } from '../persisted/persisted-catalog';
import { prefersLandingPage } from './response-content-type';

/** A catalogue operation and the variables a request gives it (as sent: coercion comes later). */
export interface CatalogueRun {
  readonly op: CatalogOperation;
  readonly variables: Record<string, unknown>;
}

interface RequestFields {
  readonly query?: string;
  readonly operationName?: string;
  readonly variables?: Record<string, unknown>;
  readonly extensions?: Record<string, unknown>;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Buffer.isBuffer(v) && !Array.isArray(v);

/** What Apollo 5's runHttpQuery reads from a POST body; undefined wherever it would refuse the body. */
function postFields(body: unknown): RequestFields | undefined {
  if (!isRecord(body) || Object.keys(body).length === 0) return undefined;
  const { query, operationName, variables, extensions } = body;
  if (query && typeof query !== 'string') return undefined;
  if (operationName !== undefined && operationName !== null && typeof operationName !== 'string') return undefined;
  for (const v of [variables, extensions]) if (v !== undefined && v !== null && !isRecord(v)) return undefined;
  return {
    query: typeof query === 'string' ? query : undefined,
    operationName: typeof operationName === 'string' ? operationName : undefined,
    variables: isRecord(variables) ? variables : undefined,
    extensions: isRecord(extensions) ? extensions : undefined,
  };
}

/** The one content type a GET may name (Apollo answers 415 to others; a type it cannot parse included). */
const JSON_CONTENT_TYPE = /^application\/json(\s*;\s*charset=utf-8)?$/i;
/** Apollo's CSRF prevention: a GET without a content type needs one of these (preventCsrf.ts). */
const PREFLIGHT_HEADERS = ['x-apollo-operation-name', 'apollo-require-preflight'];

/** What Apollo 5 reads from a GET's query string; undefined wherever it would refuse the request or answer HTML. */
function getFields(http: HTTPGraphQLRequest): RequestFields | undefined {
  const contentType = http.headers.get('content-type');
  if (contentType !== undefined ? !JSON_CONTENT_TYPE.test(contentType) : !PREFLIGHT_HEADERS.some((h) => (http.headers.get(h) ?? '') !== '')) return undefined;
  if (prefersLandingPage(http.headers.get('accept'))) return undefined;
  const params = new URLSearchParams(http.search);
  const fields: Record<string, unknown> = {};
  for (const name of ['query', 'operationName', 'variables', 'extensions']) {
    const values = params.getAll(name);
    if (values.length > 1) return undefined;
    if (values.length === 0) continue;
    if (name === 'query' || name === 'operationName') {
      fields[name] = values[0];
      continue;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(values[0]);
    } catch {
      return undefined;
    }
    if (!isRecord(parsed)) return undefined;
    fields[name] = parsed;
  }
  return fields as RequestFields;
}

/**
 * The catalogue operation a request runs, by the persisted plugin's rules (resolvePersistedRequest
 * in persisted-plugin.ts) where they run one: a hash alone (APQ's or a `documentId`), a name alone,
 * or the text of a catalogue body (with no hash or its own).
 */
function operationOf(catalog: PersistedCatalog, fields: RequestFields): CatalogOperation | undefined {
  const apq = fields.extensions?.persistedQuery;
  if (apq !== undefined && !isRecord(apq)) return undefined;
  const hash = typeof apq?.sha256Hash === 'string' ? apq.sha256Hash : undefined;
  if (fields.query === undefined) {
    if (!apq) return fields.operationName === undefined ? undefined : catalog.byName(fields.operationName);
    return apq.version === 1 && hash !== undefined ? catalog.byId(hash) : undefined;
  }
  const op = catalog.byBody(fields.query);
  return op && (hash === undefined || hash === op.id) ? op : undefined;
}

/**
 * The catalogue operation a GraphQL-over-HTTP request (as Apollo receives it, `documentId`
 * already turned into a hash) certainly runs, with its variables; undefined for anything else
 * (free-form documents, APQ registrations, requests Apollo would refuse), which Apollo judges.
 * Whether the caller may run it is not decided here.
 */
export function catalogueRunOf(catalog: PersistedCatalog, http: HTTPGraphQLRequest): CatalogueRun | undefined {
  const fields = http.method === 'POST' ? postFields(http.body) : http.method === 'GET' ? getFields(http) : undefined;
  if (!fields) return undefined;
  const op = operationOf(catalog, fields);
  // Another operation name than the document's: Apollo answers that it has no such operation.
  if (!op || (fields.operationName !== undefined && fields.operationName !== op.name)) return undefined;
  return { op, variables: fields.variables ?? {} };
}
