import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { generateSampleLake, type SampleLakeSummary } from '../../src/lake/sample-generator';
import { openHarness, type Harness, type TestResult } from '../support/gateway-harness';
import { REAL_DATA_DIR, filterEvents, iso, loadReferenceLake, spanOf, type ReferenceLake } from '../support/reference-lake';
import { newestOf, resourceIndex, topPrincipalsOf, type ResourceIndex } from './resource-reference';

/**
 * resources / resource / Resource.topPrincipals / Resource.events against a plain reduction over
 * resources[] of the parsed records (resource-reference.ts): a generated lake with the planted
 * role chain reading the data-lake bucket, and the real CloudTrail sets (ARNPrefix-only entries).
 */

const SUMMARY = 'arn type accountId eventCount firstSeen lastSeen';
const PAGE = `query($f: EventFilter!, $first: Int!, $after: String) {
  resources(filter: $f, first: $first, after: $after) { nodes { ${SUMMARY} } pageInfo { hasNextPage endCursor } } }`;

const jsonOf = (r: TestResult) => JSON.parse(JSON.stringify(r)) as TestResult;

async function pageAll(exec: (q: string, v: Record<string, unknown>) => Promise<TestResult>, f: Record<string, unknown>, first: number) {
  const seen: any[] = [];
  let after: string | null = null;
  for (let i = 0; i < 100; i++) {
    const r: TestResult = await exec(PAGE, { f, first, after });
    expect(r.errors).toBeUndefined();
    const c = r.data!.resources;
    expect(c.nodes.length).toBeLessThanOrEqual(first);
    seen.push(...c.nodes);
    if (!c.pageInfo.hasNextPage) break;
    after = c.pageInfo.endCursor;
  }
  return seen;
}

describe('resources over a generated lake', () => {
  let dir: string;
  let summary: SampleLakeSummary;
  let ref: ReferenceLake;
  let h: Harness;
  let range: { from: string; to: string };
  let idx: ResourceIndex;
  const exec = async (q: string, v?: Record<string, unknown>) => jsonOf(await h.exec(q, v));

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'tg-resources-'));
    summary = await generateSampleLake({ out: dir, events: 8000, days: 5, accounts: 2, seed: 42 });
    ref = loadReferenceLake(dir);
    h = await openHarness(dir);
    range = spanOf(ref.served);
    idx = resourceIndex(ref.served);
  });
  afterAll(async () => {
    await h?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** The planted ProdDataRole session and the data-lake objects it read. */
  const chainRead = () => {
    const session = `arn:aws:sts::${summary.accounts[0]}:assumed-role/ProdDataRole/prod-data-export`;
    const reads = ref.served.filter((e) => e.identityKey === session && e.eventName === 'GetObject');
    const objects = reads.flatMap((e) => (e.raw.resources as any[]).filter((r) => r.type === 'AWS::S3::Object').map((r) => r.ARN as string));
    const bucket = (reads[0].raw.resources as any[]).find((r) => r.type === 'AWS::S3::Bucket').ARN as string;
    return { session, objects, bucket };
  };

  it('the lake names many resources, buckets and objects', () => {
    expect(idx.ranked.length).toBeGreaterThan(50);
    expect(idx.ranked.some((r) => r.type === 'AWS::S3::Bucket')).toBe(true);
    expect(idx.ranked.some((r) => r.type === 'AWS::S3::Object')).toBe(true);
  });

  it('first page: the top 20 by (eventCount desc, arn asc), with their summaries', async () => {
    const r = await exec(PAGE, { f: { range }, first: 20, after: null });
    expect(r.errors).toBeUndefined();
    expect(r.data!.resources.nodes).toEqual(idx.ranked.slice(0, 20));
    expect(r.data!.resources.pageInfo.hasNextPage).toBe(true);
  });

  it('paging with after visits every resource once, in ranking order (ties on eventCount included)', async () => {
    expect(new Set(idx.ranked.map((r) => r.eventCount)).size).toBeLessThan(idx.ranked.length);
    const seen = await pageAll(exec, { range }, 25);
    expect(new Set(seen.map((n) => n.arn)).size).toBe(seen.length);
    expect(seen).toEqual(idx.ranked);
  });

  it('resource(arn): the data-lake bucket and an object the ProdDataRole session read, as the reference summarises them', async () => {
    const { session, objects, bucket } = chainRead();
    expect(objects).toHaveLength(6);
    const r = await exec(
      `query($r: TimeRange!, $b: String!, $o: String!) {
         b: resource(arn: $b, range: $r) { ${SUMMARY} topPrincipals(first: 5) { value count } }
         o: resource(arn: $o, range: $r) { ${SUMMARY} topPrincipals(first: 5) { value count } events(first: 10) { nodes { eventId } } } }`,
      { r: range, b: bucket, o: objects[0] },
    );
    expect(r.errors).toBeUndefined();
    const b = idx.byArn.get(bucket)!;
    const o = idx.byArn.get(objects[0])!;
    expect(r.data!.b).toEqual({ ...idx.ranked.find((x) => x.arn === bucket), topPrincipals: topPrincipalsOf(b.events, 5) });
    expect(r.data!.o).toEqual({
      ...idx.ranked.find((x) => x.arn === objects[0]),
      topPrincipals: topPrincipalsOf(o.events, 5),
      events: { nodes: newestOf(o.events, 10).map((e) => ({ eventId: e.eventId })) },
    });
    expect(r.data!.o.type).toBe('AWS::S3::Object');
    expect(r.data!.o.topPrincipals.map((p: any) => p.value)).toContain(session);
    expect(r.data!.b.topPrincipals.length).toBeGreaterThan(0);
  });

  it('resource(arn) is null for a resource no event in the range names', async () => {
    const r = await exec('query($r: TimeRange!) { resource(arn: "arn:aws:s3:::no-such-bucket", range: $r) { arn } }', { r: range });
    expect(r.errors).toBeUndefined();
    expect(r.data!.resource).toBeNull();
  });

  it('nested topPrincipals and events of a page equal the reference for every resource on it', async () => {
    const r = await exec(
      `query($f: EventFilter!) { resources(filter: $f, first: 15) { nodes { arn
         topPrincipals(first: 3) { value count } events(first: 3) { nodes { eventId eventTime } pageInfo { hasNextPage } } } } }`,
      { f: { range } },
    );
    expect(r.errors).toBeUndefined();
    const nodes = r.data!.resources.nodes as any[];
    expect(nodes.map((n) => n.arn)).toEqual(idx.ranked.slice(0, 15).map((x) => x.arn));
    for (const n of nodes) {
      const evs = idx.byArn.get(n.arn)!.events;
      expect({ arn: n.arn, top: n.topPrincipals }).toEqual({ arn: n.arn, top: topPrincipalsOf(evs, 3) });
      expect(n.events.nodes).toEqual(newestOf(evs, 3).map((e) => ({ eventId: e.eventId, eventTime: iso(e.time) })));
      expect(n.events.pageInfo.hasNextPage).toBe(evs.length > 3);
    }
  });

  it('Resource.events pages on with its cursor through every event naming the resource', async () => {
    const { bucket } = chainRead();
    const evs = idx.byArn.get(bucket)!.events;
    const q = `query($r: TimeRange!, $b: String!, $after: String) { resource(arn: $b, range: $r) { events(first: 40, after: $after) { nodes { eventId } pageInfo { hasNextPage endCursor } } } }`;
    const seen: string[] = [];
    let after: string | null = null;
    for (let i = 0; i < 20; i++) {
      const r: TestResult = await exec(q, { r: range, b: bucket, after });
      expect(r.errors).toBeUndefined();
      const c = r.data!.resource.events;
      seen.push(...c.nodes.map((n: any) => n.eventId));
      if (!c.pageInfo.hasNextPage) break;
      after = c.pageInfo.endCursor;
    }
    expect(seen).toEqual(newestOf(evs, evs.length).map((e) => e.eventId));
  });

  it('a resourceArns filter lists only those resources, counted over the events naming them', async () => {
    const { bucket, objects } = chainRead();
    const f = { range, resourceArns: [bucket, objects[1]] };
    const r = await exec(PAGE, { f, first: 10, after: null });
    expect(r.errors).toBeUndefined();
    expect(r.data!.resources.nodes).toEqual(resourceIndex(filterEvents(ref, f), f.resourceArns).ranked);
    expect(r.data!.resources.nodes).toHaveLength(2);
  });

  it('refuses a cursor minted for another filter', async () => {
    const first = await exec(PAGE, { f: { range }, first: 5, after: null });
    const cursor = first.data!.resources.pageInfo.endCursor;
    const r = await exec(PAGE, { f: { range, accounts: [summary.accounts[0]] }, first: 5, after: cursor });
    expect(r.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });
});

describe('resources over the real CloudTrail sets', () => {
  const ref = loadReferenceLake(REAL_DATA_DIR);
  const range = spanOf(ref.served);
  const idx = resourceIndex(ref.served);
  let h: Harness;
  const exec = async (q: string, v?: Record<string, unknown>) => jsonOf(await h.exec(q, v));
  beforeAll(async () => {
    h = await openHarness(REAL_DATA_DIR);
  });
  afterAll(async () => {
    await h?.close();
  });

  const prefixOnly = () =>
    ref.served.flatMap((e) => (Array.isArray(e.raw.resources) ? e.raw.resources : []).filter((r: any) => !r.ARN && r.ARNPrefix)) as Array<{ ARNPrefix: string; type: string }>;

  it('has entries that carry only an ARNPrefix', () => {
    expect(prefixOnly().length).toBeGreaterThan(0);
  });

  it('ranks every resource of every set as the reference does (paging with after), ARNPrefix-only entries included', async () => {
    const seen = await pageAll(exec, { range }, 50);
    expect(seen).toEqual(idx.ranked);
    for (const p of prefixOnly()) expect(seen).toContainEqual(expect.objectContaining({ arn: p.ARNPrefix, type: p.type }));
  });

  it('resource(arn) of an ARN prefix: its summary, principals and events', async () => {
    const arn = prefixOnly()[0].ARNPrefix;
    const own = idx.byArn.get(arn)!;
    const r = await exec(
      `query($r: TimeRange!, $a: String!) { resource(arn: $a, range: $r) { ${SUMMARY} topPrincipals { value count } events { nodes { eventId } } } }`,
      { r: range, a: arn },
    );
    expect(r.errors).toBeUndefined();
    expect(r.data!.resource).toEqual({
      ...idx.ranked.find((x) => x.arn === arn),
      topPrincipals: topPrincipalsOf(own.events, 10),
      events: { nodes: newestOf(own.events, 50).map((e) => ({ eventId: e.eventId })) },
    });
  });
});
