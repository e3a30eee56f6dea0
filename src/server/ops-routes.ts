import type { FastifyInstance } from 'fastify';
import type { Engine, ReadinessCheck } from '../engines/engine';
import type { PersistedCatalog } from '../persisted/persisted-catalog';
import type { GatewayMetrics, MetricsAccess } from './metrics';

export interface OpsRoutesOptions {
  readonly engine: Engine;
  readonly catalog: PersistedCatalog;
  readonly metrics: GatewayMetrics;
  readonly metricsAccess: MetricsAccess;
  /** an engine that has not answered its readiness checks by then is not ready (default 2000) */
  readonly readinessTimeoutMs?: number;
}

/** The routes that stay open whatever authentication is configured (see request-authentication.ts). */
export const openOpsRoutes = (access: MetricsAccess): string[] => ['/healthz', '/readyz', ...(access === 'open' ? ['/metrics'] : [])];

const DEFAULT_READINESS_TIMEOUT_MS = 2_000;

async function engineChecks(engine: Engine, timeoutMs: number): Promise<readonly ReadinessCheck[]> {
  if (!engine.ready) return [{ name: engine.name, ok: true }];
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<readonly ReadinessCheck[]>((resolve) => {
    timer = setTimeout(() => resolve([{ name: engine.name, ok: false, detail: `no answer within ${timeoutMs} ms` }]), timeoutMs);
  });
  const checks = engine.ready().catch((): readonly ReadinessCheck[] => [{ name: engine.name, ok: false, detail: 'the readiness check failed' }]);
  try {
    return await Promise.race([checks, late]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * GET /healthz (the process answers: liveness), GET /readyz (the engine answers and the
 * catalogue is loaded: 200, else 503, with each check in the body) and GET /metrics (Prometheus
 * text), plus the HTTP request metrics of every route. Probe bodies hold fixed texts only: they
 * are served to anyone, so reasons with names or paths go to the log instead.
 */
export function registerOpsRoutes(app: FastifyInstance, opts: OpsRoutesOptions): void {
  const { engine, catalog, metrics } = opts;
  app.addHook('onResponse', async (request, reply) => {
    metrics.observeHttp(request.routeOptions.url, request.method, reply.statusCode, reply.elapsedTime / 1000);
  });

  app.get('/healthz', async (_request, reply) => {
    void reply.header('cache-control', 'no-store');
    return { status: 'ok' };
  });

  app.get('/readyz', async (_request, reply) => {
    const checks = [
      ...(await engineChecks(engine, opts.readinessTimeoutMs ?? DEFAULT_READINESS_TIMEOUT_MS)),
      // The server does not start on a manifest that fails its checks: loaded here means served.
      { name: 'persisted-catalog', ok: true, detail: `${catalog.size} operations` },
    ];
    const ready = checks.every((c) => c.ok);
    void reply.code(ready ? 200 : 503).header('cache-control', 'no-store');
    return { status: ready ? 'ready' : 'not ready', checks };
  });

  if (opts.metricsAccess === 'off') return;
  app.get('/metrics', async (_request, reply) => {
    void reply.header('content-type', metrics.registry.contentType).header('cache-control', 'no-store');
    return metrics.registry.metrics();
  });
}
