import { readFileSync } from 'node:fs';
import type { ChildProcess } from 'node:child_process';
import { startChild, stopChild, waitForLine } from './child-processes';
import { CLI } from './paths';

export interface GatewayOptions {
  readonly lakeDir: string;
  /** TRAILGATE_PARQUET: read compacted partitions from the Parquet tier */
  readonly parquet: boolean;
  /** TRAILGATE_CACHE: the result cache */
  readonly cache: boolean;
  /** how long start-up (including the lake census, a full scan of the raw files) may take */
  readonly startDeadlineMs: number;
  /** TRAILGATE_QUERY_TIMEOUT_MS: the default 30 s is shorter than a raw scan of a large lake on a busy laptop */
  readonly queryTimeoutMs: number;
}

export interface QueryCost {
  readonly engineMs: number;
  readonly bytesScanned: number;
  readonly filesRead: number;
  readonly queries: number;
  readonly cacheHits: number;
}

export interface GatewayAnswer {
  /** client-side wall time: request sent to body parsed */
  readonly ms: number;
  readonly data: Record<string, unknown>;
  readonly cost: QueryCost;
  readonly bodyBytes: number;
}

interface Extensions {
  trailgate?: { queries?: { engineMs?: number; bytesScanned?: number; filesRead?: number; cache?: string }[] };
}

/** `trailgate serve` as a child process on a loopback port the OS picks, dev mode (no auth). */
export class Gateway {
  private constructor(
    private readonly child: ChildProcess,
    readonly base: string,
    readonly options: GatewayOptions,
  ) {}

  static async start(options: GatewayOptions): Promise<Gateway> {
    const env = {
      ...process.env,
      TRAILGATE_PARQUET: options.parquet ? 'on' : 'off',
      TRAILGATE_CACHE: options.cache ? 'on' : 'off',
      TRAILGATE_QUERY_TIMEOUT_MS: String(options.queryTimeoutMs),
      TRAILGATE_LOG_LEVEL: 'warn',
      NODE_ENV: 'production',
    };
    const child = startChild(process.execPath, [CLI, 'serve', '--lake', options.lakeDir, '--host', '127.0.0.1', '--port', '0'], { env });
    let stderr = '';
    child.stderr?.setEncoding('utf8').on('data', (d: string) => (stderr = (stderr + d).slice(-20_000)));
    try {
      // "Try:" follows the lake census (a scan of every raw file): measuring before it ends would time the census too.
      const serving = await waitForLine(child, /trailgate is serving .* at (http:\/\/127\.0\.0\.1:\d+)\/graphql[\s\S]*Try:/, options.startDeadlineMs, () => stderr);
      child.stdout?.resume();
      return new Gateway(child, serving[1], options);
    } catch (err) {
      await stopChild(child);
      throw err;
    }
  }

  get pid(): number {
    return this.child.pid as number;
  }

  async graphql(query: string, variables: Record<string, unknown>, deadlineMs: number): Promise<GatewayAnswer> {
    return this.request(`${this.base}/graphql`, deadlineMs, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, variables }) });
  }

  /** `GET /baselines/<name>?…` */
  async baseline(name: string, params: Record<string, string>, deadlineMs: number): Promise<GatewayAnswer> {
    return this.request(this.baselineUrl(name, params), deadlineMs, { method: 'GET' });
  }

  baselineUrl(name: string, params: Record<string, string>): string {
    return `${this.base}/baselines/${name}?${new URLSearchParams(params)}`;
  }

  private async request(url: string, deadlineMs: number, init: RequestInit): Promise<GatewayAnswer> {
    const started = performance.now();
    const res = await fetch(url, { ...init, signal: AbortSignal.timeout(deadlineMs) });
    const text = await res.text();
    const ms = performance.now() - started;
    const body = JSON.parse(text) as { data?: Record<string, unknown>; errors?: { message: string; extensions?: { code?: string } }[]; extensions?: Extensions };
    if (!res.ok || body.errors?.length) {
      const e = body.errors?.[0];
      throw new Error(`gateway answered ${res.status}: ${e ? `${e.extensions?.code ?? ''} ${e.message}` : text.slice(0, 500)}`);
    }
    return { ms, data: body.data ?? {}, cost: costOf(body.extensions), bodyBytes: Buffer.byteLength(text) };
  }

  /** VmRSS and VmHWM (peak RSS) of the gateway process, in bytes, from /proc (Linux). */
  memory(): { rssBytes: number; peakRssBytes: number } | null {
    try {
      const status = readFileSync(`/proc/${this.pid}/status`, 'utf8');
      const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN) * 1024;
      return { rssBytes: kb('VmRSS'), peakRssBytes: kb('VmHWM') };
    } catch {
      return null;
    }
  }

  async stop(): Promise<void> {
    await stopChild(this.child, 10_000);
  }
}

function costOf(ext: Extensions | undefined): QueryCost {
  const qs = ext?.trailgate?.queries ?? [];
  const sum = (f: (q: (typeof qs)[number]) => number | undefined) => qs.reduce((s, q) => s + (f(q) ?? 0), 0);
  return {
    engineMs: sum((q) => q.engineMs),
    bytesScanned: sum((q) => q.bytesScanned),
    filesRead: sum((q) => q.filesRead),
    queries: qs.length,
    cacheHits: qs.filter((q) => q.cache === 'hit').length,
  };
}

/** Starts a gateway, hands it to `use`, and always stops it. */
export async function withGateway<T>(options: GatewayOptions, use: (g: Gateway) => Promise<T>): Promise<T> {
  const gateway = await Gateway.start(options);
  try {
    return await use(gateway);
  } finally {
    await gateway.stop();
  }
}
