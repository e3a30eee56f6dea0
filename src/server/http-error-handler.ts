import type { FastifyError, FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { sendRefusal } from './http-refusal';

/**
 * Errors Fastify raises before a route runs (a body over the limit, malformed JSON, an unsupported
 * content type) answer like every other refusal: GraphQL-shaped, `BAD_USER_INPUT`, the status
 * Fastify chose, and a message of our own (Fastify's can quote parser internals). Anything else is
 * masked with the request id and logged.
 */
export function registerHttpErrorHandler(app: FastifyInstance, deps: { engine: string; logger: Logger; bodyLimitBytes: number }): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const status = error.statusCode ?? 500;
    if (status >= 400 && status < 500) {
      return sendRefusal(request, reply, { status, code: status === 429 ? 'RATE_LIMITED' : 'BAD_USER_INPUT', message: clientMessage(error, deps.bodyLimitBytes), engine: deps.engine });
    }
    deps.logger.error({ requestId: request.id, err: error }, 'request failed');
    return reply
      .code(500)
      .header('content-type', 'application/json; charset=utf-8')
      .send({ errors: [{ message: 'Internal server error. Quote the requestId when reporting it.', extensions: { code: 'INTERNAL_SERVER_ERROR', requestId: String(request.id) } }] });
  });
}

function clientMessage(error: FastifyError, bodyLimitBytes: number): string {
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return `The request body is larger than ${Math.round(bodyLimitBytes / 1024)} KiB.`;
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return 'Unsupported content type: send application/json.';
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return 'The request body is empty.';
    default:
      return 'The request could not be read: send a JSON body (GraphQL over HTTP).';
  }
}
