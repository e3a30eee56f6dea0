import path from 'node:path';
import { DEFAULT_RESULTS, LAKES_ROOT } from './paths';

export const PHASES = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'mem'] as const;
export type Phase = (typeof PHASES)[number];

export interface BenchOptions {
  /** include the 10 M-event lake */
  readonly tenM: boolean;
  readonly only: ReadonlySet<Phase>;
  /** measured runs of the slow phases (raw scans, jq); fast phases run max(10, runs) times */
  readonly runs: number;
  /** a development lake instead of the 1 M one */
  readonly custom: { readonly events: number; readonly days: number } | null;
  /** pages of 1,000 events for the memory phase */
  readonly pages: number;
  readonly loadSeconds: number;
  readonly connections: number;
  readonly out: string;
  readonly lakesRoot: string;
}

export const USAGE = `npm run bench -- [--10m] [--only a,b,c,d,e,f,g,h,mem] [--runs N] [--events N --days D]
                      [--pages N] [--duration S] [--connections N] [--out FILE] [--lakes DIR]
  --10m           also the 10 M-event lake (generation ~150 s and ~2.7 GB; compaction takes minutes)
  --only          the phases to run (default: all)
  --runs N        measured runs of the slow phases (default 3); fast ones run max(10, N) times
  --events/--days a development lake of that size instead of the 1 M-event, 30-day one
                  (--events 10000000 --days 30: the 10 M lake alone)
  --pages N       pages of 1,000 events served while watching the gateway's memory (default 80)
  --duration S    seconds of each autocannon run (default 10), --connections N (default 10)
  --out FILE      where the results go (default bench/results.json)`;

export function parseBenchOptions(argv: readonly string[]): BenchOptions {
  const flags = new Map<string, string | true>();
  for (let i = 0; i < argv.length; i++) {
    const m = /^--([a-z0-9-]+)(?:=(.*))?$/.exec(argv[i]);
    if (!m) throw new Error(`unexpected argument ${argv[i]}\n${USAGE}`);
    if (m[1] === '10m' || m[1] === 'help') flags.set(m[1], true);
    else {
      const v = m[2] ?? argv[++i];
      if (v === undefined) throw new Error(`--${m[1]} needs a value\n${USAGE}`);
      flags.set(m[1], v);
    }
  }
  const known = new Set(['10m', 'help', 'only', 'runs', 'events', 'days', 'pages', 'duration', 'connections', 'out', 'lakes']);
  for (const k of flags.keys()) if (!known.has(k)) throw new Error(`unknown option --${k}\n${USAGE}`);
  if (flags.has('help')) {
    process.stdout.write(`${USAGE}\n`);
    process.exit(0);
  }
  const int = (k: string, def: number, min: number): number => {
    const v = flags.get(k);
    if (v === undefined) return def;
    const n = Number(String(v).replace(/_/g, ''));
    if (!Number.isInteger(n) || n < min) throw new Error(`--${k} must be an integer >= ${min} (got ${v})`);
    return n;
  };
  const only = flags.has('only') ? String(flags.get('only')).split(',').map((s) => s.trim()).filter(Boolean) : [...PHASES];
  for (const p of only) if (!(PHASES as readonly string[]).includes(p)) throw new Error(`--only: unknown phase ${p} (phases: ${PHASES.join(',')})`);
  if (flags.has('events') !== flags.has('days')) throw new Error('--events and --days go together');
  const str = (k: string, def: string) => (flags.has(k) ? path.resolve(String(flags.get(k))) : def);
  return {
    tenM: flags.has('10m'),
    only: new Set(only as Phase[]),
    runs: int('runs', 3, 1),
    custom: flags.has('events') ? { events: int('events', 0, 1), days: int('days', 0, 1) } : null,
    pages: int('pages', 80, 2),
    loadSeconds: int('duration', 10, 1),
    connections: int('connections', 10, 1),
    out: str('out', DEFAULT_RESULTS),
    lakesRoot: str('lakes', LAKES_ROOT),
  };
}
