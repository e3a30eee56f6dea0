import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ClientErrorCode } from '../domain/trailgate-error';

/**
 * A GraphQL-shaped refusal answered before Apollo (authentication, rate limits, catalogue
 * lookups): one error with its code, no data, and the (empty) cost facts every answer carries.
 */
export function sendRefusal(
  request: FastifyRequest,
  reply: FastifyReply,
  refusal: { status: number; code: ClientErrorCode; message: string; engine: string; headers?: Record<string, string> },
): FastifyReply {
  for (const [k, v] of Object.entries(refusal.headers ?? {})) void reply.header(k, v);
  return reply
    .code(refusal.status)
    .header('content-type', 'application/json; charset=utf-8')
    .send({
      errors: [{ message: refusal.message, extensions: { code: refusal.code } }],
      extensions: { trailgate: { requestId: String(request.id), engine: refusal.engine, queries: [] } },
    });
}
