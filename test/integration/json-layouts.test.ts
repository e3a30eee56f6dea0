import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { openHarness, type Harness } from '../support/gateway-harness';

jest.setTimeout(120_000);

/**
 * CloudTrail writes each file as one JSON object on one line, and trailgate reads raw files as
 * newline-delimited JSON. Copies made by hand or by other tools may be laid out otherwise: those
 * files must be read all the same (their folders with format detection), and nothing dropped.
 */
const FLAWS = path.resolve(__dirname, '../../../shared/data/cloudtrail/flaws2-cloud');
const ACCOUNT = '653711331788';
const DAY_DIR = `AWSLogs/${ACCOUNT}/CloudTrail/us-east-1/2018/11/28`;
const PRETTY_DAY = '2018-11-25';
const ODD_DAY = '2018-11-26';
const TOTAL = `query($f: EventFilter!) { eventStats(filter: $f, groupBy: []) { totalEvents } }`;
const LAKE = `{ lake { files rejectedRecords rejectedFiles } }`;
const dayRange = (day: string) => ({ from: `${day}T00:00:00Z`, to: `${day}T23:59:59Z` });

let serial = 0;
const record = (day: string) => ({
  eventVersion: '1.08',
  eventTime: `${day}T10:${String(serial % 60).padStart(2, '0')}:00Z`,
  eventSource: 'iam.amazonaws.com',
  eventName: 'ListUsers',
  awsRegion: 'us-east-1',
  eventID: `layout-${++serial}`,
  recipientAccountId: ACCOUNT,
  userIdentity: { type: 'IAMUser', arn: `arn:aws:iam::${ACCOUNT}:user/layout`, accountId: ACCOUNT },
  requestParameters: {},
});
const records = (day: string, n: number) => Array.from({ length: n }, () => record(day));

function write(root: string, day: string, stamp: string, text: string): void {
  const dir = path.join(root, `AWSLogs/${ACCOUNT}/CloudTrail/us-east-1/${day.replace(/-/g, '/')}`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, `${ACCOUNT}_CloudTrail_us-east-1_${day.replace(/-/g, '')}T${stamp}Z_${stamp}.json.gz`), gzipSync(text));
}

/** The records of the flaws2 day, counted by parsing each file whole (not as lines). */
function flawsDayRecords(): number {
  const dir = path.join(FLAWS, DAY_DIR);
  return readdirSync(dir).reduce((n, f) => n + JSON.parse(gunzipSync(readFileSync(path.join(dir, f))).toString()).Records.length, 0);
}

describe('raw files laid out other than one object per line', () => {
  let dir: string;
  let expected: { pretty: number; odd: number; flaws: number };

  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'tg-layouts-'));
    cpSync(path.join(FLAWS, 'AWSLogs'), path.join(dir, 'AWSLogs'), { recursive: true });
    // pretty-printed (a multi-line object), one record per line inside the array, and CRLF lines
    const pretty = [records(PRETTY_DAY, 3), records(PRETTY_DAY, 4), records(PRETTY_DAY, 2)];
    write(dir, PRETTY_DAY, '0005', JSON.stringify({ Records: pretty[0] }, null, 2));
    write(dir, PRETTY_DAY, '0010', `{"Records": [\n${pretty[1].map((r) => JSON.stringify(r)).join(',\n')}\n]}\n`);
    write(dir, PRETTY_DAY, '0015', JSON.stringify({ Records: pretty[2] }, null, 1).replace(/\n/g, '\r\n'));
    // one line, but not one object: two objects back to back, and a JSON array holding one
    const odd = [records(ODD_DAY, 2), records(ODD_DAY, 3), records(ODD_DAY, 4)];
    write(dir, ODD_DAY, '0005', JSON.stringify({ Records: odd[0] }) + JSON.stringify({ Records: odd[1] }));
    write(dir, ODD_DAY, '0010', JSON.stringify([{ Records: odd[2] }]));
    const count = (groups: unknown[][]) => groups.reduce((n, g) => n + g.length, 0);
    expected = { pretty: count(pretty), odd: count(odd), flaws: flawsDayRecords() };
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads multi-line files in full, even when a query meets them before the census', async () => {
    const h: Harness = await openHarness(dir, { TRAILGATE_CACHE: 'off' });
    try {
      const r = await h.exec(TOTAL, { f: { range: dayRange(PRETTY_DAY) } });
      expect(r.errors).toBeUndefined();
      expect(r.data!.eventStats.totalEvents).toBe(expected.pretty);
    } finally {
      await h.close();
    }
  });

  describe('after the census', () => {
    let h: Harness;
    beforeAll(async () => {
      h = await openHarness(dir, { TRAILGATE_CACHE: 'off' });
    });
    afterAll(() => h.close());

    it('counts every file and record as readable', async () => {
      const r = await h.exec(LAKE);
      expect(r.errors).toBeUndefined();
      expect(r.data!.lake).toMatchObject({ rejectedRecords: 0, rejectedFiles: 0 });
    });

    it('answers from objects back to back on one line and from a JSON array of them', async () => {
      const r = await h.exec(TOTAL, { f: { range: dayRange(ODD_DAY) } });
      expect(r.errors).toBeUndefined();
      expect(r.data!.eventStats.totalEvents).toBe(expected.odd);
      const pretty = await h.exec(TOTAL, { f: { range: dayRange(PRETTY_DAY) } });
      expect(pretty.data!.eventStats.totalEvents).toBe(expected.pretty);
    });

    it('still reads the folders of one-line files as newline-delimited JSON', async () => {
      const [q] = await h.explain(TOTAL, { f: { range: { from: '2018-11-25T00:00:00Z', to: '2018-11-29T00:00:00Z' } } });
      const flawsFiles = readdirSync(path.join(dir, DAY_DIR)).length;
      expect(q.parameters[0].value).toBe(`<the ${flawsFiles} log files of the partitions listed>`);
      expect(q.parameters[1].value).toBe('<the 5 log files read with format detection of the partitions listed>');
      expect(q.sql).toContain("format = 'newline_delimited'");
      const whole = await h.exec(TOTAL, { f: { range: { from: '2018-11-25T00:00:00Z', to: '2018-11-29T00:00:00Z' } } });
      expect(whole.data!.eventStats.totalEvents).toBe(expected.pretty + expected.odd + expected.flaws);
    });
  });

  describe('files delivered to a folder after it was listed (folders are read by pattern)', () => {
    const LATE_DAY = '2018-11-24';
    let h: Harness;
    beforeAll(async () => {
      write(dir, LATE_DAY, '0005', JSON.stringify({ Records: records(LATE_DAY, 3) }));
      h = await openHarness(dir, { TRAILGATE_CACHE: 'off', TRAILGATE_INVENTORY_TTL_MS: '3600000' });
      const first = await h.exec(TOTAL, { f: { range: dayRange(LATE_DAY) } });
      expect(first.data!.eventStats.totalEvents).toBe(3);
    });
    afterAll(() => h.close());

    it('sets aside an unreadable one and answers from the rest, then reads the folder file by file', async () => {
      const folder = path.join(dir, `AWSLogs/${ACCOUNT}/CloudTrail/us-east-1/2018/11/24`);
      writeFileSync(path.join(folder, `${ACCOUNT}_CloudTrail_us-east-1_20181124T0010Z_late.json.gz`), Buffer.from('not gzip'));
      const r = await h.exec(TOTAL, { f: { range: dayRange(LATE_DAY) } });
      expect(r.errors).toBeUndefined();
      expect(r.data!.eventStats.totalEvents).toBe(3);
      const again = await h.exec(TOTAL, { f: { range: dayRange(LATE_DAY) } });
      expect(again.data!.eventStats.totalEvents).toBe(3);
    });
  });
});
