import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LocalLake } from '../../src/lake/local-lake';

/** Folder listings are reused for ttlMs, then re-checked by mtime (a new delivery shows within ttlMs). */
describe('LocalLake folder listings', () => {
  const root = mkdtempSync(path.join(os.tmpdir(), 'trailgate-locallake-'));
  const dir = path.join(root, 'AWSLogs', '111122223333', 'CloudTrail', 'eu-west-1', '2024', '03', '01');
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('sees a new file only after ttlMs, and hands out the same list while the folder is unchanged', async () => {
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'a.json.gz'), 'x');
    let now = 1_000;
    const lake = new LocalLake(root, 30_000, () => now);
    const [part] = await lake.partitions();
    expect((await lake.files([part])).map((f) => path.basename(f.path))).toEqual(['a.json.gz']);
    const [first] = await lake.fileLists([part]);

    writeFileSync(path.join(dir, 'b.json.gz'), 'y');
    utimesSync(dir, new Date(), new Date(Date.now() + 5_000)); // a folder mtime that surely moved
    now += 29_000;
    expect((await lake.files([part])).length).toBe(1);
    expect((await lake.fileLists([part]))[0]).toBe(first);

    now += 2_000;
    expect((await lake.files([part])).map((f) => path.basename(f.path)).sort()).toEqual(['a.json.gz', 'b.json.gz']);
    const [second] = await lake.fileLists([part]);
    expect(second).not.toBe(first);
    now += 31_000;
    expect((await lake.fileLists([part]))[0]).toBe(second); // unchanged folder: same list after a re-check
  });
});
