import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { generateSampleLake, type SampleLakeSummary } from '../../src/lake/sample-generator';
import { openHarness, type Harness, type TestResult } from '../support/gateway-harness';
import { filterEvents, groupStats, iso, loadReferenceLake, sortRows, spanOf, type FilterInput, type ReferenceLake } from '../support/reference-lake';

/**
 * The gateway over lakes made by the project's own generator, in both layouts, against the
 * independent reference reader: totals, groupings, day ranges across midnight, partition pruning
 * (files read), duplicates and paging.
 */
const STATS = `query($f: EventFilter!, $g: [GroupKey!]!) { eventStats(filter: $f, groupBy: $g, first: 1000) { totalEvents rows { keys count errorCount } } }`;
const TOTAL = `query($f: EventFilter!) { eventStats(filter: $f, groupBy: []) { totalEvents } }`;

const jsonOf = (r: TestResult) => JSON.parse(JSON.stringify(r)) as TestResult;

function filesIn(root: string, predicate: (rel: string[]) => boolean): number {
  let n = 0;
  const walk = (dir: string, rel: string[]) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (e.isDirectory()) walk(path.join(dir, e.name), [...rel, e.name]);
      else if (e.name.endsWith('.json.gz') && rel.includes('CloudTrail') && predicate(rel)) n++;
    }
  };
  walk(root, []);
  return n;
}

describe.each([
  ['single-account layout', undefined],
  ['organization layout', 'abcd123456'],
])('a generated lake, %s', (_name, orgId) => {
  let dir: string;
  let summary: SampleLakeSummary;
  let ref: ReferenceLake;
  let h: Harness;
  const exec = async (q: string, v?: Record<string, unknown>) => jsonOf(await h.exec(q, v));

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'tg-gen-'));
    summary = await generateSampleLake({ out: dir, events: 6000, days: 4, accounts: 2, seed: 11, orgId });
    ref = loadReferenceLake(dir);
    h = await openHarness(dir);
  });
  afterAll(async () => {
    await h?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves every distinct event once (duplicate deliveries collapse)', async () => {
    expect(summary.duplicates).toBeGreaterThan(0);
    expect(ref.records.length).toBe(summary.events + summary.duplicates);
    expect(ref.served.length).toBe(summary.events);
    const r = await exec(TOTAL, { f: { range: spanOf(ref.served) } });
    expect(r.data!.eventStats.totalEvents).toBe(summary.events);
  });

  it.each([['EVENT_NAME'], ['PRINCIPAL_ARN'], ['IDENTITY_TYPE'], ['ACCOUNT'], ['REGION'], ['HOUR_OF_DAY'], ['ERROR_CODE']] as const)(
    'groups by %s as a plain reduction over the records does',
    async (dim) => {
      const range = spanOf(ref.served);
      const r = await exec(STATS, { f: { range }, g: [{ dimension: dim }] });
      expect(r.errors).toBeUndefined();
      const want = groupStats(filterEvents(ref, { range }), [dim]).map(({ keys, count, errorCount }) => ({ keys, count, errorCount }));
      expect(sortRows(r.data!.eventStats.rows)).toEqual(sortRows(want));
    },
  );

  it('finds the events of a day filed in the next day’s folder, reading only those two days', async () => {
    const lateOnes = ref.served.filter((e) => e.folderDay > iso(e.time).slice(0, 10));
    expect(lateOnes.length).toBeGreaterThan(0);
    const day = iso(lateOnes[0].time).slice(0, 10);
    const next = new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
    const filter: FilterInput = { range: { from: `${day}T00:00:00Z`, to: `${next}T00:00:00Z` } };
    const r = await exec(TOTAL, { f: filter });
    expect(r.data!.eventStats.totalEvents).toBe(filterEvents(ref, filter).length);
    const [y, m, d] = day.split('-');
    const [ny, nm, nd] = next.split('-');
    const expectedFiles = filesIn(dir, (rel) => {
      const k = rel.slice(-3).join('-');
      return k === `${y}-${m}-${d}` || k === `${ny}-${nm}-${nd}`;
    });
    expect(r.extensions!.trailgate.queries[0].filesRead).toBe(expectedFiles);
  });

  it('prunes to the filtered account and to the filtered region plus us-east-1', async () => {
    const range = spanOf(ref.served);
    const account = summary.accounts[1];
    const byAccount = await exec(TOTAL, { f: { range, accounts: [account] } });
    expect(byAccount.data!.eventStats.totalEvents).toBe(filterEvents(ref, { range, accounts: [account] }).length);
    expect(byAccount.extensions!.trailgate.queries[0].filesRead).toBe(filesIn(dir, (rel) => rel.includes(account)));

    const byRegion = await exec(TOTAL, { f: { range, regions: ['eu-west-1'] } });
    expect(byRegion.data!.eventStats.totalEvents).toBe(filterEvents(ref, { range, regions: ['eu-west-1'] }).length);
    expect(byRegion.extensions!.trailgate.queries[0].filesRead).toBe(
      filesIn(dir, (rel) => rel.includes('eu-west-1') || rel.includes('us-east-1')),
    );
    expect(byRegion.extensions!.trailgate.queries[0].filesRead).toBeLessThan(summary.files);
  });

  it('pages through a day of events, each once, newest first', async () => {
    const day = iso(ref.served[0].time).slice(0, 10);
    const range = { from: `${day}T00:00:00Z`, to: `${day}T12:00:00Z` };
    const want = filterEvents(ref, { range });
    const seen: string[] = [];
    let after: string | null = null;
    let last = '9999';
    for (let page = 0; page < 100; page++) {
      const r = await exec(
        `query($f: EventFilter!, $a: String) { events(filter: $f, first: 250, after: $a) { pageInfo { hasNextPage endCursor } nodes { eventId eventTime } } }`,
        { f: { range }, a: after },
      );
      const c = r.data!.events;
      for (const n of c.nodes) {
        expect(n.eventTime <= last).toBe(true);
        last = n.eventTime;
        seen.push(n.eventId);
      }
      if (!c.pageInfo.hasNextPage) break;
      after = c.pageInfo.endCursor;
    }
    expect(seen.length).toBe(want.length);
    expect(new Set(seen)).toEqual(new Set(want.map((e) => e.eventId)));
  });

  it('reports the lake it reads', async () => {
    const r = await exec(`{ lake { accounts regions files rejectedRecords rejectedFiles } }`);
    expect(r.data!.lake).toEqual({
      accounts: [...summary.accounts].sort(),
      regions: ref.folderRegions,
      files: summary.files,
      rejectedRecords: 0,
      rejectedFiles: 0,
    });
  });
});
