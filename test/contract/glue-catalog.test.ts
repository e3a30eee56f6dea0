import { Readable } from 'node:stream';
import {
  EntityNotFoundException,
  GetTableCommand,
  GlueClient,
  ThrottlingException,
  type GlueClientConfig,
  type Table,
} from '@aws-sdk/client-glue';
import { mockClient } from 'aws-sdk-client-mock';
import { createGlueClient } from '../../src/engines/glue/glue-client';
import { GlueCatalog, type GlueCatalogOptions } from '../../src/engines/glue/glue-catalog';
import { GlueTableError } from '../../src/engines/glue/glue-table-error';
import { tableInput } from '../../src/engines/glue/table-definitions';
import { EXAMPLE_PARAMS } from '../../src/engines/glue/table-params';

const asTable = (input: ReturnType<typeof tableInput>): Table => ({ ...input, Name: input.Name!, DatabaseName: 'cloudtrail' });
const SINGLE = asTable(tableInput('single', { ...EXAMPLE_PARAMS, accounts: ['111122223333'] }));
const ORG = asTable(tableInput('organization', EXAMPLE_PARAMS));
const ORG_INJECTED = asTable(tableInput('organization-injected', EXAMPLE_PARAMS));
const MANUAL: Table = {
  ...SINGLE,
  Name: 'cloudtrail_manual',
  Parameters: { EXTERNAL: 'TRUE', classification: 'cloudtrail' },
  PartitionKeys: ['region', 'year', 'month', 'day'].map((Name) => ({ Name, Type: 'string' })),
};
const MISSING_EVENTNAME: Table = {
  ...SINGLE,
  StorageDescriptor: { ...SINGLE.StorageDescriptor, Columns: SINGLE.StorageDescriptor!.Columns!.filter((c) => c.Name !== 'eventname') },
};

const throttle = () => new ThrottlingException({ message: 'Rate exceeded', $metadata: { httpStatusCode: 400 } });
const notFound = () => new EntityNotFoundException({ message: 'Table cloudtrail_logs not found.', $metadata: { httpStatusCode: 400 } });

function setup(extra: Partial<GlueCatalogOptions> = {}) {
  const client = new GlueClient({ region: 'us-east-1' });
  const glue = mockClient(client);
  const logs: Array<{ level: string; obj: object; msg?: string }> = [];
  const sleeps: number[] = [];
  const opts: GlueCatalogOptions = {
    client,
    database: 'cloudtrail',
    table: 'cloudtrail_logs',
    refreshMs: 0,
    logger: {
      info: (obj, msg) => logs.push({ level: 'info', obj, msg }),
      warn: (obj, msg) => logs.push({ level: 'warn', obj, msg }),
    },
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    ...extra,
  };
  return { glue, logs, sleeps, opts };
}

const catalogs: GlueCatalog[] = [];
const load = async (opts: GlueCatalogOptions) => {
  const c = await GlueCatalog.load(opts);
  catalogs.push(c);
  return c;
};
afterEach(() => catalogs.splice(0).forEach((c) => c.close()));

describe('GlueCatalog: GetTable at startup', () => {
  it.each([
    ['projection, single account', SINGLE, { constant: '111122223333' }, { kind: 'date', column: 'timestamp', format: 'yyyy/MM/dd' }, false],
    ['organization, account enum', ORG, { column: 'account' }, { kind: 'date', column: 'timestamp', format: 'yyyy/MM/dd' }, false],
    ['organization, account injected', ORG_INJECTED, { column: 'account', injected: true }, { kind: 'date', column: 'timestamp', format: 'yyyy/MM/dd' }, true],
    ['manual region/year/month/day', MANUAL, { constant: '111122223333' }, { kind: 'ymd', year: 'year', month: 'month', day: 'day' }, false],
  ] as const)('%s', async (_name, table, account, day, requireAccounts) => {
    const { glue, opts } = setup({ table: table.Name!, athenaCatalog: 'AwsDataCatalog', catalogId: '999988887777' });
    glue.on(GetTableCommand).resolves({ Table: table });
    const catalog = await load(opts);
    expect(catalog.binding()).toEqual({ catalog: 'AwsDataCatalog', database: 'cloudtrail', table: table.Name, account, regionColumn: 'region', day });
    expect(catalog.requireAccounts()).toBe(requireAccounts);
    expect(glue.commandCalls(GetTableCommand).map((c) => c.args[0].input)).toEqual([
      { CatalogId: '999988887777', DatabaseName: 'cloudtrail', Name: table.Name },
    ]);
  });

  it('stops with an error naming a missing required column', async () => {
    const { glue, opts } = setup();
    glue.on(GetTableCommand).resolves({ Table: MISSING_EVENTNAME });
    const loading = GlueCatalog.load(opts);
    await expect(loading).rejects.toThrow(GlueTableError);
    await expect(loading).rejects.toThrow(/Glue table cloudtrail\.cloudtrail_logs cannot serve trailgate's queries:\n {2}- missing column eventname \(string\)/);
  });

  it('stops with a clear error when the table does not exist', async () => {
    const { glue, opts } = setup();
    glue.on(GetTableCommand).rejects(notFound());
    await expect(GlueCatalog.load(opts)).rejects.toThrow(/Glue table cloudtrail\.cloudtrail_logs does not exist \(create it with trailgate glue apply\)/);
  });

  it('retries ThrottlingException with growing, jittered backoff, then succeeds', async () => {
    const { glue, opts, sleeps } = setup({ throttleBaseMs: 100 });
    glue.on(GetTableCommand).rejectsOnce(throttle()).rejectsOnce(throttle()).resolves({ Table: SINGLE });
    const catalog = await load(opts);
    expect(catalog.binding().table).toBe('cloudtrail_logs');
    expect(glue.commandCalls(GetTableCommand)).toHaveLength(3);
    expect(sleeps).toHaveLength(2);
    expect(sleeps[0]).toBeLessThanOrEqual(100);
    expect(sleeps[1]).toBeLessThanOrEqual(200);
  });

  it('gives up on throttling after a bounded number of retries', async () => {
    const { glue, opts } = setup({ throttleRetries: 2 });
    glue.on(GetTableCommand).rejects(throttle());
    await expect(GlueCatalog.load(opts)).rejects.toThrow(/could not be read: ThrottlingException: Rate exceeded/);
    expect(glue.commandCalls(GetTableCommand)).toHaveLength(3);
  });

  it('does not retry errors other than throttling', async () => {
    const { glue, opts, sleeps } = setup();
    glue.on(GetTableCommand).rejects(Object.assign(new Error('User is not authorized to perform: glue:GetTable'), { name: 'AccessDeniedException' }));
    await expect(GlueCatalog.load(opts)).rejects.toThrow(/could not be read: AccessDeniedException/);
    expect(glue.commandCalls(GetTableCommand)).toHaveLength(1);
    expect(sleeps).toEqual([]);
  });

  it('reads the whole table in one GetTable: there is no NextToken chain to follow', async () => {
    // GetTable has no pagination (NextToken belongs to GetTables/GetDatabases, which the catalogue
    // never calls): columns, partition keys and parameters arrive in the one response.
    const { glue, opts } = setup();
    glue.on(GetTableCommand).resolves({ Table: SINGLE });
    const catalog = await load(opts);
    expect(glue.calls()).toHaveLength(1);
    expect(glue.commandCalls(GetTableCommand)).toHaveLength(1);
    expect(catalog.info().columns).toHaveLength(SINGLE.StorageDescriptor!.Columns!.length);
  });
});

describe('GlueCatalog: refresh', () => {
  it('keeps the last good table when a refresh fails or returns an unusable table, and logs', async () => {
    const { glue, opts, logs } = setup({ throttleRetries: 0 });
    glue.on(GetTableCommand).resolves({ Table: ORG });
    const catalog = await load(opts);
    const good = catalog.binding();

    glue.on(GetTableCommand).rejects(throttle());
    await expect(catalog.refresh()).resolves.toBe(false);
    expect(catalog.binding()).toBe(good);

    glue.on(GetTableCommand).resolves({ Table: MISSING_EVENTNAME });
    await expect(catalog.refresh()).resolves.toBe(false);
    expect(catalog.binding()).toBe(good);
    expect(logs.filter((l) => l.level === 'warn').map((l) => l.msg)).toEqual([
      'glue table refresh failed; keeping the last good definition',
      'glue table refresh failed; keeping the last good definition',
    ]);

    glue.on(GetTableCommand).resolves({ Table: { ...ORG_INJECTED, Name: 'cloudtrail_logs' } });
    await expect(catalog.refresh()).resolves.toBe(true);
    expect(catalog.requireAccounts()).toBe(true);
  });

  it('refreshes on its interval, never per call, and stops on close', async () => {
    const { glue, opts } = setup({ refreshMs: 20 });
    glue.on(GetTableCommand).resolves({ Table: SINGLE });
    const catalog = await load(opts);
    for (let i = 0; i < 100; i++) catalog.binding();
    expect(glue.commandCalls(GetTableCommand)).toHaveLength(1);
    await new Promise((r) => setTimeout(r, 110));
    const calls = glue.commandCalls(GetTableCommand).length;
    expect(calls).toBeGreaterThanOrEqual(3);
    catalog.close();
    await new Promise((r) => setTimeout(r, 60));
    expect(glue.commandCalls(GetTableCommand).length).toBeLessThanOrEqual(calls + 1);
  });
});

// ---- the real client, with a fake HTTP handler: endpoint override and SDK retries -----------------

describe('createGlueClient', () => {
  const saved = { ...process.env };
  beforeEach(() => {
    process.env.AWS_ACCESS_KEY_ID = 'AKIDEXAMPLE';
    process.env.AWS_SECRET_ACCESS_KEY = 'secret';
    process.env.AWS_ENDPOINT_URL_GLUE = 'http://glue.localtest:4566';
  });
  afterEach(() => {
    process.env = { ...saved };
  });

  /** Answers each request with the next status/body (awsJson1_1 errors carry __type). */
  function handler(replies: Array<[number, object]>) {
    const seen: Array<{ hostname: string; port?: number; target: string }> = [];
    const requestHandler = {
      handle: async (req: { hostname: string; port?: number; headers: Record<string, string> }) => {
        seen.push({ hostname: req.hostname, port: req.port, target: req.headers['x-amz-target'] });
        const [statusCode, body] = replies.shift()!;
        return {
          response: {
            statusCode,
            headers: { 'content-type': 'application/x-amz-json-1.1', ...('__type' in body ? { 'x-amzn-errortype': String(body.__type) } : {}) },
            body: Readable.from([Buffer.from(JSON.stringify(body))]),
          },
        };
      },
    };
    return { seen, requestHandler: requestHandler as unknown as GlueClientConfig['requestHandler'] };
  }

  it('sends to AWS_ENDPOINT_URL_GLUE and lets the SDK retry throttling', async () => {
    const wire = JSON.parse(JSON.stringify(SINGLE)) as object;
    const { seen, requestHandler } = handler([
      [400, { __type: 'ThrottlingException', message: 'Rate exceeded' }],
      [200, { Table: wire }],
    ]);
    const client = createGlueClient({ region: 'eu-west-1', maxAttempts: 3, requestHandler });
    const out = await client.send(new GetTableCommand({ DatabaseName: 'cloudtrail', Name: 'cloudtrail_logs' }));
    expect(out.Table!.Name).toBe('cloudtrail_logs');
    expect(seen).toEqual([
      { hostname: 'glue.localtest', port: 4566, target: 'AWSGlue.GetTable' },
      { hostname: 'glue.localtest', port: 4566, target: 'AWSGlue.GetTable' },
    ]);
    expect(await client.config.maxAttempts()).toBe(3);
  });
});
