import path from 'node:path';
import { loadConfig } from '../../src/config/config';
import { explainFile } from '../../src/cli/explain.command';
import { trinoErrors } from '../support/trino-parser';

const EXAMPLE = path.resolve(__dirname, '../../schema/examples/top-users.graphql');
const ORG_TABLE = path.resolve(__dirname, '../../glue-tables/cloudtrail-organization.table.json');
const FLAWS = path.resolve(__dirname, '../../../shared/data/cloudtrail/flaws2-cloud');
const VARS = JSON.stringify({ from: '2018-11-28T00:00:00Z', to: '2018-11-29T00:00:00Z', accounts: ['111122223333'] });

/** Runs `trailgate explain` in-process and returns what it printed. */
async function explain(flags: Record<string, string>, opts: { glueTable?: string; json?: boolean }, vars = VARS) {
  const out: string[] = [];
  const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out.push(String(chunk));
    return true;
  });
  try {
    const code = await explainFile(loadConfig(flags, { ATHENA_WORKGROUP: 'primary', ATHENA_DATABASE: 'security', ATHENA_TABLE: 't', TRAILGATE_LOG_LEVEL: 'silent' }), EXAMPLE, { vars, ...opts });
    return { code, text: out.join('') };
  } finally {
    spy.mockRestore();
  }
}

describe('trailgate explain', () => {
  it('prints the Athena SQL and partitions offline, from a Glue table file, as JSON', async () => {
    const { code, text } = await explain({ engine: 'athena' }, { glueTable: ORG_TABLE, json: true });
    expect(code).toBe(0);
    const { queries } = JSON.parse(text);
    expect(queries).toHaveLength(1);
    const [q] = queries;
    expect(q.engine).toBe('athena');
    expect(q.parameters).toEqual([]);
    expect(q.sql).toContain(`src."account" IN ('111122223333')`);
    expect(q.sql).toContain(`BETWEEN '2018/11/28' AND '2018/11/29'`);
    expect(q.partitions.join(' ')).toContain('111122223333');
    expect(trinoErrors(q.sql)).toEqual([]);
  });

  it('prints the DuckDB SQL, bound parameters and partitions of a local lake as text', async () => {
    const vars = JSON.stringify({ from: '2018-11-28T00:00:00Z', to: '2018-11-29T00:00:00Z', accounts: ['653711331788'] });
    const { code, text } = await explain({ engine: 'duckdb', lake: FLAWS }, {}, vars);
    expect(code).toBe(0);
    expect(text).toMatch(/^-- query 1 of 1 \(duckdb\)\n-- partitions: 653711331788\/us-east-1\/2018-11-28 -- files: 8\n/);
    expect(text).toContain('-- $1 VARCHAR[] = "<the 8 log files of the partitions listed>"');
    expect(text).toContain('-- $4 VARCHAR = "653711331788"');
    expect(text).not.toContain('/work/');
    expect(text).toContain('WITH ev AS (');
  });
});
