import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { Authenticator } from '../auth/authenticator';
import { ANONYMOUS_PRINCIPAL, type Principal } from '../domain/principal';
import { sendRefusal } from './http-refusal';
import type { PrincipalRateLimiter } from './principal-rate-limiter';
import { isOpenUiRequest } from './ui/ui-page-request';

/** What the HTTP layer needs from authentication (src/auth's Authenticator; tests may fake it). */
export type RequestAuthenticator = Pick<Authenticator, 'enabled' | 'authenticate'>;

declare module 'fastify' {
  interface FastifyRequest {
    /** who the request runs as (set by the authentication hook) */
    principal: Principal;
  }
}

/** Routes anyone may call: liveness and readiness carry no data. */
const OPEN_ROUTES = new Set(['/healthz', '/readyz']);

/**
 * Every request but the open routes is authenticated, then counted against its principal's rate
 * limit, before any route runs: 401 (UNAUTHENTICATED, `WWW-Authenticate: Bearer`) or 429
 * (RATE_LIMITED, `Retry-After`) with a GraphQL-shaped body, and nothing else happens.
 * https://www.rfc-editor.org/rfc/rfc6750#section-3 (Bearer challenges), RFC 9110 §10.2.3 (Retry-After)
 */
export function registerAuthentication(
  app: FastifyInstance,
  deps: {
    authenticator: RequestAuthenticator;
    rateLimiter: PrincipalRateLimiter;
    engine: string;
    logger: Logger;
    /** more routes served to anyone (GET /metrics when TRAILGATE_METRICS=open) */
    openRoutes?: Iterable<string>;
  },
): void {
  const open = new Set([...OPEN_ROUTES, ...(deps.openRoutes ?? [])]);
  // Set by the hook on every route but the open ones (which read no data). Fastify wants a
  // primitive initial value for request decorators.
  app.decorateRequest('principal', null as unknown as Principal);
  app.addHook('onRequest', async (request, reply) => {
    const route = request.url.split('?')[0];
    // The browser UI's pages and bundles carry no data; what they fetch is authenticated here.
    if (open.has(route) || isOpenUiRequest(request)) return;
    const outcome = await deps.authenticator.authenticate(request.headers);
    if (!outcome.ok) {
      deps.logger.warn({ requestId: request.id, reason: outcome.reason }, 'request not authenticated');
      return sendRefusal(request, reply, {
        status: 401,
        code: 'UNAUTHENTICATED',
        message: 'Missing, invalid or expired credentials: send an API key or a bearer token.',
        engine: deps.engine,
        headers: { 'www-authenticate': 'Bearer realm="trailgate"' },
      });
    }
    request.principal = outcome.principal;
    const decision = await deps.rateLimiter.consume(outcome.principal);
    if (!decision.allowed) {
      deps.logger.info({ requestId: request.id, principal: outcome.principal.id }, 'request rate limited');
      return sendRefusal(request, reply, {
        status: 429,
        code: 'RATE_LIMITED',
        message: `Too many requests: retry in ${decision.retryAfterSeconds} s.`,
        engine: deps.engine,
        headers: { 'retry-after': String(decision.retryAfterSeconds) },
      });
    }
  });
}

/** Dev mode: nothing configured, every request runs as the anonymous full principal. */
export const DEV_MODE_AUTHENTICATOR: RequestAuthenticator = Object.freeze({
  enabled: false,
  authenticate: async () => ({ ok: true as const, principal: ANONYMOUS_PRINCIPAL, credential: 'anonymous' }),
});
