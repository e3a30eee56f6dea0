import { promises as fs } from 'node:fs';
import path from 'node:path';
import { generateSampleLake, type SampleLakeOptions } from './sample-generator';

/** What `npm start` serves when no lake is configured. Deterministic: the same on every machine. */
export const DEFAULT_SAMPLE: Omit<SampleLakeOptions, 'out'> = Object.freeze({ events: 50_000, days: 14, accounts: 3, seed: 42 });

const MARKER = '.trailgate-sample.json';

/**
 * Generates the sample lake into `dir` once (into a temporary sibling, then renamed, so an
 * interrupted first start never leaves half a lake) and reuses it afterwards.
 */
export async function ensureSampleLake(dir: string, onProgress?: (done: number, total: number) => void): Promise<{ created: boolean }> {
  const marker = path.join(dir, MARKER);
  const existing = await fs.readFile(marker, 'utf8').catch(() => null);
  if (existing && JSON.parse(existing).options && JSON.stringify(JSON.parse(existing).options) === JSON.stringify(DEFAULT_SAMPLE)) {
    return { created: false };
  }
  const tmp = `${dir}.tmp-${process.pid}`;
  await fs.rm(tmp, { recursive: true, force: true });
  const summary = await generateSampleLake({ ...DEFAULT_SAMPLE, out: tmp }, onProgress);
  await fs.writeFile(path.join(tmp, MARKER), JSON.stringify({ options: DEFAULT_SAMPLE, summary }, null, 2));
  await fs.mkdir(path.dirname(dir), { recursive: true });
  await fs.rm(dir, { recursive: true, force: true });
  await fs.rename(tmp, dir);
  return { created: true };
}
