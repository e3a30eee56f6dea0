import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PLANTED, generateSampleLake, type SampleLakeSummary } from '../../src/lake/sample-generator';
import { openHarness, type Harness, type TestResult } from '../support/gateway-harness';
import { REAL_DATA_DIR, iso, loadReferenceLake, spanOf, type ReferenceLake } from '../support/reference-lake';
import { referenceChains } from './role-chain-reference';

/**
 * Identity.assumedBy and Identity.sourcePrincipal against a plain-TypeScript join over the parsed
 * records (role-chain-reference.ts): the planted scenarios of a generated lake (a three-step role
 * chain, an Identity Center session, an EC2 role, a cross-account role), every role session of
 * that lake, and every role session of the real CloudTrail sets (where most issuing calls are
 * missing and the fallbacks answer).
 */

const CHAIN = `query($f: EventFilter!) { identities(filter: $f, first: 1000) { nodes { arn sourcePrincipal assumedBy(first: 1000) { value count } } } }`;
const ONE = `query($arn: String!, $r: TimeRange!) { identity(arn: $arn, range: $r) { arn sourcePrincipal assumedBy { value count } } }`;

const jsonOf = (r: TestResult) => JSON.parse(JSON.stringify(r)) as TestResult;

describe('role chains over a generated lake', () => {
  let dir: string;
  let summary: SampleLakeSummary;
  let ref: ReferenceLake;
  let h: Harness;
  let range: { from: string; to: string };
  const exec = async (q: string, v?: Record<string, unknown>) => jsonOf(await h.exec(q, v));

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'tg-chains-'));
    summary = await generateSampleLake({ out: dir, events: 8000, days: 5, accounts: 2, seed: 42 });
    ref = loadReferenceLake(dir);
    h = await openHarness(dir);
    range = spanOf(ref.served);
  });
  afterAll(async () => {
    await h?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const A = () => summary.accounts[0];
  const session = (role: string, name: string, account = A()) => `arn:aws:sts::${account}:assumed-role/${role}/${name}`;
  const [JUMP, ADMIN, DATA] = PLANTED.chainRoles.map((role, i) => () => session(role, PLANTED.chainSessionNames[i]));
  const carol = () => `arn:aws:iam::${A()}:user/${PLANTED.chainUser}`;

  const one = async (arn: string, r = range) => {
    const res = await exec(ONE, { arn, r });
    expect(res.errors).toBeUndefined();
    return res.data!.identity as { arn: string; sourcePrincipal: string | null; assumedBy: Array<{ value: string; count: number }> };
  };

  it('the ProdDataRole session resolves to carol.diaz’s IAM user, and was assumed by the PlatformAdminRole session', async () => {
    const id = await one(DATA());
    expect(id.sourcePrincipal).toBe(carol());
    expect(id.assumedBy).toEqual([{ value: ADMIN(), count: 1 }]);
  });

  it('each step of the chain names the step before it, and all resolve to carol.diaz', async () => {
    const [jump, admin] = [await one(JUMP()), await one(ADMIN())];
    expect(admin.assumedBy).toEqual([{ value: JUMP(), count: 1 }]);
    expect(jump.assumedBy).toEqual([{ value: carol(), count: 1 }]);
    expect([jump.sourcePrincipal, admin.sourcePrincipal]).toEqual([carol(), carol()]);
  });

  it('a session issued before the range still resolves (issuing calls are searched 12 hours back)', async () => {
    const uses = ref.served.filter((e) => e.identityKey === DATA());
    const issued = ref.served.find((e) => e.eventName === 'AssumeRole' && e.raw.responseElements?.assumedRoleUser?.arn === DATA())!;
    const from = Math.min(...uses.map((e) => e.time));
    expect(issued.time).toBeLessThan(from);
    const id = await one(DATA(), { from: iso(from), to: range.to });
    expect(id.sourcePrincipal).toBe(carol());
    expect(id.assumedBy).toEqual([{ value: ADMIN(), count: 1 }]);
  });

  it('an Identity Center session resolves to the user named in the session', async () => {
    const sso = ref.served.find((e) => /:assumed-role\/AWSReservedSSO_AdministratorAccess_[0-9a-f]+\/alice\.chen@example\.com$/.test(e.identityKey))!;
    expect(sso).toBeDefined();
    const id = await one(sso.identityKey);
    expect(id.sourcePrincipal).toBe('alice.chen@example.com');
    // issued by AssumeRoleWithSAML, whose caller is the SAML user (no ARN: its principalId)
    const want = referenceChains(ref.served, range, [sso.identityKey]).get(sso.identityKey)!;
    expect(id.assumedBy).toEqual(want.assumedBy);
    expect(id.assumedBy[0].value).toMatch(/:alice\.chen@example\.com$/);
  });

  it('an EC2 instance-role session resolves to the service that issued its credentials', async () => {
    const thief = ref.served.find((e) => e.raw.sourceIPAddress === PLANTED.ec2ThiefIp)!;
    expect(thief.identityKey).toContain(`:assumed-role/${PLANTED.ec2Role}/i-`);
    const id = await one(thief.identityKey);
    expect(id.sourcePrincipal).toBe('ec2.amazonaws.com');
    expect(id.assumedBy[0].value).toBe('ec2.amazonaws.com');
  });

  it('a cross-account role session resolves to the caller in the other account', async () => {
    const arn = session(PLANTED.crossAccountRole, PLANTED.crossAccountUser, summary.accounts[1]);
    const id = await one(arn);
    const erin = `arn:aws:iam::${A()}:user/${PLANTED.crossAccountUser}`;
    expect(id.sourcePrincipal).toBe(erin);
    expect(id.assumedBy).toEqual([{ value: erin, count: 1 }]);
  });

  it('every role session of the lake: assumedBy and sourcePrincipal equal the plain join over the records', async () => {
    const r = await exec(CHAIN, { f: { range, identityTypes: ['ASSUMED_ROLE'] } });
    expect(r.errors).toBeUndefined();
    const nodes = r.data!.identities.nodes as Array<{ arn: string }>;
    expect(nodes.length).toBeGreaterThan(30);
    const want = referenceChains(ref.served, range, nodes.map((n) => n.arn));
    expect(nodes).toEqual(nodes.map((n) => ({ arn: n.arn, ...want.get(n.arn) })));
  });

  it('principals that are not role sessions have no chain', async () => {
    const id = await one(carol());
    expect(id).toEqual({ arn: carol(), sourcePrincipal: null, assumedBy: [] });
  });
});

describe('role chains over the real CloudTrail sets', () => {
  const ref = loadReferenceLake(REAL_DATA_DIR);
  const range = spanOf(ref.served);
  let h: Harness;
  beforeAll(async () => {
    h = await openHarness(REAL_DATA_DIR);
  });
  afterAll(async () => {
    await h?.close();
  });

  it('every role session: joined where the issuing call is in the lake, else sourceIdentity or session name', async () => {
    const r = jsonOf(await h.exec(CHAIN, { f: { range, identityTypes: ['ASSUMED_ROLE'] } }));
    expect(r.errors).toBeUndefined();
    const nodes = r.data!.identities.nodes as Array<{ arn: string; assumedBy: unknown[] }>;
    const want = referenceChains(ref.served, range, nodes.map((n) => n.arn));
    expect(nodes).toEqual(nodes.map((n) => ({ arn: n.arn, ...want.get(n.arn) })));
    // both kinds of answer occur
    expect(nodes.some((n) => n.assumedBy.length > 0)).toBe(true);
    expect(nodes.some((n) => n.assumedBy.length === 0)).toBe(true);
  });
});
