import { promises as fs } from 'node:fs';
import path from 'node:path';

export interface Footprint {
  readonly files: number;
  readonly bytes: number;
}

/**
 * The event log files of a lake as CloudTrail writes them: `*.json.gz` under `CloudTrail/`
 * folders only (digests, Insights and network-activity siblings are not events the gateway reads).
 */
export async function rawFootprint(lakeDir: string): Promise<Footprint> {
  let files = 0;
  let bytes = 0;
  const walk = async (dir: string, inTrail: boolean): Promise<void> => {
    for (const entry of await fs.readdir(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (entry.name === 'parquet' && dir === lakeDir) continue;
        await walk(full, inTrail || entry.name === 'CloudTrail');
      } else if (inTrail && entry.name.endsWith('.json.gz')) {
        files++;
        bytes += (await fs.stat(full)).size;
      }
    }
  };
  await walk(lakeDir, false);
  return { files, bytes };
}

/** The Parquet tier's data files (`<lake>/parquet/**\/*.parquet`). */
export async function parquetFootprint(lakeDir: string): Promise<Footprint> {
  let files = 0;
  let bytes = 0;
  const walk = async (dir: string): Promise<void> => {
    const entries = await fs.readdir(dir, { withFileTypes: true }).catch(() => []);
    for (const entry of entries) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) await walk(full);
      else if (entry.name.endsWith('.parquet')) {
        files++;
        bytes += (await fs.stat(full)).size;
      }
    }
  };
  await walk(path.join(lakeDir, 'parquet'));
  return { files, bytes };
}
