import path from 'node:path';
import { startChild, stopChild, waitForLine } from './child-processes';
import type { Gateway } from './gateway';

/** The part of autocannon's programmatic API the benchmark uses (the package ships no types). */
interface AutocannonResult {
  requests: { average: number; total: number };
  latency: { p50: number; p99: number };
  throughput: { average: number };
  errors: number;
  timeouts: number;
  non2xx: number;
  duration: number;
}
type Autocannon = (opts: { url: string; connections: number; duration: number; method?: string; headers?: Record<string, string>; body?: string }) => Promise<AutocannonResult>;
// eslint-disable-next-line @typescript-eslint/no-require-imports
const autocannon = require('autocannon') as Autocannon;

export interface Load {
  readonly requestsPerSecond: number;
  readonly requests: number;
  readonly latencyP50Ms: number;
  readonly latencyP99Ms: number;
  readonly bytesPerSecond: number;
  /** errors + timeouts + non-2xx answers: a run with any is not a valid measurement */
  readonly failures: number;
}

export interface LoadSettings {
  readonly connections: number;
  readonly durationS: number;
}

async function load(url: string, settings: LoadSettings, request: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<Load> {
  const r = await autocannon({ url, connections: settings.connections, duration: settings.durationS, ...request });
  return {
    requestsPerSecond: Math.round(r.requests.total / r.duration),
    requests: r.requests.total,
    latencyP50Ms: r.latency.p50,
    latencyP99Ms: r.latency.p99,
    bytesPerSecond: Math.round(r.throughput.average),
    failures: r.errors + r.timeouts + r.non2xx,
  };
}

/** (g) reference: the bare Apollo hello-world in its own process, `{ hello }` POSTed as JSON. */
export async function loadBareApollo(settings: LoadSettings, deadlineMs: number): Promise<Load> {
  const script = path.join(__dirname, `hello-apollo${path.extname(__filename)}`);
  const args = path.extname(__filename) === '.ts' ? ['-r', 'ts-node/register/transpile-only', script] : [script];
  const child = startChild(process.execPath, args, { env: { ...process.env, NODE_ENV: 'production' } });
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (d: string) => (stderr = (stderr + d).slice(-5_000)));
  try {
    const [, url] = await waitForLine(child, /listening (http:\/\/\S+)/, deadlineMs, () => stderr);
    child.stdout?.resume();
    const request = { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ hello }' }) };
    await load(url, { connections: 1, durationS: 1 }, request); // warm-up: JIT, first connections
    return await load(url, settings, request);
  } finally {
    await stopChild(child);
  }
}

/** (g): the gateway serving a persisted baseline from its result cache (one request first fills it). */
export async function loadCachedBaseline(gateway: Gateway, range: { from: string; to: string }, settings: LoadSettings, deadlineMs: number): Promise<Load & { bodyBytes: number }> {
  const first = await gateway.baseline('TopUsers', range, deadlineMs);
  const again = await gateway.baseline('TopUsers', range, deadlineMs);
  if (again.cost.cacheHits !== again.cost.queries) throw new Error(`the repeated baseline was not served from the cache (${again.cost.cacheHits}/${again.cost.queries} hits)`);
  const url = gateway.baselineUrl('TopUsers', range);
  await load(url, { connections: 1, durationS: 1 });
  return { ...(await load(url, settings)), bodyBytes: first.bodyBytes };
}
