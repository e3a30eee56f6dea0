import { Readable } from 'node:stream';
import type { HTTPGraphQLRequest } from '@apollo/server';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import type { Principal } from '../domain/principal';
import type { GraphQLContext } from '../graphql/context';
import type { CatalogueRun } from './catalogue-run';
import type { Gateway } from './gateway';
import { sendRefusal } from './http-refusal';
import { KeptAnswer } from './kept-answer';
import { sendKeptAnswer } from './kept-answer-reply';
import type { GatewayMetrics } from './metrics';
import type { ResponseCache } from './response-cache';
import { ResponseCacheKeys } from './response-cache-key';
import { singleResultContentType } from './response-content-type';

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

/** Explain is for full principals that may also introspect the schema. */
const mayExplain = (principal: Principal): boolean => principal.mode === 'full' && principal.introspection;

/**
 * Answers one GraphQL-over-HTTP request. `httpGraphQLRequest` is what Apollo reads (built only
 * when Apollo runs); `run`, the catalogue operation it certainly runs, if any.
 */
export type GraphQLAnswer = (request: FastifyRequest, reply: FastifyReply, httpGraphQLRequest: () => HTTPGraphQLRequest, run?: CatalogueRun) => Promise<unknown>;

export interface GraphQLAnswerDeps {
  readonly gateway: Gateway;
  readonly engineName: string;
  readonly logger: Logger;
  readonly metrics: GatewayMetrics;
  /** null while the cache is off */
  readonly responseCache: ResponseCache | null;
  /** the cancellation of every request Apollo is running, for a shutdown past its grace period */
  readonly inFlight: Set<AbortController>;
}

/**
 * A catalogue operation is answered from the response cache when it holds the answer (by then the
 * hooks have authenticated the request and counted it against the principal's rate limit, and the
 * key exists only for an operation the principal may run); anything else goes through Apollo with
 * this request's context, and a catalogue answer that qualifies is kept.
 */
export function graphqlAnswer({ gateway, engineName, logger, metrics, responseCache, inFlight }: GraphQLAnswerDeps): GraphQLAnswer {
  const cacheKeys = new ResponseCacheKeys(gateway.schema);

  /** Where a kept answer of this request would be (not explained, valid variables, a JSON type the client accepts), if anywhere. */
  const cacheSlot = (request: FastifyRequest, run: CatalogueRun | undefined, explain: boolean) => {
    if (!responseCache || !run || explain) return undefined;
    const contentType = singleResultContentType(request.headers.accept);
    const key = contentType === null ? undefined : cacheKeys.keyOf(request.principal, run.op, run.variables);
    return key === undefined || contentType === null ? undefined : { cache: responseCache, key, contentType, op: run.op };
  };

  return async (request, reply, httpGraphQLRequest, run) => {
    const explain = wantsExplain(request.body, request.query);
    // Explain shows SQL and the files or partitions read: for operators and data teams, not partners.
    if (explain && !mayExplain(request.principal)) {
      return sendRefusal(request, reply, { status: 403, code: 'FORBIDDEN', message: 'Explain is not enabled for this caller.', engine: engineName });
    }
    const slot = cacheSlot(request, run, explain);
    if (slot) {
      const kept = slot.cache.get(slot.key) ?? (await slot.cache.inFlight(slot.key));
      if (kept) return sendKeptAnswer(request, reply, kept, slot.contentType, { logger, metrics });
    }
    const computed = slot?.cache.compute(slot.key);
    let kept: KeptAnswer | undefined;
    let context: GraphQLContext | undefined;
    try {
      const response = await gateway.apollo.executeHTTPGraphQLRequest({
        httpGraphQLRequest: httpGraphQLRequest(),
        context: async () => {
          // Stop engine work when the client goes away before the answer.
          const abort = new AbortController();
          inFlight.add(abort);
          reply.raw.once('close', () => {
            inFlight.delete(abort);
            if (!reply.raw.writableFinished) abort.abort();
          });
          context = gateway.context({ requestId: String(request.id), signal: abort.signal, explain, principal: request.principal });
          return context;
        },
      });
      // Every answer is the caller's own (its scope, its budgets): no HTTP cache may keep one.
      const headers: Record<string, string> = { 'cache-control': 'no-store' };
      for (const [key, value] of response.headers) headers[key] = value;
      const status = response.status ?? 200;
      void reply.code(status).headers(headers);
      if (response.body.kind !== 'complete') return reply.send(Readable.from(response.body.asyncIterator));
      // Kept only when Apollo's persisted plugin ran the same catalogue operation, and it succeeded.
      if (slot && status === 200 && context?.catalogue.operation === slot.op.name) {
        const { 'content-type': _negotiated, ...keptHeaders } = headers;
        kept = KeptAnswer.of(slot.op.name, engineName, response.body.string, keptHeaders);
      }
      return response.body.string;
    } finally {
      computed?.(kept, context?.runner.readOpenRange ?? true);
    }
  };
}
