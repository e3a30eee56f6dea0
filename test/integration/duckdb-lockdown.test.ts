import path from 'node:path';
import { DuckDbPool } from '../../src/engines/duckdb/duckdb-pool';
import { useHarness } from '../support/gateway-harness';

const FLAWS = path.resolve(__dirname, '../../../shared/data/cloudtrail/flaws2-cloud');
const OTHER_SET = path.resolve(__dirname, '../../../shared/data/cloudtrail/otrf-security-datasets-ec2-proxy-s3-exfil');
const IN_LAKE = path.join(FLAWS, 'AWSLogs/653711331788/CloudTrail/us-east-1/2018/11/28/*.json.gz');

describe('the embedded engine is locked down', () => {
  let pool: DuckDbPool;
  beforeAll(async () => {
    pool = await DuckDbPool.open({ threads: 1, memoryLimit: '512MB', connections: 2, allowedDirectories: [FLAWS] });
  });
  afterAll(() => pool.close());

  const run = (sql: string) => pool.use((c) => c.runAndReadAll(sql)).then((r) => r.getRows());

  it('reads the lake', async () => {
    expect(await run(`SELECT count(*) FROM read_json('${IN_LAKE}', columns = {'Records': 'JSON[]'})`)).toEqual([[8n]]);
  });

  it.each([
    ['a system file', `SELECT * FROM read_text('/etc/passwd')`],
    ['another lake next to it', `SELECT count(*) FROM read_json('${OTHER_SET}/AWSLogs/*/CloudTrail/*/*/*/*/*.json.gz')`],
    ['a path that climbs out of the lake', `SELECT * FROM read_text('${FLAWS}/../../../../../etc/hostname')`],
    ['writing a file', `COPY (SELECT 1) TO '/tmp/trailgate-escape.csv'`],
  ])('refuses %s', async (_what, sql) => {
    await expect(run(sql)).rejects.toThrow(/Permission Error|disabled by configuration|not allowed/);
  });

  it('refuses to change its configuration or load extensions', async () => {
    await expect(run(`SET enable_external_access = true`)).rejects.toThrow(/locked/);
    await expect(run(`SET allowed_directories = ['/']`)).rejects.toThrow(/locked/);
    await expect(run(`INSTALL httpfs`)).rejects.toThrow();
  });

  it('keeps no block memory unless told, and cannot be told once open', async () => {
    expect(await run(`SELECT current_setting('block_allocator_memory')`)).toEqual([['0 bytes']]);
    await expect(run(`SET block_allocator_memory = '64MiB'`)).rejects.toThrow(/locked/);
  });

  it('keeps the block memory it is opened with (compaction)', async () => {
    const kept = await DuckDbPool.open({ threads: 1, memoryLimit: '512MB', connections: 1, allowedDirectories: [FLAWS], keptBlockBytes: 200 * 2 ** 20 });
    try {
      expect(await kept.use((c) => c.runAndReadAll(`SELECT current_setting('block_allocator_memory')`)).then((r) => r.getRows())).toEqual([['200.0 MiB']]);
    } finally {
      await kept.close();
    }
  });

  it('keeps UTC and the macros on every pooled connection', async () => {
    const rows = await Promise.all([1, 2, 3].map(() => run(`SELECT current_setting('TimeZone'), tg_ipv4_hex('10.0.0.1')`)));
    for (const r of rows) expect(r).toEqual([['UTC', '0a000001']]);
  });
});

describe('GraphQL input cannot reach files', () => {
  const { exec } = useHarness(FLAWS);
  it('treats path- and SQL-like strings as values only', async () => {
    const q = `query($f: EventFilter!) { eventStats(filter: $f, groupBy: []) { totalEvents } events(filter: $f, first: 1) { nodes { eventId } } }`;
    const range = { from: '2018-11-28T00:00:00Z', to: '2018-11-29T00:00:00Z' };
    for (const evil of ["/etc/passwd", "') UNION SELECT * FROM read_text('/etc/passwd') --", "../../../../etc/passwd"]) {
      const r = await exec(q, { f: { range, userAgentContains: evil, requestParameters: [{ path: 'key', contains: evil }] } });
      expect(r.errors).toBeUndefined();
      expect(r.data!.eventStats.totalEvents).toBe(0);
      expect(JSON.stringify(r)).not.toContain('root:');
    }
  });
});
