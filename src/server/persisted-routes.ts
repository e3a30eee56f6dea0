import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ClientErrorCode } from '../domain/trailgate-error';
import { variablesFromParams, type QueryParams } from '../persisted/baseline-params';
import type { CatalogOperation, PersistedCatalog } from '../persisted/persisted-catalog';
import { mayRunOperation } from '../domain/principal';
import { sendRefusal } from './http-refusal';
import { PERSISTED_STATUS } from './persisted-errors';

/** A GraphQL request as a JSON POST body. */
export interface GraphQLBody {
  readonly query: string;
  readonly operationName: string;
  readonly variables: Record<string, unknown>;
}

export interface PersistedRoutesOptions {
  readonly catalog: PersistedCatalog;
  /** for the cost facts of answers given without Apollo */
  readonly engineName: string;
  /** runs a GraphQL request (of catalogue operation `op`) with this HTTP request's context, and replies */
  readonly run: (request: FastifyRequest, reply: FastifyReply, body: GraphQLBody, op: CatalogOperation) => Promise<unknown>;
}

/**
 * `GET /baselines`: the catalogue, and `GET /baselines/<Name>?from=…&to=…&accounts=…`: one
 * operation run with variables typed from the query string. The run goes through Apollo like any
 * request (validation, the principal's mode and operations, error masking, `extensions.trailgate`),
 * unless the response cache holds its answer.
 */
export function registerPersistedRoutes(app: FastifyInstance, { catalog, engineName, run }: PersistedRoutesOptions): void {
  const refuse = (request: FastifyRequest, reply: FastifyReply, status: number, code: ClientErrorCode, message: string) =>
    sendRefusal(request, reply, { status, code, message, engine: engineName });

  // A principal with an `operations` list sees (and may run) only those.
  app.get('/baselines', { exposeHeadRoute: false }, async (request) =>
    catalog.list().filter((op) => mayRunOperation(request.principal, op.name)).map((op) => ({
      name: op.name,
      id: op.id,
      description: op.description,
      variables: op.variables.map(({ name, type, defaultValue }) => ({ name, type, defaultValue })),
    })),
  );

  app.get<{ Params: { name: string }; Querystring: QueryParams }>('/baselines/:name', { exposeHeadRoute: false }, async (request, reply) => {
    const op = catalog.byName(request.params.name);
    if (!op || !mayRunOperation(request.principal, op.name)) {
      return refuse(request, reply, PERSISTED_STATUS.PERSISTED_QUERY_NOT_FOUND, 'PERSISTED_QUERY_NOT_FOUND', `No persisted operation named "${request.params.name}" (GET /baselines lists them).`);
    }
    const params = variablesFromParams(op, request.query ?? {});
    if ('problem' in params) return refuse(request, reply, 400, 'BAD_USER_INPUT', params.problem);
    return run(request, reply, { query: op.body, operationName: op.name, variables: params.variables }, op);
  });
}
