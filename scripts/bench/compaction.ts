import { promises as fs } from 'node:fs';
import path from 'node:path';
import { runCommand } from './child-processes';
import { CLI } from './paths';
import { openHand } from './duckdb-hand';

export interface CompactionResult {
  readonly ms: number;
  /** the JSON summary `trailgate compact` prints */
  readonly summary: { days: number; compacted: number; rawFiles: number; rawBytes: number; parquetFiles: number; parquetBytes: number };
  /**
   * b (the hand-written scan of the same raw files) run right before and right after the
   * compaction, in ms: d's ratio is against their mean, so a machine whose speed drifts between
   * phases minutes apart moves both sides alike (see compactBetweenScans).
   */
  readonly scansAround?: readonly [number, number];
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

/**
 * (d) between two runs of (b) over the same files: b, the compaction from scratch, b again. The
 * scans run on their own DuckDB instance (the one b's rounds use), in this process; the compaction
 * in its own, as a user runs it.
 */
export async function compactBetweenScans(lakeDir: string, range: { from: string; to: string }, deadlines: { compaction: number; query: number }): Promise<CompactionResult> {
  const hand = await openHand('raw', lakeDir, range);
  try {
    const before = await hand.once(deadlines.query);
    const compaction = await compactFromScratch(lakeDir, deadlines.compaction);
    const after = await hand.once(deadlines.query);
    return { ...compaction, scansAround: [Math.round(before.ms), Math.round(after.ms)] };
  } finally {
    hand.close();
  }
}
