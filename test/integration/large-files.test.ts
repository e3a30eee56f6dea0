import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { openHarness } from '../support/gateway-harness';

/** A busy account's delivery file can exceed DuckDB's default 16 MB object buffer. */
const DAY = 'AWSLogs/111122223333/CloudTrail/us-east-1/2024/05/01';
const RECORDS = 24_000;
const TOTAL = `query($f: EventFilter!) { eventStats(filter: $f, groupBy: []) { totalEvents } }`;
const RANGE = { from: '2024-05-01T00:00:00Z', to: '2024-05-02T00:00:00Z' };

describe('a 25 MB delivery file', () => {
  let dir: string;

  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'tg-large-'));
    mkdirSync(path.join(dir, DAY), { recursive: true });
    const pad = 'x'.repeat(1000);
    const records = Array.from({ length: RECORDS }, (_, i) => ({
      eventVersion: '1.08',
      eventTime: `2024-05-01T10:${String(Math.floor(i / 1000) % 60).padStart(2, '0')}:00Z`,
      eventSource: 's3.amazonaws.com',
      eventName: 'GetObject',
      awsRegion: 'us-east-1',
      eventID: `large-${i}`,
      requestParameters: { bucketName: 'b', key: `k/${i}`, pad },
    }));
    const text = JSON.stringify({ Records: records });
    expect(text.length).toBeGreaterThan(16 * 1024 * 1024);
    writeFileSync(path.join(dir, DAY, '111122223333_CloudTrail_us-east-1_20240501T1105Z_big.json.gz'), gzipSync(text, { level: 1 }));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('is read whole: the buffer grows on demand', async () => {
    const h = await openHarness(dir);
    try {
      const r = await h.exec(TOTAL, { f: { range: RANGE } });
      expect(r.errors).toBeUndefined();
      expect(r.data!.eventStats.totalEvents).toBe(RECORDS);
    } finally {
      await h.close();
    }
  });

  it('is set aside and reported, not fatal, when it exceeds TRAILGATE_MAX_FILE_MB', async () => {
    const h = await openHarness(dir, { TRAILGATE_MAX_FILE_MB: '16' });
    try {
      const r = await h.exec(TOTAL, { f: { range: RANGE } });
      expect(r.errors).toBeUndefined();
      expect(r.data!.eventStats.totalEvents).toBe(0);
      const lake = await h.exec(`{ lake { files rejectedFiles } }`);
      expect(lake.data!.lake).toEqual({ files: 1, rejectedFiles: 1 });
    } finally {
      await h.close();
    }
  });
});
