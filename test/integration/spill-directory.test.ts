import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { SpillDirectory, sweepAbandoned } from '../../src/engines/duckdb/spill-directory';

describe('DuckDB spill directories', () => {
  let parent: string;
  beforeEach(() => {
    parent = mkdtempSync(path.join(tmpdir(), 'tg-spill-test-'));
  });
  afterEach(() => rmSync(parent, { recursive: true, force: true }));

  const hourAgo = () => new Date(Date.now() - 3_600_000);
  /** a directory as a process killed while DuckDB spilled leaves it: files inside, nothing touched for an hour */
  const abandoned = (name: string, lock: 'none' | 'stale' | 'fresh') => {
    const dir = path.join(parent, name);
    mkdirSync(dir);
    writeFileSync(path.join(dir, 'duckdb_temp_storage_DEFAULT-0.tmp'), Buffer.alloc(4096));
    utimesSync(dir, hourAgo(), hourAgo());
    if (lock !== 'none') {
      mkdirSync(`${dir}.lock`);
      if (lock === 'stale') utimesSync(`${dir}.lock`, hourAgo(), hourAgo());
    }
    return dir;
  };

  it('is made locked and removed with its lock and contents', async () => {
    const lost: Error[] = [];
    const spill = await SpillDirectory.create((e) => lost.push(e), parent);
    expect(path.dirname(spill.path)).toBe(parent);
    expect(existsSync(`${spill.path}.lock`)).toBe(true);
    writeFileSync(path.join(spill.path, 'spilled.tmp'), 'x');
    await spill.remove();
    expect(readdirSync(parent)).toEqual([]);
    expect(lost).toEqual([]);
  });

  it('removes the directories of processes that are gone, and only those', async () => {
    const unlocked = abandoned('trailgate-duckdb-dead1', 'none');
    const stale = abandoned('trailgate-duckdb-dead2', 'stale');
    const live = abandoned('trailgate-duckdb-live', 'fresh'); // its owner refreshes the lock
    const young = path.join(parent, 'trailgate-duckdb-young'); // made a moment ago, not locked yet
    mkdirSync(young);
    const orphanLock = path.join(parent, 'trailgate-duckdb-gone.lock');
    mkdirSync(orphanLock);
    utimesSync(orphanLock, hourAgo(), hourAgo());
    const other = path.join(parent, 'someone-else');
    mkdirSync(other);
    utimesSync(other, hourAgo(), hourAgo());

    const removed = await sweepAbandoned(parent);

    expect(removed.sort()).toEqual([unlocked, stale, orphanLock].sort());
    expect(readdirSync(parent).sort()).toEqual(['someone-else', 'trailgate-duckdb-live', 'trailgate-duckdb-live.lock', 'trailgate-duckdb-young'].sort());
    expect(existsSync(path.join(live, 'duckdb_temp_storage_DEFAULT-0.tmp'))).toBe(true);
  });

  it('sweeps when a new one is made, keeping its own', async () => {
    const dead = abandoned('trailgate-duckdb-dead', 'stale');
    const spill = await SpillDirectory.create(() => undefined, parent);
    try {
      expect(existsSync(dead)).toBe(false);
      expect(existsSync(`${dead}.lock`)).toBe(false);
      expect(existsSync(spill.path)).toBe(true);
      // a second engine in the same process does not take the first one's for abandoned
      const second = await SpillDirectory.create(() => undefined, parent);
      utimesSync(spill.path, hourAgo(), hourAgo());
      expect(await sweepAbandoned(parent, second.path)).toEqual([]);
      await second.remove();
    } finally {
      await spill.remove();
    }
    expect(readdirSync(parent)).toEqual([]);
  });
});
