import { cpSync, existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { generateSampleLake } from '../../src/lake/sample-generator';
import { readManifest } from '../../src/lake/parquet-manifest';
import { compactLake } from '../support/compact-lake';
import { callerIdentityRecord, deliverRecords } from '../support/late-delivery';
import { openHarness, openTierPair, withTierPair, type Harness, type TierPair } from '../support/gateway-harness';
import { REAL_DATA_DIR, filterEvents, loadReferenceLake } from '../support/reference-lake';
import { principal } from '../support/test-authenticator';

/**
 * The Parquet tier answers exactly what the raw files answer: the same GraphQL operations over a
 * lake served raw (TRAILGATE_PARQUET=off) and served from its compacted tier, on a copy of the
 * real sets and on a generated organization lake; plus the job's idempotence, late deliveries
 * and recovery from an interrupted run.
 */
// compaction and two full passes over a lake, on a shared 2-core machine
jest.setTimeout(300_000);

const ALL = { from: '2000-01-01T00:00:00Z', to: '2090-01-01T00:00:00Z' };
const NO_CACHE = { TRAILGATE_CACHE: 'off' };

const OPERATIONS: Array<[string, string, Record<string, unknown>]> = [
  ['totals by every common dimension', `query($f: EventFilter!) {
      a: eventStats(filter: $f, groupBy: [{ dimension: ACCOUNT }, { dimension: REGION }], first: 1000) { totalEvents rows { keys count errorCount firstSeen lastSeen } }
      b: eventStats(filter: $f, groupBy: [{ dimension: EVENT_SOURCE }, { dimension: EVENT_NAME }], first: 1000) { rows { keys count } }
      c: eventStats(filter: $f, groupBy: [{ dimension: PRINCIPAL_ARN }, { dimension: IDENTITY_TYPE }, { dimension: SOURCE_IP }], first: 1000) { rows { keys count } }
      d: eventStats(filter: $f, groupBy: [{ dimension: USER_AGENT }, { dimension: ERROR_CODE }, { dimension: READ_ONLY }], first: 1000) { rows { keys count } }
      e: eventStats(filter: $f, groupBy: [{ dimension: REQUEST_PARAMETER, path: "bucketName" }], first: 1000) { rows { keys count } }
      f: eventStats(filter: $f, groupBy: [], interval: DAY, first: 1000) { rows { keys bucket count } }
    }`, { f: { range: ALL } }],
  ['every event, page by page', `query($f: EventFilter!) { events(filter: $f, first: 1000) { edges { node { eventId eventTime eventName recipientAccountId userAgent requestParameters responseElements resources { arn type } identity { arn eventCount } } } pageInfo { hasNextPage } } }`, { f: { range: ALL } }],
  ['JSON filters and errors', `query($f: EventFilter!) { eventStats(filter: $f, groupBy: [{ dimension: EVENT_NAME }], first: 1000) { totalEvents rows { keys count } } }`, { f: { range: ALL, hasError: true, requestParameters: [{ path: 'bucketName', exists: true }] } }],
  ['identities with nested fields', `query($f: EventFilter!) { identities(filter: $f, first: 200) { edges { node { arn type eventCount errorCount firstSeen lastSeen sourceIps(first: 5) { value count } topEvents(first: 5) { value count } regions assumedBy { value count } sourcePrincipal } } } }`, { f: { range: ALL } }],
  ['resources', `query($f: EventFilter!) { resources(filter: $f, first: 500) { edges { node { arn type accountId eventCount topPrincipals(first: 3) { value count } } } } }`, { f: { range: ALL } }],
];

const compact = compactLake;

async function answers(h: Harness, ops = OPERATIONS) {
  const out: unknown[] = [];
  for (const [name, q, v] of ops) {
    const r = await h.exec(q, v);
    expect({ name, errors: r.errors }).toEqual({ name, errors: undefined });
    out.push(JSON.parse(JSON.stringify(r.data)));
  }
  return out;
}

/** Whether the statements of an operation read the Parquet tier (the explain extension shows them). */
async function readsParquet(h: Harness, q: string, v: Record<string, unknown>): Promise<boolean> {
  return (await h.explain(q, v)).some((e) => /read_parquet/.test(e.sql));
}

describe('the Parquet tier over a copy of the real sets', () => {
  const lake = path.join(os.tmpdir(), `trailgate-pq-real-${process.pid}`);
  let pair: TierPair;
  let raw: Harness;
  let tiered: Harness;
  const ref = loadReferenceLake(REAL_DATA_DIR);

  beforeAll(async () => {
    rmSync(lake, { recursive: true, force: true });
    cpSync(REAL_DATA_DIR, lake, { recursive: true });
    const first = await compact(lake);
    expect(first.compacted).toBe(first.days);
    pair = await openTierPair(lake);
    ({ raw, tiered } = pair);
  });
  afterAll(async () => {
    await pair?.close();
    rmSync(lake, { recursive: true, force: true });
  });

  it('answers every operation exactly as the raw files do, and reads Parquet to do it', async () => {
    expect(await readsParquet(tiered, OPERATIONS[0][1], OPERATIONS[0][2])).toBe(true);
    expect(await readsParquet(raw, OPERATIONS[0][1], OPERATIONS[0][2])).toBe(false);
    expect(await answers(tiered)).toEqual(await answers(raw));
  });

  it('reads for a scoped principal, and under a region filter, only the partitions raw reads would', async () => {
    // A delivery day's Parquet files hold every account and region folder of the day: the rows
    // of folders outside the plan must be left out, as raw reads never open those folders.
    const accounts = ref.folderAccounts.slice(0, 2);
    const scoped = principal({ id: 'scoped-reader', accounts });
    const q = OPERATIONS[0][1];
    const byRegion = { f: { range: ALL, regions: ['eu-west-1'] } };
    expect(await readsParquet(tiered, q, byRegion)).toBe(true);
    const [tieredScoped, rawScoped] = [await tiered.exec(q, OPERATIONS[0][2], scoped), await raw.exec(q, OPERATIONS[0][2], scoped)];
    expect(tieredScoped.errors).toBeUndefined();
    expect(tieredScoped.data).toEqual(rawScoped.data);
    expect(tieredScoped.data!.a.rows.length).toBeGreaterThan(0);
    const [tieredRegion, rawRegion] = [await tiered.exec(q, byRegion), await raw.exec(q, byRegion)];
    expect(tieredRegion.errors).toBeUndefined();
    expect(tieredRegion.data).toEqual(rawRegion.data);
  });

  it('counts every served record once (against a plain reduction of the raw JSON)', async () => {
    const r = await tiered.exec('query($f: EventFilter!) { eventStats(filter: $f, groupBy: []) { totalEvents } }', { f: { range: ALL } });
    expect(r.data!.eventStats.totalEvents).toBe(filterEvents(ref, { range: ALL }).length);
  });

  it('is incremental: a second run compacts nothing', async () => {
    const again = await compact(lake);
    expect(again).toMatchObject({ compacted: 0, skipped: again.days });
  });

  it('serves a late delivery from the raw files until the day is compacted again, then from Parquet', async () => {
    const manifest = (await readManifest(lake))!;
    const day = Object.keys(manifest.days).sort()[0];
    const [account, region] = Object.keys(manifest.days[day].partitions)[0].split('/');
    const folder = { account, region, day };
    deliverRecords(lake, folder, [callerIdentityRecord('late-delivery-0001', folder, 'late')], 'late');
    const q = 'query($f: EventFilter!) { events(filter: $f, first: 5) { edges { node { eventId } } } }';
    const v = { f: { range: ALL, eventIds: ['late-delivery-0001'] } };
    const fresh = await openHarness(lake, NO_CACHE);
    try {
      expect((await fresh.exec(q, v)).data!.events.edges).toEqual([{ node: { eventId: 'late-delivery-0001' } }]);
      const redo = await compact(lake);
      expect(redo.compacted).toBe(1);
      expect((await fresh.exec(q, v)).data!.events.edges).toEqual([{ node: { eventId: 'late-delivery-0001' } }]);
      expect(await readsParquet(fresh, q, v)).toBe(true);
    } finally {
      await fresh.close();
    }
  });

  it('recovers from an interrupted run: leftovers are removed, unrecorded output is replaced', async () => {
    const root = path.join(lake, 'parquet');
    mkdirSync(path.join(root, '.tmp-interrupted', 'account=1'), { recursive: true });
    const manifest = (await readManifest(lake))!;
    const day = Object.keys(manifest.days).sort()[1];
    const before = manifest.days[day].compactedAt;
    const forced = await compact(lake, { from: day, to: day.slice(0, 10) < '2090' ? nextDay(day) : undefined, force: true });
    // the day, and any later day sharing an event day with it (see parquet-dedup.test.ts)
    expect(forced.compacted).toBeGreaterThanOrEqual(1);
    expect((await readManifest(lake))!.days[day].compactedAt > before).toBe(true);
    expect(existsSync(path.join(root, '.tmp-interrupted'))).toBe(false);
    // no delivery directory of that day is left unrecorded
    const recorded = new Set((await readManifest(lake))!.days[day].outputs.map((o) => path.dirname(o)));
    expect(new Set(deliveryDirsOf(root, day))).toEqual(recorded);
    // fresh gateways: folder listings are reused for up to TRAILGATE_INVENTORY_TTL_MS, and the late
    // delivery above changed the lake after `raw` listed it
    await withTierPair(lake, async ({ raw: rawNow, tiered: reopened }) =>
      expect(await answers(reopened, OPERATIONS.slice(0, 1))).toEqual(await answers(rawNow, OPERATIONS.slice(0, 1))),
    );
  });
});

describe('the Parquet tier over a generated organization lake', () => {
  const lake = path.join(os.tmpdir(), `trailgate-pq-gen-${process.pid}`);
  afterAll(() => rmSync(lake, { recursive: true, force: true }));

  it('answers exactly as the raw files do', async () => {
    rmSync(lake, { recursive: true, force: true });
    await generateSampleLake({ out: lake, events: 8000, days: 5, accounts: 3, seed: 5, orgId: 'o-abcd1234', end: '2026-03-10' });
    // only the older days: the newest ones stay raw, so operations read both tiers at once
    await compact(lake, { to: '2026-03-08' });
    await withTierPair(lake, async ({ raw, tiered }) => expect(await answers(tiered)).toEqual(await answers(raw)));
  });
});

function nextDay(day: string): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
}

function deliveryDirsOf(root: string, day: string): string[] {
  const out: string[] = [];
  const walk = (dir: string, rel: string, depth: number) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (!e.isDirectory() || e.name.startsWith('.')) continue;
      const r = rel ? path.join(rel, e.name) : e.name;
      if (depth === 1) {
        if (e.name === `delivery=${day}`) out.push(r);
      } else walk(path.join(dir, e.name), r, depth + 1);
    }
  };
  walk(root, '', 0);
  return out;
}
