import { DuckDBInstance } from '@duckdb/node-api';
import { rmSync } from 'node:fs';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROLLUP_DIGEST } from '../../src/query/identity-rollup';
import { generateSampleLake } from '../../src/lake/sample-generator';
import { parquetRoot, readManifest, writeManifest } from '../../src/lake/parquet-manifest';
import { compactLake } from '../support/compact-lake';
import { callerIdentityRecord, deliverRecords } from '../support/late-delivery';
import { openHarness, openTierPair, withTierPair, type Harness, type TierPair } from '../support/gateway-harness';
import { filterEvents, iso, loadReferenceLake, type FilterInput, type ReferenceLake } from '../support/reference-lake';
import { principal } from '../support/test-authenticator';

/**
 * The identity rollup (src/query/identity-rollup.ts): principal summaries over whole hours of
 * compacted days are read from the per-hour rollups written at compaction, and answer exactly what
 * the raw files answer (a gateway with TRAILGATE_PARQUET=off) and what a plain reduction of the
 * raw JSON gives; anything the rollup cannot answer is read from the events.
 */
jest.setTimeout(300_000);

const NO_CACHE = { TRAILGATE_CACHE: 'off' };
const END = '2026-03-10';
const WHOLE = { from: '2026-03-01T00:00:00Z', to: '2026-03-11T00:00:00Z' };

const SUMMARY = `query($f: EventFilter!, $first: Int!, $after: String) {
  identities(filter: $f, first: $first, after: $after) {
    nodes { arn type accountId userName roleArn eventCount errorCount firstSeen lastSeen }
    pageInfo { hasNextPage endCursor }
  }
}`;

/** The TopUsers baseline's nested lists: a principal's top values of four fields (the facet rollup). */
const NESTED = `query($f: EventFilter!) {
  identities(filter: $f, first: 8) {
    nodes { arn eventCount regions sourceIps(first: 5) { value count } userAgents(first: 3) { value count } topEvents(first: 4) { value count } }
  }
}`;

const lake = path.join(os.tmpdir(), `trailgate-rollup-${process.pid}`);
let pair: TierPair;
let raw: Harness;
let tiered: Harness;
let ref: ReferenceLake;
let accounts: string[];

beforeAll(async () => {
  rmSync(lake, { recursive: true, force: true });
  accounts = (await generateSampleLake({ out: lake, events: 8000, days: 5, accounts: 3, seed: 11, orgId: 'o-rollup1234', end: END })).accounts;
  // A record addressed to account 1 delivered to account 0's folder: raw reads for account 1 never
  // open that folder, so neither may the rollup's rows of it count for account 1.
  const stray = {
    eventVersion: '1.08', eventID: 'rollup-stray-0001', eventTime: '2026-03-08T10:00:00Z', eventSource: 's3.amazonaws.com', eventName: 'GetObject',
    awsRegion: 'us-east-1', recipientAccountId: accounts[1], userIdentity: { type: 'IAMUser', arn: `arn:aws:iam::${accounts[1]}:user/stray`, accountId: accounts[1] },
  };
  deliverRecords(lake, { account: accounts[0], region: 'us-east-1', day: '2026-03-08' }, [stray], 'stray', '1005');
  await compactLake(lake);
  ref = loadReferenceLake(lake, { fresh: true });
  pair = await openTierPair(lake);
  ({ raw, tiered } = pair);
});

afterAll(async () => {
  await pair?.close();
  rmSync(lake, { recursive: true, force: true });
});

/** The SQL of every engine query an operation runs (the explain extension). */
async function statements(h: Harness, q: string, v: Record<string, unknown>, who?: ReturnType<typeof principal>): Promise<string[]> {
  return (await h.explain(q, v, who)).map((e) => e.sql);
}

const readsRollup = (sql: readonly string[]) => sql.length > 0 && sql.every((s) => /\btg_hour\b/.test(s));

/**
 * Per principal: events, errors, first and last time, from the records themselves. Accounts (a
 * filter or a principal's scope) select delivery folders as well as the records' own account.
 */
function reduce(f: FilterInput) {
  const by = new Map<string, { arn: string; eventCount: number; errorCount: number; first: number; last: number }>();
  for (const e of filterEvents(ref, f)) {
    if (f.accounts && !f.accounts.includes(e.folderAccount)) continue;
    const s = by.get(e.identityKey) ?? { arn: e.identityKey, eventCount: 0, errorCount: 0, first: Infinity, last: -Infinity };
    s.eventCount++;
    if (e.hasError) s.errorCount++;
    s.first = Math.min(s.first, e.time);
    s.last = Math.max(s.last, e.time);
    by.set(e.identityKey, s);
  }
  return [...by.values()]
    .sort((a, b) => b.eventCount - a.eventCount || (a.arn < b.arn ? -1 : 1))
    .map((s) => ({ arn: s.arn, eventCount: s.eventCount, errorCount: s.errorCount, firstSeen: iso(s.first), lastSeen: iso(s.last) }));
}

/** A page without its cursor (cursors are signed by each gateway's own key). */
const page = (r: { data?: Record<string, any> | null }) => ({ nodes: r.data?.identities.nodes, hasNextPage: r.data?.identities.pageInfo.hasNextPage });

const plain = (nodes: any[]) => nodes.map((n) => ({ arn: n.arn, eventCount: n.eventCount, errorCount: n.errorCount, firstSeen: new Date(n.firstSeen).toISOString(), lastSeen: new Date(n.lastSeen).toISOString() }));

describe('the identity rollup', () => {
  it('is written beside every compacted output and recorded with its definition', async () => {
    const manifest = (await readManifest(lake))!;
    const days = Object.values(manifest.days);
    expect(days.length).toBeGreaterThan(0);
    for (const d of days) {
      const dirs = new Set(d.outputs.map((o) => path.dirname(o)));
      expect(d.rollups?.digest).toBe(ROLLUP_DIGEST);
      expect(new Set(d.rollups!.files.map((f) => f.split(path.sep).slice(0, 2).join(path.sep)))).toEqual(dirs);
    }
  });

  it("holds in each folder's rollup exactly the events of that folder's data", async () => {
    const manifest = (await readManifest(lake))!;
    const root = parquetRoot(lake);
    const db = await DuckDBInstance.create(':memory:');
    const c = await db.connect();
    const count = async (sql: string) => Number((await c.runAndReadAll(sql)).getRows()[0][0]);
    const quoted = (files: string[]) => `[${files.map((f) => `'${f}'`).join(', ')}]`;
    let folders = 0;
    try {
      for (const d of Object.values(manifest.days)) {
        for (const dir of new Set(d.outputs.map((o) => path.dirname(o)))) {
          const data = d.outputs.filter((o) => path.dirname(o) === dir).map((o) => path.join(root, o));
          const rollup = path.join(root, dir, '_rollup', 'identities.parquet');
          expect(await count(`SELECT sum(event_count) FROM read_parquet('${rollup}', hive_partitioning = false)`)).toBe(
            await count(`SELECT count(*) FROM read_parquet(${quoted(data)}, hive_partitioning = false)`),
          );
          folders++;
        }
      }
    } finally {
      c.closeSync();
    }
    expect(folders).toBeGreaterThan(5);
  });

  const filters: Array<[string, () => FilterInput]> = [
    ['the whole lake', () => ({ range: WHOLE })],
    ['whole hours inside days', () => ({ range: { from: '2026-03-07T05:00:00Z', to: '2026-03-09T17:00:00Z' } })],
    ['a range starting and ending inside hours', () => ({ range: { from: '2026-03-07T05:31:12Z', to: '2026-03-09T16:59:59.5Z' } })],
    ['partial hours and one account', () => ({ range: { from: '2026-03-06T23:40:00Z', to: '2026-03-09T00:20:00Z' }, accounts: [accounts[1]] })],
    ['one account', () => ({ range: WHOLE, accounts: [accounts[1]] })],
    ['two regions', () => ({ range: WHOLE, regions: ['us-east-1', 'eu-west-1'] })],
  ];

  it.each(filters)('answers %s from the rollups, as raw files and the records do', async (_name, make) => {
    const f = make();
    const v = { f, first: 1000 };
    expect(readsRollup(await statements(tiered, SUMMARY, v))).toBe(true);
    expect(readsRollup(await statements(raw, SUMMARY, v))).toBe(false);
    const [t, r] = [await tiered.exec(SUMMARY, v), await raw.exec(SUMMARY, v)];
    expect(t.errors).toBeUndefined();
    expect(page(t)).toEqual(page(r));
    const expected = reduce(f);
    expect(expected.length).toBeGreaterThan(3);
    expect(plain(t.data!.identities.nodes)).toEqual(expected);
  });

  it('reads the events of only the event days of the partial hours', async () => {
    const manifest = (await readManifest(lake))!;
    const tier = Object.values(manifest.days).reduce((n, d) => n + d.outputBytes, 0);
    const r = await tiered.exec(SUMMARY, { f: { range: { from: '2026-03-06T10:30:00Z', to: '2026-03-09T17:45:00Z' } }, first: 10 });
    const facts = r.extensions!.trailgate.queries;
    expect(facts).toHaveLength(1);
    expect(facts[0].bytesScanned).toBeGreaterThan(0);
    expect(facts[0].bytesScanned).toBeLessThan(tier * 0.6);
  });

  it('explains rollup and tier statements without a file path', async () => {
    const explained = await tiered.explain(NESTED, { f: { range: { from: '2026-03-06T10:30:00Z', to: '2026-03-09T17:45:00Z' }, eventNames: ['GetObject'] } });
    expect(explained.length).toBeGreaterThan(0);
    const files = explained.flatMap((e) => e.parameters.filter((p) => /^<the \d+ (Parquet|rollup|log) files/.test(String(p.value))));
    expect(files.length).toBeGreaterThan(0);
    expect(JSON.stringify(explained)).not.toContain(lake);
    expect(JSON.stringify(explained)).not.toContain('.parquet');
  });

  it('pages with the cursor as raw files do', async () => {
    const f = { range: WHOLE };
    const pages: unknown[][] = [[], []];
    for (const [i, h] of [tiered, raw].entries()) {
      let after: string | null = null;
      for (let n = 0; n < 4; n++) {
        const res: any = (await h.exec(SUMMARY, { f, first: 3, after })).data!.identities;
        pages[i].push(...res.nodes);
        if (!res.pageInfo.hasNextPage) break;
        after = res.pageInfo.endCursor;
      }
    }
    expect(pages[0]).toHaveLength(12);
    expect(pages[0]).toEqual(pages[1]);
    expect(plain(pages[0] as any[])).toEqual(reduce(f).slice(0, 12));
  });

  it('answers identity() lookups from the rollups', async () => {
    const arn = reduce({ range: WHOLE })[2].arn;
    const q = `query($r: TimeRange!, $arn: String!) { identity(range: $r, arn: $arn) { arn eventCount errorCount firstSeen lastSeen } }`;
    const v = { r: WHOLE, arn };
    expect(readsRollup(await statements(tiered, q, v))).toBe(true);
    const t = await tiered.exec(q, v);
    expect(t.data).toEqual((await raw.exec(q, v)).data);
    expect(plain([t.data!.identity])).toEqual(reduce({ range: WHOLE }).filter((s) => s.arn === arn));
  });

  it('keeps a scoped principal to its accounts and the folders raw reads would open', async () => {
    const scoped = principal({ id: 'rollup-scoped', accounts: [accounts[1], accounts[2]] });
    const v = { f: { range: WHOLE }, first: 1000 };
    expect(readsRollup(await statements(tiered, SUMMARY, v, scoped))).toBe(true);
    const t = await tiered.exec(SUMMARY, v, scoped);
    expect(t.errors).toBeUndefined();
    expect(page(t)).toEqual(page(await raw.exec(SUMMARY, v, scoped)));
    expect(plain(t.data!.identities.nodes)).toEqual(reduce({ range: WHOLE, accounts: [accounts[1], accounts[2]] }));
  });

  it.each<[string, FilterInput]>([
    ['a range holding no whole hour', { range: { from: '2026-03-08T09:30:00Z', to: '2026-03-08T10:29:00Z' } }],
    ['a filter the rollup does not keep', { range: WHOLE, eventNames: ['AssumeRole', 'GetObject', 'ConsoleLogin'] }],
    ['errors only', { range: WHOLE, hasError: true }],
  ])('reads the events for %s, with the same answers', async (_name, f) => {
    const v = { f, first: 1000 };
    const sql = await statements(tiered, SUMMARY, v);
    expect(sql.some((s) => /read_parquet/.test(s))).toBe(true);
    expect(readsRollup(sql)).toBe(false);
    const t = await tiered.exec(SUMMARY, v);
    expect(page(t)).toEqual(page(await raw.exec(SUMMARY, v)));
    expect(plain(t.data!.identities.nodes)).toEqual(reduce(f));
  });
});

/** Bytes each engine query of an operation read (its cost facts). */
const bytesRead = (r: { extensions?: Record<string, any> }): number[] => (r.extensions?.trailgate?.queries ?? []).map((q: any) => Number(q.bytesScanned));

/** The bytes of the tier's data files (not its rollups). */
async function tierBytes(): Promise<number> {
  return Object.values((await readManifest(lake))!.days).reduce((n, d) => n + d.outputBytes, 0);
}

/** A principal's top values of a record field, from the records themselves (count desc, value asc). */
function topValues(f: FilterInput, arn: string, value: (raw: any) => unknown, first: number) {
  const counts = new Map<string, number>();
  for (const e of filterEvents(ref, f)) {
    if (e.identityKey !== arn || (f.accounts && !f.accounts.includes(e.folderAccount))) continue;
    const v = value(e.raw);
    if (typeof v !== 'string') continue; // the lists below are compared where every value is text
    counts.set(v, (counts.get(v) ?? 0) + 1);
  }
  return [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, first).map(([v, count]) => ({ value: v, count }));
}

describe('the facet rollup (the nested lists of a principal)', () => {
  const nested: Array<[string, () => FilterInput]> = [
    ['the whole lake', () => ({ range: WHOLE })],
    ['partial days at both ends', () => ({ range: { from: '2026-03-06T10:30:00Z', to: '2026-03-09T17:45:00Z' } })],
    ['one account', () => ({ range: WHOLE, accounts: [accounts[1]] })],
  ];

  it.each(nested)('answers %s from the rollups, as raw files and the records do', async (_name, make) => {
    const f = make();
    const [t, r] = [await tiered.exec(NESTED, { f }), await raw.exec(NESTED, { f })];
    expect(t.errors).toBeUndefined();
    // the principals, then their four lists: every statement reads rollups (and at most the
    // events of the partial hours or days at the ends), far fewer bytes than the tier holds
    const read = bytesRead(t);
    expect(read).toHaveLength(5);
    for (const b of read) expect(b).toBeLessThan((await tierBytes()) * 0.6);
    if (f.range === WHOLE) for (const b of read) expect(b).toBeLessThan((await tierBytes()) * 0.05);
    expect(t.data).toEqual(r.data);
    const nodes = t.data!.identities.nodes as any[];
    expect(nodes.length).toBeGreaterThan(3);
    for (const n of nodes.slice(0, 3)) {
      expect(n.topEvents).toEqual(topValues(f, n.arn, (x) => x.eventName, 4));
      expect(n.regions).toEqual(topValues(f, n.arn, (x) => x.awsRegion, 100).map((v) => v.value).sort());
      const ips = topValues(f, n.arn, (x) => x.sourceIPAddress, 5);
      if (ips.length === n.sourceIps.length) expect(n.sourceIps).toEqual(ips);
    }
  });

  it('keeps a scoped principal to its accounts', async () => {
    const scoped = principal({ id: 'facet-scoped', accounts: [accounts[1], accounts[2]] });
    const f = { range: WHOLE };
    const t = await tiered.exec(NESTED, { f }, scoped);
    expect(t.errors).toBeUndefined();
    for (const b of bytesRead(t)) expect(b).toBeLessThan((await tierBytes()) * 0.05);
    expect(t.data).toEqual((await raw.exec(NESTED, { f }, scoped)).data);
  });

  it('reads the events when a filter is not one the rollup keeps', async () => {
    const f = { range: WHOLE, eventNames: ['AssumeRole', 'GetObject', 'ConsoleLogin', 'DescribeInstances'] };
    const t = await tiered.exec(NESTED, { f });
    for (const b of bytesRead(t)) expect(b).toBeGreaterThan((await tierBytes()) * 0.9);
    expect(t.data).toEqual((await raw.exec(NESTED, { f })).data);
  });
});

describe('the identity rollup as the lake changes', () => {
  it('is not read for a day with a late delivery until the day is compacted again', async () => {
    const manifest = (await readManifest(lake))!;
    const day = Object.keys(manifest.days).sort()[1];
    const [account, region] = Object.keys(manifest.days[day].partitions)[0].split('/');
    const folder = { account, region, day };
    deliverRecords(lake, folder, [callerIdentityRecord('rollup-late-0001', folder, 'rollup-late')], 'rollup');
    const v = { f: { range: WHOLE }, first: 1000 };
    const late = (data: any) => data.identities.nodes.find((n: any) => n.arn === `arn:aws:iam::${account}:user/rollup-late`);
    const fresh = await openHarness(lake, NO_CACHE);
    try {
      expect(readsRollup(await statements(fresh, SUMMARY, v))).toBe(false);
      expect(late((await fresh.exec(SUMMARY, v)).data)).toMatchObject({ eventCount: 1 });
      expect((await compactLake(lake)).compacted).toBeGreaterThanOrEqual(1);
      expect(readsRollup(await statements(fresh, SUMMARY, v))).toBe(true);
      const counted = late((await fresh.exec(SUMMARY, v)).data);
      expect({ eventCount: counted.eventCount, firstSeen: new Date(counted.firstSeen).toISOString() }).toEqual({ eventCount: 1, firstSeen: `${day}T12:00:00.000Z` });
    } finally {
      await fresh.close();
    }
  });

  it('is added to a tier compacted without rollups, from its outputs, without compacting again', async () => {
    const before = (await readManifest(lake))!;
    await writeManifest(lake, { ...before, days: Object.fromEntries(Object.entries(before.days).map(([d, day]) => [d, { ...day, rollups: undefined }])) });
    for (const d of Object.values(before.days)) for (const f of d.rollups!.files) await fs.rm(path.join(parquetRoot(lake), f));
    const v = { f: { range: WHOLE }, first: 1000 };
    await withTierPair(lake, async ({ raw: rawNow, tiered: fresh }) => {
      expect(readsRollup(await statements(fresh, SUMMARY, v))).toBe(false);
      const summary = await compactLake(lake);
      expect(summary).toMatchObject({ compacted: 0, rollupsRefreshed: Object.keys(before.days).length });
      const after = (await readManifest(lake))!;
      for (const [d, day] of Object.entries(after.days)) {
        expect(day.outputs).toEqual(before.days[d].outputs);
        expect(day.compactedAt).toBe(before.days[d].compactedAt);
        expect({ ...day.rollups, bytes: 0 }).toEqual({ ...before.days[d].rollups, bytes: 0 });
      }
      expect(readsRollup(await statements(fresh, SUMMARY, v))).toBe(true);
      expect(page(await fresh.exec(SUMMARY, v))).toEqual(page(await rawNow.exec(SUMMARY, v)));
    });
  });
});
