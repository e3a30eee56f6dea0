import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import type { KeptAnswer } from './kept-answer';
import type { GatewayMetrics } from './metrics';

/**
 * Replies with a kept answer: status 200, the headers it first went out with, the content type
 * negotiated for this request, and the body with this request's id. Counted and logged like every
 * GraphQL request (trailgate-plugin.ts writes the same line for those Apollo runs).
 */
export function sendKeptAnswer(
  request: FastifyRequest,
  reply: FastifyReply,
  answer: KeptAnswer,
  contentType: string,
  deps: { readonly logger: Logger; readonly metrics: GatewayMetrics },
): FastifyReply {
  const requestId = String(request.id);
  deps.metrics.countGraphQLRequest(answer.operation, 'OK');
  deps.logger.info(
    {
      requestId,
      principal: request.principal.id,
      operation: answer.operation,
      codes: [],
      durationMs: Math.round(reply.elapsedTime),
      queries: 0,
      engineMs: 0,
      bytesScanned: 0,
      cacheHits: 0,
      responseCache: 'hit',
    },
    'graphql request',
  );
  return reply.code(200).headers(answer.headers).header('content-type', contentType).send(answer.body(requestId));
}
