import { randomUUID } from 'node:crypto';
import { fastifyApolloDrainPlugin, fastifyApolloHandler } from '@as-integrations/fastify';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { Config } from '../config/config';
import type { Engine } from '../engines/engine';
import type { GraphQLContext } from '../graphql/context';
import { createGateway, type Gateway } from './gateway';

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
      return gateway.context(String(request.id), abort.signal);
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
