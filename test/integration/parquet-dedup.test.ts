import { readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { DuckDBInstance } from '@duckdb/node-api';
import { generateSampleLake } from '../../src/lake/sample-generator';
import { compactLake } from '../support/compact-lake';
import { withTierPair, type Harness } from '../support/gateway-harness';
import { canonicalJson, loadReferenceLake, type Json } from '../support/reference-lake';
import { principal } from '../support/test-authenticator';

/**
 * The Parquet tier holds each record once (eventID and content), whatever order delivery days are
 * compacted in and whatever arrives late: statements that read only the tier skip
 * de-duplication, so a copy left in two delivery days' outputs would be counted twice.
 */
jest.setTimeout(300_000);

const ALL = { from: '2000-01-01T00:00:00Z', to: '2090-01-01T00:00:00Z' };
const lake = path.join(os.tmpdir(), `trailgate-pq-dedup-${process.pid}`);

const OPERATIONS: Array<[string, Record<string, unknown>]> = [
  [`query($f: EventFilter!) { eventStats(filter: $f, groupBy: [{ dimension: ACCOUNT }, { dimension: EVENT_NAME }], first: 1000) { totalEvents rows { keys count errorCount } } }`, { f: { range: ALL } }],
  [`query($f: EventFilter!) { identities(filter: $f, first: 100) { nodes { arn eventCount errorCount firstSeen lastSeen } } }`, { f: { range: ALL } }],
  [`query($f: EventFilter!) { events(filter: $f, first: 1000) { edges { node { eventId eventTime eventName } } } }`, { f: { range: ALL } }],
];

const compact = (opts: { from?: string; to?: string; force?: boolean }) => compactLake(lake, opts);

const nextDay = (day: string) => new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);

/** Every row of the tier's Parquet files, as the record it holds (read straight from the files; `_rollup/` holds summaries, not records). */
async function tierRecords(): Promise<Json[]> {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (e.isDirectory() && !e.name.startsWith('.') && e.name !== '_rollup') walk(path.join(dir, e.name));
      else if (e.name.endsWith('.parquet')) files.push(path.join(dir, e.name));
    }
  };
  walk(path.join(lake, 'parquet'));
  const db = await DuckDBInstance.create(':memory:');
  const c = await db.connect();
  try {
    const list = files.map((f) => `'${f.replace(/'/g, "''")}'`).join(', ');
    const reader = await c.runAndReadAll(`SELECT tg_raw FROM read_parquet([${list}], hive_partitioning = false)`);
    return reader.getRows().map((r) => JSON.parse(String(r[0])));
  } finally {
    c.closeSync();
    db.closeSync();
  }
}

/** The distinct records of the raw files with a parseable eventTime (what the tier should hold), by content. */
function expectedRecords(): Set<string> {
  const ref = loadReferenceLake(lake, { fresh: true });
  return new Set(ref.records.filter((r) => Number.isFinite(r.time)).map((r) => canonicalJson(r.raw)));
}

async function answers(h: Harness) {
  const out: unknown[] = [];
  for (const [q, v] of OPERATIONS) {
    const r = await h.exec(q, v);
    expect(r.errors).toBeUndefined();
    out.push(JSON.parse(JSON.stringify(r.data)));
  }
  return out;
}

async function expectTierMatchesRaw(): Promise<void> {
  const held = (await tierRecords()).map(canonicalJson);
  const expected = expectedRecords();
  expect(held.length).toBe(expected.size); // no record twice...
  const heldSet = new Set(held);
  const missing = [...expected].filter((r) => !heldSet.has(r));
  expect(missing.slice(0, 2)).toEqual([]); // ...and none missing
  await withTierPair(lake, async ({ raw, tiered }) => {
    // whole range, every day compacted: the statements read only the tier and skip de-duplication
    const sql = (await tiered.explain(OPERATIONS[0][0], OPERATIONS[0][1])).map((e) => e.sql);
    expect(sql.length).toBeGreaterThan(0);
    for (const s of sql) {
      expect(s).toMatch(/read_parquet/);
      expect(s).not.toMatch(/read_json|DISTINCT ON/);
    }
    expect(await answers(tiered)).toEqual(await answers(raw));
  });
}

describe('the Parquet tier keeps each record once', () => {
  let days: string[];

  beforeAll(async () => {
    rmSync(lake, { recursive: true, force: true });
    await generateSampleLake({ out: lake, events: 6000, days: 6, accounts: 2, seed: 11, end: '2026-03-10' });
    const generated = loadReferenceLake(lake);
    days = [...new Set(generated.records.map((r) => r.folderDay))].sort();
    // Re-deliveries a day or two later (the generator's own land within the hour): every 50th
    // record of each day, copied into a new file of the same folder one or two days on.
    generated.records.forEach((r, i) => {
      if (i % 50 !== 0) return;
      const later = days[days.indexOf(r.folderDay) + 1 + (i % 100 === 0 ? 1 : 0)];
      const sibling = later && generated.records.find((s) => s.folderDay === later && s.folderAccount === r.folderAccount && s.folderRegion === r.folderRegion);
      if (!sibling) return;
      const file = path.join(path.dirname(path.join(lake, sibling.file)), path.basename(sibling.file).replace(/\.json\.gz$/, `_redelivered${i}.json.gz`));
      writeFileSync(file, gzipSync(JSON.stringify({ Records: [r.raw] })));
    });
    // A record held twice in one file and nowhere else (a producer that wrote it twice): the
    // compaction ranks both copies in the same file and must keep exactly one.
    const base = generated.records[7];
    const twin = { ...(base.raw as Record<string, Json>), eventID: `${String((base.raw as Record<string, Json>).eventID)}-twice` };
    writeFileSync(path.join(path.dirname(path.join(lake, base.file)), path.basename(base.file).replace(/\.json\.gz$/, '_twice.json.gz')), gzipSync(JSON.stringify({ Records: [twin, twin] })));
  });
  afterAll(() => rmSync(lake, { recursive: true, force: true }));

  it('is tested on a lake that re-delivers records on later days, and holds one twice in a file', () => {
    const byRecord = new Map<string, Set<string>>();
    const files = new Map<string, string[]>();
    for (const r of loadReferenceLake(lake, { fresh: true }).records) {
      byRecord.set(r.canonical, (byRecord.get(r.canonical) ?? new Set()).add(r.folderDay));
      files.set(r.canonical, [...(files.get(r.canonical) ?? []), r.file]);
    }
    expect([...byRecord.values()].filter((d) => d.size > 1).length).toBeGreaterThan(10);
    expect([...files.values()].filter((f) => f.length === 2 && f[0] === f[1] && f[0].endsWith('_twice.json.gz'))).toHaveLength(1);
  });

  it('compacting the days one at a time, out of order, leaves every record once', async () => {
    const order = [days[2], days[0], days[4], days[1], days[5], days[3], ...days.slice(6)];
    for (const d of order) await compact({ from: d, to: nextDay(d) });
    await expectTierMatchesRaw();
  });

  it('a scoped principal reads from the shared day files only the folders its raw reads would open', async () => {
    // a record addressed to account B (recipientAccountId) but delivered to account A's folder:
    // raw reads for a principal scoped to B never open A's folders, so it never sees it
    const ref = loadReferenceLake(lake, { fresh: true });
    const [a, b] = ref.folderAccounts;
    const carrier = ref.records.find((r) => r.folderAccount === a && r.folderDay === days[3])!;
    const stray = { ...carrier.raw, eventID: 'stray-0001', recipientAccountId: b, eventName: 'StrayEvent' };
    const dir = path.dirname(path.join(lake, carrier.file));
    writeFileSync(path.join(dir, path.basename(carrier.file).replace(/\.json\.gz$/, '_stray.json.gz')), gzipSync(JSON.stringify({ Records: [stray] })));
    await compact({ from: days[3], to: nextDay(days[3]) });
    const scoped = principal({ id: 'only-b', accounts: [b] });
    const q = `query($f: EventFilter!) { eventStats(filter: $f, groupBy: [{ dimension: EVENT_NAME }], first: 1000) { totalEvents rows { keys count } } }`;
    await withTierPair(lake, async ({ raw, tiered }) => {
      const [fromTier, fromRaw] = [await tiered.exec(q, { f: { range: ALL } }, scoped), await raw.exec(q, { f: { range: ALL } }, scoped)];
      expect(fromTier.errors).toBeUndefined();
      expect(fromRaw.data!.eventStats.rows.some((r: { keys: string[] }) => r.keys[0] === 'StrayEvent')).toBe(false);
      expect(fromTier.data).toEqual(fromRaw.data);
      // and the unscoped reader sees it, from either tier
      const all = await tiered.exec(q, { f: { range: ALL } });
      expect(all.data!.eventStats.rows.some((r: { keys: string[] }) => r.keys[0] === 'StrayEvent')).toBe(true);
    });
  });

  it('a late copy on an earlier day moves the record there: the later day sharing the event day is compacted again', async () => {
    // a record delivered on days[2] only, whose event day is days[1]'s (or earlier), copied into a new file of days[1]
    const ref = loadReferenceLake(lake, { fresh: true });
    const onDay1 = new Set(ref.records.filter((r) => r.folderDay === days[1]).map((r) => r.canonical));
    const late = ref.records.find((r) => r.folderDay === days[2] && new Date(r.time).toISOString().slice(0, 10) <= days[1] && !onDay1.has(r.canonical));
    expect(late).toBeDefined();
    const sibling = ref.records.find((r) => r.folderDay === days[1] && r.folderAccount === late!.folderAccount && r.folderRegion === late!.folderRegion)!;
    const dir = path.dirname(path.join(lake, sibling.file));
    writeFileSync(path.join(dir, path.basename(sibling.file).replace(/\.json\.gz$/, '_late.json.gz')), gzipSync(JSON.stringify({ Records: [late!.raw] })));
    const redo = await compact({ from: days[1], to: nextDay(days[1]) });
    expect(redo.compacted).toBeGreaterThanOrEqual(2); // days[1], and days[2] after it
    await expectTierMatchesRaw();
  });
});
