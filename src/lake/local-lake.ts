import { promises as fs } from 'node:fs';
import path from 'node:path';
import { listPartitionFiles, scanLakePartitions, type LakeFile, type LakePartition } from './lake-layout';

/**
 * A lake on local disk: its partition inventory (re-scanned after `ttlMs`), the files of each
 * partition folder (re-listed when the folder changes), and the files found unreadable.
 */
export class LocalLake {
  private inventory: { at: number; partitions: Promise<LakePartition[]> } | null = null;
  private readonly fileLists = new Map<string, { mtimeMs: number; files: LakeFile[] }>();
  private readonly rejected = new Map<string, string>();

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

  private async filesOf(dir: string): Promise<LakeFile[]> {
    const st = await fs.stat(dir).catch(() => null);
    if (!st) return [];
    const hit = this.fileLists.get(dir);
    if (hit && hit.mtimeMs === st.mtimeMs) return hit.files;
    const files = await listPartitionFiles(dir);
    this.fileLists.set(dir, { mtimeMs: st.mtimeMs, files });
    return files;
  }

  reject(file: string, reason: string): void {
    this.rejected.set(file, reason);
  }

  rejectedFiles(): ReadonlyMap<string, string> {
    return this.rejected;
  }

  /** A path relative to the lake root: what logs may show (clients never see paths). */
  relative(file: string): string {
    return path.relative(this.root, file);
  }
}
