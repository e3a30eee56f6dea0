import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Table } from '@aws-sdk/client-glue';
import { CLOUDTRAIL_COLUMNS } from '../../src/domain/column-catalogue';
import { EVENT_CATEGORIES } from '../../src/domain/event-category';
import { IDENTITY_TYPES } from '../../src/domain/identity-type';
import { parseIpMatch } from '../../src/domain/ip-match';
import { TrailgateError } from '../../src/domain/trailgate-error';
import { GlueTableError } from '../../src/engines/glue/glue-table-error';
import { DEFAULT_GLUE_TABLE_FILE, readGlueTableFile } from '../../src/engines/glue/glue-table-file';
import { readGlueTable } from '../../src/engines/glue/read-glue-table';
import { OPTIONAL_COLUMNS, REQUIRED_COLUMNS, REQUIRED_MEMBERS } from '../../src/engines/glue/required-columns';
import { tableInput } from '../../src/engines/glue/table-definitions';
import { EXAMPLE_PARAMS } from '../../src/engines/glue/table-params';
import { DIMENSIONS, isJsonDimension } from '../../src/query/dimensions';
import type { EventFilterSpec } from '../../src/query/event-filter';
import { eventByIdQuery, eventsQuery } from '../../src/query/event-queries';
import { FIELDS } from '../../src/query/fields';
import { identitiesQuery, identityEventsQuery, identitySummariesQuery, identityTopValuesQuery } from '../../src/query/identity-queries';
import type { Query } from '../../src/query/ir';
import { planPartitions } from '../../src/query/partition-planner';
import { statsQuery } from '../../src/query/stats-query';
import { TrinoCompiler, type TrinoTableBinding } from '../../src/sql/trino-compiler';
import { trinoErrors } from '../support/trino-parser';

// ---- tables as GetTable returns them -------------------------------------------------------------

const asTable = (input: ReturnType<typeof tableInput>, extra: Partial<Table> = {}): Table => ({
  ...input,
  Name: input.Name!,
  DatabaseName: 'cloudtrail',
  CreateTime: new Date('2024-01-01T00:00:00Z'),
  ...extra,
});

const SINGLE = asTable(tableInput('single', { ...EXAMPLE_PARAMS, accounts: ['111122223333'] }));
const ORG = asTable(tableInput('organization', EXAMPLE_PARAMS));
const ORG_INJECTED = asTable(tableInput('organization-injected', EXAMPLE_PARAMS));
const PARQUET = asTable(tableInput('parquet', EXAMPLE_PARAMS));
/** AWS's manual-partition CloudTrail table: region/year/month/day added with ALTER TABLE ADD PARTITION. */
const MANUAL: Table = {
  Name: 'cloudtrail_manual',
  DatabaseName: 'cloudtrail',
  TableType: 'EXTERNAL_TABLE',
  Parameters: { EXTERNAL: 'TRUE', classification: 'cloudtrail' },
  PartitionKeys: ['region', 'year', 'month', 'day'].map((Name) => ({ Name, Type: 'string' })),
  StorageDescriptor: { ...SINGLE.StorageDescriptor, Location: 's3://amzn-s3-demo-bucket/AWSLogs/111122223333/CloudTrail/' },
};
/** An organization trail whose delivery day is projected under the name `date`. */
const ORG_DATE: Table = {
  ...ORG,
  PartitionKeys: ['account', 'region', 'date'].map((Name) => ({ Name, Type: 'string' })),
  Parameters: Object.fromEntries(
    Object.entries(ORG.Parameters!).map(([k, v]) => [k.replace('projection.timestamp.', 'projection.date.'), v.replace('${timestamp}', '${date}')]),
  ),
};

const withParams = (t: Table, p: Record<string, string | undefined>): Table => ({
  ...t,
  Parameters: Object.fromEntries(Object.entries({ ...t.Parameters, ...p }).filter((e): e is [string, string] => e[1] !== undefined)),
});
const withColumns = (t: Table, edit: (cols: Array<{ Name: string; Type: string }>) => Array<{ Name: string; Type: string }>): Table => ({
  ...t,
  StorageDescriptor: { ...t.StorageDescriptor, Columns: edit(t.StorageDescriptor!.Columns!.map((c) => ({ Name: c.Name!, Type: c.Type! }))) },
});
const problemsOf = (t: Table): string[] => {
  try {
    readGlueTable(t);
  } catch (e) {
    expect(e).toBeInstanceOf(GlueTableError);
    return [...(e as GlueTableError).problems];
  }
  throw new Error('expected a GlueTableError');
};

// ---- queries --------------------------------------------------------------------------------------

const RANGE = { from: new Date('2024-02-28T22:00:00Z'), to: new Date('2024-03-01T06:00:00Z') };
const PLAN = planPartitions({ scope: '*', ...RANGE, accounts: ['111122223333'], regions: ['eu-west-1'] });
const PAGE = { first: 10, after: null, order: 'NEWEST_FIRST' } as const;
const events = (plan = PLAN) => eventsQuery({ range: RANGE, accounts: ['111122223333'], regions: ['eu-west-1'] }, plan, PAGE);
const stats = (plan = PLAN) => statsQuery({ range: RANGE }, plan, { groupBy: [{ dimension: 'EVENT_NAME' }], interval: 'DAY', first: 10, order: 'COUNT_DESC' });

const compile = (binding: TrinoTableBinding, q: Query) => new TrinoCompiler(binding).compile(q).sql;
const source = (sql: string) => /\n {2}FROM (.*)\n/.exec(sql)![1];
const prune = (sql: string) => /\n {2}FROM .*\n {2}WHERE (.*)\n\)/.exec(sql)?.[1] ?? null;
const account = (sql: string) => /coalesce\(nullif\(src\.recipientaccountid, ''\), ([^)]*)\) AS tg_account/.exec(sql)![1];

const REGIONS = `src."region" IN ('eu-west-1', 'us-east-1')`;

describe('reading a Glue table into a partition binding', () => {
  it.each([
    [
      'projection, single account',
      SINGLE,
      `src."timestamp" BETWEEN '2024/02/28' AND '2024/03/02' AND ${REGIONS}`,
      `'111122223333'`,
      false,
      'projection: account=111122223333 (from the location) region=enum(17) timestamp=date(yyyy/MM/dd)',
    ],
    [
      'projection, organization, account enum',
      ORG,
      `src."timestamp" BETWEEN '2024/02/28' AND '2024/03/02' AND src."account" IN ('111122223333') AND ${REGIONS}`,
      'src."account"',
      false,
      'projection: account=enum(2) region=enum(17) timestamp=date(yyyy/MM/dd)',
    ],
    [
      'projection, organization, account injected',
      ORG_INJECTED,
      `src."timestamp" BETWEEN '2024/02/28' AND '2024/03/02' AND src."account" IN ('111122223333') AND ${REGIONS}`,
      'src."account"',
      true,
      'projection: account=injected region=enum(17) timestamp=date(yyyy/MM/dd)',
    ],
    [
      'projection, organization, day named date',
      ORG_DATE,
      `src."date" BETWEEN '2024/02/28' AND '2024/03/02' AND src."account" IN ('111122223333') AND ${REGIONS}`,
      'src."account"',
      false,
      'projection: account=enum(2) region=enum(17) date=date(yyyy/MM/dd)',
    ],
    [
      'manual partitions region/year/month/day',
      MANUAL,
      `((src."year" = '2024' AND src."month" = '02' AND src."day" BETWEEN '28' AND '29') OR ` +
        `(src."year" = '2024' AND src."month" = '03' AND src."day" BETWEEN '01' AND '02')) AND ${REGIONS}`,
      `'111122223333'`,
      false,
      'manual partitions: account=111122223333 (from the location) region=partition year/month/day (manual)',
    ],
  ] as const)('%s', (_name, table, predicate, acct, requireAccounts, layout) => {
    const info = readGlueTable(table, { catalog: 'AwsDataCatalog' });
    expect(info.requireAccounts).toBe(requireAccounts);
    expect(info.layout).toBe(layout);
    expect(info.columns).toEqual(CLOUDTRAIL_COLUMNS.map((c) => c.name));
    for (const q of [events(), stats()]) {
      const sql = compile(info.binding, q);
      expect(source(sql)).toBe(`"AwsDataCatalog"."cloudtrail"."${table.Name}" AS src`);
      expect(prune(sql)).toBe(predicate);
      expect(account(sql)).toBe(acct);
      const errors = trinoErrors(sql);
      expect({ errors, sql: errors.length ? sql : '' }).toEqual({ errors: [], sql: '' });
    }
  });

  it('splits manual day partitions by month, across a year end, and uses one term within a month', () => {
    const { binding } = readGlueTable(MANUAL);
    const plan = (from: string, to: string) => planPartitions({ scope: '*', from: new Date(from), to: new Date(to) });
    expect(prune(compile(binding, stats(plan('2023-12-30T00:00:00Z', '2024-01-02T00:00:00Z'))))).toBe(
      `((src."year" = '2023' AND src."month" = '12' AND src."day" BETWEEN '30' AND '31') OR ` +
        `(src."year" = '2024' AND src."month" = '01' AND src."day" BETWEEN '01' AND '02'))`,
    );
    expect(prune(compile(binding, stats(plan('2024-02-03T00:00:00Z', '2024-02-05T00:00:00Z'))))).toBe(
      `(src."year" = '2024' AND src."month" = '02' AND src."day" BETWEEN '03' AND '05')`,
    );
    const long = compile(binding, stats(plan('2024-01-15T00:00:00Z', '2024-04-10T00:00:00Z')));
    expect(prune(long)!.match(/src."month" = '(\d\d)'/g)).toEqual([`src."month" = '01'`, `src."month" = '02'`, `src."month" = '03'`, `src."month" = '04'`]);
    expect(trinoErrors(long)).toEqual([]);
  });

  it('reads every account of an enum table when the query names none, and refuses that on an injected table', () => {
    const all = planPartitions({ scope: '*', ...RANGE });
    expect(prune(compile(readGlueTable(ORG).binding, stats(all)))).toBe(`src."timestamp" BETWEEN '2024/02/28' AND '2024/03/02'`);
    const injected = readGlueTable(ORG_INJECTED).binding;
    expect(() => compile(injected, stats(all))).toThrow(TrailgateError);
    expect(() => compile(injected, stats(all))).toThrow(expect.objectContaining({ code: 'BAD_USER_INPUT' }));
  });

  it('takes the account of an organization table without an account key from the location template', () => {
    const t = withParams(
      { ...ORG, PartitionKeys: ORG.PartitionKeys!.filter((k) => k.Name !== 'account') },
      {
        'projection.account.type': undefined,
        'projection.account.values': undefined,
        'storage.location.template': 's3://amzn-s3-demo-bucket/AWSLogs/o-aa111bb222/444455556666/CloudTrail/${region}/${timestamp}',
      },
    );
    expect(readGlueTable(t).binding.account).toEqual({ constant: '444455556666' });
  });
});

describe('a Glue table trailgate cannot serve is a startup error that names the problem', () => {
  it('refuses the Parquet tier as the served table: it is read beside a raw table, never instead of one', () => {
    expect(problemsOf(PARQUET)).toEqual(expect.arrayContaining([expect.stringMatching(/partition key delivery is not one trailgate can prune/)]));
  });

  it('names a missing required column and its type', () => {
    const t = withColumns(SINGLE, (cols) => cols.filter((c) => c.Name !== 'errorcode'));
    expect(() => readGlueTable(t)).toThrow(GlueTableError);
    expect(() => readGlueTable(t)).toThrow(/Glue table cloudtrail\.cloudtrail_logs cannot serve trailgate's queries:\n {2}- missing column errorcode \(string\)/);
  });

  it("lists everything AWS's documented table lacks in one error", () => {
    // AWS's DDL has no insightdetails, no userIdentity.sourceIdentity and no resources[].ARNPrefix.
    const aws = withColumns(SINGLE, (cols) =>
      cols
        .filter((c) => c.Name !== 'insightdetails')
        .map((c) =>
          c.Name === 'resources'
            ? { ...c, Type: 'array<struct<arn:string,accountid:string,type:string>>' }
            : c.Name === 'useridentity'
              ? { ...c, Type: c.Type.replace(',sourceidentity:string,credentialid:string', ',credentialid:string').replace('sourceidentity:string,webid', 'webid') }
              : c,
        ),
    );
    expect(problemsOf(aws)).toEqual([
      'missing column insightdetails (string)',
      'column useridentity has no string member useridentity.sourceidentity',
      'column useridentity has no string member useridentity.sessioncontext.sourceidentity',
      'column resources has no string member resources[].arnprefix',
    ]);
  });

  it('accepts a table without the optional columns', () => {
    const t = withColumns(SINGLE, (cols) => cols.filter((c) => !OPTIONAL_COLUMNS.includes(c.Name)));
    expect(readGlueTable(t).columns).not.toContain('addendum');
  });

  it('names mistyped columns', () => {
    const t = withColumns(SINGLE, (cols) =>
      cols.map((c) => (c.Name === 'requestparameters' ? { ...c, Type: 'struct<bucketname:string>' } : c.Name === 'tlsdetails' ? { ...c, Type: 'string' } : c)),
    );
    expect(problemsOf(t)).toEqual([
      'column requestparameters is struct<bucketname:string>, expected string',
      'column tlsdetails is string, expected struct<tlsversion:string,ciphersuite:string,clientprovidedhostheader:string>',
      'column tlsdetails has no string member tlsdetails.tlsversion',
      'column tlsdetails has no string member tlsdetails.ciphersuite',
      'column tlsdetails has no string member tlsdetails.clientprovidedhostheader',
    ]);
  });

  it.each([
    ['no day partition', { ...SINGLE, PartitionKeys: [{ Name: 'region', Type: 'string' }] }, /no delivery-day partition/],
    ['an hourly projection format', withParams(SINGLE, { 'projection.timestamp.format': 'yyyy/MM/dd/HH' }), /projection.timestamp.format is "yyyy\/MM\/dd\/HH"/],
    ['a two-day projection interval', withParams(SINGLE, { 'projection.timestamp.interval': '2' }), /step one day at a time/],
    ['a projected key without a type', withParams(SINGLE, { 'projection.region.type': undefined }), /projection.region.type is not set/],
    ['an injected region', withParams(SINGLE, { 'projection.region.type': 'injected' }), /projection.region.type is injected/],
    ['an integer account projection', withParams(ORG, { 'projection.account.type': 'integer' }), /projection.account.type is integer/],
    ['a template missing a key', withParams(ORG, { 'storage.location.template': 's3://b/AWSLogs/o-aa111bb222/${account}/CloudTrail/${timestamp}' }), /does not place \$\{region\}/],
    ['an unknown partition key', { ...MANUAL, PartitionKeys: [...MANUAL.PartitionKeys!, { Name: 'hour', Type: 'string' }] }, /partition key hour is not one trailgate can prune/],
    ['year/month without day', { ...MANUAL, PartitionKeys: MANUAL.PartitionKeys!.filter((k) => k.Name !== 'day') }, /need all of year, month and day \(found year, month\)/],
    ['integer-typed partitions', { ...MANUAL, PartitionKeys: MANUAL.PartitionKeys!.map((k) => ({ ...k, Type: k.Name === 'region' ? 'string' : 'int' })) }, /partition key year is int/],
    ['no account anywhere', { ...MANUAL, StorageDescriptor: { ...MANUAL.StorageDescriptor, Location: 's3://amzn-s3-demo-bucket/logs/' } }, /no account partition/],
    ['a view', { ...SINGLE, TableType: 'VIRTUAL_VIEW' }, /it is a view/],
  ] as const)('names an unsupported layout: %s', (_what, table, message) => {
    expect(() => readGlueTable(table)).toThrow(GlueTableError);
    expect(() => readGlueTable(table)).toThrow(message);
  });
});

// ---- the required lists against the SQL the compiler emits ----------------------------------------

describe('required columns and members', () => {
  const ALL: Omit<EventFilterSpec, 'range'> = {
    accounts: ['111122223333'],
    regions: ['eu-west-1'],
    eventSources: ['s3.amazonaws.com'],
    eventNames: ['GetObject'],
    excludeEventNames: ['Decrypt'],
    identityTypes: [...IDENTITY_TYPES],
    principalArns: ['arn:aws:iam::111122223333:user/alice'],
    roleArns: ['arn:aws:iam::1:role/r'],
    userNames: ['alice'],
    accessKeyIds: ['AKIA'],
    sourceIps: [parseIpMatch('10.0.0.0/8')!, parseIpMatch('2001:db8::/32')!],
    userAgentContains: 'aws-cli',
    errorCodes: ['AccessDenied'],
    hasError: true,
    readOnly: false,
    categories: [...EVENT_CATEGORIES],
    crossAccount: true,
    resourceArns: ['arn:aws:s3:::b'],
    eventIds: ['e1'],
    json: {
      requestParameters: [{ path: ['a'], equals: 'v' }],
      responseElements: [{ path: ['b'], contains: 'x' }],
      additionalEventData: [{ path: ['c'], exists: true }],
      serviceEventDetails: [{ path: ['d'], exists: false }],
    },
  };
  const filter = { range: RANGE, ...ALL };
  const statements: Query[] = [
    eventsQuery(filter, PLAN, PAGE),
    eventByIdQuery('e1', RANGE, PLAN),
    identitiesQuery(filter, PLAN, 10, null),
    identitySummariesQuery(['arn:aws:iam::1:user/a'], RANGE, PLAN),
    identityEventsQuery(['arn:aws:iam::1:user/a'], 5, filter, PLAN),
    ...DIMENSIONS.map((d) =>
      statsQuery(filter, PLAN, { groupBy: [isJsonDimension(d) ? { dimension: d, path: ['a'] } : { dimension: d }], interval: 'HOUR', first: 5, order: 'COUNT_DESC' }),
    ),
    ...FIELDS.map((f) => identityTopValuesQuery(['arn:aws:iam::1:user/a'], f, 2, filter, PLAN)),
  ];
  const binding = readGlueTable(ORG).binding;
  const catalogue = new Set(CLOUDTRAIL_COLUMNS.map((c) => c.name));
  const columns = new Set<string>();
  const members = new Set<string>();
  for (const q of statements) {
    const sql = compile(binding, q).replace(/'(?:[^']|'')*'/g, "''"); // string literals hold JSON paths, not columns
    for (const [ref] of sql.matchAll(/[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*/g)) {
      const parts = ref.split('.');
      if (['src', 'ev', 'dd', 'd', 'g', 'r'].includes(parts[0]) && parts.length > 1) parts.shift();
      if (!catalogue.has(parts[0])) continue;
      columns.add(parts[0]);
      if (parts.length > 1) members.add(parts.join('.'));
    }
    // lambdas over arrays: any_match(resources, x -> ... x.arn ...)
    for (const m of sql.matchAll(/any_match\((\w+), (\w+) -> /g)) {
      let depth = 1;
      let end = m.index + m[0].length;
      for (; depth > 0; end++) depth += sql[end] === '(' ? 1 : sql[end] === ')' ? -1 : 0;
      const body = sql.slice(m.index + m[0].length, end - 1);
      for (const [, member] of body.matchAll(new RegExp(`\\b${m[2]}\\.(\\w+)`, 'g'))) members.add(`${m[1]}[].${member}`);
    }
  }

  it('requires exactly the catalogue columns the SQL names, and no optional column is named', () => {
    expect([...columns].sort()).toEqual([...REQUIRED_COLUMNS].sort());
    for (const c of OPTIONAL_COLUMNS) expect(columns.has(c)).toBe(false);
    expect([...REQUIRED_COLUMNS, ...OPTIONAL_COLUMNS].sort()).toEqual(CLOUDTRAIL_COLUMNS.map((c) => c.name).sort());
  });

  it('requires exactly the struct members the SQL names', () => {
    expect([...members].sort()).toEqual([...REQUIRED_MEMBERS].sort());
  });
});

describe('reading a definition from a file (explain, offline)', () => {
  const root = join(__dirname, '..', '..');

  it('reads the default single-account definition of glue-tables/', async () => {
    const info = await readGlueTableFile(join(root, DEFAULT_GLUE_TABLE_FILE), { database: 'cloudtrail' });
    expect(info.binding).toEqual({
      database: 'cloudtrail',
      table: 'cloudtrail_logs',
      account: { constant: '111122223333' },
      regionColumn: 'region',
      day: { kind: 'date', column: 'timestamp', format: 'yyyy/MM/dd' },
    });
  });

  it('reads a saved GetTable answer, and names a file that is not one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'glue-'));
    writeFileSync(join(dir, 'get-table.json'), JSON.stringify({ Table: ORG_INJECTED }));
    writeFileSync(join(dir, 'broken.json'), '{"Table": ');
    await expect(readGlueTableFile(join(dir, 'get-table.json'), { database: 'cloudtrail' })).resolves.toMatchObject({ requireAccounts: true });
    await expect(readGlueTableFile(join(dir, 'broken.json'), { database: 'cloudtrail' })).rejects.toThrow(/cannot read the Glue table definition .*broken\.json/);
    rmSync(dir, { recursive: true, force: true });
  });
});
