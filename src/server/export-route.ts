import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { isTrailgateError, type ClientErrorCode } from '../domain/trailgate-error';
import type { QueryParams } from '../persisted/baseline-params';
import type { ExportService } from '../services/export.service';
import type { TimeRangeSpec } from '../query/event-filter';
import { INTERNAL_MESSAGE } from './error-formatter';
import { EXPORT_CONTENT_TYPES, encodeExport, ndjsonErrorLine } from './export-format';
import { exportParams } from './export-params';
import { sendRefusal } from './http-refusal';

export interface ExportRouteOptions {
  readonly service: ExportService;
  /** for the cost facts of refusals */
  readonly engineName: string;
  readonly logger: Logger;
}

/** HTTP statuses of refusals answered before the first row. */
const STATUS = {
  BAD_USER_INPUT: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  PERSISTED_QUERY_NOT_FOUND: 404,
  PERSISTED_QUERY_REQUIRED: 403,
  QUERY_TOO_COMPLEX: 400,
  SCAN_LIMIT_EXCEEDED: 400,
  QUERY_TIMEOUT: 504,
  RATE_LIMITED: 429,
  ENGINE_UNAVAILABLE: 503,
} as const satisfies Record<ClientErrorCode, number>;

/** What the client may see of a failure: a client fault as it is, anything else masked (and logged with the request id). */
function publicError(e: unknown, request: FastifyRequest, logger: Logger): { code: ClientErrorCode | 'INTERNAL_SERVER_ERROR'; message: string; requestId?: string } {
  if (isTrailgateError(e) && e.fault === 'client') return { code: e.code as ClientErrorCode, message: e.message };
  logger.error({ requestId: request.id, principal: request.principal?.id, err: e, internal: isTrailgateError(e) ? e.internal : undefined }, 'export failed');
  return { code: 'INTERNAL_SERVER_ERROR', message: INTERNAL_MESSAGE, requestId: String(request.id) };
}

/** A masked failure before the first row, shaped like every other answer (error-formatter.ts). */
function sendInternal(request: FastifyRequest, reply: FastifyReply, engine: string, message: string): FastifyReply {
  const requestId = String(request.id);
  return reply
    .code(500)
    .header('content-type', 'application/json; charset=utf-8')
    .send({ errors: [{ message, extensions: { code: 'INTERNAL_SERVER_ERROR', requestId } }], extensions: { trailgate: { requestId, engine, queries: [] } } });
}

const stamp = (d: Date) => d.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
const fileName = (range: TimeRangeSpec, ext: string) => `trailgate-events-${stamp(range.from)}-${stamp(range.to)}.${ext}`;

/**
 * `GET /export?format=csv|ndjson&from=…&to=…&<EventFilter fields>&columns=…`: every matching
 * event, streamed (export.service.ts has the rules, export-params.ts the parameters).
 *
 * - Refusals before the first row (input, scope, mode, range, scan budget, deadline, the engine)
 *   answer with a status and the GraphQL-shaped JSON body of every other refusal: the first
 *   batch is pulled before the status line is sent.
 * - Backpressure: the body is a Readable that pulls one batch when the socket has drained the
 *   previous one (highWaterMark 1 byte: nothing is read ahead), and the engines compute a batch
 *   only when pulled; a slow client slows the engine instead of filling memory.
 * - A client that goes away aborts the engine's work (DuckDB interrupts the statement, Athena
 *   stops the query or the S3 read), and the export's connection or slot is released.
 * - A failure after the first row cannot change the status. NDJSON ends with one line
 *   `{"error":{"code","message"}}`; a CSV cannot carry that, so its transfer is cut (the
 *   connection is destroyed before the final chunk): every HTTP client reports the truncated
 *   transfer, and a CSV without its end is never mistaken for a complete one.
 */
export function registerExportRoute(app: FastifyInstance, { service, engineName, logger }: ExportRouteOptions): void {
  app.get<{ Querystring: QueryParams }>('/export', { exposeHeadRoute: false }, async (request, reply) => {
    const refuse = (e: unknown) => {
      const failure = publicError(e, request, logger);
      if (failure.code === 'INTERNAL_SERVER_ERROR') return sendInternal(request, reply, engineName, failure.message);
      const status = STATUS[failure.code];
      return sendRefusal(request, reply, { status, code: failure.code, message: failure.message, engine: engineName, ...(status === 503 ? { headers: { 'retry-after': '5' } } : {}) });
    };

    const params = await exportParams(request.query ?? {});
    if ('problem' in params) return sendRefusal(request, reply, { status: 400, code: 'BAD_USER_INPUT', message: params.problem, engine: engineName });
    const { format, request: req } = params;

    // The client going away (before or during the body) stops the engine, and ends the rows even
    // when the body was never read (their end releases the engine's connection or slot).
    const abort = new AbortController();
    let rows: AsyncIterator<unknown[][]> | undefined;
    reply.raw.once('close', () => {
      if (reply.raw.writableFinished) return;
      abort.abort();
      rows?.return?.().catch(() => undefined);
    });
    let first: IteratorResult<unknown[][]>;
    try {
      rows = service.open(request.principal, req, { requestId: String(request.id), signal: abort.signal })[Symbol.asyncIterator]();
      first = await rows.next();
    } catch (e) {
      return refuse(e);
    }
    const source = rows;

    async function* batches(): AsyncGenerator<unknown[][]> {
      try {
        for (let r = first; !r.done; r = await source.next()) yield r.value;
      } finally {
        await source.return?.(undefined);
      }
    }
    async function* body(): AsyncGenerator<string> {
      try {
        yield* encodeExport(format, req.columns, batches());
      } catch (e) {
        const failure = publicError(e, request, logger);
        if (format === 'ndjson') {
          yield ndjsonErrorLine(failure);
          return;
        }
        throw Object.assign(new Error(`export cut: ${failure.code}`), { code: failure.code });
      }
    }

    return reply
      .code(200)
      .header('content-type', EXPORT_CONTENT_TYPES[format])
      .header('content-disposition', `attachment; filename="${fileName(req.filter.range, format === 'csv' ? 'csv' : 'ndjson')}"`)
      .header('cache-control', 'no-store')
      // a CSV cut by a failure carries no error text: this is the id the log line has
      .header('x-request-id', String(request.id))
      .header('x-content-type-options', 'nosniff')
      .send(Readable.from(body(), { objectMode: false, highWaterMark: 1 }));
  });
}
