import { randomUUID } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import { addDays, utcDay } from '../../domain/utc-day';
import type { LakeFile, LakePartition } from '../../lake/lake-layout';
import type { LocalLake } from '../../lake/local-lake';
import {
  emptyManifest,
  eventDayOf,
  parquetRoot,
  partitionKey,
  rawFingerprint,
  readManifest,
  writeManifest,
  ROLLUP_FILES,
  type RollupKind,
  type CompactedDay,
  type CompactedRollups,
  type CompactedPartition,
  type ParquetManifest,
} from '../../lake/parquet-manifest';
import { ROLLUP_DIGEST } from '../../query/identity-rollup';
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
  /** compacted days whose identity rollups were written again from their unchanged outputs (a tier written before rollups, or by another definition) */
  readonly rollupsRefreshed: number;
}

export type CompactProgress = (done: number, total: number, day: string) => void;

export interface DayWork {
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
  /** the statement rewriting Parquet files without the records `earlier` files hold (DuckDbCompiler.compileTierAntiJoin) */
  readonly antiJoin: (target: readonly string[], earlier: readonly string[], outFile: string) => CompiledSql;
  /**
   * the statement writing a rollup of tier folders' Parquet files, one file per folder under its
   * `date=…/delivery=…` in `outDir` (DuckDbRollupCompiler.compileBuild, compileFacetBuild)
   */
  readonly rollup: (kind: RollupKind, dataFiles: readonly string[], outDir: string) => CompiledSql;
  /** runs a statement that reads no raw file; resolves to the rows it wrote */
  readonly write: (compiled: CompiledSql) => Promise<number>;
  /**
   * Raw (gzip) bytes a compaction statement reads at most, unless one delivery day holds more: the
   * statement holds its rows in memory once (see compileCompaction), ~10 times their gzip size, and
   * past DuckDB's memory limit spills them to disk (measured on the 10 M-event lake: batches of 8
   * days spilled ~2.6 GB and took twice as long as batches held in memory).
   */
  readonly batchBytes: number;
}

/** A run's counts so far (CompactSummary's). */
interface Totals {
  compacted: number;
  rawFiles: number;
  rawBytes: number;
  parquetFiles: number;
  parquetBytes: number;
}

/** What a batch's COPY wrote, and the run's state its recording updates (LakeCompactor.recordBatch). */
interface BatchOutput {
  readonly root: string;
  /** the batch's temporary directory */
  readonly tmp: string;
  /** the manifest once the batch's de-duplication against earlier days is done */
  readonly manifest: ParquetManifest;
  /** the batch's days to record (not those queued again) */
  readonly recorded: readonly DayWork[];
  /** the output directories in `tmp`, by delivery day */
  readonly outputs: ReadonlyMap<string, string[]>;
  /** delivery day -> its directories in the tier (kept up to date) */
  readonly existing: Map<string, string[]>;
  readonly totals: Totals;
  /** days recorded in this run */
  readonly done: Set<string>;
}

const DELIVERY_DIR = /^delivery=(\d{4}-\d{2}-\d{2})$/;

/**
 * `trailgate compact` on a local lake: each delivery day becomes Parquet under
 * `<lake>/parquet/date=/delivery=/`, one DuckDB COPY per batch of days.
 *
 * Idempotent and incremental: a day whose raw files are unchanged since it was compacted is
 * skipped; a day that changed (late deliveries) is compacted again. Safe to interrupt: a day is
 * written to a temporary directory, dropped from the manifest, swapped in by renames, and only then
 * recorded; until it is recorded its partitions are read raw, and a re-run removes what an
 * interrupted one left.
 *
 * De-duplicated across the whole tier: a record (eventID and content) is kept once, in the
 * EARLIEST compacted delivery day that holds it (re-deliveries land on later days). A batch keeps
 * the earliest copy among its own days, then each output is rewritten without what earlier days
 * not in the batch already hold, for the same event day. So a day's output depends on the raw
 * files of the earlier compacted days that share its event days: when a day is compacted (again),
 * the later compacted days sharing an event day with it are compacted again too, read raw
 * meanwhile. Statements that read only the tier can then skip de-duplication.
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
    const changed = work.filter((w) => opts.force || !unchanged(manifest, w)).map((w) => w.day);
    const byDay = new Map(work.map((w) => [w.day, w]));
    // Later compacted days that may share an event day with a changed one are redone after it,
    // and read raw until then (dropped from the manifest now).
    const queue = new Set([...changed, ...laterOverlapping(manifest, changed)]);
    const followers = [...queue].filter((d) => !changed.includes(d));
    if (followers.length > 0) {
      manifest = withoutDays(manifest, followers);
      await writeManifest(this.deps.lake.root, manifest);
    }
    const done = new Set<string>();
    const totals: Totals = { compacted: 0, rawFiles: 0, rawBytes: 0, parquetFiles: 0, parquetBytes: 0 };
    const existing = await deliveryDirs(root);
    // days left as they are whose rollups are missing or stale get them from their outputs (below)
    const stale = work.filter((w) => !queue.has(w.day) && manifest.days[w.day] && manifest.days[w.day].rollups?.digest !== ROLLUP_DIGEST).length;
    let total = queue.size + stale;
    progress(0, total, [...queue].sort()[0] ?? '');
    // A batch's rollups and its recording run while the next batch's COPY reads (on another
    // connection): the COPY does not use the manifest, and the next batch waits for them before
    // anything that does (its de-duplication against earlier days, redoing later ones).
    let recording: Promise<ParquetManifest> = Promise.resolve(manifest);
    try {
      while (queue.size > 0) {
        for (const d of queue) if (!byDay.has(d)) byDay.set(d, (await this.days({ from: d, to: dayAfter(d) }))[0] ?? { day: d, files: new Map() });
        const batch = nextBatch([...queue].sort().map((d) => byDay.get(d)!), this.deps.batchBytes);
        for (const w of batch) queue.delete(w.day);
        const tmp = path.join(root, `.tmp-${randomUUID()}`);
        let handedOver = false;
        try {
          const files = batch.flatMap((w) => [...w.files.values()].flat());
          if (files.length > 0) await this.deps.execute(files, (fs) => this.deps.statement(fs, tmp));
          manifest = await recording;
          const written = await deliveryDirs(tmp);
          await this.withoutEarlierCopies(root, manifest, new Set(batch.map((w) => w.day)), written);
          const again = await deliveryDirs(tmp);
          const redone = await this.redoLaterDays(manifest, batch, again, queue);
          manifest = redone.manifest;
          total += redone.queued;
          const recorded = batch.filter((b) => !redone.requeued.includes(b.day));
          const last = batch[batch.length - 1].day;
          recording = this.recordBatch({ root, tmp, manifest, recorded, outputs: again, existing, totals, done }, () => progress(totals.compacted, total, last));
          recording.catch(() => undefined); // handled: a failure is raised where the run awaits it next
          handedOver = true;
        } finally {
          if (!handedOver) await fs.rm(tmp, { recursive: true, force: true });
        }
      }
      manifest = await recording;
    } finally {
      // never leave a batch being recorded behind a failure (the error that stopped the run is the one raised)
      await recording.catch(() => undefined);
    }
    const refreshed = await this.refreshRollups(root, manifest, work.map((w) => w.day).filter((d) => !done.has(d)), (n, day) => progress(totals.compacted + n, total, day));
    return { days: work.length, skipped: work.filter((w) => !done.has(w.day)).length, ...totals, rollupsRefreshed: refreshed };
  }

  /**
   * A batch's rollups, then each of its `recorded` days swapped in and recorded (see recordDay),
   * and its temporary directory removed; resolves to the manifest with those days. Runs while
   * the next batch's COPY reads (see run).
   */
  private async recordBatch(b: BatchOutput, recorded: () => void): Promise<ParquetManifest> {
    let manifest = b.manifest;
    try {
      await this.writeRollups(b.recorded.flatMap((w) => b.outputs.get(w.day) ?? []));
      for (const w of b.recorded) {
        const compacted = await this.recordDay(b.root, b.tmp, manifest, w, b.existing, b.outputs.get(w.day) ?? []);
        manifest = compacted.manifest;
        addTotals(b.totals, compacted.day);
        b.done.add(w.day);
      }
    } finally {
      await fs.rm(b.tmp, { recursive: true, force: true });
    }
    recorded();
    return manifest;
  }

  /**
   * Compacted days after a batch day that share an event day with it (before or now: `written`)
   * are dropped from the manifest and queued again; so are the batch's own days after such a day
   * (a skew the first guess missed), which are then not recorded now.
   */
  private async redoLaterDays(
    manifest: ParquetManifest,
    batch: readonly DayWork[],
    written: ReadonlyMap<string, string[]>,
    queue: Set<string>,
  ): Promise<{ manifest: ParquetManifest; requeued: string[]; queued: number }> {
    const redo = laterSharing(manifest, batch, written, queue);
    const requeued = redo.length > 0 ? batch.filter((w) => w.day > redo[0]).map((w) => w.day) : [];
    const days = [...redo, ...requeued];
    if (days.length === 0) return { manifest, requeued, queued: 0 };
    this.deps.logger.info({ days }, 'compacting later days again: they share event days with a day just compacted');
    const dropped = withoutDays(manifest, days);
    await writeManifest(this.deps.lake.root, dropped);
    for (const d of days) queue.add(d);
    return { manifest: dropped, requeued, queued: days.length };
  }

  /**
   * The rollups of output directories (`…/date=…/delivery=…`) from their Parquet files, beside
   * each (see ROLLUP_FILES), each file name + `suffix`: one statement per kind for all of them,
   * written under a staging directory of the tier and moved into place.
   */
  private async writeRollups(dirs: readonly string[], suffix = ''): Promise<void> {
    const data = (await Promise.all(dirs.map(async (d) => (await fs.readdir(d)).filter((n) => n.endsWith('.parquet')).map((n) => path.join(d, n))))).flat();
    if (data.length === 0) return;
    const byFolder = new Map(dirs.map((d) => [tierFolderOf(d), d]));
    for (const [kind, file] of Object.entries(ROLLUP_FILES) as Array<[RollupKind, string]>) {
      const staging = path.join(parquetRoot(this.deps.lake.root), `.tmp-rollup-${randomUUID()}`);
      try {
        await this.deps.write(this.deps.rollup(kind, data, staging));
        for (const [folder, dir] of byFolder) {
          const written = await fs.readdir(path.join(staging, folder)).catch(() => [] as string[]);
          if (written.length > 1) throw new Error(`a rollup statement wrote ${written.length} files for ${folder}`);
          if (written.length === 0) continue; // no valid record there: nothing to roll up
          const out = path.join(dir, file) + suffix;
          await fs.mkdir(path.dirname(out), { recursive: true });
          await fs.rename(path.join(staging, folder, written[0]), out);
        }
      } finally {
        await fs.rm(staging, { recursive: true, force: true });
      }
    }
  }

  /**
   * Compacted days left as they were whose rollups are missing or of another definition: written
   * again from their outputs (no raw file is read), swapped in by rename, then recorded.
   */
  private async refreshRollups(root: string, manifest: ParquetManifest, days: readonly string[], progress: (refreshed: number, day: string) => void): Promise<number> {
    let refreshed = 0;
    let current = manifest;
    for (const day of days) {
      const done = current.days[day];
      if (!done || done.rollups?.digest === ROLLUP_DIGEST) continue;
      const dirs = [...new Set(done.outputs.map((o) => path.join(root, path.dirname(o))))];
      await this.writeRollups(dirs, '.new');
      for (const dir of dirs) {
        for (const file of Object.values(ROLLUP_FILES)) {
          const target = path.join(dir, file);
          // a folder without valid records gets no rollup: one of another definition must not stay
          if (await fs.stat(`${target}.new`).catch(() => null)) await fs.rename(`${target}.new`, target);
          else await fs.rm(target, { force: true });
        }
      }
      current = { ...current, days: { ...current.days, [day]: { ...done, rollups: await rollupsOf(root, done.outputs) } } };
      await writeManifest(this.deps.lake.root, current);
      progress(++refreshed, day);
    }
    if (refreshed > 0) this.deps.logger.info({ days: refreshed }, 'rollups written for compacted days that had none of the current definition');
    return refreshed;
  }

  /**
   * Swaps a day's new output in and records it: dropped from the manifest first (its partitions
   * are served from the raw files until it is recorded again), then recorded with its outputs.
   * `existing` (delivery day -> its directories in the tier) is kept up to date.
   */
  private async recordDay(
    root: string,
    tmp: string,
    before: ParquetManifest,
    w: DayWork,
    existing: Map<string, string[]>,
    newDirs: readonly string[],
  ): Promise<{ manifest: ParquetManifest; day: CompactedDay }> {
    const dropped = withoutDays(before, [w.day]);
    await writeManifest(this.deps.lake.root, dropped);
    const day = await this.swapIn(root, tmp, w, existing.get(w.day) ?? [], newDirs);
    existing.set(w.day, newDirs.map((dir) => path.join(root, path.relative(tmp, dir))));
    const manifest = { ...dropped, days: { ...dropped.days, [w.day]: day } };
    await writeManifest(this.deps.lake.root, manifest);
    this.deps.logger.debug({ day: w.day }, 'compacted delivery day');
    return { manifest, day };
  }

  /**
   * Rewrites each output of the batch (in `written`, by delivery day) without the records that
   * compacted days outside the batch, earlier than its own, hold for the same event day.
   */
  private async withoutEarlierCopies(root: string, manifest: ParquetManifest, batch: ReadonlySet<string>, written: ReadonlyMap<string, string[]>): Promise<void> {
    for (const [day, dirs] of written) {
      for (const dir of dirs) {
        const date = eventDayOf(dir);
        const earlier = Object.entries(manifest.days)
          .filter(([d]) => d < day && !batch.has(d))
          .flatMap(([, done]) => done.outputs)
          .filter((o) => eventDayOf(o) === date)
          .map((o) => path.join(root, o));
        if (earlier.length === 0) continue;
        const target = (await fs.readdir(dir)).filter((n) => n.endsWith('.parquet')).map((n) => path.join(dir, n));
        const out = `${dir}.dedup.parquet`;
        const kept = await this.deps.write(this.deps.antiJoin(target, earlier, out));
        for (const f of target) await fs.rm(f);
        if (kept > 0) await fs.rename(out, path.join(dir, 'data_0.parquet'));
        else {
          await fs.rm(out, { force: true });
          await fs.rm(dir, { recursive: true, force: true });
        }
      }
    }
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
  private async swapIn(root: string, tmp: string, w: DayWork, oldDirs: readonly string[], newDirs: readonly string[]): Promise<CompactedDay> {
    for (const dir of oldDirs) await fs.rm(dir, { recursive: true, force: true });
    const outputs: string[] = [];
    for (const dir of newDirs) {
      const rel = path.relative(tmp, dir); // date=E/delivery=D
      const target = path.join(root, rel);
      await fs.mkdir(path.dirname(target), { recursive: true });
      await fs.rm(target, { recursive: true, force: true });
      await fs.rename(dir, target);
      outputs.push(...(await fs.readdir(target)).filter((n) => n.endsWith('.parquet')).map((n) => path.join(rel, n)));
    }
    const partitions: Record<string, CompactedPartition> = {};
    for (const [key, files] of w.files) {
      // Files set aside as unreadable during the COPY are not part of what was compacted.
      const kept = files.filter((f) => !this.deps.lake.rejectedFiles().has(f.path));
      partitions[key] = { fingerprint: rawFingerprint(kept), rawFiles: kept.length, rawBytes: kept.reduce((n, f) => n + f.bytes, 0) };
    }
    outputs.sort();
    return { compactedAt: new Date().toISOString(), partitions, outputs, outputBytes: await sizeOf(root, outputs), rollups: await rollupsOf(root, outputs) };
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
 * ones, and a batch stays small enough to bound the temporary space and show progress (and, by
 * LakeCompactorDeps.batchBytes, to hold its rows in memory).
 */
const BATCH_FILES = 25_000;
const BATCH_DAYS = 8;

/** The first batch of the (sorted) days left: at least one day, then as many as fit. */
export function nextBatch(days: readonly DayWork[], maxBytes: number): DayWork[] {
  const batch: DayWork[] = [];
  let files = 0;
  let bytes = 0;
  for (const w of days) {
    const dayFiles = [...w.files.values()].flat();
    const dayBytes = dayFiles.reduce((n, f) => n + f.bytes, 0);
    if (batch.length > 0 && (batch.length >= BATCH_DAYS || files + dayFiles.length > BATCH_FILES || bytes + dayBytes > maxBytes)) break;
    batch.push(w);
    files += dayFiles.length;
    bytes += dayBytes;
  }
  return batch;
}

/** `date=…/delivery=…`: the last two segments of an output directory. */
function tierFolderOf(dir: string): string {
  return path.join(path.basename(path.dirname(dir)), path.basename(dir));
}

/** The event days (`date=`) of a compacted day's outputs. */
function outputDates(done: CompactedDay | undefined): string[] {
  if (!done) return [];
  return [...new Set(done.outputs.map((o) => eventDayOf(o) ?? '').filter(Boolean))];
}

/**
 * Compacted days, other than `changed`, after the earliest changed day, that may share an event
 * day with a changed one: a changed day D's records have event days up to D + 1 (a delivery
 * never precedes its event by more than a day of clock skew), whatever they were before. The
 * run checks the event days it actually writes and redoes any later day it missed.
 */
function laterOverlapping(manifest: ParquetManifest, changed: readonly string[]): string[] {
  if (changed.length === 0) return [];
  const sorted = [...changed].sort();
  const set = new Set(changed);
  return Object.keys(manifest.days)
    .filter((d) => !set.has(d) && d > sorted[0])
    .filter((d) => {
      const dates = outputDates(manifest.days[d]);
      const before = sorted.filter((c) => c < d);
      const reach = addDays(before[before.length - 1], 1);
      return dates.some((e) => e <= reach || before.some((c) => outputDates(manifest.days[c]).includes(e)));
    })
    .sort();
}

/**
 * Compacted days outside the batch and the queue that share an event day with a batch day before
 * them, by what that day held before (the manifest) or holds now (`written`), sorted.
 */
function laterSharing(manifest: ParquetManifest, batch: readonly DayWork[], written: ReadonlyMap<string, string[]>, queue: ReadonlySet<string>): string[] {
  const days = new Set(batch.map((w) => w.day));
  const dates = batch.map((w) => ({ day: w.day, dates: new Set([...outputDates(manifest.days[w.day]), ...(written.get(w.day) ?? []).map((dir) => eventDayOf(dir) ?? '')]) }));
  return Object.keys(manifest.days)
    .filter((d) => !days.has(d) && !queue.has(d))
    .filter((d) => outputDates(manifest.days[d]).some((e) => dates.some((b) => b.day < d && b.dates.has(e))))
    .sort();
}

function withoutDays(manifest: ParquetManifest, days: readonly string[]): ParquetManifest {
  const drop = new Set(days);
  return { ...manifest, days: Object.fromEntries(Object.entries(manifest.days).filter(([d]) => !drop.has(d))) };
}

/** Whether a day's raw files are exactly the ones it was compacted from. */
function unchanged(manifest: ParquetManifest, w: DayWork): boolean {
  const done = manifest.days[w.day];
  if (!done) return false;
  const keys = Object.keys(done.partitions);
  if (keys.length !== w.files.size) return false;
  return [...w.files].every(([key, files]) => done.partitions[key]?.fingerprint === rawFingerprint(files));
}

/** Every `delivery=D` directory under `date=/`, by day. */
async function deliveryDirs(root: string): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  const sub = async (dir: string, prefix: string) =>
    (await fs.readdir(dir, { withFileTypes: true }).catch(() => [])).filter((d) => d.isDirectory() && d.name.startsWith(prefix)).map((d) => path.join(dir, d.name));
  for (const e of await sub(root, 'date=')) {
    for (const d of await sub(e, 'delivery=')) {
      const day = DELIVERY_DIR.exec(path.basename(d))?.[1];
      if (day) out.set(day, [...(out.get(day) ?? []), d]);
    }
  }
  return out;
}

/** Adds a recorded day to the run's totals. */
function addTotals(totals: Totals, day: CompactedDay): void {
  totals.compacted++;
  for (const p of Object.values(day.partitions)) {
    totals.rawFiles += p.rawFiles;
    totals.rawBytes += p.rawBytes;
  }
  totals.parquetFiles += day.outputs.length;
  totals.parquetBytes += day.outputBytes;
}

/** The rollup files beside a day's outputs (each kind, per output directory holding data). */
async function rollupsOf(root: string, outputs: readonly string[]): Promise<CompactedRollups> {
  const files: string[] = [];
  for (const dir of new Set(outputs.map((o) => path.dirname(o)))) {
    for (const file of Object.values(ROLLUP_FILES)) {
      const rel = path.join(dir, file);
      if (await fs.stat(path.join(root, rel)).catch(() => null)) files.push(rel);
    }
  }
  return { digest: ROLLUP_DIGEST, files, bytes: await sizeOf(root, files) };
}

async function sizeOf(root: string, files: readonly string[]): Promise<number> {
  let n = 0;
  for (const f of files) n += (await fs.stat(path.join(root, f))).size;
  return n;
}

/** The day after, for ranges given as inclusive last days. */
export const dayAfter = (day: string): string => addDays(day, 1);
