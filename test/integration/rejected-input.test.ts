import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { openHarness, type Harness } from '../support/gateway-harness';

const FLAWS = path.resolve(__dirname, '../../../shared/data/cloudtrail/flaws2-cloud');
const DAY_DIR = 'AWSLogs/653711331788/CloudTrail/us-east-1/2018/11/28';
const RANGE = { from: '2018-11-28T00:00:00Z', to: '2018-11-29T00:00:00Z' };
const TOTAL = `query($f: EventFilter!) { eventStats(filter: $f, groupBy: []) { totalEvents } }`;
const LAKE = `{ lake { files rejectedRecords rejectedFiles } }`;

const record = (over: Record<string, unknown>) => ({
  eventVersion: '1.08',
  eventTime: '2018-11-28T22:00:00Z',
  eventSource: 'iam.amazonaws.com',
  eventName: 'ListUsers',
  awsRegion: 'us-east-1',
  eventID: `test-${Math.random().toString(36).slice(2)}`,
  recipientAccountId: '653711331788',
  userIdentity: { type: 'IAMUser', arn: 'arn:aws:iam::653711331788:user/test' },
  ...over,
});

/**
 * A copy of the flaws2 set (37 records in 8 files) plus files a real bucket can hold: corrupt
 * gzip, truncated JSON, a JSON object without Records, a file whose Records hold unusable entries,
 * and a re-delivered file.
 */
function buildLake(): { dir: string; goodFiles: number } {
  const dir = mkdtempSync(path.join(tmpdir(), 'tg-rejected-'));
  cpSync(path.join(FLAWS, 'AWSLogs'), path.join(dir, 'AWSLogs'), { recursive: true });
  const day = path.join(dir, DAY_DIR);
  const goodFiles = readdirSync(day).length;
  const name = (stamp: string) => path.join(day, `653711331788_CloudTrail_us-east-1_20181128T${stamp}Z_x${stamp}.json.gz`);
  writeFileSync(name('2301'), Buffer.from('this is not gzip'));
  writeFileSync(name('2302'), gzipSync('{"Records":[{"eventID":'));
  writeFileSync(name('2303'), gzipSync(JSON.stringify({ NotRecords: [] })));
  // 2 usable records, 3 that cannot be served (no time, unparseable time, no name) and a non-object.
  writeFileSync(
    name('2304'),
    gzipSync(
      JSON.stringify({
        Records: [record({}), record({ eventName: 'GetUser' }), record({ eventTime: undefined }), record({ eventTime: 'yesterday' }), record({ eventName: undefined }), 42],
      }),
    ),
  );
  // A duplicate delivery: the first original file again, under another name in the next day's folder.
  const nextDay = path.join(dir, DAY_DIR.replace('/28', '/29'));
  mkdirSync(nextDay, { recursive: true });
  const first = readdirSync(day).sort()[0];
  cpSync(path.join(day, first), path.join(nextDay, `653711331788_CloudTrail_us-east-1_20181129T0005Z_dup.json.gz`));
  return { dir, goodFiles };
}

describe('a lake with unreadable files and unusable records', () => {
  let lake: { dir: string; goodFiles: number };
  let h: Harness;

  beforeAll(async () => {
    lake = buildLake();
    h = await openHarness(lake.dir);
  });
  afterAll(async () => {
    await h.close();
    rmSync(lake.dir, { recursive: true, force: true });
  });

  it('still answers, counting every usable record once', async () => {
    const r = await h.exec(TOTAL, { f: { range: RANGE } });
    expect(r.errors).toBeUndefined();
    // 37 flaws2 records + the 2 usable synthetic ones; the re-delivered file adds nothing.
    expect(r.data!.eventStats.totalEvents).toBe(37 + 2);
  });

  it('reports the rejected files and records in `lake`', async () => {
    await h.exec(TOTAL, { f: { range: RANGE } });
    const r = await h.exec(LAKE);
    expect(r.errors).toBeUndefined();
    expect(r.data!.lake).toEqual({
      files: lake.goodFiles + 4 + 1, // originals + 4 test files + the re-delivered copy
      rejectedRecords: 4, // no time, bad time, no name, a non-object entry
      rejectedFiles: 3, // not gzip, truncated JSON, no Records array
    });
  });

  it('reports the same counts from a fresh gateway whose first call is `lake`', async () => {
    const fresh = await openHarness(lake.dir);
    try {
      const r = await fresh.exec(LAKE);
      expect(r.data!.lake.rejectedFiles).toBe(3);
      expect(r.data!.lake.rejectedRecords).toBe(4);
    } finally {
      await fresh.close();
    }
  });
});
