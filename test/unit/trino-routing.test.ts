import fc from 'fast-check';
import { addDays, daysBetween } from '../../src/domain/utc-day';
import type { EventFilterSpec } from '../../src/query/event-filter';
import { eventByIdQuery, eventsQuery } from '../../src/query/event-queries';
import { identitiesQuery } from '../../src/query/identity-queries';
import type { PartitionPlan, Query } from '../../src/query/ir';
import { planPartitions } from '../../src/query/partition-planner';
import { resourcesQuery } from '../../src/query/resource-queries';
import { statsQuery } from '../../src/query/stats-query';
import { TrinoCompiler, type TrinoParquetTier, type TrinoTableBinding } from '../../src/sql/trino-compiler';
import { trinoErrors } from '../support/trino-parser';

/**
 * Routing (issue 6): delivery days the compaction manifest records are read from the Parquet
 * table, the rest from raw, as one UNION ALL source; de-duplication in `dd` runs over both.
 */

const ORG: TrinoTableBinding = {
  database: 'cloudtrail',
  table: 'trail',
  account: { column: 'account' },
  regionColumn: 'region',
  day: { column: 'timestamp', format: 'yyyy/MM/dd' },
};
const tier = (...days: string[]): TrinoParquetTier => ({ database: 'cloudtrail', table: 'trail_parquet', compactedDays: new Set(days) });

const RANGE = { from: new Date('2024-03-01T00:00:00Z'), to: new Date('2024-03-03T06:00:00Z') }; // delivery days 03-01 .. 03-04
const PLAN = planPartitions({ scope: '*', ...RANGE, accounts: ['111122223333'], regions: ['eu-west-1'] });
const byId = (plan: PartitionPlan = PLAN) => eventByIdQuery('e1', RANGE, plan);

/** The source relation of a statement: from ev's FROM to the line closing it. */
const sourceOf = (sql: string): string => {
  const lines = sql.split('\n');
  const from = lines.findIndex((l) => l.startsWith('  FROM '));
  const end = lines.findIndex((l, i) => i > from && (l === '  ) AS src' || l === ')'));
  return lines.slice(from, end + 1).join('\n');
};

/** Every query shape the services build, over one plan. */
function queries(plan: PartitionPlan): Query[] {
  const range = { from: RANGE.from, to: RANGE.to };
  const filter: EventFilterSpec = { range, eventNames: ['ConsoleLogin'] };
  return [
    byId(plan),
    eventsQuery(filter, plan, { first: 25, after: null, order: 'NEWEST_FIRST' }),
    statsQuery(filter, plan, { groupBy: [{ dimension: 'EVENT_NAME' }], interval: 'HOUR', first: 50, order: 'COUNT_DESC' }),
    identitiesQuery(filter, plan, 10, null),
    resourcesQuery(filter, plan, 10, null),
  ];
}

const DEDUP =
  'src."eventversion", src."useridentity", src."eventtime", src."eventsource", src."eventname", src."awsregion", src."sourceipaddress", ' +
  'src."useragent", src."errorcode", src."errormessage", src."requestparameters", src."responseelements", src."additionaleventdata", ' +
  'src."requestid", src."eventid", src."readonly", src."resources", src."eventtype", src."apiversion", src."recipientaccountid", ' +
  'src."serviceeventdetails", src."sharedeventid", src."vpcendpointid", src."eventcategory", src."managementevent", ' +
  'src."sessioncredentialfromconsole", src."tlsdetails", src."insightdetails"';

describe('routing compacted delivery days to the Parquet table', () => {
  it('reads compacted days from Parquet and the rest from raw, each branch pruned on its own partitions', () => {
    const sql = new TrinoCompiler(ORG, tier('2024-02-28', '2024-03-01', '2024-03-02', '2024-03-04')).compile(byId()).sql;
    expect(sourceOf(sql)).toBe(
      [
        '  FROM (',
        `    SELECT ${DEDUP}, src."account"`,
        '    FROM "cloudtrail"."trail" AS src',
        `    WHERE src."timestamp" BETWEEN '2024/03/03' AND '2024/03/03' AND src."account" IN ('111122223333') AND src."region" IN ('eu-west-1', 'us-east-1')`,
        '    UNION ALL',
        `    SELECT ${DEDUP}, src."account"`,
        '    FROM "cloudtrail"."trail_parquet" AS src',
        `    WHERE (src."delivery" BETWEEN '2024-03-01' AND '2024-03-02' OR src."delivery" BETWEEN '2024-03-04' AND '2024-03-04') AND src."account" IN ('111122223333') AND src."region" IN ('eu-west-1', 'us-east-1')`,
        '  ) AS src',
      ].join('\n'),
    );
    // pruning moved into the branches; the partition account and the hash read the union alike
    expect(sql).not.toMatch(/\n {2}WHERE /);
    expect(sql).toContain(`coalesce(nullif(src.recipientaccountid, ''), src."account") AS tg_account`);
    expect(trinoErrors(sql)).toEqual([]);
  });

  it('renders exactly the raw-only statement when no compacted day falls in the plan', () => {
    for (const q of queries(PLAN)) {
      const raw = new TrinoCompiler(ORG).compile(q).sql;
      expect(new TrinoCompiler(ORG, tier()).compile(q).sql).toBe(raw);
      expect(new TrinoCompiler(ORG, tier('2024-02-29', '2024-03-05')).compile(q).sql).toBe(raw);
      expect(new TrinoCompiler(ORG, null).compile(q).sql).toBe(raw);
    }
  });

  it('reads only the Parquet table when every day of the plan is compacted', () => {
    const sql = new TrinoCompiler(ORG, tier(...daysBetween('2024-02-01', '2024-03-09'))).compile(byId()).sql;
    expect(sql).not.toContain('UNION ALL');
    expect(sql).not.toContain('"cloudtrail"."trail" AS src');
    expect(sourceOf(sql)).toContain(`WHERE src."delivery" BETWEEN '2024-03-01' AND '2024-03-04' AND src."account" IN ('111122223333')`);
    expect(trinoErrors(sql)).toEqual([]);
  });

  it('parses with the Trino grammar for every query shape the services build', () => {
    for (const q of queries(PLAN)) {
      const sql = new TrinoCompiler(ORG, tier('2024-03-02')).compile(q).sql;
      expect(sql).toContain('UNION ALL');
      const errors = trinoErrors(sql);
      expect({ errors, sql: errors.length ? sql : '' }).toEqual({ errors: [], sql: '' });
    }
  });

  it('splits the plan’s delivery days between the tiers exactly: compacted days from Parquet, every other day from raw', () => {
    const DAY0 = '2024-02-20';
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 20 }),
        fc.integer({ min: 0, max: 15 }),
        fc.uniqueArray(fc.integer({ min: 0, max: 40 }), { maxLength: 40 }),
        (start, span, compacted) => {
          const from = new Date(`${addDays(DAY0, start)}T05:00:00Z`);
          const plan = planPartitions({ scope: '*', from, to: new Date(from.getTime() + (span + 1) * 86_400_000), accounts: ['111122223333'] });
          const days = new Set(compacted.map((n) => addDays(DAY0, n)));
          const sql = new TrinoCompiler(ORG, tier(...days)).compile(byId(plan)).sql;
          const ranges = (re: RegExp) => [...sql.matchAll(re)].flatMap((m) => daysBetween(m[1].replace(/\//g, '-'), m[2].replace(/\//g, '-')));
          const raw = ranges(/src\."timestamp" BETWEEN '([\d/]+)' AND '([\d/]+)'/g);
          const parquet = ranges(/src\."delivery" BETWEEN '([\d-]+)' AND '([\d-]+)'/g);
          const planned = daysBetween(plan.firstDay, plan.lastDay);
          expect([...raw, ...parquet].sort()).toEqual(planned);
          expect(parquet.every((d) => days.has(d))).toBe(true);
          expect(raw.some((d) => days.has(d))).toBe(false);
        },
      ),
    );
  });

  it('keeps a single-account table’s constant account, and reads only that account from Parquet', () => {
    const single: TrinoTableBinding = { ...ORG, account: { constant: '111122223333' } };
    const plan = planPartitions({ scope: '*', ...RANGE });
    const sql = new TrinoCompiler(single, tier('2024-03-01')).compile(byId(plan)).sql;
    expect(sourceOf(sql).split('\n').filter((l) => l.startsWith('    WHERE'))).toEqual([
      `    WHERE src."timestamp" BETWEEN '2024/03/02' AND '2024/03/04'`,
      `    WHERE src."delivery" BETWEEN '2024-03-01' AND '2024-03-01' AND src."account" = '111122223333'`,
    ]);
    expect(sql).toContain(`coalesce(nullif(src.recipientaccountid, ''), '111122223333') AS tg_account`);
    expect(sourceOf(sql)).not.toContain('AS "account"');
    expect(trinoErrors(sql)).toEqual([]);
  });

  it('routes manual year/month/day partitions, and exposes a differently named account column under the raw name', () => {
    const manual: TrinoTableBinding = { ...ORG, account: { column: 'acct' }, day: { kind: 'ymd', year: 'year', month: 'month', day: 'day' } };
    const sql = new TrinoCompiler(manual, tier('2024-03-01', '2024-03-02')).compile(byId()).sql;
    expect(sourceOf(sql)).toContain(
      `WHERE (src."year" = '2024' AND src."month" = '03' AND src."day" BETWEEN '03' AND '04') AND src."acct" IN ('111122223333')`,
    );
    expect(sourceOf(sql)).toContain(`src."account" AS "acct"\n    FROM "cloudtrail"."trail_parquet" AS src`);
    expect(sql).toContain(`coalesce(nullif(src.recipientaccountid, ''), src."acct") AS tg_account`);
    expect(trinoErrors(sql)).toEqual([]);
  });

  it('still refuses to read an injected-account table without accounts', () => {
    const injected: TrinoTableBinding = { ...ORG, account: { column: 'account', injected: true } };
    const plan = planPartitions({ scope: '*', ...RANGE });
    expect(() => new TrinoCompiler(injected, tier('2024-03-01')).compile(byId(plan))).toThrow(/filter on accounts/);
    expect(() => new TrinoCompiler(injected, tier(...daysBetween('2024-03-01', '2024-03-04'))).compile(byId(plan))).toThrow(/filter on accounts/);
  });
});
