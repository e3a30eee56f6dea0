import { randomUUID } from 'node:crypto';
import { HeaderMap, type HTTPGraphQLRequest } from '@apollo/server';
import { fastifyApolloDrainPlugin } from '@as-integrations/fastify';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { assertBindAllowed, type Config } from '../config/config';
import type { Engine } from '../engines/engine';
import type { PersistedCatalog } from '../persisted/persisted-catalog';
import { catalogueRunOf } from './catalogue-run';
import { createGateway, type Gateway } from './gateway';
import { graphqlAnswer } from './graphql-answer';
import { withDocumentId } from './persisted-document-id';
import { loadPersistedCatalog } from './persisted-manifest';
import { persistedPlugin } from './persisted-plugin';
import { registerPersistedRoutes } from './persisted-routes';
import { registerExportRoute } from './export-route';
import { ExportService } from '../services/export.service';
import { registerHttpErrorHandler } from './http-error-handler';
import { introspectionPlugin } from './introspection-plugin';
import { GatewayMetrics, metricsAccessFromEnv, type MetricsAccess } from './metrics';
import { openOpsRoutes, registerOpsRoutes } from './ops-routes';
import { PrincipalRateLimiter } from './principal-rate-limiter';
import { DEV_MODE_AUTHENTICATOR, registerAuthentication, type RequestAuthenticator } from './request-authentication';
import { ResponseCache } from './response-cache';
import { registerUiRoutes } from './ui/ui-routes';

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
  /** who may read GET /metrics; default TRAILGATE_METRICS, else open (see metrics.ts) */
  readonly metrics?: MetricsAccess;
  /**
   * On close, how long requests in flight may run on before they are cancelled (engines stop
   * their queries; the clients get QUERY_TIMEOUT). Default 20 s: inside the 30 s a SIGTERM gives
   * by default on Kubernetes (terminationGracePeriodSeconds) and under ECS's default stopTimeout.
   */
  readonly shutdownGraceMs?: number;
  /** epoch milliseconds for the response cache's TTLs (tests inject a clock); default Date.now */
  readonly now?: () => number;
}

const DEFAULT_SHUTDOWN_GRACE_MS = 20_000;
/** After cancelling, how long answers may take to leave before connections are cut. */
const CANCEL_GRACE_MS = 5_000;

/** Whether `p` settles within `ms` (it keeps running either way). */
function settlesWithin(p: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    p.then(
      () => true,
      () => true,
    ),
    new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

export interface HttpServer {
  readonly app: FastifyInstance;
  readonly gateway: Gateway;
  readonly catalog: PersistedCatalog;
  readonly url: string;
  readonly metrics: GatewayMetrics;
  /** Stops accepting, lets requests in flight finish (cancelled after the grace period), then stops Apollo and the engine. */
  close(): Promise<void>;
}

/**
 * GraphQL over HTTP at /graphql (Fastify 5 + Apollo Server 5), the persisted operations (by
 * `extensions.persistedQuery.sha256Hash`, by `documentId`, by name, and at /baselines), plus
 * /healthz, /readyz and /metrics (ops-routes.ts). Every other route is authenticated and rate
 * limited per principal first; then a repeated catalogue operation is answered from the response
 * cache, before Apollo (graphql-answer.ts).
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
  const metricsAccess = options.metrics ?? metricsAccessFromEnv(process.env);
  const metrics = new GatewayMetrics(engine);
  // Drain in-flight requests before Apollo stops.
  const gateway = await createGateway(config, engine, logger, [fastifyApolloDrainPlugin(app), persistedPlugin(catalog), introspectionPlugin(), metrics.plugin()]);
  registerHttpErrorHandler(app, { engine: engine.name, logger, bodyLimitBytes: BODY_LIMIT_BYTES });
  registerAuthentication(app, { authenticator, rateLimiter: new PrincipalRateLimiter(), engine: engine.name, logger, openRoutes: openOpsRoutes(metricsAccess) });
  registerOpsRoutes(app, { engine, catalog, metrics, metricsAccess });
  registerUiRoutes(app, { catalog });
  /** the cancellation of every GraphQL request in flight, for a shutdown past its grace period */
  const inFlight = new Set<AbortController>();
  let closing = false;
  // While closing, answers end their connection: a keep-alive connection left idle after its
  // answer would hold the close open (Fastify closes only the connections idle when it starts).
  app.addHook('onSend', async (_request, reply) => {
    if (closing) void reply.header('connection', 'close');
  });

  const responseCache = config.cache.enabled ? new ResponseCache({ ...config.cache, maxBytes: config.responseCache.maxBytes, now: options.now }) : null;
  const answer = graphqlAnswer({ gateway, engineName: engine.name, logger, metrics, responseCache, inFlight });

  app.route({
    url: '/graphql',
    method: ['GET', 'POST', 'OPTIONS'],
    handler: (request, reply) => {
      const http = withDocumentId(toGraphQLRequest(request));
      return answer(request, reply, () => http, responseCache ? catalogueRunOf(catalog, http) : undefined);
    },
  });
  registerPersistedRoutes(app, {
    catalog,
    engineName: engine.name,
    // A catalogue run is a JSON POST whatever the route's method: Apollo's CSRF check (meant for
    // browser-sent simple requests) would refuse a plain GET, and the catalogue holds queries only.
    run: (request, reply, body, op) => {
      const toApollo = (): HTTPGraphQLRequest => {
        const http = toGraphQLRequest(request);
        http.headers.set('content-type', 'application/json');
        return { ...http, method: 'POST', search: '', body };
      };
      return answer(request, reply, toApollo, { op, variables: body.variables });
    },
  });
  registerExportRoute(app, { service: new ExportService(engine, gateway.limits, logger), engineName: engine.name, logger });
  const address = await app.listen({ host: config.host, port: config.port });
  const graceMs = options.shutdownGraceMs ?? DEFAULT_SHUTDOWN_GRACE_MS;
  return {
    app,
    gateway,
    catalog,
    metrics,
    url: `${address}/graphql`,
    async close() {
      // Fastify stops listening, closes idle keep-alive connections, answers 503 to requests that
      // still arrive, and resolves once every request in flight has been answered.
      closing = true;
      const closed = app.close();
      if (!(await settlesWithin(closed, graceMs))) {
        logger.warn({ inFlight: inFlight.size, graceMs }, 'shutdown: grace period over, cancelling the requests still running');
        for (const abort of inFlight) abort.abort();
        if (!(await settlesWithin(closed, CANCEL_GRACE_MS))) app.server.closeAllConnections();
      }
      await closed;
      // Apollo's drain (fastifyApolloDrainPlugin) finds Fastify closed; then the engine closes.
      await gateway.close();
    },
  };
}
