import Negotiator from 'negotiator';

/**
 * Apollo Server 5's choices, made with the same library on the same lists (its ApolloServer.ts:
 * MEDIA_TYPES, chooseContentTypeForSingleResultResponse, prefersHTML), so an answer given without
 * Apollo goes out as Apollo would have sent it.
 */
const SINGLE_RESULT_TYPES = ['application/json; charset=utf-8', 'application/graphql-response+json; charset=utf-8', 'application/json; callbackSpec=1.0; charset=utf-8'];
const LANDING_PAGE_CHOICES = [...SINGLE_RESULT_TYPES.slice(0, 2), 'multipart/mixed; deferSpec=20220824', 'multipart/mixed; incrementalSpec=v0.2', 'multipart/mixed', 'text/html'];

/** Accept headers repeat (one per client library): each is negotiated once, up to this many kept. */
const MEMO_LIMIT = 256;
const singleResult = new Map<string, string | null>();
const landingPage = new Map<string, boolean>();

function memo<T>(map: Map<string, T>, accept: string, decide: () => T): T {
  const known = map.get(accept);
  if (known !== undefined) return known;
  if (map.size >= MEMO_LIMIT) map.clear();
  const decided = decide();
  map.set(accept, decided);
  return decided;
}

/** The content type of a single JSON result for this Accept header; null where Apollo answers 406. */
export function singleResultContentType(accept: string | undefined): string | null {
  if (!accept) return SINGLE_RESULT_TYPES[0];
  return memo(singleResult, accept, () => new Negotiator({ headers: { accept } }).mediaType(SINGLE_RESULT_TYPES) ?? null);
}

/** Whether Apollo would answer a GET with its landing page (HTML) rather than run the operation. */
export function prefersLandingPage(accept: string | undefined): boolean {
  if (!accept) return false;
  return memo(landingPage, accept, () => new Negotiator({ headers: { accept } }).mediaType(LANDING_PAGE_CHOICES) === 'text/html');
}
