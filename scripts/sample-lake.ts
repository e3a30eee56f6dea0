/**
 * Generate a sample CloudTrail lake.
 *   ts-node --transpile-only scripts/sample-lake.ts --events 50000 --days 30 --accounts 3 --seed 1 --out ./lake \
 *     [--end 2026-11-01] [--org-id o-abc123def4]
 * Progress on stderr, summary JSON on stdout.
 */
import { SingleBar, Presets } from 'cli-progress';
import { DEFAULT_END, type SampleLakeOptions, generateSampleLake } from '../src/lake/sample-generator';

const USAGE = 'usage: sample-lake --events N --days D --accounts A --seed S --out DIR [--end YYYY-MM-DD] [--org-id ID]';

function parseArgs(argv: string[]): SampleLakeOptions {
  const values = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--help' || arg === '-h') {
      process.stdout.write(USAGE + '\n');
      process.exit(0);
    }
    const m = /^--([a-z-]+)(?:=(.*))?$/.exec(arg);
    if (!m) throw new Error(`unexpected argument ${arg}\n${USAGE}`);
    const value = m[2] ?? argv[++i];
    if (value === undefined) throw new Error(`--${m[1]} needs a value\n${USAGE}`);
    values.set(m[1], value);
  }
  const known = new Set(['events', 'days', 'accounts', 'seed', 'out', 'end', 'org-id']);
  for (const k of values.keys()) if (!known.has(k)) throw new Error(`unknown option --${k}\n${USAGE}`);
  const num = (k: string, def?: number): number => {
    const v = values.get(k);
    if (v === undefined) {
      if (def === undefined) throw new Error(`--${k} is required\n${USAGE}`);
      return def;
    }
    const n = Number(v.replace(/_/g, ''));
    if (!Number.isFinite(n)) throw new Error(`--${k} must be a number, got ${v}`);
    return n;
  };
  const out = values.get('out');
  if (!out) throw new Error(`--out is required\n${USAGE}`);
  return {
    out,
    events: num('events', 50_000),
    days: num('days', 30),
    accounts: num('accounts', 3),
    seed: num('seed', 1),
    end: values.get('end') ?? DEFAULT_END,
    orgId: values.get('org-id'),
  };
}

async function main(): Promise<void> {
  const opts = parseArgs(process.argv.slice(2));
  const bar = new SingleBar({ stream: process.stderr, format: 'sample lake [{bar}] {percentage}% | {value}/{total} events | {duration}s' }, Presets.shades_classic);
  bar.start(opts.events, 0);
  const summary = await generateSampleLake(opts, (done, total) => {
    bar.setTotal(total);
    bar.update(done);
  });
  bar.stop();
  process.stdout.write(JSON.stringify(summary, null, 2) + '\n');
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
