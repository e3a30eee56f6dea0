import fc from 'fast-check';
import { TrailgateError } from '../../src/domain/trailgate-error';
import { scopeKey } from '../../src/domain/principal';
import { eventsQuery } from '../../src/query/event-queries';
import type { PartitionPlan } from '../../src/query/ir';
import { planPartitions, scopedAccounts } from '../../src/query/partition-planner';
import { statsQuery } from '../../src/query/stats-query';
import { DuckDbCompiler } from '../../src/sql/duckdb-compiler';
import { TrinoCompiler, type TrinoTableBinding } from '../../src/sql/trino-compiler';

/**
 * The row-level access rule in the planner and the compilers: scope ∩ requested, FORBIDDEN when
 * empty, the account predicate in every scoped statement, no statement without a scope.
 */
const RANGE = { from: new Date('2024-03-01T00:00:00Z'), to: new Date('2024-03-02T00:00:00Z') };
const BINDING: TrinoTableBinding = {
  database: 'cloudtrail',
  table: 'trail',
  account: { column: 'account' },
  regionColumn: 'region',
  day: { column: 'timestamp', format: 'yyyy/MM/dd' },
};
const account = fc.stringMatching(/^\d{12}$/);

const forbidden = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    return e instanceof TrailgateError && e.code === 'FORBIDDEN';
  }
  return false;
};

describe('scopedAccounts', () => {
  it('is the intersection of scope and request, sorted and unique; the whole scope when nothing is asked', () => {
    fc.assert(
      fc.property(fc.uniqueArray(account, { minLength: 1, maxLength: 6 }), fc.array(account, { maxLength: 6 }), (scope, asked) => {
        const want = [...new Set(asked.filter((a) => scope.includes(a)))].sort();
        if (asked.length === 0) expect(scopedAccounts(scope, asked)).toEqual([...scope].sort());
        else if (want.length === 0) expect(forbidden(() => scopedAccounts(scope, asked))).toBe(true);
        else expect(scopedAccounts(scope, asked)).toEqual(want);
      }),
    );
  });

  it('leaves an unscoped (*) request as asked', () => {
    expect(scopedAccounts('*', null)).toBeNull();
    expect(scopedAccounts('*', ['222222222222', '111111111111', '222222222222'])).toEqual(['111111111111', '222222222222']);
  });

  it('refuses an empty scope (a principal that may see nothing)', () => {
    expect(forbidden(() => scopedAccounts([], null))).toBe(true);
  });

  it('needs a scope: a plan without one is refused', () => {
    expect(() => planPartitions({ ...RANGE } as never)).toThrow(/scope/);
  });
});

describe('compilers', () => {
  const compilers = () => [new DuckDbCompiler({ files: ['/lake/a.json.gz'], maxObjectBytes: 16 << 20 }), new TrinoCompiler(BINDING)];

  it('render the scoped accounts in every statement, and read only those partitions (property)', () => {
    fc.assert(
      fc.property(fc.uniqueArray(account, { minLength: 1, maxLength: 4 }), fc.array(account, { maxLength: 4 }), (scope, asked) => {
        const inScope = asked.filter((a) => scope.includes(a));
        fc.pre(asked.length === 0 || inScope.length > 0);
        const plan = planPartitions({ ...RANGE, scope, accounts: asked });
        const want = asked.length ? [...new Set(inScope)].sort() : [...scope].sort();
        expect(plan.accounts).toEqual(want);
        for (const q of [eventsQuery({ range: RANGE }, plan, { first: 5, after: null, order: 'NEWEST_FIRST' }), statsQuery({ range: RANGE }, plan, { groupBy: [], interval: null, first: 10, order: 'COUNT_DESC' })]) {
          for (const c of compilers()) {
            const { sql, params } = c.compile(q);
            const text = sql + JSON.stringify(params);
            for (const a of want) expect(text).toContain(a);
            // nothing outside the scope is named
            for (const a of asked.filter((x) => !scope.includes(x))) expect(text).not.toContain(a);
          }
        }
      }),
      { numRuns: 60 },
    );
  });

  it('an unscoped plan renders no account predicate', () => {
    const plan = planPartitions({ ...RANGE, scope: '*' });
    const scoped = planPartitions({ ...RANGE, scope: ['111111111111'] });
    for (const c of compilers()) {
      const open = c.compile(eventsQuery({ range: RANGE }, plan, { first: 5, after: null, order: 'NEWEST_FIRST' })).sql;
      const closed = c.compile(eventsQuery({ range: RANGE }, scoped, { first: 5, after: null, order: 'NEWEST_FIRST' })).sql;
      expect(closed.length).toBeGreaterThan(open.length);
      expect(closed).toMatch(/tg_account/);
    }
  });

  it('refuse a plan without a scope, or with accounts outside it', () => {
    const plan = planPartitions({ ...RANGE, scope: ['111111111111'] });
    const { scope: _dropped, ...noScope } = plan;
    const widened: PartitionPlan = { ...plan, accounts: ['111111111111', '999999999999'] };
    for (const c of compilers()) {
      expect(() => c.compile(eventsQuery({ range: RANGE }, noScope as PartitionPlan, { first: 5, after: null, order: 'NEWEST_FIRST' }))).toThrow(/principal scope/);
      expect(() => c.compile(eventsQuery({ range: RANGE }, widened, { first: 5, after: null, order: 'NEWEST_FIRST' }))).toThrow(/outside the principal scope/);
    }
  });
});

describe('scopeKey', () => {
  it('differs by principal id and by scope, not by the order of the accounts', () => {
    const a = scopeKey({ id: 'p', accounts: ['1', '2'] });
    expect(scopeKey({ id: 'p', accounts: ['2', '1'] })).toBe(a);
    expect(scopeKey({ id: 'q', accounts: ['1', '2'] })).not.toBe(a);
    expect(scopeKey({ id: 'p', accounts: ['1'] })).not.toBe(a);
    expect(scopeKey({ id: 'p', accounts: '*' })).not.toBe(a);
  });
});
