import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import ipaddr from 'ipaddr.js';
import { generateSampleLake, PLANTED } from '../../src/lake/sample-generator';
import { openHarness, type Harness, type TestResult } from '../support/gateway-harness';
import { filterEvents, iso, ipMatches, loadReferenceLake, spanOf, type RefEvent, type ReferenceLake } from '../support/reference-lake';

/**
 * The filters and stats options the security baselines need (allow-lists, address kinds, console
 * and instance credentials, thresholds, first-seen, distinct counts), on a generated lake with
 * planted scenarios, against plain reductions over its records.
 */
let dir: string;
let ref: ReferenceLake;
let h: Harness;
let range: { from: string; to: string };
const exec = async (q: string, v?: Record<string, unknown>): Promise<TestResult> => JSON.parse(JSON.stringify(await h.exec(q, v)));
const TOTAL = `query($f: EventFilter!) { eventStats(filter: $f, groupBy: []) { totalEvents } }`;
const total = async (f: Record<string, unknown>) => {
  const r = await exec(TOTAL, { f: { range, ...f } });
  expect(r.errors).toBeUndefined();
  return r.data!.eventStats.totalEvents as number;
};
const served = () => filterEvents(ref, { range });
const isAddress = (s: unknown) => typeof s === 'string' && ipaddr.isValid(s) && (s.includes(':') || ipaddr.IPv4.isValidFourPartDecimal(s));
const sessionName = (e: RefEvent): string | null => {
  const arn = e.raw.userIdentity?.arn;
  return typeof arn === 'string' && arn.includes(':assumed-role/') ? arn.split('/')[2] ?? null : null;
};

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'tg-caps-'));
  await generateSampleLake({ out: dir, events: 8000, days: 5, accounts: 2, seed: 42 });
  ref = loadReferenceLake(dir);
  range = spanOf(ref.served);
  h = await openHarness(dir);
});
afterAll(async () => {
  await h?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('filters for allow-lists and credential kinds', () => {
  it('excludeRegions keeps what happened outside the allowed regions', async () => {
    const allowed = ['us-east-1', 'eu-west-1', 'us-west-2'];
    const want = served().filter((e) => !allowed.includes(e.awsRegion!));
    expect(want.some((e) => e.raw.sourceIPAddress === PLANTED.unusualRegionIp)).toBe(true);
    expect(await total({ excludeRegions: allowed })).toBe(want.length);
  });

  it('excludeSourceIps drops allowed addresses and blocks but keeps records without an address', async () => {
    const blocks = ['10.0.0.0/8', '52.0.0.0/8'];
    const want = served().filter((e) => !blocks.some((b) => ipMatches(e.raw.sourceIPAddress ?? null, b)));
    expect(want.some((e) => !isAddress(e.raw.sourceIPAddress))).toBe(true);
    expect(await total({ excludeSourceIps: blocks })).toBe(want.length);
  });

  it('sourceIpKinds tells addresses from AWS service names', async () => {
    const addresses = served().filter((e) => isAddress(e.raw.sourceIPAddress)).length;
    const services = served().filter((e) => typeof e.raw.sourceIPAddress === 'string' && !isAddress(e.raw.sourceIPAddress)).length;
    expect(addresses).toBeGreaterThan(0);
    expect(services).toBeGreaterThan(0);
    expect(await total({ sourceIpKinds: ['IP_ADDRESS'] })).toBe(addresses);
    expect(await total({ sourceIpKinds: ['AWS_SERVICE'] })).toBe(services);
  });

  it('sessionCredentialFromConsole finds console sessions (clickops)', async () => {
    const want = served().filter((e) => String(e.raw.sessionCredentialFromConsole).toLowerCase() === 'true' && e.readOnly === false);
    expect(want.some((e) => e.raw.userIdentity?.arn?.endsWith(`/${PLANTED.clickOpsUser}`))).toBe(true);
    expect(await total({ sessionCredentialFromConsole: true, readOnly: false })).toBe(want.length);
  });

  it('instanceCredentials with IP_ADDRESS and an allow-list finds EC2 credentials used outside', async () => {
    const instance = (e: RefEvent) => /^i-([0-9a-f]{8}|[0-9a-f]{17})$/.test(sessionName(e) ?? '');
    expect(await total({ instanceCredentials: true })).toBe(served().filter(instance).length);
    const outside = served().filter((e) => instance(e) && isAddress(e.raw.sourceIPAddress) && !ipMatches(e.raw.sourceIPAddress, '10.0.0.0/8'));
    expect(outside.some((e) => e.raw.sourceIPAddress === PLANTED.ec2ThiefIp)).toBe(true);
    expect(await total({ instanceCredentials: true, sourceIpKinds: ['IP_ADDRESS'], excludeSourceIps: ['10.0.0.0/8'] })).toBe(outside.length);
  });
});

describe('eventStats options for thresholds, first-seen and distinct counts', () => {
  it('minCount keeps the hours in which a principal was denied at least 20 times', async () => {
    const r = await exec(
      `query($f: EventFilter!) { eventStats(filter: $f, groupBy: [{ dimension: PRINCIPAL_ARN }], interval: HOUR, minCount: 20) { rows { keys bucket count } } }`,
      { f: { range, errorCodes: ['AccessDenied'] } },
    );
    expect(r.errors).toBeUndefined();
    const counts = new Map<string, number>();
    for (const e of served().filter((x) => x.errorCode === 'AccessDenied')) {
      const k = `${e.raw.userIdentity?.arn ?? null}|${iso(Math.floor(e.time / 3_600_000) * 3_600_000)}`;
      counts.set(k, (counts.get(k) ?? 0) + 1);
    }
    const want = [...counts].filter(([, n]) => n >= 20).map(([k, n]) => `${k}|${n}`).sort();
    expect(want.some((w) => w.includes(PLANTED.deniedPrincipal))).toBe(true);
    expect(r.data!.eventStats.rows.map((x: any) => `${x.keys[0]}|${x.bucket}|${x.count}`).sort()).toEqual(want);
  });

  it('firstSeenAfter finds a principal’s source address first seen in the last day', async () => {
    const lastDay = new Date(Date.parse(range.to) - 86_400_000).toISOString().slice(0, 10) + 'T00:00:00.000Z';
    const r = await exec(
      `query($f: EventFilter!, $after: DateTime!) { eventStats(filter: $f, groupBy: [{ dimension: PRINCIPAL_ARN }, { dimension: SOURCE_IP }], firstSeenAfter: $after, first: 1000) { rows { keys firstSeen } } }`,
      { f: { range, sourceIpKinds: ['IP_ADDRESS'], identityTypes: ['IAM_USER'] }, after: lastDay },
    );
    expect(r.errors).toBeUndefined();
    const first = new Map<string, number>();
    for (const e of served().filter((x) => x.identityType === 'IAM_USER' && isAddress(x.raw.sourceIPAddress))) {
      const k = `${e.raw.userIdentity?.arn ?? null}|${e.raw.sourceIPAddress}`;
      first.set(k, Math.min(first.get(k) ?? Infinity, e.time));
    }
    const want = [...first].filter(([, t]) => t >= Date.parse(lastDay)).map(([k]) => k).sort();
    expect(want.some((k) => k.endsWith(`|${PLANTED.newIp}`))).toBe(true);
    expect(r.data!.eventStats.rows.map((x: any) => x.keys.join('|')).sort()).toEqual(want);
  });

  it('countDistinct counts the user names tried per source address (password spraying)', async () => {
    const r = await exec(
      `query($f: EventFilter!) { eventStats(filter: $f, groupBy: [{ dimension: SOURCE_IP }], countDistinct: { dimension: USER_NAME }, first: 1000) { rows { keys count distinctCount } } }`,
      { f: { range, eventNames: ['ConsoleLogin'], responseElements: [{ path: 'ConsoleLogin', equals: 'Failure' }] } },
    );
    expect(r.errors).toBeUndefined();
    const byIp = new Map<string, { n: number; users: Set<string> }>();
    for (const e of served().filter((x) => x.eventName === 'ConsoleLogin' && x.raw.responseElements?.ConsoleLogin === 'Failure')) {
      const g = byIp.get(e.raw.sourceIPAddress) ?? { n: 0, users: new Set<string>() };
      g.n++;
      if (e.raw.userIdentity?.userName != null) g.users.add(e.raw.userIdentity.userName);
      byIp.set(e.raw.sourceIPAddress, g);
    }
    const want = [...byIp].map(([ip, g]) => `${ip}|${g.n}|${g.users.size}`).sort();
    expect(want.some((w) => w.startsWith(`${PLANTED.sprayIp}|`))).toBe(true);
    expect(r.data!.eventStats.rows.map((x: any) => `${x.keys[0]}|${x.count}|${x.distinctCount}`).sort()).toEqual(want);
  });

  it('refuses a firstSeenAfter outside the range and a minCount below 1', async () => {
    const q = `query($f: EventFilter!, $a: DateTime, $m: Int) { eventStats(filter: $f, groupBy: [], firstSeenAfter: $a, minCount: $m) { totalEvents } }`;
    for (const v of [{ a: range.from }, { a: '2000-01-01T00:00:00Z' }, { m: 0 }]) {
      const r = await exec(q, { f: { range }, ...v });
      expect(r.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
      expect(r.extensions!.trailgate.queries).toEqual([]);
    }
  });
});

