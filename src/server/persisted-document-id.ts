import type { HTTPGraphQLRequest } from '@apollo/server';

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The APQ reference a GraphQL-over-HTTP document identifier stands for. Appendix A: a
 * "sha256:<hex>" identifier is the SHA-256 of the document text, the hash APQ and our manifest
 * use; a custom identifier (no colon) is taken to be that hex; any other prefix names nothing here
 * and so misses.
 */
export function persistedQueryOf(documentId: string): { version: 1; sha256Hash: string } {
  return { version: 1, sha256Hash: documentId.startsWith('sha256:') ? documentId.slice('sha256:'.length) : documentId };
}

/**
 * GraphQL-over-HTTP persisted documents (Appendix A): `documentId` in a POST body or a GET query
 * string becomes `extensions.persistedQuery`, the form Apollo and the persisted plugin resolve, as
 * the appendix suggests ("a middleware ... transforms a persisted document request into a
 * GraphQL-over-HTTP request"). Everything else is left for Apollo to judge.
 */
export function withDocumentId(req: HTTPGraphQLRequest): HTTPGraphQLRequest {
  if (req.method === 'POST') {
    if (!isRecord(req.body) || typeof req.body.documentId !== 'string') return req;
    const { documentId, ...rest } = req.body;
    const extensions = isRecord(rest.extensions) ? rest.extensions : {};
    return { ...req, body: { ...rest, extensions: { ...extensions, persistedQuery: persistedQueryOf(documentId as string) } } };
  }
  if (req.method !== 'GET') return req;
  const params = new URLSearchParams(req.search);
  const ids = params.getAll('documentId');
  if (ids.length !== 1) return req;
  let extensions: Record<string, unknown> = {};
  const raw = params.get('extensions');
  if (raw !== null) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      return req; // Apollo answers "invalid JSON" (400)
    }
    if (!isRecord(parsed)) return req;
    extensions = parsed;
  }
  params.delete('documentId');
  params.set('extensions', JSON.stringify({ ...extensions, persistedQuery: persistedQueryOf(ids[0]) }));
  return { ...req, search: `?${params.toString()}` };
}
