import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TableInput } from '@aws-sdk/client-glue';
import { CLOUDTRAIL_COLUMNS } from '../../src/domain/column-catalogue';
import { glueColumns } from '../../src/engines/glue/glue-table-types';
import { parseHiveType, renderHiveType } from '../../src/engines/glue/hive-types';
import { tableDdl } from '../../src/engines/glue/table-ddl';
import { COMMITTED_TABLES, committedGlueTableFiles, tableInput } from '../../src/engines/glue/table-definitions';
import { EXAMPLE_PARAMS, TableParamsError, type TableKind } from '../../src/engines/glue/table-params';
import { hiveErrors } from '../support/trino-parser';

const DIR = join(__dirname, '..', '..', 'glue-tables');
const read = (name: string) => readFileSync(join(DIR, name), 'utf8');

// ---- an independent reading of the DDL text ------------------------------------------------------

interface ParsedDdl {
  name: string;
  columns: Array<[string, string]>;
  partitions: Array<[string, string]>;
  comment: string | null;
  serde: string;
  inputFormat: string;
  outputFormat: string;
  location: string;
  properties: Record<string, string>;
}

/** Splits `a, b<c, d>, e` at commas outside angle brackets. */
function topLevelItems(text: string): string[] {
  const items: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of text) {
    if (ch === '<') depth++;
    if (ch === '>') depth--;
    if (ch === ',' && depth === 0) {
      items.push(cur);
      cur = '';
    } else cur += ch;
  }
  if (cur.trim()) items.push(cur);
  return items.map((s) => s.trim());
}

const nameAndType = (item: string): [string, string] => {
  const m = /^`([^`]+)`\s+([\s\S]+)$/.exec(item);
  if (!m) throw new Error(`not a column: ${item}`);
  return [m[1], renderHiveType(parseHiveType(m[2]))];
};

function parseDdl(sql: string): ParsedDdl {
  const body = sql.replace(/^--.*\n/gm, '');
  const head = /^CREATE EXTERNAL TABLE `([a-z0-9_]+)` \(\n([\s\S]*?)\n\)\n/.exec(body);
  if (!head) throw new Error('no CREATE EXTERNAL TABLE header');
  const one = (re: RegExp) => re.exec(body)?.[1] ?? null;
  const parts = one(/PARTITIONED BY \(\n([\s\S]*?)\n\)/);
  const props = one(/TBLPROPERTIES \(\n([\s\S]*?)\n\)/) ?? '';
  return {
    name: head[1],
    columns: topLevelItems(head[2]).map(nameAndType),
    partitions: parts ? topLevelItems(parts).map(nameAndType) : [],
    comment: one(/^COMMENT '([^']*)'$/m),
    serde: one(/^ROW FORMAT SERDE '([^']*)'$/m)!,
    inputFormat: one(/STORED AS INPUTFORMAT '([^']*)'/)!,
    outputFormat: one(/^OUTPUTFORMAT '([^']*)'$/m)!,
    location: one(/^LOCATION '([^']*)'$/m)!,
    properties: Object.fromEntries([...props.matchAll(/'([^']*)'='([^']*)'/g)].map((m) => [m[1], m[2]])),
  };
}

// ---- tests ----------------------------------------------------------------------------------------

describe('glue-tables/', () => {
  it('holds exactly the generated files and the README', () => {
    const expected = committedGlueTableFiles().map((f) => f.name);
    expect(readdirSync(DIR).sort()).toEqual([...expected, 'README.md'].sort());
  });

  it.each(committedGlueTableFiles().map((f) => [f.name, f.content]))('%s is what table-definitions.ts generates (no drift)', (name, content) => {
    // On failure: npx ts-node --transpile-only scripts/glue-tables.ts
    expect(read(name)).toBe(content);
  });
});

describe.each(COMMITTED_TABLES.map((t) => [t.kind, t.base] as const))('the %s table', (kind, base) => {
  const json = JSON.parse(read(`${base}.table.json`)) as TableInput;
  const sql = read(`${base}.sql`);
  const ddl = parseDdl(sql);
  const sd = json.StorageDescriptor!;

  it('has DDL that parses with the Hive grammar', () => {
    expect(hiveErrors(sql)).toEqual([]);
  });

  it('has every catalogue column, in catalogue order, with the generated Glue types', () => {
    expect(sd.Columns!.map((c) => c.Name)).toEqual(CLOUDTRAIL_COLUMNS.map((c) => c.name));
    expect(sd.Columns).toEqual(glueColumns());
  });

  it('agrees with its DDL: columns, partition keys, formats, location and properties', () => {
    expect(ddl.name).toBe(json.Name);
    expect(ddl.columns).toEqual(sd.Columns!.map((c) => [c.Name, c.Type]));
    expect(ddl.partitions).toEqual(json.PartitionKeys!.map((k) => [k.Name, k.Type]));
    expect(ddl.comment).toBe(json.Description);
    expect(ddl.serde).toBe(sd.SerdeInfo!.SerializationLibrary);
    expect(ddl.inputFormat).toBe(sd.InputFormat);
    expect(ddl.outputFormat).toBe(sd.OutputFormat);
    expect(ddl.location).toBe(sd.Location);
    const { EXTERNAL, ...props } = json.Parameters!;
    expect(EXTERNAL).toBe('TRUE');
    expect(ddl.properties).toEqual(props);
  });

  if (kind === 'parquet') {
    it('registers its partitions in the catalogue (INSERT INTO adds them): no projection', () => {
      expect(Object.keys(json.Parameters!).filter((k) => k.startsWith('projection.') || k === 'storage.location.template')).toEqual([]);
      expect(json.PartitionKeys!.map((k) => k.Name)).toEqual(['delivery', 'account', 'region', 'date']);
    });
  } else {
    it('uses a location template that places every partition key under LOCATION', () => {
      const template = json.Parameters!['storage.location.template'];
      expect(template.startsWith(sd.Location!)).toBe(true);
      for (const k of json.PartitionKeys!) expect(template).toContain(`\${${k.Name}}`);
      for (const k of json.PartitionKeys!) expect(json.Parameters![`projection.${k.Name}.type`]).toBeDefined();
    });
  }

  it(`is ${kind === 'parquet' ? 'Parquet with zstd' : 'raw JSON read with the HCatalog JsonSerDe, not CloudTrailSerde'}`, () => {
    if (kind === 'parquet') {
      expect(sd.SerdeInfo!.SerializationLibrary).toBe('org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe');
      expect(json.Parameters!['parquet.compression']).toBe('ZSTD');
    } else {
      expect(sd.SerdeInfo!.SerializationLibrary).toBe('org.apache.hive.hcatalog.data.JsonSerDe');
      expect(sd.InputFormat).toBe('com.amazon.emr.cloudtrail.CloudTrailInputFormat');
    }
  });
});

describe('table definitions', () => {
  const P = { ...EXAMPLE_PARAMS, accounts: ['111122223333'] };

  it('lays out the four kinds as the CloudTrail and columnar trees are laid out', () => {
    const loc = (kind: TableKind, params = P) => {
      const t = tableInput(kind, params);
      return [t.StorageDescriptor!.Location, t.Parameters!['storage.location.template'], t.PartitionKeys!.map((k) => k.Name).join('/')];
    };
    expect(loc('single')).toEqual([
      's3://amzn-s3-demo-bucket/AWSLogs/111122223333/CloudTrail/',
      's3://amzn-s3-demo-bucket/AWSLogs/111122223333/CloudTrail/${region}/${timestamp}',
      'region/timestamp',
    ]);
    expect(loc('organization', { ...P, prefix: '/trails/org/' })).toEqual([
      's3://amzn-s3-demo-bucket/trails/org/AWSLogs/o-aa111bb222/',
      's3://amzn-s3-demo-bucket/trails/org/AWSLogs/o-aa111bb222/${account}/CloudTrail/${region}/${timestamp}',
      'account/region/timestamp',
    ]);
    expect(loc('organization-injected')).toEqual([
      's3://amzn-s3-demo-bucket/AWSLogs/o-aa111bb222/',
      's3://amzn-s3-demo-bucket/AWSLogs/o-aa111bb222/${account}/CloudTrail/${region}/${timestamp}',
      'account/region/timestamp',
    ]);
    // Hive-style folders under LOCATION, in key order: parquet/delivery=…/account=…/region=…/date=…/
    expect(loc('parquet', { ...P, prefix: 'lake' })).toEqual(['s3://amzn-s3-demo-bucket/lake/parquet/', undefined, 'delivery/account/region/date']);
  });

  it('projects the delivery day as yyyy/MM/dd from the start date', () => {
    const raw = tableInput('single', { ...P, startDate: '2023-07-04' }).Parameters!;
    expect(raw['projection.timestamp.format']).toBe('yyyy/MM/dd');
    expect(raw['projection.timestamp.range']).toBe('2023/07/04,NOW');
  });

  it('projects accounts as an enum when listed and as injected otherwise', () => {
    expect(tableInput('organization', EXAMPLE_PARAMS).Parameters!['projection.account.values']).toBe('111122223333,444455556666');
    const injected = tableInput('organization-injected', EXAMPLE_PARAMS).Parameters!;
    expect(injected['projection.account.type']).toBe('injected');
    expect(injected['projection.account.values']).toBeUndefined();
  });

  it('renders a nested catalogue type as Glue stores it', () => {
    const resources = glueColumns().find((c) => c.Name === 'resources')!;
    expect(resources.Type).toBe('array<struct<arn:string,arnprefix:string,accountid:string,type:string>>');
    expect(glueColumns().find((c) => c.Name === 'requestparameters')!.Type).toBe('string');
  });

  it('qualifies the table with the database in DDL when given', () => {
    expect(tableDdl(tableInput('single', P), 'security_lake').split('\n')[0]).toBe('CREATE EXTERNAL TABLE `security_lake`.`cloudtrail_logs` (');
  });

  it.each([
    ['a bucket name with a quote', 'single', { ...P, bucket: "b'x" }, /bucket/],
    ['a prefix with a quote', 'single', { ...P, prefix: "a'b" }, /prefix/],
    ['a prefix that includes AWSLogs', 'single', { ...P, prefix: 'x/AWSLogs' }, /AWSLogs/],
    ['two accounts for a single-account table', 'single', { ...P, accounts: ['111122223333', '444455556666'] }, /exactly one account/],
    ['a short account id', 'organization', { ...EXAMPLE_PARAMS, accounts: ['1234'] }, /12-digit/],
    ['an organization table without an org id', 'organization', { ...EXAMPLE_PARAMS, orgId: undefined }, /--org-id/],
    ['an organization enum without accounts', 'organization', { ...EXAMPLE_PARAMS, accounts: [] }, /--accounts/],
    ['a malformed org id', 'organization-injected', { ...EXAMPLE_PARAMS, orgId: 'org-1' }, /organization id/],
    ['a region with a quote', 'parquet', { ...P, regions: ["us-east-1'"] }, /region/],
    ['an impossible start date', 'single', { ...P, startDate: '2023-02-30' }, /start date/],
    ['an upper-case table name', 'single', { ...P, table: 'Trail' }, /table name/],
  ] as const)('refuses %s', (_what, kind, params, message) => {
    expect(() => tableInput(kind, params)).toThrow(TableParamsError);
    expect(() => tableInput(kind, params)).toThrow(message);
  });

  it('the Hive grammar check is not vacuous', () => {
    const sql = read('cloudtrail-single-account.sql');
    expect(hiveErrors(sql.replace('PARTITIONED BY (', 'PARTITIONED BY ((('))).not.toEqual([]);
    expect(hiveErrors(sql.replace('ROW FORMAT SERDE', 'ROW SERDE FORMAT'))).not.toEqual([]);
  });
});

describe('Hive types', () => {
  it('reads what Glue and hand-written DDL hold: case, spaces, backquotes, maps, parameters', () => {
    const t = parseHiveType('STRUCT< `Type` : STRING, attrs: MAP<string, string>, n: DECIMAL(10, 2), xs: ARRAY< struct<a:int> > >');
    expect(renderHiveType(t)).toBe('struct<type:string,attrs:map<string,string>,n:decimal(10,2),xs:array<struct<a:int>>>');
  });

  it.each(['struct<a:string', 'array<>', 'struct<a string>', 'string junk'])('refuses %j', (text) => {
    expect(() => parseHiveType(text)).toThrow(/at offset/);
  });
});
