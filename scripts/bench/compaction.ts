import { promises as fs } from 'node:fs';
import path from 'node:path';
import { runCommand } from './child-processes';
import { CLI } from './paths';

export interface CompactionResult {
  readonly ms: number;
  /** the JSON summary `trailgate compact` prints */
  readonly summary: { days: number; compacted: number; rawFiles: number; rawBytes: number; parquetFiles: number; parquetBytes: number };
}

/** Whether the lake has a Parquet tier (its manifest is written last, when a compaction completes). */
export async function hasParquetTier(lakeDir: string): Promise<boolean> {
  return fs.access(path.join(lakeDir, 'parquet/_manifest.json')).then(
    () => true,
    () => false,
  );
}

/**
 * (d) `trailgate compact --lake DIR` from scratch (the Parquet tier removed first), as a child
 * process: every delivery day of the lake, timed end to end (process start included).
 */
export async function compactFromScratch(lakeDir: string, deadlineMs: number): Promise<CompactionResult> {
  await fs.rm(path.join(lakeDir, 'parquet'), { recursive: true, force: true });
  const { stdout, ms } = await runCommand(process.execPath, [CLI, 'compact', '--lake', lakeDir], deadlineMs, {
    env: { ...process.env, TRAILGATE_LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return { ms, summary: JSON.parse(stdout) };
}
