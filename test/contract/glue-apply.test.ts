import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  CreateTableCommand,
  EntityNotFoundException,
  GetTableCommand,
  GlueClient,
  UpdateTableCommand,
  type Table,
  type TableInput,
} from '@aws-sdk/client-glue';
import { mockClient } from 'aws-sdk-client-mock';
import { applyGlueTable } from '../../src/engines/glue/glue-apply';
import { glueCommand } from '../../src/engines/glue/glue-command';
import { tableInput } from '../../src/engines/glue/table-definitions';
import { EXAMPLE_PARAMS } from '../../src/engines/glue/table-params';

const DESIRED = tableInput('organization', EXAMPLE_PARAMS);
const notFound = () => new EntityNotFoundException({ message: 'Table not found', $metadata: { httpStatusCode: 400 } });

/** What GetTable returns for a table created from `input`: Glue adds its own fields. */
const stored = (input: TableInput, extra: Partial<Table> = {}): Table => ({
  ...structuredClone(input),
  Name: input.Name!,
  DatabaseName: 'security',
  CatalogId: '999988887777',
  CreateTime: new Date('2024-01-01T00:00:00Z'),
  UpdateTime: new Date('2024-01-02T00:00:00Z'),
  IsRegisteredWithLakeFormation: false,
  VersionId: '3',
  ...extra,
});

function setup() {
  const client = new GlueClient({ region: 'us-east-1' });
  return { client, glue: mockClient(client) };
}

describe('applyGlueTable', () => {
  it('creates the table when it does not exist', async () => {
    const { client, glue } = setup();
    glue.on(GetTableCommand).rejects(notFound());
    glue.on(CreateTableCommand).resolves({});
    const r = await applyGlueTable({ client, database: 'security', input: DESIRED, dryRun: false });
    expect(r).toEqual({ action: 'create', changes: [], applied: true });
    expect(glue.commandCalls(CreateTableCommand).map((c) => c.args[0].input)).toEqual([{ DatabaseName: 'security', TableInput: DESIRED }]);
    expect(glue.commandCalls(UpdateTableCommand)).toHaveLength(0);
  });

  it('does nothing when the table already matches (Glue-added fields and parameters do not count)', async () => {
    const { client, glue } = setup();
    const current = stored(DESIRED, { Parameters: { ...DESIRED.Parameters, transient_lastDdlTime: '1700000000' } });
    glue.on(GetTableCommand).resolves({ Table: current });
    const r = await applyGlueTable({ client, database: 'security', input: DESIRED, dryRun: false });
    expect(r).toEqual({ action: 'none', changes: [], applied: false });
    expect(glue.commandCalls(CreateTableCommand)).toHaveLength(0);
    expect(glue.commandCalls(UpdateTableCommand)).toHaveLength(0);
  });

  it('updates only what differs, names each change, keeps foreign parameters, and is a no-op the second time', async () => {
    const { client, glue } = setup();
    const sd = DESIRED.StorageDescriptor!;
    const old = stored(DESIRED, {
      Parameters: { ...DESIRED.Parameters, 'projection.timestamp.range': '2019/01/01,NOW', 'projection.stale.type': 'enum', owner_team: 'secops' },
      StorageDescriptor: {
        ...sd,
        Columns: sd
          .Columns!.filter((c) => c.Name !== 'insightdetails')
          .map((c) => (c.Name === 'tlsdetails' ? { ...c, Type: 'struct<tlsversion:string,ciphersuite:string>' } : c)),
        SerdeInfo: { ...sd.SerdeInfo, Parameters: { 'serialization.format': '1' } },
      },
    });
    glue.on(GetTableCommand).resolves({ Table: old });
    glue.on(UpdateTableCommand).resolves({});
    const r = await applyGlueTable({ client, catalogId: '999988887777', database: 'security', input: DESIRED, dryRun: false });
    expect(r.action).toBe('update');
    expect(r.applied).toBe(true);
    expect(r.changes).toEqual([
      '~ column tlsdetails: + member clientprovidedhostheader string',
      '+ column insightdetails string',
      '- table parameter projection.stale.type (was "enum")',
      '~ table parameter projection.timestamp.range: "2019/01/01,NOW" -> "2020/01/01,NOW"',
    ]);
    const sent = glue.commandCalls(UpdateTableCommand)[0].args[0].input;
    expect(sent.CatalogId).toBe('999988887777');
    expect(sent.DatabaseName).toBe('security');
    expect(sent.TableInput!.Parameters!.owner_team).toBe('secops');
    expect(sent.TableInput!.Parameters!['projection.stale.type']).toBeUndefined();
    expect(sent.TableInput!.StorageDescriptor!.Columns).toEqual(sd.Columns);
    expect(sent.TableInput!.StorageDescriptor!.SerdeInfo).toEqual({ ...sd.SerdeInfo, Parameters: { 'serialization.format': '1' } });

    // the table now holds what was sent: a second apply changes nothing
    glue.on(GetTableCommand).resolves({ Table: stored(sent.TableInput!) });
    await expect(applyGlueTable({ client, database: 'security', input: DESIRED, dryRun: false })).resolves.toEqual({ action: 'none', changes: [], applied: false });
    expect(glue.commandCalls(UpdateTableCommand)).toHaveLength(1);
  });

  it('switching an enum account projection to injected drops the enum values', async () => {
    const { client, glue } = setup();
    glue.on(GetTableCommand).resolves({ Table: stored(DESIRED) });
    const injected = tableInput('organization-injected', { ...EXAMPLE_PARAMS, table: DESIRED.Name });
    const r = await applyGlueTable({ client, database: 'security', input: injected, dryRun: true });
    expect(r.changes).toEqual([
      expect.stringMatching(/^~ Description: /),
      '~ table parameter projection.account.type: "enum" -> "injected"',
      '- table parameter projection.account.values (was "111122223333,444455556666")',
    ]);
  });

  it('never calls CreateTable or UpdateTable on a dry run', async () => {
    const { client, glue } = setup();
    glue.on(GetTableCommand).rejectsOnce(notFound()).resolves({ Table: stored(DESIRED, { Description: 'old' }) });
    await expect(applyGlueTable({ client, database: 'security', input: DESIRED, dryRun: true })).resolves.toEqual({ action: 'create', changes: [], applied: false });
    const r = await applyGlueTable({ client, database: 'security', input: DESIRED, dryRun: true });
    expect(r).toEqual({ action: 'update', changes: [`~ Description: "old" -> ${JSON.stringify(DESIRED.Description)}`], applied: false });
    expect(glue.commandCalls(CreateTableCommand)).toHaveLength(0);
    expect(glue.commandCalls(UpdateTableCommand)).toHaveLength(0);
  });
});

describe('glueCommand', () => {
  function run(args: string[], client?: GlueClient) {
    const out: string[] = [];
    const err: string[] = [];
    const regions: Array<string | undefined> = [];
    const code = glueCommand(args, {
      glueClient: ({ region }) => {
        regions.push(region);
        if (!client) throw new Error('no Glue client expected');
        return client;
      },
      out: (s) => out.push(s),
      err: (s) => err.push(s),
    });
    return code.then((c) => ({ code: c, out: out.join(''), err: err.join(''), regions }));
  }

  it('ddl prints the same DDL as the committed file, without calling Glue', async () => {
    const r = await run(['ddl', '--kind', 'organization', '--bucket', 'amzn-s3-demo-bucket', '--org-id', 'o-aa111bb222', '--accounts', '111122223333,444455556666']);
    expect(r.code).toBe(0);
    const committed = readFileSync(join(__dirname, '..', '..', 'glue-tables', 'cloudtrail-organization.sql'), 'utf8').replace(/^--.*\n/gm, '');
    expect(r.out).toBe(committed);
  });

  it('apply --dry-run prints the changes and the DDL and changes nothing', async () => {
    const { client, glue } = setup();
    glue.on(GetTableCommand).resolves({ Table: stored(DESIRED, { Parameters: { ...DESIRED.Parameters, 'projection.region.values': 'us-east-1' } }) });
    const r = await run(
      ['apply', '--dry-run', '--kind', 'organization', '--bucket', 'amzn-s3-demo-bucket', '--org-id', 'o-aa111bb222', '--accounts', '111122223333,444455556666', '--database', 'security', '--region', 'eu-west-1'],
      client,
    );
    expect(r.code).toBe(0);
    expect(r.regions).toEqual(['eu-west-1']);
    expect(r.out).toContain('Would update Glue table security.cloudtrail_org_logs:\n  ~ table parameter projection.region.values: "us-east-1" -> "ap-northeast-1,');
    expect(r.out).toContain('CREATE EXTERNAL TABLE `security`.`cloudtrail_org_logs` (');
    expect(glue.commandCalls(UpdateTableCommand)).toHaveLength(0);
    expect(glue.commandCalls(CreateTableCommand)).toHaveLength(0);
  });

  it('apply creates a missing table and reports it', async () => {
    const { client, glue } = setup();
    glue.on(GetTableCommand).rejects(notFound());
    glue.on(CreateTableCommand).resolves({});
    const r = await run(['apply', '--bucket', 'trail-bucket', '--prefix', 'org/', '--accounts', '123456789012', '--database', 'security', '--start-date', '2024-01-01'], client);
    expect(r).toMatchObject({ code: 0, out: 'Created Glue table security.cloudtrail_logs.\n' });
    const input = glue.commandCalls(CreateTableCommand)[0].args[0].input.TableInput!;
    expect(input.StorageDescriptor!.Location).toBe('s3://trail-bucket/org/AWSLogs/123456789012/CloudTrail/');
    expect(input.Parameters!['projection.timestamp.range']).toBe('2024/01/01,NOW');
  });

  it('reports a Glue failure with exit code 1', async () => {
    const { client, glue } = setup();
    glue.on(GetTableCommand).rejects(Object.assign(new Error('not authorized'), { name: 'AccessDeniedException' }));
    const r = await run(['apply', '--bucket', 'trail-bucket', '--accounts', '123456789012', '--database', 'security'], client);
    expect(r.code).toBe(1);
    expect(r.err).toBe('glue apply failed for security.cloudtrail_logs: AccessDeniedException: not authorized\n');
  });

  it.each([
    [['ddl'], /--bucket is required/],
    [['apply', '--bucket', 'b-1', '--accounts', '123456789012'], /--database is required/],
    [['drop', '--bucket', 'b-1'], /expected one action/],
    [['ddl', '--bucket', 'b-1', '--kind', 'lake'], /--kind must be one of/],
    [['ddl', '--bucket', 'b-1', '--kind', 'organization'], /--org-id is required/],
    [['ddl', '--bucket', 'b-1', '--accounts', '1'], /12-digit/],
    [['ddl', '--bucket', 'b-1', '--dry-run'], /--dry-run goes with apply/],
    [['ddl', '--bukket', 'b-1'], /Unknown option '--bukket'/],
  ])('refuses %j with usage (exit 2)', async (args, message) => {
    const r = await run(args);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(message);
    expect(r.err).toContain('Usage: trailgate glue <apply|ddl>');
  });
});
