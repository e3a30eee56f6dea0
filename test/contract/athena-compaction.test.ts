import { AthenaClient, type QueryExecutionStatus } from '@aws-sdk/client-athena';
import { GlueClient, type Table } from '@aws-sdk/client-glue';
import { S3Client } from '@aws-sdk/client-s3';
import { daysBetween } from '../../src/domain/utc-day';
import { compactAthena } from '../../src/engines/athena/compaction/compact-athena';
import { CompactionError } from '../../src/engines/athena/compaction/compaction-error';
import type { CompactionManifest } from '../../src/engines/athena/compaction/compaction-manifest';
import type { CompactAthenaOptions } from '../../src/engines/athena/compaction/compaction-options';
import { tableInput } from '../../src/engines/glue/table-definitions';
import { EXAMPLE_PARAMS, type TableParams } from '../../src/engines/glue/table-params';
import { FAKE_CREDENTIALS, FakeAthena, fakeClock, silentLogger, succeeded, type FakeClock, type Script } from '../support/athena-fakes';
import { FakeGlue, FakeS3 } from '../support/fake-s3-glue';
import { trinoErrors } from '../support/trino-parser';

/**
 * `compactAthena` against aws-sdk-client-mock fakes of Athena, Glue and S3 (issue 6). Raw log
 * folders are objects in the fake S3; a SUCCEEDED INSERT "writes" one object per Parquet
 * partition it could fill and registers the partitions in the fake Glue, as Athena would.
 */

const NOW = '2024-03-10T12:00:00Z';
const BUCKET = 'amzn-s3-demo-bucket';
const MANIFEST_KEY = 'trailgate/compaction.json';
const MANIFEST = `s3://trailgate-state/${MANIFEST_KEY}`;
const ACCOUNTS = ['111122223333', '444455556666'];
const REGIONS = EXAMPLE_PARAMS.regions!;

const asTable = (input: ReturnType<typeof tableInput>): Table => ({ ...input, Name: input.Name!, DatabaseName: 'security' });
const orgTable = (params: TableParams = EXAMPLE_PARAMS) => asTable(tableInput('organization', params));
const PARQUET = asTable(tableInput('parquet', EXAMPLE_PARAMS));

let s3: FakeS3;
let glue: FakeGlue;
let athena: FakeAthena;
let clock: FakeClock;

afterEach(() => {
  s3?.restore();
  glue?.restore();
  athena?.restore();
});

function setup(raw: Table = orgTable(), scripts: Script[] = [{ statuses: [succeeded] }]): void {
  s3 = new FakeS3();
  glue = new FakeGlue({ [raw.Name!]: raw, [PARQUET.Name!]: PARQUET });
  athena = new FakeAthena(scripts);
  clock = fakeClock(NOW);
  // A statement "writes" its partitions when first polled (a failed one may leave files too).
  athena.onPoll = (id, n) => {
    if (n !== 1) return;
    const shape = statementShape(athena.started[Number(id.slice(2)) - 1].QueryString!);
    s3.events.push(`athena ${id} ${shape.day}`);
    for (const account of shape.accounts ?? ['111122223333'])
      for (const region of shape.regions) {
        s3.put(`${BUCKET}/parquet/delivery=${shape.day}/account=${account}/region=${region}/date=${shape.day}/${id}.parquet`);
        glue.addPartition(PARQUET.Name!, [shape.day, account, region, shape.day]);
      }
  };
}

/** Raw log files: one object per (account, region) folder of each day. */
function deliver(days: readonly string[], accounts = ACCOUNTS, regions: readonly string[] = REGIONS, name = 'a'): void {
  for (const d of days)
    for (const a of accounts)
      for (const r of regions) s3.put(`${BUCKET}/AWSLogs/o-aa111bb222/${a}/CloudTrail/${r}/${d.replace(/-/g, '/')}/${a}_CloudTrail_${r}_${name}.json.gz`, 'x'.repeat(100));
}

const options = (over: Partial<CompactAthenaOptions> = {}): CompactAthenaOptions => ({
  athena: new AthenaClient({ region: 'us-east-1', credentials: FAKE_CREDENTIALS }),
  glue: new GlueClient({ region: 'us-east-1', credentials: FAKE_CREDENTIALS }),
  s3: new S3Client({ region: 'us-east-1', credentials: FAKE_CREDENTIALS }),
  workgroup: 'trailgate',
  database: 'security',
  rawTable: 'cloudtrail_org_logs',
  parquetTable: 'cloudtrail_parquet',
  manifest: MANIFEST,
  logger: silentLogger(),
  now: clock.now,
  sleep: clock.sleep,
  random: () => 0.5,
  ...over,
});

const manifest = (): CompactionManifest => JSON.parse(s3.text(`trailgate-state/${MANIFEST_KEY}`) ?? '{"days":{}}') as CompactionManifest;

/**
 * What a statement can write, read from its text independently of the generator: its delivery
 * day, the accounts and regions it reads, and the event days its `date` is clamped to.
 */
function statementShape(sql: string) {
  const list = (re: RegExp) => re.exec(sql)?.[1].split(', ').map((s) => s.slice(1, -1)) ?? null;
  const clamp = /CASE WHEN (.*) < '([\d-]+)' THEN '\2' WHEN \1 > '([\d-]+)' THEN '\3' ELSE \1 END AS "date"/.exec(sql)!;
  const eventDays = daysBetween(clamp[2], clamp[3]).length;
  const accounts = list(/src\."account" IN \(([^)]*)\)/);
  const regions = list(/src\."region" IN \(([^)]*)\)/)!;
  return { day: /'(\d{4}-\d{2}-\d{2})' AS "delivery"/.exec(sql)![1], accounts, regions, eventDays, partitions: (accounts?.length ?? 1) * regions.length * eventDays };
}

const statements = () => athena.started.map((s) => s.QueryString!);
const failed = (type: number, retryable = false): QueryExecutionStatus => ({
  State: 'FAILED',
  StateChangeReason: 'HIVE_CANNOT_OPEN_SPLIT',
  AthenaError: { ErrorCategory: retryable ? 1 : 2, ErrorType: type, Retryable: retryable },
});

describe('compactAthena: statements', () => {
  it('writes each delivery day with INSERT INTO statements that can write at most 100 partitions, each pair in exactly one', async () => {
    const accounts = Array.from({ length: 12 }, (_, i) => String(100000000000 + i));
    setup(orgTable({ ...EXAMPLE_PARAMS, accounts }));
    deliver(['2024-03-01', '2024-03-02'], accounts);
    const summary = await compactAthena(options({ from: '2024-03-01', to: '2024-03-02' }));
    expect(summary.compacted).toEqual(['2024-03-01', '2024-03-02']);
    const shapes = statements().map(statementShape);
    for (const s of shapes) {
      expect(s.eventDays).toBe(3);
      expect(s.partitions).toBeLessThanOrEqual(100);
    }
    for (const day of ['2024-03-01', '2024-03-02']) {
      const covered = shapes.filter((s) => s.day === day).flatMap((s) => s.accounts!.flatMap((a) => s.regions.map((r) => `${a}/${r}`)));
      expect(covered.sort()).toEqual(accounts.flatMap((a) => REGIONS.map((r) => `${a}/${r}`)).sort());
    }
    // 12 accounts × 17 regions: one account's 17 regions × 3 days = 51 partitions a statement.
    expect(shapes.length).toBe(2 * 12);
    expect(summary.statements).toBe(24);
  });

  it('runs one statement per delivery-day chunk, and none for folders that hold no objects', async () => {
    setup();
    deliver(['2024-03-01'], ['111122223333'], ['eu-west-1', 'us-east-1']);
    deliver(['2024-03-02'], ACCOUNTS, ['us-east-1']);
    await compactAthena(options({ from: '2024-03-01', to: '2024-03-03' }));
    expect(statements().map(statementShape).map((s) => [s.day, s.accounts, s.regions])).toEqual([
      ['2024-03-01', ['111122223333'], ['eu-west-1', 'us-east-1']],
      ['2024-03-02', ACCOUNTS, ['us-east-1']],
    ]);
    // An empty day is still recorded: both tiers hold nothing for it.
    expect(Object.keys(manifest().days)).toEqual(['2024-03-01', '2024-03-02', '2024-03-03']);
    expect(manifest().days['2024-03-03'].statements).toEqual([]);
  });

  it('copies every catalogue column verbatim, once per distinct record, and clamps the event day; each statement parses with the Trino grammar', async () => {
    setup();
    deliver(['2024-03-01'], ['111122223333'], ['eu-west-1']);
    await compactAthena(options({ from: '2024-03-01', to: '2024-03-01' }));
    const [sql] = statements();
    expect(trinoErrors(sql)).toEqual([]);
    const DAY = `date_format(try(from_iso8601_timestamp(src."eventtime")) AT TIME ZONE 'UTC', '%Y-%m-%d')`;
    const columns = PARQUET.StorageDescriptor!.Columns!.map((c) => c.Name!);
    expect(sql.split('\n')[0]).toBe(
      `INSERT INTO "AwsDataCatalog"."security"."cloudtrail_parquet" (${[...columns, 'delivery', 'account', 'region', 'date'].map((c) => `"${c}"`).join(', ')})`,
    );
    expect(sql.split('\n').slice(1)).toEqual([
      `SELECT DISTINCT ${columns.map((c) => `src."${c}"`).join(', ')}, '2024-03-01' AS "delivery", src."account" AS "account", src."region" AS "region", ` +
        `CASE WHEN ${DAY} < '2024-02-29' THEN '2024-02-29' WHEN ${DAY} > '2024-03-02' THEN '2024-03-02' ELSE ${DAY} END AS "date"`,
      'FROM "AwsDataCatalog"."security"."cloudtrail_org_logs" AS src',
      `WHERE src."timestamp" BETWEEN '2024/03/01' AND '2024/03/01'`,
      `  AND src."account" IN ('111122223333')`,
      `  AND src."region" IN ('eu-west-1')`,
      `  AND try(from_iso8601_timestamp(src."eventtime")) IS NOT NULL`,
    ]);
    expect(athena.started[0]).toMatchObject({ WorkGroup: 'trailgate', QueryExecutionContext: { Catalog: 'AwsDataCatalog', Database: 'security' } });
  });

  it('names no account on a single-account table, whose account is a constant', async () => {
    const single = asTable(tableInput('single', { ...EXAMPLE_PARAMS, accounts: ['111122223333'] }));
    setup(single);
    s3.put(`${BUCKET}/AWSLogs/111122223333/CloudTrail/eu-west-1/2024/03/01/f.json.gz`);
    await compactAthena(options({ rawTable: single.Name!, from: '2024-03-01', to: '2024-03-01' }));
    const [sql] = statements();
    expect(sql).toContain(`'111122223333' AS "account"`);
    expect(sql).not.toContain('src."account"');
    expect(statementShape(sql)).toMatchObject({ accounts: null, regions: ['eu-west-1'], partitions: 3 });
    expect(trinoErrors(sql)).toEqual([]);
  });

  it('finds the accounts of an injected table in its account folders', async () => {
    const injected = asTable(tableInput('organization-injected', EXAMPLE_PARAMS));
    setup(injected);
    deliver(['2024-03-01'], ['444455556666', '111122223333'], ['eu-west-1']);
    await compactAthena(options({ rawTable: injected.Name!, from: '2024-03-01', to: '2024-03-01' }));
    expect(statements().map(statementShape).map((s) => s.accounts)).toEqual([ACCOUNTS]);
  });
});

describe('compactAthena: progress and idempotency', () => {
  it('records a day in the manifest only after all of its statements succeeded', async () => {
    setup();
    deliver(['2024-03-01', '2024-03-02']);
    await compactAthena(options({ from: '2024-03-01', to: '2024-03-02' }));
    // Each manifest write adds one day, after every statement of that day was seen SUCCEEDED.
    const recorded = s3.puts.map((p) => Object.keys((JSON.parse(p.body) as CompactionManifest).days));
    expect(recorded).toEqual([['2024-03-01'], ['2024-03-01', '2024-03-02']]);
    expect(s3.events.filter((e) => e === `put ${MANIFEST_KEY}` || e.startsWith('athena '))).toEqual([
      'athena q-1 2024-03-01',
      'athena q-2 2024-03-01',
      `put ${MANIFEST_KEY}`,
      'athena q-3 2024-03-02',
      'athena q-4 2024-03-02',
      `put ${MANIFEST_KEY}`,
    ]);
    const day = manifest().days['2024-03-01'];
    expect(day.source).toEqual({ objects: 34, bytes: 3400 });
    expect(day.statements.map((s) => s.queryExecutionId)).toEqual(['q-1', 'q-2']);
    expect(day.statements.every((s) => s.maxPartitions <= 100)).toBe(true);
    expect(manifest()).toMatchObject({ version: 1, raw: 'AwsDataCatalog.security.cloudtrail_org_logs', parquet: 'AwsDataCatalog.security.cloudtrail_parquet' });
  });

  it('reports progress per statement and per day', async () => {
    setup();
    deliver(['2024-03-01'], ['111122223333'], ['eu-west-1']);
    const seen: string[] = [];
    await compactAthena(options({ from: '2024-03-01', to: '2024-03-02' }), (done, total, label) => seen.push(`${done}/${total} ${label}`));
    expect(seen).toEqual(['0/2 2024-03-01 statement 1/1', '1/2 2024-03-01 compacted', '2/2 2024-03-02 compacted']);
  });

  it('skips recorded days on a re-run without calling Athena', async () => {
    setup();
    deliver(['2024-03-01', '2024-03-02']);
    await compactAthena(options({ from: '2024-03-01', to: '2024-03-02' }));
    const before = athena.startCalls;
    const summary = await compactAthena(options({ from: '2024-02-29', to: '2024-03-02' }));
    expect(summary).toEqual({ compacted: ['2024-02-29'], unchanged: [], skipped: ['2024-03-01', '2024-03-02'], statements: 0 });
    expect(athena.startCalls).toBe(before);
  });

  it('leaves a day whose statement failed unrecorded, and the next run drops its partial output before redoing it', async () => {
    setup(orgTable(), [{ statuses: [succeeded] }, { statuses: [failed(1001)] }, { statuses: [succeeded] }]);
    deliver(['2024-03-01']);
    const err = await compactAthena(options({ from: '2024-03-01', to: '2024-03-01' })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CompactionError);
    expect((err as Error).message).toMatch(/delivery day 2024-03-01: INSERT INTO 2 of 2 .* failed/);
    expect(manifest().days).toEqual({});
    const partial = s3.keys(`${BUCKET}/parquet/delivery=2024-03-01/`);
    expect(partial.length).toBe(34); // 17 from the statement that succeeded, 17 left by the failed one
    expect(glue.partitions.get(PARQUET.Name!)!.length).toBe(34);

    s3.events.length = 0;
    await compactAthena(options({ from: '2024-03-01', to: '2024-03-01' }));
    // Dropped first (S3 objects and catalogue partitions), then compacted again.
    const firstDelete = s3.events.findIndex((e) => e.startsWith('delete '));
    const firstInsert = s3.events.findIndex((e) => e.startsWith('athena '));
    expect(firstDelete).toBeGreaterThanOrEqual(0);
    expect(firstDelete).toBeLessThan(firstInsert);
    const now = s3.keys(`${BUCKET}/parquet/delivery=2024-03-01/`);
    expect(now.every((k) => /\/q-(3|4)\.parquet$/.test(k))).toBe(true);
    expect(now.length).toBe(34);
    expect(Object.keys(manifest().days)).toEqual(['2024-03-01']);
    expect(manifest().days['2024-03-01'].statements.map((s) => s.queryExecutionId)).toEqual(['q-3', 'q-4']);
  });

  it('never resubmits a failed INSERT INTO, even a retryable one: it may have left files behind', async () => {
    setup(orgTable(), [{ statuses: [failed(100, true)] }]);
    deliver(['2024-03-01'], ['111122223333'], ['eu-west-1']);
    await expect(compactAthena(options({ from: '2024-03-01', to: '2024-03-01' }))).rejects.toThrow(CompactionError);
    expect(athena.startCalls).toBe(1);
  });

  it('with force, takes recorded days out of the manifest, waits for gateways, drops their output and compacts them again', async () => {
    setup();
    deliver(['2024-03-01', '2024-03-02'], ['111122223333'], ['eu-west-1']);
    await compactAthena(options({ from: '2024-03-01', to: '2024-03-02' }));
    s3.events.length = 0;
    s3.puts.length = 0;
    clock.waits.length = 0;
    const summary = await compactAthena(options({ from: '2024-03-01', to: '2024-03-02', force: true, settleMs: 300_000 }));
    expect(summary.compacted).toEqual(['2024-03-01', '2024-03-02']);
    expect(Object.keys(JSON.parse(s3.puts[0].body).days)).toEqual([]);
    expect(clock.waits).toContain(300_000);
    expect(s3.events.findIndex((e) => e.startsWith('put '))).toBeLessThan(s3.events.findIndex((e) => e.startsWith('delete ')));
    expect(s3.keys(`${BUCKET}/parquet/delivery=2024-03-01/`)).toEqual([`${BUCKET}/parquet/delivery=2024-03-01/account=111122223333/region=eu-west-1/date=2024-03-01/q-3.parquet`]);
    expect(Object.keys(manifest().days)).toEqual(['2024-03-01', '2024-03-02']);
  });

  it('compacts a recent recorded day again after a late delivery changed its raw objects; older days are not even listed', async () => {
    setup();
    deliver(['2024-03-01', '2024-03-08'], ['111122223333'], ['eu-west-1']);
    await compactAthena(options({ from: '2024-03-01', to: '2024-03-08' }));
    deliver(['2024-03-08'], ['111122223333'], ['eu-west-1'], 'late');
    deliver(['2024-03-01'], ['111122223333'], ['eu-west-1'], 'late');
    s3.events.length = 0;
    const summary = await compactAthena(options({ from: '2024-03-01', to: '2024-03-08' }));
    // recheck window: the 3 days before today (2024-03-07..09)
    expect(summary.compacted).toEqual(['2024-03-08']);
    expect(summary.unchanged).toEqual(['2024-03-07']);
    expect(s3.events.some((e) => e.includes('/2024/03/01/'))).toBe(false);
    expect(manifest().days['2024-03-08'].source).toEqual({ objects: 2, bytes: 200 });
  });

  it('refuses a delivery day that is not over, a reversed range, and a manifest kept for other tables', async () => {
    setup();
    await expect(compactAthena(options({ from: '2024-03-09', to: '2024-03-10' }))).rejects.toThrow(/--to 2024-03-10 is not over yet/);
    await expect(compactAthena(options({ from: '2024-03-05', to: '2024-03-04' }))).rejects.toThrow(/is after --to/);
    s3.put(`trailgate-state/${MANIFEST_KEY}`, JSON.stringify({ version: 1, raw: 'AwsDataCatalog.other.t', parquet: 'AwsDataCatalog.security.cloudtrail_parquet', days: {} }));
    await expect(compactAthena(options({ from: '2024-03-01', to: '2024-03-01' }))).rejects.toThrow(/records compaction of AwsDataCatalog\.other\.t/);
    expect(athena.startCalls).toBe(0);
  });

  it('refuses a Parquet table that is not the tier', async () => {
    setup();
    glue.tables[PARQUET.Name!] = { ...PARQUET, PartitionKeys: [{ Name: 'date', Type: 'string' }] };
    await expect(compactAthena(options({ from: '2024-03-01', to: '2024-03-01' }))).rejects.toThrow(/partition keys are \(date string\), expected \(delivery string, account string, region string, date string\)/);
  });
});
