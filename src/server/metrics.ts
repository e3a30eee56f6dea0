import type { ApolloServerPlugin } from '@apollo/server';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { ConfigError } from '../config/config';
import { CachedEngine } from '../engines/cached-engine';
import type { Engine } from '../engines/engine';
import type { GraphQLContext } from '../graphql/context';

/**
 * Who may read GET /metrics (TRAILGATE_METRICS): `open` (default; scraped from inside the
 * network, it carries counts and operation names, no data), `auth` (behind the API's own
 * authentication: the scraper sends an API key), `off` (no route).
 */
export type MetricsAccess = 'open' | 'auth' | 'off';

export function metricsAccessFromEnv(env: NodeJS.ProcessEnv): MetricsAccess {
  const v = (env.TRAILGATE_METRICS || 'open').toLowerCase();
  if (v === 'open' || v === 'auth' || v === 'off') return v;
  throw new ConfigError(`TRAILGATE_METRICS must be open, auth or off (got ${env.TRAILGATE_METRICS})`);
}

/**
 * Operation names come from clients: past this many distinct names a new one is counted as
 * `other`, so a caller cannot grow the series without bound (Prometheus keeps one per label set).
 * https://prometheus.io/docs/practices/naming/#labels
 */
const MAX_OPERATION_LABELS = 200;
const MAX_OPERATION_LABEL_LENGTH = 100;

const ENGINE_SECONDS_BUCKETS = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];
const HTTP_SECONDS_BUCKETS = [0.005, 0.025, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120];

/** The gateway's Prometheus registry: GraphQL requests, engine queries (from the runner's cost facts), cache, queue, HTTP. */
export class GatewayMetrics {
  readonly registry = new Registry();
  private readonly operations = new Set<string>();
  private readonly requests: Counter<'operation' | 'code'>;
  private readonly engineSeconds: Histogram<'engine'>;
  private readonly bytesScanned: Counter<'engine'>;
  private readonly cacheLookups: Counter<'result'>;
  private readonly httpRequests: Counter<'route' | 'method' | 'status'>;
  private readonly httpSeconds: Histogram<'route'>;
  private readonly cached: boolean;

  constructor(private readonly engine: Engine) {
    const registers = [this.registry];
    this.cached = engine instanceof CachedEngine;
    collectDefaultMetrics({ register: this.registry });
    this.requests = new Counter({ name: 'trailgate_graphql_requests_total', help: 'GraphQL requests by operation name and outcome (OK or the first error code)', labelNames: ['operation', 'code'], registers });
    this.engineSeconds = new Histogram({ name: 'trailgate_engine_query_duration_seconds', help: 'engine time of the queries run (result-cache hits excluded)', labelNames: ['engine'], buckets: ENGINE_SECONDS_BUCKETS, registers });
    this.bytesScanned = new Counter({ name: 'trailgate_engine_bytes_scanned_total', help: 'bytes the engine queries scanned', labelNames: ['engine'], registers });
    this.cacheLookups = new Counter({ name: 'trailgate_result_cache_lookups_total', help: 'engine queries answered by the result cache (hit) or run (miss)', labelNames: ['result'], registers });
    new Gauge({
      name: 'trailgate_engine_queue_depth',
      help: 'engine queries waiting for a DuckDB connection or an Athena slot',
      labelNames: ['engine'],
      registers,
      collect() {
        this.set({ engine: engine.name }, engine.queueDepth?.() ?? 0);
      },
    });
    this.httpRequests = new Counter({ name: 'trailgate_http_requests_total', help: 'HTTP requests by route pattern, method and status', labelNames: ['route', 'method', 'status'], registers });
    this.httpSeconds = new Histogram({ name: 'trailgate_http_request_duration_seconds', help: 'HTTP request duration by route pattern', labelNames: ['route'], buckets: HTTP_SECONDS_BUCKETS, registers });
  }

  /** Counts each GraphQL request and its engine queries once the response is final. */
  plugin(): ApolloServerPlugin<GraphQLContext> {
    return {
      requestDidStart: async () => ({
        willSendResponse: async ({ contextValue, operationName, response }) => {
          const errors = response.body.kind === 'single' ? (response.body.singleResult.errors ?? []) : [];
          this.countGraphQLRequest(operationName, errors.length ? String(errors[0].extensions?.code ?? 'INTERNAL_SERVER_ERROR') : 'OK');
          for (const facts of contextValue?.runner?.facts ?? []) {
            if (this.cached) this.cacheLookups.inc({ result: facts.cache === 'hit' ? 'hit' : 'miss' });
            if (facts.cache === 'hit') continue;
            this.engineSeconds.observe({ engine: this.engine.name }, facts.engineMs / 1000);
            this.bytesScanned.inc({ engine: this.engine.name }, facts.bytesScanned);
          }
        },
      }),
    };
  }

  /** One GraphQL request and its outcome (OK or the first error code). */
  countGraphQLRequest(operationName: string | null | undefined, code: string): void {
    this.requests.inc({ operation: this.operationLabel(operationName), code });
  }

  /** One HTTP exchange; `route` is the route pattern (never the raw URL), or `unmatched`. */
  observeHttp(route: string | undefined, method: string, status: number, seconds: number): void {
    const r = route ?? 'unmatched';
    this.httpRequests.inc({ route: r, method, status: String(status) });
    this.httpSeconds.observe({ route: r }, seconds);
  }

  private operationLabel(name: string | null | undefined): string {
    if (!name) return 'anonymous';
    if (this.operations.has(name)) return name;
    if (this.operations.size >= MAX_OPERATION_LABELS || name.length > MAX_OPERATION_LABEL_LENGTH) return 'other';
    this.operations.add(name);
    return name;
  }
}
