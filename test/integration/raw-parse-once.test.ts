import { readdirSync } from 'node:fs';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { duckParams } from '../../src/engines/duckdb/duckdb-values';
import type { EventFilterSpec } from '../../src/query/event-filter';
import { planPartitions } from '../../src/query/partition-planner';
import { statsQuery } from '../../src/query/stats-query';
import { DuckDbCompiler } from '../../src/sql/duckdb-compiler';
import { DUCKDB_MACROS } from '../../src/sql/duckdb-macros';

const DAY = path.resolve(__dirname, '../../../shared/data/cloudtrail/flaws2-cloud/AWSLogs/653711331788/CloudTrail/us-east-1/2018/11/28');
const FILES = readdirSync(DAY).filter((f) => f.endsWith('.json.gz')).map((f) => path.join(DAY, f));
const RANGE = { from: new Date('2018-11-28T00:00:00Z'), to: new Date('2018-11-29T00:00:00Z') };
const PLAN = planPartitions({ scope: '*', ...RANGE, accounts: null, regions: null });

/**
 * A raw read parses each record's JSON once, whatever it filters on: DuckDB inlines the
 * json_transform of a projection into any filter it pushes below it (see rawRecordTest in
 * duckdb-compiler.ts), so the physical plan must hold exactly one.
 */
describe('raw reads parse each record once', () => {
  let instance: DuckDBInstance;
  beforeAll(async () => {
    instance = await DuckDBInstance.create(':memory:', { threads: '1' });
    const c = await instance.connect();
    await c.run(`SET TimeZone = 'UTC'`);
    for (const m of DUCKDB_MACROS) await c.run(m);
    c.closeSync();
  });
  afterAll(() => instance.closeSync());

  /** json_transform calls in the physical plan of the stats query over FILES with `filter`, and its total */
  const planAndTotal = async (filter: Omit<EventFilterSpec, 'range'>) => {
    const q = statsQuery({ range: RANGE, ...filter }, PLAN, { groupBy: [{ dimension: 'EVENT_NAME' }], interval: null, first: 5, order: 'COUNT_DESC' });
    const compiled = new DuckDbCompiler({ files: FILES, maxObjectBytes: 16 * 2 ** 20 }).compile(q);
    const { values, types } = duckParams(compiled.params);
    const c = await instance.connect();
    try {
      const plan = (await c.runAndReadAll(`EXPLAIN ${compiled.sql}`, values, types)).getRows().map((r) => String(r[1])).join('\n');
      const rows = (await c.runAndReadAll(compiled.sql, values, types)).getRowObjects();
      return { transforms: (plan.replace(/[\s│]+/g, '').match(/json_transform\(/g) ?? []).length, total: Number(rows[0]?.total_events ?? 0) };
    } finally {
      c.closeSync();
    }
  };

  it.each([
    ['no filter but the range', {}],
    ['readOnly: true', { readOnly: true }],
    ['hasError: false', { hasError: false }],
    ['regions', { regions: ['us-east-1'] }],
    ['readOnly and hasError and event sources', { readOnly: true, hasError: false, eventSources: ['s3.amazonaws.com', 'sts.amazonaws.com'] }],
  ] as [string, Omit<EventFilterSpec, 'range'>][])('%s', async (_what, filter) => {
    const { transforms, total } = await planAndTotal(filter);
    expect(transforms).toBe(1);
    expect(total).toBeGreaterThan(0); // the filters match records: the plan is not of an empty read
  });
});
