import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { HeaderMap, type HTTPGraphQLRequest } from '@apollo/server';
import { fastifyApolloDrainPlugin } from '@as-integrations/fastify';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { assertBindAllowed, type Config } from '../config/config';
import type { Engine } from '../engines/engine';
import type { PersistedCatalog } from '../persisted/persisted-catalog';
import { createGateway, type Gateway } from './gateway';
import { withDocumentId } from './persisted-document-id';
import { loadPersistedCatalog } from './persisted-manifest';
import { persistedPlugin } from './persisted-plugin';
import { registerPersistedRoutes } from './persisted-routes';
import { registerHttpErrorHandler } from './http-error-handler';
import { introspectionPlugin } from './introspection-plugin';
import { PrincipalRateLimiter } from './principal-rate-limiter';
import { DEV_MODE_AUTHENTICATOR, registerAuthentication, type RequestAuthenticator } from './request-authentication';

/**
 * `extensions: { "explain": true }` on a request (POST body, or the `extensions` JSON parameter
 * of a GET) asks for the compiled SQL and partitions instead of running anything.
 */
function wantsExplain(body: unknown, query: unknown): boolean {
  const fromBody = (body as { extensions?: { explain?: unknown } } | null)?.extensions?.explain;
  if (fromBody !== undefined) return fromBody === true;
  const raw = (query as { extensions?: unknown } | null)?.extensions;
  if (typeof raw !== 'string') return false;
  try {
    return JSON.parse(raw)?.explain === true;
  } catch {
    return false;
  }
}

/** The HTTP request as Apollo reads it (what @as-integrations/fastify's handler builds). */
function toGraphQLRequest(request: FastifyRequest): HTTPGraphQLRequest {
  const headers = new HeaderMap();
  for (const [key, value] of Object.entries(request.headers)) {
    if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
  }
  const search = new URL(request.url, 'http://localhost').search;
  return { method: request.method.toUpperCase(), headers, search, body: request.body };
}

/** Request bodies over this are refused (413): a GraphQL document or its variables never need more. */
const BODY_LIMIT_BYTES = 1024 * 1024;

export interface HttpServerOptions {
  /**
   * The persisted-query manifest (Apollo's format). Default: `<repo>/schema/persisted/manifest.json`,
   * served when it exists (a warning while it does not). A path given here must exist; `null`
   * serves no catalogue. A manifest that fails its checks stops the start.
   */
  readonly manifest?: string | null;
  /**
   * Who each request runs as. Default: dev mode (nothing configured: every request is the
   * anonymous full principal; the config refuses non-loopback binds then).
   */
  readonly authenticator?: RequestAuthenticator;
}

export interface HttpServer {
  readonly app: FastifyInstance;
  readonly gateway: Gateway;
  readonly catalog: PersistedCatalog;
  readonly url: string;
  close(): Promise<void>;
}

/**
 * GraphQL over HTTP at /graphql (Fastify 5 + Apollo Server 5), the persisted operations (by
 * `extensions.persistedQuery.sha256Hash`, by `documentId`, by name, and at /baselines), plus
 * /healthz. Every other route is authenticated and rate limited per principal first.
 */
export async function startHttpServer(config: Config, engine: Engine, logger: Logger, options: HttpServerOptions = {}): Promise<HttpServer> {
  const catalog = await loadPersistedCatalog(options.manifest, logger);
  const authenticator = options.authenticator ?? DEV_MODE_AUTHENTICATOR;
  assertBindAllowed(config.host, authenticator.enabled);
  const app = Fastify({
    loggerInstance: logger as unknown as FastifyBaseLogger,
    // Request lines are logged by the GraphQL layer with the request id, not per HTTP hit.
    logController: new LogController({ disableRequestLogging: true }),
    genReqId: () => randomUUID(),
    bodyLimit: BODY_LIMIT_BYTES,
    requestTimeout: 120_000,
  });
  // Drain in-flight requests before Apollo stops.
  const gateway = await createGateway(config, engine, logger, [fastifyApolloDrainPlugin(app), persistedPlugin(catalog), introspectionPlugin()]);
  registerHttpErrorHandler(app, { engine: engine.name, logger, bodyLimitBytes: BODY_LIMIT_BYTES });
  registerAuthentication(app, { authenticator, rateLimiter: new PrincipalRateLimiter(), engine: engine.name, logger });

  /** Runs one GraphQL-over-HTTP request through Apollo with this request's context, and replies. */
  const answer = async (request: FastifyRequest, reply: FastifyReply, httpGraphQLRequest: HTTPGraphQLRequest) => {
    const response = await gateway.apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest,
      context: async () => {
        // Stop engine work when the client goes away before the answer.
        const abort = new AbortController();
        reply.raw.once('close', () => {
          if (!reply.raw.writableFinished) abort.abort();
        });
        return gateway.context({
          requestId: String(request.id),
          signal: abort.signal,
          explain: wantsExplain(request.body, request.query),
          principal: request.principal,
        });
      },
    });
    for (const [key, value] of response.headers) void reply.header(key, value);
    void reply.code(response.status ?? 200);
    if (response.body.kind === 'complete') return response.body.string;
    return reply.send(Readable.from(response.body.asyncIterator));
  };

  app.route({
    url: '/graphql',
    method: ['GET', 'POST', 'OPTIONS'],
    handler: (request, reply) => answer(request, reply, withDocumentId(toGraphQLRequest(request))),
  });
  registerPersistedRoutes(app, {
    catalog,
    engineName: engine.name,
    // A catalogue run is a JSON POST whatever the route's method: Apollo's CSRF check (meant for
    // browser-sent simple requests) would refuse a plain GET, and the catalogue holds queries only.
    run: (request, reply, body) => {
      const http = toGraphQLRequest(request);
      http.headers.set('content-type', 'application/json');
      return answer(request, reply, { ...http, method: 'POST', search: '', body });
    },
  });
  app.get('/healthz', async () => ({ status: 'ok' }));
  const address = await app.listen({ host: config.host, port: config.port });
  return {
    app,
    gateway,
    catalog,
    url: `${address}/graphql`,
    async close() {
      await app.close();
      await gateway.close();
    },
  };
}
