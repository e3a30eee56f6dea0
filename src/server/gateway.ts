import { randomUUID } from 'node:crypto';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled } from '@apollo/server/plugin/disabled';
import type { GraphQLSchema } from 'graphql';
import type { Logger } from 'pino';
import type { Config } from '../config/config';
import { ANONYMOUS_PRINCIPAL, type Principal } from '../domain/principal';
import { CachedEngine } from '../engines/cached-engine';
import type { Engine } from '../engines/engine';
import { DuckDbEngine } from '../engines/duckdb/duckdb-engine';
import { openAthenaEngine } from './open-athena-engine';
import { buildTrailgateSchema } from '../graphql/build-schema';
import type { GraphQLContext, Services } from '../graphql/context';
import { createRequestLoaders } from '../loaders/request-loaders';
import { CursorCodec } from '../mapping/cursor';
import { EventService } from '../services/event.service';
import { IdentityService } from '../services/identity.service';
import { LakeService } from '../services/lake.service';
import { DEFAULT_LIMITS, type QueryLimits } from '../services/limits';
import { QueryRunner } from '../services/query-runner';
import { ResourceService } from '../services/resource.service';
import { StatsService } from '../services/stats.service';
import { formatError } from './error-formatter';
import { nulInputPlugin } from './nul-input-plugin';
import { graphqlLimits } from './limits/graphql-limits';
import { trailgatePlugin } from './trailgate-plugin';

export interface ContextOptions {
  readonly requestId?: string;
  /** aborted when the client goes away: engines stop their work */
  readonly signal?: AbortSignal;
  /** compile and report the engine queries instead of running them */
  readonly explain?: boolean;
  /** who the request runs as (default: the anonymous full principal of dev mode) */
  readonly principal?: Principal;
}

/** The composition root: engine, services, schema and Apollo server, without HTTP. */
export interface Gateway {
  readonly apollo: ApolloServer<GraphQLContext>;
  readonly schema: GraphQLSchema;
  readonly engine: Engine;
  readonly limits: QueryLimits;
  /** A request's context; with `explain` nothing runs and the compiled queries are reported. */
  context(opts?: ContextOptions): GraphQLContext;
  close(): Promise<void>;
}

/** The configured engine (Athena over the Glue table, or DuckDB over the local lake), behind the result cache when it is on. */
export async function openEngine(config: Config, lakeDir: string | null, logger: Logger): Promise<Engine> {
  const engine = await openBareEngine(config, lakeDir, logger);
  return config.cache.enabled ? new CachedEngine(engine, { ...config.cache, logger }) : engine;
}

async function openBareEngine(config: Config, lakeDir: string | null, logger: Logger): Promise<Engine> {
  if (config.engine === 'athena') return openAthenaEngine(config, logger);
  if (!lakeDir) throw new Error('the duckdb engine needs a lake directory');
  return DuckDbEngine.open({
    lakeDir,
    ...config.duckdb,
    queryTimeoutMs: config.queryTimeoutMs,
    inventoryTtlMs: config.inventoryTtlMs,
    logger,
  });
}

export async function createGateway(
  config: Config,
  engine: Engine,
  logger: Logger,
  extraPlugins: ApolloServerPlugin<GraphQLContext>[] = [],
): Promise<Gateway> {
  const limits: QueryLimits = { ...DEFAULT_LIMITS, maxRangeDays: config.maxRangeDays };
  const cursors = new CursorCodec(config.cursorSecret);
  const events = new EventService(limits, cursors);
  const services: Services = {
    events,
    stats: new StatsService(limits),
    identities: new IdentityService(limits, cursors, events),
    resources: new ResourceService(limits, cursors, events),
    lake: new LakeService(),
  };
  const operationLimits = graphqlLimits();
  const schema = await buildTrailgateSchema();
  const apollo = new ApolloServer<GraphQLContext>({
    schema,
    formatError,
    // whatever NODE_ENV says: Apollo's default shows stacks outside production and test
    includeStacktraceInErrorResponses: false,
    introspection: true,
    csrfPrevention: true,
    allowBatchedHttpRequests: false,
    hideSchemaDetailsFromClientErrors: true,
    maxRecursiveSelections: true,
    parseOptions: operationLimits.parseOptions,
    validationRules: operationLimits.validationRules,
    // the limits last: a refusal of the caller (persisted-only, introspection) answers first
    // No cache hints: answers are per principal, and the HTTP layer marks them no-store.
    plugins: [trailgatePlugin(logger, engine.name), nulInputPlugin(), ...extraPlugins, ...operationLimits.plugins, ApolloServerPluginCacheControlDisabled()],
  });
  await apollo.start();
  const context = ({ requestId = randomUUID(), signal, explain = false, principal = ANONYMOUS_PRINCIPAL }: ContextOptions = {}): GraphQLContext => {
    const runner = new QueryRunner(engine, principal, requestId, signal, explain);
    return { requestId, principal, runner, loaders: createRequestLoaders(runner, limits), services, catalogue: { operation: null } };
  };
  return {
    apollo,
    schema,
    engine,
    limits,
    context,
    async close() {
      await apollo.stop();
      await engine.close();
    },
  };
}
