import { randomUUID } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import { addDays, utcDay } from '../../domain/utc-day';
import type { LakeFile, LakePartition } from '../../lake/lake-layout';
import type { LocalLake } from '../../lake/local-lake';
import {
  emptyManifest,
  parquetRoot,
  partitionKey,
  rawFingerprint,
  readManifest,
  writeManifest,
  type CompactedPartition,
  type ParquetManifest,
} from '../../lake/parquet-manifest';
import type { CompiledSql } from '../../sql/compiled-sql';

export interface CompactOptions {
  /** first delivery day to compact, YYYY-MM-DD (default: the first in the lake) */
  readonly from?: string;
  /** first delivery day NOT to compact (default: today, UTC: today is still being delivered) */
  readonly to?: string;
  /** recompact days even when their files are unchanged */
  readonly force?: boolean;
}

export interface CompactSummary {
  readonly days: number;
  readonly compacted: number;
  readonly skipped: number;
  readonly rawFiles: number;
  readonly rawBytes: number;
  readonly parquetFiles: number;
  readonly parquetBytes: number;
}

export type CompactProgress = (done: number, total: number, day: string) => void;

interface DayWork {
  readonly day: string;
  readonly files: Map<string, LakeFile[]>;
}

export interface LakeCompactorDeps {
  readonly lake: LocalLake;
  readonly logger: Logger;
  /** the DuckDB version writing: stored hashes are its hash() */
  readonly writer: string;
  /** runs a statement over raw files, setting unreadable ones aside (DuckDbEngine.execute) */
  readonly execute: (files: LakeFile[], make: (files: LakeFile[]) => CompiledSql) => Promise<unknown>;
  /** the compaction statement of whole delivery days' files into a directory */
  readonly statement: (files: readonly LakeFile[], outDir: string) => CompiledSql;
}

const DELIVERY_DIR = /^delivery=(\d{4}-\d{2}-\d{2})$/;

/**
 * `trailgate compact` on a local lake: each delivery day becomes Parquet under
 * `<lake>/parquet/account=/region=/date=/delivery=/`, one DuckDB COPY per day.
 *
 * Idempotent and incremental: a day whose raw files are unchanged since it was compacted is
 * skipped; a day that changed (late deliveries) is compacted again. Safe to interrupt: a day is
 * written to a temporary directory, dropped from the manifest, swapped in by renames, and only then
 * recorded; until it is recorded its partitions are read raw, and a re-run removes what an
 * interrupted one left.
 */
export class LakeCompactor {
  constructor(private readonly deps: LakeCompactorDeps) {}

  async run(opts: CompactOptions, progress: CompactProgress = () => undefined): Promise<CompactSummary> {
    const root = parquetRoot(this.deps.lake.root);
    await fs.mkdir(root, { recursive: true });
    await this.removeLeftovers(root);
    const current = await readManifest(this.deps.lake.root);
    let manifest: ParquetManifest = current && current.writer === this.deps.writer ? current : emptyManifest(this.deps.writer);
    const work = await this.days(opts);
    const pending = work.filter((w) => opts.force || !unchanged(manifest, w));
    const totals = { compacted: 0, skipped: work.length - pending.length, rawFiles: 0, rawBytes: 0, parquetFiles: 0, parquetBytes: 0 };
    const existing = await deliveryDirs(root);
    progress(0, pending.length, pending[0]?.day ?? '');
    for (const batch of batches(pending)) {
      const tmp = path.join(root, `.tmp-${randomUUID()}`);
      try {
        const files = batch.flatMap((w) => [...w.files.values()].flat());
        if (files.length > 0) await this.deps.execute(files, (fs) => this.deps.statement(fs, tmp));
        const written = await deliveryDirs(tmp);
        for (const w of batch) {
          // From here until the day is recorded again, its partitions are served from the raw files.
          const { [w.day]: _dropped, ...rest } = manifest.days;
          manifest = { ...manifest, days: rest };
          await writeManifest(this.deps.lake.root, manifest);
          const partitions = await this.swapIn(root, tmp, w, existing.get(w.day) ?? [], written.get(w.day) ?? []);
          manifest = { ...manifest, days: { ...manifest.days, [w.day]: { compactedAt: new Date().toISOString(), partitions } } };
          await writeManifest(this.deps.lake.root, manifest);
          totals.compacted++;
          for (const p of Object.values(partitions)) {
            totals.rawFiles += p.rawFiles;
            totals.rawBytes += p.rawBytes;
            totals.parquetFiles += p.outputs.length;
            totals.parquetBytes += p.outputBytes;
          }
          this.deps.logger.debug({ day: w.day }, 'compacted delivery day');
        }
      } finally {
        await fs.rm(tmp, { recursive: true, force: true });
      }
      progress(totals.compacted, pending.length, batch[batch.length - 1].day);
    }
    return { days: work.length, ...totals };
  }

  /** The delivery days in range, with their raw files by account/region. */
  private async days(opts: CompactOptions): Promise<DayWork[]> {
    const to = opts.to ?? utcDay(new Date());
    const byDay = new Map<string, LakePartition[]>();
    for (const p of await this.deps.lake.partitions()) {
      if ((opts.from && p.day < opts.from) || p.day >= to) continue;
      byDay.set(p.day, [...(byDay.get(p.day) ?? []), p]);
    }
    const out: DayWork[] = [];
    for (const day of [...byDay.keys()].sort()) {
      const files = new Map<string, LakeFile[]>();
      for (const p of byDay.get(day)!) {
        const key = partitionKey(p);
        files.set(key, [...(files.get(key) ?? []), ...(await this.deps.lake.files([p]))]);
      }
      out.push({ day, files });
    }
    return out;
  }

  /** Replaces a day's Parquet output by what the batch wrote for it, and describes the result. */
  private async swapIn(root: string, tmp: string, w: DayWork, oldDirs: readonly string[], newDirs: readonly string[]): Promise<Record<string, CompactedPartition>> {
    for (const dir of oldDirs) await fs.rm(dir, { recursive: true, force: true });
    const outputs = new Map<string, string[]>();
    for (const dir of newDirs) {
      const rel = path.relative(tmp, dir); // account=A/region=R/date=E/delivery=D
      const [account, region] = rel.split(path.sep).slice(0, 2).map((part) => part.slice(part.indexOf('=') + 1));
      const target = path.join(root, rel);
      await fs.mkdir(path.dirname(target), { recursive: true });
      await fs.rm(target, { recursive: true, force: true });
      await fs.rename(dir, target);
      const names = (await fs.readdir(target)).filter((n) => n.endsWith('.parquet')).map((n) => path.join(rel, n));
      const key = partitionKey({ account, region });
      outputs.set(key, [...(outputs.get(key) ?? []), ...names]);
    }
    const partitions: Record<string, CompactedPartition> = {};
    for (const [key, files] of w.files) {
      // Files set aside as unreadable during the COPY are not part of what was compacted.
      const kept = files.filter((f) => !this.deps.lake.rejectedFiles().has(f.path));
      const out = (outputs.get(key) ?? []).sort();
      partitions[key] = {
        fingerprint: rawFingerprint(kept),
        rawFiles: kept.length,
        rawBytes: kept.reduce((n, f) => n + f.bytes, 0),
        outputs: out,
        outputBytes: await sizeOf(root, out),
      };
    }
    return partitions;
  }

  /** Temporary directories of interrupted runs. */
  private async removeLeftovers(root: string): Promise<void> {
    for (const name of await fs.readdir(root)) {
      if (name.startsWith('.tmp-')) await fs.rm(path.join(root, name), { recursive: true, force: true });
    }
  }
}

/**
 * Days compacted by one statement: DuckDB parallelises one large COPY better than many small
 * ones, and a batch stays small enough to bound the temporary space and show progress.
 */
const BATCH_FILES = 25_000;
const BATCH_DAYS = 8;

function batches(days: readonly DayWork[]): DayWork[][] {
  const out: DayWork[][] = [];
  let current: DayWork[] = [];
  let files = 0;
  for (const w of days) {
    const n = [...w.files.values()].reduce((k, f) => k + f.length, 0);
    if (current.length > 0 && (current.length >= BATCH_DAYS || files + n > BATCH_FILES)) {
      out.push(current);
      current = [];
      files = 0;
    }
    current.push(w);
    files += n;
  }
  if (current.length) out.push(current);
  return out;
}

/** Whether a day's raw files are exactly the ones it was compacted from. */
function unchanged(manifest: ParquetManifest, w: DayWork): boolean {
  const done = manifest.days[w.day];
  if (!done) return false;
  const keys = Object.keys(done.partitions);
  if (keys.length !== w.files.size) return false;
  return [...w.files].every(([key, files]) => done.partitions[key]?.fingerprint === rawFingerprint(files));
}

/** Every `delivery=D` directory under `account=/region=/date=/`, by day. */
async function deliveryDirs(root: string): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  const sub = async (dir: string, prefix: string) =>
    (await fs.readdir(dir, { withFileTypes: true }).catch(() => [])).filter((d) => d.isDirectory() && d.name.startsWith(prefix)).map((d) => path.join(dir, d.name));
  for (const a of await sub(root, 'account=')) {
    for (const r of await sub(a, 'region=')) {
      for (const e of await sub(r, 'date=')) {
        for (const d of await sub(e, 'delivery=')) {
          const day = DELIVERY_DIR.exec(path.basename(d))?.[1];
          if (day) out.set(day, [...(out.get(day) ?? []), d]);
        }
      }
    }
  }
  return out;
}

async function sizeOf(root: string, files: readonly string[]): Promise<number> {
  let n = 0;
  for (const f of files) n += (await fs.stat(path.join(root, f))).size;
  return n;
}

/** The day after, for ranges given as inclusive last days. */
export const dayAfter = (day: string): string => addDays(day, 1);
