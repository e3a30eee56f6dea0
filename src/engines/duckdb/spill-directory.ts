import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import lockfile from 'proper-lockfile';

const PREFIX = 'trailgate-duckdb-';

/**
 * How long a spill directory's lock may go unrefreshed before another process takes its owner for
 * gone. The owner refreshes it every UPDATE_MS from its event loop (DuckDB's work runs on other
 * threads), so only a process that is dead (or frozen for minutes) looks abandoned.
 */
const STALE_MS = 5 * 60_000;
const UPDATE_MS = 30_000;

/**
 * DuckDB's temporary directory for one engine: made in the OS temporary directory, held under a
 * lock (proper-lockfile: a sibling `<dir>.lock` whose mtime the owner keeps fresh) and removed on
 * close. A process killed while DuckDB spilled leaves its directory behind (gigabytes, when a
 * compaction spilled); each new one removes those whose owner is gone (see sweepAbandoned).
 */
export class SpillDirectory {
  private constructor(
    readonly path: string,
    private readonly unlock: () => Promise<void>,
  ) {}

  /**
   * `onLockLost`: called if the lock could not be kept fresh (or was taken away): another process
   * may then remove the directory while DuckDB uses it.
   */
  static async create(onLockLost: (err: Error) => void, parent = tmpdir()): Promise<SpillDirectory> {
    const dir = await fs.mkdtemp(path.join(parent, PREFIX));
    let unlock: () => Promise<void>;
    try {
      unlock = await lockfile.lock(dir, { stale: STALE_MS, update: UPDATE_MS, realpath: false, onCompromised: onLockLost });
    } catch (err) {
      await fs.rm(dir, { recursive: true, force: true });
      throw err;
    }
    await sweepAbandoned(parent, dir);
    return new SpillDirectory(dir, unlock);
  }

  /** Releases the lock and removes the directory with whatever DuckDB left in it. */
  async remove(): Promise<void> {
    await this.unlock().catch(() => undefined); // already released, or compromised: the directory goes anyway
    await fs.rm(this.path, { recursive: true, force: true });
  }
}

/**
 * Removes the spill directories in `parent` (other than `keep`) whose lock is missing or stale,
 * and lock directories left without theirs. A directory younger than STALE_MS is left alone even
 * unlocked: its process may be between making it and locking it. Returns what it removed.
 */
export async function sweepAbandoned(parent: string, keep: string | null = null): Promise<string[]> {
  const names = await fs.readdir(parent).catch(() => [] as string[]);
  const removed: string[] = [];
  const now = Date.now();
  const old = async (p: string) => {
    const st = await fs.stat(p).catch(() => null);
    return st !== null && now - st.mtimeMs > STALE_MS;
  };
  for (const name of names) {
    if (!name.startsWith(PREFIX)) continue;
    const full = path.join(parent, name);
    if (full === keep) continue;
    if (name.endsWith('.lock')) {
      const owner = full.slice(0, -'.lock'.length);
      const ownerExists = await fs.stat(owner).then(() => true, () => false);
      if (!ownerExists && (await old(full))) {
        await fs.rm(full, { recursive: true, force: true });
        removed.push(full);
      }
      continue;
    }
    if (!(await old(full))) continue;
    const held = await lockfile.check(full, { stale: STALE_MS, realpath: false }).catch(() => true);
    if (held) continue;
    await fs.rm(full, { recursive: true, force: true });
    await fs.rm(`${full}.lock`, { recursive: true, force: true });
    removed.push(full);
  }
  return removed;
}
