import { AthenaClient, GetWorkGroupCommand, GetQueryResultsCommand, StartQueryExecutionCommand, type WorkGroup } from '@aws-sdk/client-athena';
import { GlueClient, type Table } from '@aws-sdk/client-glue';
import { HeadBucketCommand, type HeadBucketRequest, S3Client } from '@aws-sdk/client-s3';
import type { CliIo } from '../../src/cli/cli-io';
import type { AthenaCheckOptions } from '../../src/cli/doctor/athena-check-options';
import { athenaChecks } from '../../src/cli/doctor/athena-checks';
import type { DoctorCheck } from '../../src/cli/doctor/doctor-check';
import { doctor } from '../../src/cli/doctor.command';
import { loadConfig, type AthenaConfig } from '../../src/config/config';
import { tableInput } from '../../src/engines/glue/table-definitions';
import { EXAMPLE_PARAMS } from '../../src/engines/glue/table-params';
import { FAKE_CREDENTIALS, FakeAthena, running, succeeded } from '../support/athena-fakes';
import { FakeGlue, FakeS3, s3Error } from '../support/fake-s3-glue';

/** `trailgate doctor --engine athena` against mocked Athena, Glue and S3 (aws-sdk-client-mock). */
const asTable = (input: ReturnType<typeof tableInput>): Table => ({ ...input, Name: input.Name!, DatabaseName: 'security' });
const RAW = asTable(tableInput('organization', EXAMPLE_PARAMS));
const PARQUET = asTable(tableInput('parquet', EXAMPLE_PARAMS));
const ENV = {
  ATHENA_WORKGROUP: 'trailgate',
  ATHENA_DATABASE: 'security',
  ATHENA_TABLE: RAW.Name!,
  AWS_REGION: 'us-east-1',
  TRAILGATE_CURSOR_SECRET: 'c'.repeat(64),
};
const WORKGROUP: WorkGroup = {
  Name: 'trailgate',
  State: 'ENABLED',
  Configuration: { ResultConfiguration: { OutputLocation: 's3://trailgate-results/athena/' }, EngineVersion: { EffectiveEngineVersion: 'Athena engine version 3' } },
};

let athena: FakeAthena;
let glue: FakeGlue;
let s3: FakeS3;
/** HeadBucket answers by bucket: an error to throw, or success */
let buckets: Record<string, Error | undefined>;

beforeEach(() => {
  athena = new FakeAthena([{ statuses: [running, succeeded] }]);
  athena.mock.on(GetWorkGroupCommand).resolves({ WorkGroup: WORKGROUP });
  glue = new FakeGlue({ [RAW.Name!]: RAW, [PARQUET.Name!]: PARQUET });
  s3 = new FakeS3();
  buckets = {};
  s3.mock.on(HeadBucketCommand).callsFake((i: HeadBucketRequest) => {
    const refusal = buckets[i.Bucket!];
    if (refusal) throw refusal;
    return {};
  });
});
afterEach(() => {
  athena.restore();
  glue.restore();
  s3.restore();
});

const clients = () => ({
  athena: new AthenaClient({ region: 'us-east-1', credentials: FAKE_CREDENTIALS }),
  glue: new GlueClient({ region: 'us-east-1', credentials: FAKE_CREDENTIALS }),
  s3: new S3Client({ region: 'us-east-1', credentials: FAKE_CREDENTIALS }),
});
const athenaConfig = (env: Record<string, string> = {}): AthenaConfig => loadConfig({ engine: 'athena' }, { ...ENV, ...env }).athena!;

async function run(env: Record<string, string> = {}, over: Partial<AthenaCheckOptions> = {}): Promise<Record<string, DoctorCheck>> {
  const checks = await athenaChecks({ config: athenaConfig(env), clients: clients(), runQuery: false, sleep: async () => {}, ...over });
  return Object.fromEntries(checks.map((c) => [c.name, c]));
}

const awsError = (name: string, status: number, message = name) => Object.assign(new Error(message), { name, $metadata: { httpStatusCode: status } });

describe('trailgate doctor on Athena', () => {
  it('passes a reachable workgroup, Glue table and buckets with read-only calls only', async () => {
    const c = await run();
    expect(Object.fromEntries(Object.entries(c).map(([k, v]) => [k, v.status]))).toEqual({
      athena: 'ok',
      glue: 'ok',
      'trail bucket': 'ok',
      results: 'ok',
      parquet: 'skip',
      query: 'skip',
    });
    expect(c.athena.summary).toContain('Athena engine version 3, results to s3://trailgate-results/athena/');
    expect(c['trail bucket'].summary).toContain('s3://amzn-s3-demo-bucket/AWSLogs/');
    expect(athena.calls()).toEqual(['GetWorkGroupCommand']);
    expect(s3.mock.commandCalls(HeadBucketCommand).map((call) => call.args[0].input.Bucket)).toEqual(['amzn-s3-demo-bucket', 'trailgate-results']);
  });

  it('--query runs SELECT 1 in the workgroup and reads its result', async () => {
    const c = await run({}, { runQuery: true });
    expect(c.query.status).toBe('ok');
    expect(athena.started).toEqual([expect.objectContaining({ QueryString: 'SELECT 1', WorkGroup: 'trailgate', QueryExecutionContext: { Catalog: 'AwsDataCatalog', Database: 'security' } })]);
    expect(athena.mock.commandCalls(GetQueryResultsCommand)).toHaveLength(1);
  });

  it('names the S3 permissions when SELECT 1 cannot write its result', async () => {
    athena.restore();
    athena = new FakeAthena([{ statuses: [{ State: 'FAILED', StateChangeReason: 'Access denied when writing output to url: s3://trailgate-results/athena/q-1.csv' }] }]);
    athena.mock.on(GetWorkGroupCommand).resolves({ WorkGroup: WORKGROUP });
    const c = await run({}, { runQuery: true });
    expect(c.query.status).toBe('fail');
    expect(c.query.fix).toBe('grant s3:GetBucketLocation, s3:GetObject, s3:ListBucket and s3:PutObject on the results location s3://trailgate-results/athena/');
  });

  it('stops a SELECT 1 that does not finish in time', async () => {
    athena.restore();
    athena = new FakeAthena([{ statuses: [running] }]);
    athena.mock.on(GetWorkGroupCommand).resolves({ WorkGroup: WORKGROUP });
    const c = await run({}, { runQuery: true, queryTimeoutMs: 1 });
    expect(c.query.status).toBe('warn');
    expect(athena.stopped).toEqual(['q-1']);
  });

  it('names the Athena permissions when GetWorkGroup is denied', async () => {
    athena.mock.on(GetWorkGroupCommand).rejects(awsError('AccessDeniedException', 400, 'User: arn:aws:iam::111122223333:user/x is not authorized to perform: athena:GetWorkGroup'));
    const c = await run();
    expect(c.athena.status).toBe('fail');
    expect(c.athena.fix).toMatch(/^grant athena:GetWorkGroup, athena:StartQueryExecution, .* on workgroup\/trailgate$/);
  });

  it('fails a workgroup with nowhere to write results, and reads the enforced location over ATHENA_OUTPUT_LOCATION', async () => {
    athena.mock.on(GetWorkGroupCommand).resolves({ WorkGroup: { ...WORKGROUP, Configuration: { EngineVersion: WORKGROUP.Configuration!.EngineVersion } } });
    const none = await run();
    expect(none.athena.status).toBe('fail');
    expect(none.athena.fix).toMatch(/ATHENA_OUTPUT_LOCATION/);
    expect(none.results.status).toBe('skip');

    athena.mock.on(GetWorkGroupCommand).resolves({ WorkGroup: { ...WORKGROUP, Configuration: { ...WORKGROUP.Configuration, EnforceWorkGroupConfiguration: true } } });
    const enforced = await run({ ATHENA_OUTPUT_LOCATION: 's3://ignored-bucket/x/' });
    expect(enforced.results.summary).toMatch(/^s3:\/\/trailgate-results\/athena\//);
  });

  it('fails a missing Glue table, and one that is not a CloudTrail table, with the fix', async () => {
    const missing = await run({ ATHENA_TABLE: 'nope' });
    expect(missing.glue).toEqual(expect.objectContaining({ status: 'fail', summary: 'table security.nope does not exist' }));
    expect(missing.glue.fix).toMatch(/trailgate glue apply/);
    expect(missing['trail bucket'].status).toBe('skip');

    glue.tables.broken = { ...RAW, Name: 'broken', StorageDescriptor: { ...RAW.StorageDescriptor, Columns: RAW.StorageDescriptor!.Columns!.filter((c) => c.Name !== 'eventname') } };
    const broken = await run({ ATHENA_TABLE: 'broken' });
    expect(broken.glue.status).toBe('fail');
    expect(broken.glue.summary).toMatch(/eventname/);
  });

  it('fails a results bucket it may not list, or that does not exist', async () => {
    buckets['trailgate-results'] = s3Error('Forbidden', 403);
    const denied = await run();
    expect(denied.results.status).toBe('fail');
    expect(denied.results.fix).toContain('s3:PutObject on arn:aws:s3:::trailgate-results');
    buckets['trailgate-results'] = s3Error('NotFound', 404);
    expect((await run()).results.summary).toBe('bucket trailgate-results (query results) does not exist');
  });

  it('checks the Parquet tier when configured: tables compatible, manifest readable (absent: nothing compacted yet)', async () => {
    const env = { ATHENA_PARQUET_TABLE: PARQUET.Name!, ATHENA_COMPACTION_MANIFEST: 's3://trailgate-state/compaction.json' };
    const fresh = await run(env);
    expect(fresh.parquet).toEqual(expect.objectContaining({ status: 'ok' }));
    expect(fresh.parquet.summary).toContain('0 delivery days compacted');
    s3.put('trailgate-state/compaction.json', 'not json');
    const broken = await run(env);
    expect(broken.parquet.status).toBe('fail');
    expect(broken.parquet.summary).toMatch(/not JSON/);
  });

  it('reports through `trailgate doctor`: exit code 1 on a problem, every check with its fix', async () => {
    buckets['trailgate-results'] = s3Error('Forbidden', 403);
    const out: string[] = [];
    const io: CliIo = { out: (s) => void out.push(s), err: () => {}, stdoutIsTTY: false, stderrIsTTY: false };
    const code = await doctor({ engine: 'athena' }, {}, { env: ENV, cwd: '/nonexistent-cwd', io, athenaClients: clients });
    expect(code).toBe(1);
    const text = out.join('');
    expect(text).toMatch(/^trailgate doctor \(engine athena\)\n/);
    expect(text).toContain('\n  FAIL  results       s3://trailgate-results/athena/: HeadBucket denied (403): this caller may not list bucket trailgate-results\n');
    expect(text).toContain('fix: grant s3:GetBucketLocation');
    expect(text).toMatch(/\n1 problem, 1 warning\.\n$/);
    expect(athena.mock.commandCalls(StartQueryExecutionCommand)).toHaveLength(0);
  });
});
