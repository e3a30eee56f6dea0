import { promises as fs } from 'node:fs';
import path from 'node:path';
import { progressBar } from '../../src/cli/progress';
import { generateSampleLake, type SampleLakeOptions, type SampleLakeSummary } from '../../src/lake/sample-generator';

/** One benchmark lake: generated once by the project's own generator, reused while its options match. */
export interface LakeSpec {
  /** '1m', '10m', or '<events>e-<days>d' for a development lake */
  readonly label: string;
  readonly options: Omit<SampleLakeOptions, 'out'> & { readonly end: string };
}

export interface BenchLake {
  readonly spec: LakeSpec;
  readonly dir: string;
  readonly summary: SampleLakeSummary;
  /** [from, to) covering every event of the lake: the question's range */
  readonly range: { readonly from: string; readonly to: string };
  readonly reused: boolean;
  readonly generateMs: number | null;
}

/** A fixed end and seed, so lakes are reusable across runs and machines (byte-identical). */
const END = '2026-11-01';
const SEED = 7;
const MARKER = '.bench-lake.json';

export function lakeSpec(events: number, days: number, label?: string): LakeSpec {
  return Object.freeze({ label: label ?? `${events}e-${days}d`, options: Object.freeze({ events, days, accounts: 3, seed: SEED, end: END }) });
}

export const LAKE_1M = lakeSpec(1_000_000, 30, '1m');
export const LAKE_10M = lakeSpec(10_000_000, 30, '10m');

export function lakeRange(spec: LakeSpec): { from: string; to: string } {
  const to = new Date(`${spec.options.end}T00:00:00Z`);
  const from = new Date(to.getTime() - spec.options.days * 86_400_000);
  return { from: from.toISOString().replace('.000Z', 'Z'), to: to.toISOString().replace('.000Z', 'Z') };
}

/**
 * The lake of `spec` under `root` (`<root>/lake-<label>`): reused when its marker records the same
 * options, else generated into a temporary sibling and renamed, so an interrupted run never leaves
 * half a lake that looks whole.
 */
export async function ensureLake(root: string, spec: LakeSpec): Promise<BenchLake> {
  const dir = path.join(root, `lake-${spec.label}`);
  const range = lakeRange(spec);
  const marker = await fs.readFile(path.join(dir, MARKER), 'utf8').then((t) => JSON.parse(t) as { options: unknown; summary: SampleLakeSummary }, () => null);
  if (marker && JSON.stringify(marker.options) === JSON.stringify(spec.options)) {
    return { spec, dir, summary: marker.summary, range, reused: true, generateMs: null };
  }
  const tmp = `${dir}.tmp-${process.pid}`;
  await fs.rm(tmp, { recursive: true, force: true });
  const bar = progressBar(`Generating lake-${spec.label}`);
  const started = performance.now();
  let summary: SampleLakeSummary;
  try {
    summary = await generateSampleLake({ ...spec.options, out: tmp }, bar.update);
  } catch (err) {
    await fs.rm(tmp, { recursive: true, force: true });
    throw err;
  } finally {
    bar.stop();
  }
  const generateMs = performance.now() - started;
  await fs.writeFile(path.join(tmp, MARKER), JSON.stringify({ options: spec.options, summary }, null, 2));
  await fs.rm(dir, { recursive: true, force: true });
  await fs.rename(tmp, dir);
  return { spec, dir, summary, range, reused: false, generateMs };
}
