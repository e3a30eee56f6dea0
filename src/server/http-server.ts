import { randomUUID } from 'node:crypto';
import { fastifyApolloDrainPlugin, fastifyApolloHandler } from '@as-integrations/fastify';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { Config } from '../config/config';
import type { Engine } from '../engines/engine';
import type { GraphQLContext } from '../graphql/context';
import { createGateway, type Gateway } from './gateway';

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

export interface HttpServer {
  readonly app: FastifyInstance;
  readonly gateway: Gateway;
  readonly url: string;
  close(): Promise<void>;
}

/** GraphQL over HTTP at /graphql (Fastify 5 + Apollo Server 5), plus /healthz. */
export async function startHttpServer(config: Config, engine: Engine, logger: Logger): Promise<HttpServer> {
  const app = Fastify({
    loggerInstance: logger as unknown as FastifyBaseLogger,
    // Request lines are logged by the GraphQL layer with the request id, not per HTTP hit.
    logController: new LogController({ disableRequestLogging: true }),
    genReqId: () => randomUUID(),
    bodyLimit: 1024 * 1024,
    requestTimeout: 120_000,
  });
  // Drain in-flight requests before Apollo stops.
  const gateway = await createGateway(config, engine, logger, [fastifyApolloDrainPlugin(app)]);
  const handler = fastifyApolloHandler<GraphQLContext>(gateway.apollo, {
    context: async (request, reply) => {
      // Stop engine work when the client goes away before the answer.
      const abort = new AbortController();
      reply.raw.once('close', () => {
        if (!reply.raw.writableFinished) abort.abort();
      });
      return gateway.context({ requestId: String(request.id), signal: abort.signal, explain: wantsExplain(request.body, request.query) });
    },
  });
  app.route({ url: '/graphql', method: ['GET', 'POST', 'OPTIONS'], handler });
  app.get('/healthz', async () => ({ status: 'ok' }));
  const address = await app.listen({ host: config.host, port: config.port });
  return {
    app,
    gateway,
    url: `${address}/graphql`,
    async close() {
      await app.close();
      await gateway.close();
    },
  };
}
