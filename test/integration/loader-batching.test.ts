import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PLANTED, generateSampleLake, type SampleLakeSummary } from '../../src/lake/sample-generator';
import { MAX_CHAIN_DEPTH } from '../../src/services/role-chain.service';
import { openHarness, type Harness, type TestResult } from '../support/gateway-harness';
import { loadReferenceLake, spanOf, type ReferenceLake } from '../support/reference-lake';

/**
 * Nested fields go through per-request DataLoaders: a page asks for a nested field of every node,
 * and the engine runs one query per field (plus one per further role-chain level), never one per
 * node. Counted from `extensions.trailgate.queries`, one entry per engine query.
 */

const queriesOf = (r: TestResult): number => (r.extensions!.trailgate.queries as unknown[]).length;

describe('engine queries per request', () => {
  let dir: string;
  let summary: SampleLakeSummary;
  let ref: ReferenceLake;
  let h: Harness;
  let range: { from: string; to: string };
  const exec = async (q: string, v?: Record<string, unknown>) => JSON.parse(JSON.stringify(await h.exec(q, v))) as TestResult;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'tg-loaders-'));
    summary = await generateSampleLake({ out: dir, events: 8000, days: 5, accounts: 2, seed: 42 });
    ref = loadReferenceLake(dir);
    h = await openHarness(dir);
    range = spanOf(ref.served);
  });
  afterAll(async () => {
    await h?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a page of 100 events, each asking for identity { eventCount firstSeen lastSeen }, runs at most 2 engine queries', async () => {
    const r = await exec(`query($f: EventFilter!) { events(filter: $f, first: 100) { nodes { eventId identity { eventCount firstSeen lastSeen } } } }`, {
      f: { range },
    });
    expect(r.errors).toBeUndefined();
    const nodes = r.data!.events.nodes as Array<{ identity: { eventCount: number } | null }>;
    expect(nodes).toHaveLength(100);
    expect(nodes.every((n) => n.identity && n.identity.eventCount > 0)).toBe(true);
    expect(queriesOf(r)).toBeLessThanOrEqual(2);
  });

  it('a page of role sessions asking assumedBy, sourcePrincipal, sourceIps and events(first: 3): one query per field, plus chain levels', async () => {
    // The planted chain's last session and the EC2 session: the chain needs further levels.
    const r = await exec(
      `query($f: EventFilter!) { identities(filter: $f, first: 40) { nodes { arn
         assumedBy { value count } sourcePrincipal sourceIps(first: 2) { value count } events(first: 3) { nodes { eventId } } } } }`,
      { f: { range, identityTypes: ['ASSUMED_ROLE'] } },
    );
    expect(r.errors).toBeUndefined();
    const nodes = r.data!.identities.nodes as Array<{ arn: string; sourcePrincipal: string | null; events: { nodes: unknown[] } }>;
    expect(nodes).toHaveLength(40);
    expect(nodes.every((n) => n.sourcePrincipal !== null && n.events.nodes.length > 0)).toBe(true);
    // list + sourceIps + events + role chains (assumedBy and sourcePrincipal share one loader) + further levels
    expect(queriesOf(r)).toBeGreaterThanOrEqual(4);
    expect(queriesOf(r)).toBeLessThanOrEqual(4 + MAX_CHAIN_DEPTH - 1);
  });

  it('following a three-step chain costs one query per level, whatever the page', async () => {
    const data = `arn:aws:sts::${summary.accounts[0]}:assumed-role/${PLANTED.chainRoles[2]}/${PLANTED.chainSessionNames[2]}`;
    const r = await exec(`query($f: EventFilter!) { identities(filter: $f) { nodes { arn sourcePrincipal assumedBy { value } } } }`, {
      f: { range, principalArns: [data] },
    });
    expect(r.errors).toBeUndefined();
    expect(r.data!.identities.nodes).toHaveLength(1);
    // list, level 0 (ProdDataRole's key → PlatformAdminRole session), JumpRole session, carol.diaz
    expect(queriesOf(r)).toBe(4);
  });

  it('a page of resources asking topPrincipals and events runs one query per field', async () => {
    const r = await exec(
      `query($f: EventFilter!) { resources(filter: $f, first: 50) { nodes { arn topPrincipals(first: 3) { value count } events(first: 3) { nodes { eventId } } } } }`,
      { f: { range } },
    );
    expect(r.errors).toBeUndefined();
    const nodes = r.data!.resources.nodes as Array<{ topPrincipals: unknown[]; events: { nodes: unknown[] } }>;
    expect(nodes).toHaveLength(50);
    expect(nodes.every((n) => n.topPrincipals.length > 0 && n.events.nodes.length > 0)).toBe(true);
    expect(queriesOf(r)).toBe(3);
  });

  it('several resource() and identity() lookups in one operation batch into one query each', async () => {
    const arns = ref.served.flatMap((e) => (Array.isArray(e.raw.resources) ? e.raw.resources.map((x: any) => x.ARN as string) : [])).filter(Boolean);
    const picks = [...new Set(arns)].slice(0, 4);
    const people = [...new Set(ref.served.map((e) => e.identityKey))].slice(0, 4);
    const fields = [
      ...picks.map((a, i) => `r${i}: resource(arn: ${JSON.stringify(a)}, range: $r) { arn eventCount topPrincipals { value } }`),
      ...people.map((a, i) => `i${i}: identity(arn: ${JSON.stringify(a)}, range: $r) { arn eventCount assumedBy { value } }`),
    ];
    const r = await exec(`query($r: TimeRange!) { ${fields.join('\n')} }`, { r: range });
    expect(r.errors).toBeUndefined();
    picks.forEach((a, i) => expect(r.data![`r${i}`].arn).toBe(a));
    // resource summaries, resource topPrincipals, identity summaries, role chains (+ chain levels)
    expect(queriesOf(r)).toBeGreaterThanOrEqual(4);
    expect(queriesOf(r)).toBeLessThanOrEqual(4 + MAX_CHAIN_DEPTH - 1);
  });
});
