import type { Row } from '../../src/engines/engine';
import type { Pred, Query } from '../../src/query/ir';
import { DEFAULT_LIMITS } from '../../src/services/limits';
import type { QueryRunner } from '../../src/services/query-runner';
import { MAX_CHAIN_DEPTH, RoleChainService } from '../../src/services/role-chain.service';
import { ANONYMOUS_PRINCIPAL } from '../../src/domain/principal';

/**
 * The chain walk of RoleChainService over a fake engine: which answer each rule gives, and how
 * many queries a walk costs. The engine answers from two tables: the keys each session signed
 * with (level 0) and the call that issued each key (every level).
 */

const RANGE = { from: new Date('2024-03-01T00:00:00Z'), to: new Date('2024-03-02T00:00:00Z') };
const AT = '2024-03-01T10:00:00.000Z';
const sess = (role: string, name: string) => `arn:aws:sts::111122223333:assumed-role/${role}/${name}`;
const USER = 'arn:aws:iam::111122223333:user/carol';

interface Issue {
  readonly issuer: string;
  readonly issuerKey?: string;
  readonly issuerSourceIdentity?: string;
  /** the copy of the call without the caller's ARN (cross-account) */
  readonly noArnCopy?: string;
}
interface Use {
  readonly arn: string;
  readonly key: string;
  readonly sourceIdentity?: string;
}

function issuerRow(key: string, i: Issue | undefined): Row {
  if (!i) return { access_key: key, issuer_arn_key: null, issuer_key: null, issuer_access_key: null, issuer_source_identity: null, issued_at: null, issue_events: 0 };
  return {
    access_key: key,
    issuer_arn_key: i.issuer.startsWith('arn:') ? i.issuer : null,
    issuer_key: i.noArnCopy && i.noArnCopy > i.issuer ? i.noArnCopy : i.issuer,
    issuer_access_key: i.issuerKey ?? null,
    issuer_source_identity: i.issuerSourceIdentity ?? null,
    issued_at: AT,
    issue_events: i.noArnCopy ? 2 : 1,
  };
}

/** The string lists of IN predicates in a predicate tree. */
function inLists(p: Pred): string[][] {
  switch (p.kind) {
    case 'in':
      return [p.values.filter((v): v is string => typeof v === 'string')];
    case 'and':
    case 'or':
      return p.preds.flatMap(inLists);
    case 'not':
    case 'notTrue':
      return inLists(p.pred);
    default:
      return [];
  }
}

class FakeEngine {
  readonly queries: Query[] = [];
  constructor(
    private readonly uses: readonly Use[],
    private readonly issues: Readonly<Record<string, Issue>>,
  ) {}

  readonly runner = {
    principal: ANONYMOUS_PRINCIPAL,
    rows: async (q: Query): Promise<readonly Row[]> => {
      this.queries.push(q);
      if (q.kind !== 'select') throw new Error('unexpected query');
      const lists = inLists(q.where);
      if (q.unnest?.source === 'credentials') {
        const arns = lists.find((l) => l.some((v) => v.startsWith('arn:')))!;
        return this.uses
          .filter((u) => arns.includes(u.arn))
          .map((u) => ({ ...issuerRow(u.key, this.issues[u.key]), session_arn: u.arn, session_source_identity: u.sourceIdentity ?? null }));
      }
      const keys = lists.find((l) => l.some((v) => v.startsWith('ASIA')))!;
      return keys.filter((k) => this.issues[k]).map((k) => issuerRow(k, this.issues[k]));
    },
  } as unknown as QueryRunner;
}

const service = new RoleChainService(DEFAULT_LIMITS);

describe('RoleChainService', () => {
  it('follows role sessions up to the first principal that is not one, one query per level', async () => {
    const [a, b, c] = [sess('Jump', 'carol'), sess('Admin', 'admin'), sess('Data', 'export')];
    const fake = new FakeEngine([{ arn: c, key: 'ASIAC' }], {
      ASIAC: { issuer: b, issuerKey: 'ASIAB' },
      ASIAB: { issuer: a, issuerKey: 'ASIAA' },
      ASIAA: { issuer: USER, issuerKey: 'AKIAUSER' },
    });
    const out = await service.resolve(fake.runner, [c], RANGE);
    expect(out.get(c)).toEqual({ assumedBy: [{ value: b, count: 1 }], sourcePrincipal: USER });
    expect(fake.queries).toHaveLength(3);
  });

  it('reuses links already found on the page instead of asking again', async () => {
    const [a, b] = [sess('Jump', 'carol'), sess('Admin', 'admin')];
    const fake = new FakeEngine(
      [
        { arn: b, key: 'ASIAB' },
        { arn: a, key: 'ASIAA' },
      ],
      { ASIAB: { issuer: a, issuerKey: 'ASIAA' }, ASIAA: { issuer: USER } },
    );
    const out = await service.resolve(fake.runner, [a, b], RANGE);
    expect(out.get(b)!.sourcePrincipal).toBe(USER);
    expect(out.get(a)!.sourcePrincipal).toBe(USER);
    expect(fake.queries).toHaveLength(1);
  });

  it(`stops after ${MAX_CHAIN_DEPTH} links, at the role session reached`, async () => {
    const chain = Array.from({ length: 8 }, (_, i) => sess(`R${i}`, `s${i}`));
    const issues: Record<string, Issue> = {};
    chain.forEach((arn, i) => {
      if (i + 1 < chain.length) issues[`ASIA${i}`] = { issuer: chain[i + 1], issuerKey: `ASIA${i + 1}` };
    });
    const fake = new FakeEngine([{ arn: chain[0], key: 'ASIA0' }], issues);
    const out = await service.resolve(fake.runner, [chain[0]], RANGE);
    expect(out.get(chain[0])!.sourcePrincipal).toBe(chain[MAX_CHAIN_DEPTH]);
    expect(fake.queries).toHaveLength(MAX_CHAIN_DEPTH);
  });

  it('without an issuing call: the session’s sourceIdentity, else its session name', async () => {
    const [withId, without, keyless] = [sess('Audit', 'x1'), sess('Audit', 'bob'), sess('Svc', 'job-7')];
    const fake = new FakeEngine(
      [
        { arn: withId, key: 'ASIA1', sourceIdentity: 'alice' },
        { arn: without, key: 'ASIA2' },
      ],
      {},
    );
    const out = await service.resolve(fake.runner, [withId, without, keyless], RANGE);
    expect(out.get(withId)).toEqual({ assumedBy: [], sourcePrincipal: 'alice' });
    expect(out.get(without)).toEqual({ assumedBy: [], sourcePrincipal: 'bob' });
    expect(out.get(keyless)).toEqual({ assumedBy: [], sourcePrincipal: 'job-7' });
  });

  it('an intermediate session without its issuing call ends at that session’s sourceIdentity', async () => {
    const [mid, leaf] = [sess('Mid', 'm'), sess('Leaf', 'l')];
    const fake = new FakeEngine([{ arn: leaf, key: 'ASIAL' }], { ASIAL: { issuer: mid, issuerKey: 'ASIAM', issuerSourceIdentity: 'dana' } });
    expect((await service.resolve(fake.runner, [leaf], RANGE)).get(leaf)!.sourcePrincipal).toBe('dana');
  });

  it('an Identity Center session ends at its session name, also in the middle of a chain', async () => {
    const sso = sess('AWSReservedSSO_AdministratorAccess_0123456789abcdef', 'alice@example.com');
    const leaf = sess('Deploy', 'd');
    const fake = new FakeEngine(
      [
        { arn: sso, key: 'ASIASSO' },
        { arn: leaf, key: 'ASIALEAF' },
      ],
      { ASIASSO: { issuer: 'Qual=:alice@example.com' }, ASIALEAF: { issuer: sso, issuerKey: 'ASIASSO' } },
    );
    const out = await service.resolve(fake.runner, [sso, leaf], RANGE);
    expect(out.get(sso)).toEqual({ assumedBy: [{ value: 'Qual=:alice@example.com', count: 1 }], sourcePrincipal: 'alice@example.com' });
    expect(out.get(leaf)!.sourcePrincipal).toBe('alice@example.com');
  });

  it('prefers the copy of a cross-account call that names the caller', async () => {
    const s = sess('CrossAccountRead', 'erin');
    const erin = 'arn:aws:iam::444455556666:user/erin';
    const fake = new FakeEngine([{ arn: s, key: 'ASIAX' }], { ASIAX: { issuer: erin, noArnCopy: 'account:444455556666' } });
    expect((await service.resolve(fake.runner, [s], RANGE)).get(s)).toEqual({ assumedBy: [{ value: erin, count: 1 }], sourcePrincipal: erin });
  });

  it('counts sessions by issuer, and picks the end most keys reach (then the smallest)', async () => {
    const s = sess('App', 'worker');
    const fake = new FakeEngine(
      ['K1', 'K2', 'K3', 'K4'].map((k) => ({ arn: s, key: `ASIA${k}` })),
      {
        ASIAK1: { issuer: 'arn:aws:iam::111122223333:user/b' },
        ASIAK2: { issuer: 'arn:aws:iam::111122223333:user/a' },
        ASIAK3: { issuer: 'arn:aws:iam::111122223333:user/b' },
        ASIAK4: { issuer: 'arn:aws:iam::111122223333:user/a' },
      },
    );
    expect((await service.resolve(fake.runner, [s], RANGE)).get(s)).toEqual({
      assumedBy: [
        { value: 'arn:aws:iam::111122223333:user/a', count: 2 },
        { value: 'arn:aws:iam::111122223333:user/b', count: 2 },
      ],
      sourcePrincipal: 'arn:aws:iam::111122223333:user/a',
    });
  });

  it('asks nothing for principals that are not role sessions', async () => {
    const fake = new FakeEngine([], {});
    const out = await service.resolve(fake.runner, [USER, 'ec2.amazonaws.com'], RANGE);
    expect([...out.values()]).toEqual([
      { assumedBy: [], sourcePrincipal: null },
      { assumedBy: [], sourcePrincipal: null },
    ]);
    expect(fake.queries).toHaveLength(0);
  });
});
