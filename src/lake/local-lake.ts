import { promises as fs } from 'node:fs';
import path from 'node:path';
import { listPartitionFiles, scanLakePartitions, type LakeFile, type LakePartition } from './lake-layout';

const GLOB_CHARACTERS = /[*?[\]{}\\]/;

/**
 * A lake on local disk: its partition inventory (re-scanned after `ttlMs`), the files of each
 * partition folder (re-listed when the folder changes), and the files found unreadable.
 */
export class LocalLake {
  private inventory: { at: number; partitions: Promise<LakePartition[]> } | null = null;
  private readonly fileListCache = new Map<string, { mtimeMs: number; files: LakeFile[]; checkedAt: number }>();
  private readonly rejected = new Map<string, string>();
  /** folders holding a rejected file: never read by pattern (see wholeFolders) */
  private readonly rejectedDirs = new Set<string>();
  /** folders where a file that is not one JSON value per line was found (see unstructured) */
  private readonly unstructuredDirs = new Set<string>();

  constructor(
    readonly root: string,
    private readonly ttlMs = 30_000,
    private readonly now: () => number = Date.now,
  ) {}

  partitions(): Promise<LakePartition[]> {
    const t = this.now();
    if (!this.inventory || t - this.inventory.at > this.ttlMs) {
      const partitions = scanLakePartitions(this.root);
      this.inventory = { at: t, partitions };
      partitions.catch(() => (this.inventory = null));
    }
    return this.inventory.partitions;
  }

  /** Readable files of the given partitions, without the ones rejected earlier. */
  async files(partitions: readonly LakePartition[]): Promise<LakeFile[]> {
    const lists = await Promise.all(partitions.map((p) => this.filesOf(p.dir)));
    return lists.flat().filter((f) => !this.rejected.has(f.path));
  }

  /**
   * The files of each partition folder, as listed (rejected files included), one list per folder.
   * A folder's list is the same array until the folder changes: callers may memoise on it.
   */
  async fileLists(partitions: readonly LakePartition[]): Promise<LakeFile[][]> {
    return Promise.all(partitions.map((p) => this.filesOf(p.dir)));
  }

  /**
   * A folder's files, re-listed when its mtime changes. The mtime itself is looked at again only
   * after `ttlMs` (like the partition inventory): a query over a month of folders does not stat
   * each of them every time, and a new delivery shows within ttlMs.
   */
  private async filesOf(dir: string): Promise<LakeFile[]> {
    const t = this.now();
    const hit = this.fileListCache.get(dir);
    if (hit && t - hit.checkedAt <= this.ttlMs) return hit.files;
    const st = await fs.stat(dir).catch(() => null);
    if (!st) {
      this.fileListCache.delete(dir);
      return [];
    }
    if (hit && hit.mtimeMs === st.mtimeMs) {
      this.fileListCache.set(dir, { ...hit, checkedAt: t });
      return hit.files;
    }
    const files = await listPartitionFiles(dir);
    this.fileListCache.set(dir, { mtimeMs: st.mtimeMs, files, checkedAt: t });
    return files;
  }

  /**
   * The folders all of whose listed log files are in `files` (none left out, none ever set aside
   * there), so a reader may take the folder's pattern for them. Folders with glob characters in
   * their path are never whole: a pattern could not name them.
   */
  wholeFolders(files: readonly LakeFile[]): Set<string> {
    const given = new Map<string, number>();
    for (const f of files) {
      const dir = path.dirname(f.path);
      given.set(dir, (given.get(dir) ?? 0) + 1);
    }
    const whole = new Set<string>();
    for (const [dir, n] of given) {
      const listed = this.fileListCache.get(dir)?.files;
      if (!listed || GLOB_CHARACTERS.test(dir) || this.rejectedDirs.has(dir)) continue;
      if (listed.length === n) whole.add(dir);
    }
    return whole;
  }

  /**
   * Lists `dir` again when next asked (a file was found there that the listing does not hold);
   * until then its listing stands (for wholeFolders).
   */
  relist(dir: string): void {
    const hit = this.fileListCache.get(dir);
    if (hit) this.fileListCache.set(dir, { ...hit, mtimeMs: Number.NaN, checkedAt: Number.NEGATIVE_INFINITY });
  }

  /**
   * Of `dirs`, those changed since they were listed (a file added or removed: a folder's mtime
   * moves, as the listing cache already relies on), or never listed.
   */
  async changedSinceListing(dirs: Iterable<string>): Promise<string[]> {
    const checks = [...dirs].map(async (dir) => {
      const st = await fs.stat(dir).catch(() => null);
      return st && st.mtimeMs === this.fileListCache.get(dir)?.mtimeMs ? null : dir;
    });
    return (await Promise.all(checks)).filter((d): d is string => d !== null);
  }

  reject(file: string, reason: string): void {
    this.rejected.set(file, reason);
    this.rejectedDirs.add(path.dirname(file));
  }

  rejectedFiles(): ReadonlyMap<string, string> {
    return this.rejected;
  }

  /**
   * Marks the folders of `files` as holding files that may not be one JSON value per line
   * (CloudTrail writes one object per file on one line; a hand-made or pretty-printed copy may
   * not). A folder rather than a file: its files come from one producer, so one discovery covers
   * them. Returns whether any folder was new.
   */
  markUnstructured(files: readonly string[]): boolean {
    const before = this.unstructuredDirs.size;
    for (const f of files) this.unstructuredDirs.add(path.dirname(f));
    return this.unstructuredDirs.size > before;
  }

  /** Of `files`, those in a folder marked by markUnstructured (read with JSON format detection). */
  unstructured(files: readonly string[]): ReadonlySet<string> {
    if (this.unstructuredDirs.size === 0) return new Set();
    return new Set(files.filter((f) => this.unstructuredDirs.has(path.dirname(f))));
  }

  /** A path relative to the lake root: what logs may show (clients never see paths). */
  relative(file: string): string {
    return path.relative(this.root, file);
  }
}
