import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { loadConfig } from '../../src/config/config';
import { openEngine } from '../../src/server/gateway';
import { startHttpServer, type HttpServer } from '../../src/server/http-server';
import { openHarness, silentLogger, type Harness } from '../support/gateway-harness';
import { REAL_DATA_DIR, filterEvents, loadReferenceLake } from '../support/reference-lake';

jest.setTimeout(120_000);

/**
 * Once the lake census has counted a statement's raw files, the statement skips the records it
 * found more than once by their position instead of de-duplicating every row (no DISTINCT ON).
 * The answers must stay those of one record per copy set: over the real sets, over copies split
 * between folders a query reads only some of, and over a file delivered after the census.
 */
const TOTAL = `query($f: EventFilter!) { eventStats(filter: $f, groupBy: []) { totalEvents } }`;
const BY_NAME = `query($f: EventFilter!) { eventStats(filter: $f, groupBy: [{ dimension: EVENT_NAME }], first: 1000) { rows { keys count } } }`;
const LAKE = '{ lake { files rejectedRecords } }';
const ALL = { from: '2000-01-01T00:00:00Z', to: '2090-01-01T00:00:00Z' };

const sqlOf = async (h: Harness, query: string, variables: Record<string, unknown>) => (await h.explain(query, variables)).map((q) => q.sql).join('\n');

describe('skipping the census-counted copies over the real sets', () => {
  const ref = loadReferenceLake(REAL_DATA_DIR);
  let h: Harness;
  beforeAll(async () => {
    h = await openHarness(REAL_DATA_DIR, { TRAILGATE_CACHE: 'off', TRAILGATE_PARQUET: 'off' });
  });
  afterAll(() => h.close());

  it('de-duplicates every row before the census, and skips positions after it', async () => {
    expect(await sqlOf(h, TOTAL, { f: { range: ALL } })).toContain('DISTINCT ON');
    expect((await h.exec(LAKE)).errors).toBeUndefined();
    const views = await h.explain(TOTAL, { f: { range: ALL } });
    expect(views.map((v) => v.sql).join('\n')).not.toContain('DISTINCT ON');
    expect(views[0].sql).toContain('list_filter');
    // a page of events (its rows' columns re-read from the record text) skips copies the same way
    const page = (await h.explain(`query($f: EventFilter!) { events(filter: $f, first: 5) { nodes { eventId } } }`, { f: { range: ALL } }))[0].sql;
    expect(page).toContain(`columns = {'Records': 'JSON[]'}`);
    expect(page).toContain('list_filter');
    expect(page).not.toContain('DISTINCT ON');
    // the census's file lists are parameters like any file list: explain names no path
    expect(JSON.stringify(views)).not.toContain(REAL_DATA_DIR);
    expect(JSON.stringify(views)).toMatch(/<the record copies to skip in [1-9]\d* log files of the partitions listed>/);
  });

  it('counts each distinct record once, overall and by event name', async () => {
    const filter = { range: ALL };
    const expected = filterEvents(ref, filter);
    const total = await h.exec(TOTAL, { f: filter });
    expect(total.errors).toBeUndefined();
    expect(total.data!.eventStats.totalEvents).toBe(expected.length);
    const byName = new Map<string, number>();
    for (const e of expected) byName.set(String(e.eventName), (byName.get(String(e.eventName)) ?? 0) + 1);
    const r = await h.exec(BY_NAME, { f: filter });
    expect(r.errors).toBeUndefined();
    expect(new Map(r.data!.eventStats.rows.map((row: { keys: string[]; count: number }) => [row.keys[0], row.count]))).toEqual(byName);
  });

  it('counts records held twice once, in each set', async () => {
    const counts = new Map<string, number>();
    for (const rec of ref.records) counts.set(rec.canonical, (counts.get(rec.canonical) ?? 0) + 1);
    const twice = ref.distinct.filter((e) => (counts.get(e.canonical) ?? 0) > 1 && e.eventId);
    expect(twice.length).toBeGreaterThan(0);
    const filter = { range: ALL, eventIds: [...new Set(twice.map((e) => e.eventId!))] };
    const r = await h.exec(TOTAL, { f: filter });
    expect(r.errors).toBeUndefined();
    expect(r.data!.eventStats.totalEvents).toBe(filterEvents(ref, filter).length);
  });
});

const ACCOUNT = '111122223333';
const DAY = '2024-03-05';

const rec = (id: string, region: string, minute: number) => ({
  eventVersion: '1.08',
  eventTime: `${DAY}T10:${String(minute).padStart(2, '0')}:00Z`,
  eventSource: 'iam.amazonaws.com',
  eventName: `Call${id}`,
  awsRegion: region,
  eventID: `copy-${id}`,
  recipientAccountId: ACCOUNT,
  userIdentity: { type: 'IAMUser', arn: `arn:aws:iam::${ACCOUNT}:user/copies`, accountId: ACCOUNT },
});

function deliver(root: string, region: string, stamp: string, records: object[]): string {
  const dir = path.join(root, `AWSLogs/${ACCOUNT}/CloudTrail/${region}/${DAY.replace(/-/g, '/')}`);
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${ACCOUNT}_CloudTrail_${region}_${DAY.replace(/-/g, '')}T${stamp}Z_${stamp}.json.gz`);
  writeFileSync(file, gzipSync(JSON.stringify({ Records: records })));
  return file;
}

describe('copies split between folders and files', () => {
  let dir: string;
  let h: Harness;
  // A, B, C in eu-west-1; B also in ap-south-1 (its folder sorts first); A twice in one file
  const A = rec('a', 'eu-west-1', 1);
  const B = rec('b', 'eu-west-1', 2);
  const C = rec('c', 'eu-west-1', 3);
  const D = rec('d', 'eu-west-1', 4);
  const names = (r: { data?: Record<string, any> | null }) =>
    Object.fromEntries(r.data!.eventStats.rows.map((row: { keys: string[]; count: number }) => [row.keys[0], row.count]));

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'tg-copies-'));
    deliver(dir, 'eu-west-1', '1000', [A, B, A]);
    deliver(dir, 'eu-west-1', '1005', [C, B]);
    deliver(dir, 'ap-south-1', '1000', [B]);
    // the folder listing is kept for a minute: a file delivered since is read by the folder's pattern
    h = await openHarness(dir, { TRAILGATE_CACHE: 'off', TRAILGATE_PARQUET: 'off', TRAILGATE_INVENTORY_TTL_MS: '60000' });
    expect((await h.exec(LAKE)).data!.lake).toEqual({ files: 3, rejectedRecords: 0 });
  });
  afterAll(async () => {
    await h.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps one copy of each record, within a file and across folders', async () => {
    const f = { range: ALL };
    expect(await sqlOf(h, BY_NAME, { f })).not.toContain('DISTINCT ON');
    expect(names(await h.exec(BY_NAME, { f }))).toEqual({ Calla: 1, Callb: 1, Callc: 1 });
  });

  it('keeps a copy when the one kept over the whole lake is in a folder the query does not read', async () => {
    // B's first copy (by path) is in ap-south-1: a read of eu-west-1 alone must keep one of its own
    const f = { range: ALL, regions: ['eu-west-1'] };
    const [view] = await h.explain(BY_NAME, { f });
    expect(view.partitions).toEqual([`${ACCOUNT}/eu-west-1/${DAY}`]);
    expect(view.sql).not.toContain('DISTINCT ON');
    expect(names(await h.exec(BY_NAME, { f }))).toEqual({ Calla: 1, Callb: 1, Callc: 1 });
  });

  it('reads a file delivered after the census exactly, then counts it and skips its copies too', async () => {
    const f = { range: ALL };
    expect((await h.exec(TOTAL, { f })).data!.eventStats.totalEvents).toBe(3);
    // delivered since the listing: read by the folder's pattern, unknown to the census, holding a copy of A
    deliver(dir, 'eu-west-1', '1010', [D, A]);
    expect(names(await h.exec(BY_NAME, { f }))).toEqual({ Calla: 1, Callb: 1, Callc: 1, Calld: 1 });
    expect(await sqlOf(h, BY_NAME, { f })).toContain('DISTINCT ON');
    // the next query lists the folder again and has the census count its new file first: copies are skipped there again
    expect(names(await h.exec(BY_NAME, { f }))).toEqual({ Calla: 1, Callb: 1, Callc: 1, Calld: 1 });
    expect(await sqlOf(h, BY_NAME, { f })).not.toContain('DISTINCT ON');
    expect((await h.exec(LAKE)).data!.lake).toEqual({ files: 4, rejectedRecords: 0 });
  });
});

describe('an export (a stream) over copies, with a file delivered after the census', () => {
  let dir: string;
  let server: HttpServer;
  let base: string;
  const A = rec('a', 'eu-west-1', 1);
  const B = rec('b', 'eu-west-1', 2);
  const D = rec('d', 'eu-west-1', 4);
  const exportedIds = async () => {
    const q = new URLSearchParams({ format: 'ndjson', from: ALL.from, to: ALL.to, columns: 'eventId' });
    const res = await fetch(`${base}/export?${q}`, { signal: AbortSignal.timeout(60_000) });
    expect(res.status).toBe(200);
    return (await res.text())
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => JSON.parse(l).eventId as string);
  };

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'tg-copies-export-'));
    deliver(dir, 'eu-west-1', '1000', [A, B, A]);
    deliver(dir, 'eu-west-1', '1005', [B]);
    const config = loadConfig(
      { lake: dir, port: 0, host: '127.0.0.1' },
      { TRAILGATE_CACHE: 'off', TRAILGATE_PARQUET: 'off', TRAILGATE_INVENTORY_TTL_MS: '60000', TRAILGATE_MAX_RANGE_DAYS: '36500' },
    );
    server = await startHttpServer(config, await openEngine(config, dir, silentLogger()), silentLogger(), { manifest: null });
    base = server.url.replace(/\/graphql$/, '');
    const lake = await fetch(server.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: LAKE }) });
    expect(((await lake.json()) as any).data.lake).toEqual({ files: 2, rejectedRecords: 0 });
  });
  afterAll(async () => {
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('streams each record once, before and after a file holding a copy arrives in a folder read by pattern', async () => {
    expect((await exportedIds()).sort()).toEqual(['copy-a', 'copy-b']);
    deliver(dir, 'eu-west-1', '1010', [D, A]);
    expect((await exportedIds()).sort()).toEqual(['copy-a', 'copy-b', 'copy-d']);
    expect((await exportedIds()).sort()).toEqual(['copy-a', 'copy-b', 'copy-d']);
  });
});
