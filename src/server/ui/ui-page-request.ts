/** The pages the gateway serves to browsers. */
export type UiPage = 'graphiql' | 'baselines';

/** Static bundles: open to anyone (they carry no data) and cached for a year (names are content hashes). */
export const UI_ASSET_PREFIX = '/ui/assets/';

/** Quality of the best range in an Accept header that matches `type/subtype` (RFC 9110 §12.5.1). */
function quality(accept: string, type: string): number {
  const [major] = type.split('/');
  let best = { specificity: -1, q: 0 };
  for (const part of accept.split(',')) {
    const [range, ...params] = part.trim().toLowerCase().split(';');
    const specificity = range === type ? 2 : range === `${major}/*` ? 1 : range === '*/*' ? 0 : -1;
    if (specificity <= best.specificity) continue;
    const qParam = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const q = qParam ? Number(qParam.slice(2)) : 1;
    best = { specificity, q: Number.isFinite(q) ? q : 0 };
  }
  return best.q;
}

/**
 * A browser navigating to an API URL: it ranks HTML above JSON. API clients (curl and fetch send
 * the any-type range; others ask for application/json) tie or prefer JSON, and keep getting JSON.
 */
export function prefersHtml(accept: string | undefined): boolean {
  if (!accept) return false;
  return quality(accept, 'text/html') > quality(accept, 'application/json');
}

/**
 * The page a request asks for, if any: `GET /graphiql`, and `GET /graphql` or `GET /baselines`
 * without a query string from a browser (with one, /graphql is a GraphQL-over-HTTP GET).
 */
export function uiPageOf(request: { method: string; url: string; headers: { accept?: string } }): UiPage | null {
  if (request.method !== 'GET') return null;
  const [route, search] = request.url.split('?', 2);
  if (route === '/graphiql') return 'graphiql';
  if (search !== undefined || !prefersHtml(request.headers.accept)) return null;
  if (route === '/graphql') return 'graphiql';
  if (route === '/baselines') return 'baselines';
  return null;
}

/** Requests the authentication hook lets through: the pages and their static bundles. */
export function isOpenUiRequest(request: { method: string; url: string; headers: { accept?: string } }): boolean {
  if (uiPageOf(request) !== null) return true;
  return (request.method === 'GET' || request.method === 'HEAD') && request.url.startsWith(UI_ASSET_PREFIX);
}
