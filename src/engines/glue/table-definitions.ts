import type { StorageDescriptor, TableInput } from '@aws-sdk/client-glue';
import { PARQUET_PARTITION_KEYS } from '../../sql/trino-binding';
import { glueColumns } from './glue-table-types';
import { tableDdl } from './table-ddl';
import { checkParams, EXAMPLE_PARAMS, type CheckedParams, type TableKind, type TableParams } from './table-params';

/**
 * The Glue tables trailgate reads, as Glue `TableInput` objects (pure: params in, objects out).
 * The DDL beside each (table-ddl.ts) is rendered from the same object.
 *
 * Raw tables follow AWS's CloudTrail table with partition projection: JsonSerDe (not
 * CloudTrailSerde) over CloudTrailInputFormat, which splits a log file's `Records` array into rows;
 * the `timestamp` partition is the DELIVERY day folder `yyyy/MM/dd`.
 * https://docs.aws.amazon.com/athena/latest/ug/create-cloudtrail-table-partition-projection.html
 * https://docs.aws.amazon.com/athena/latest/ug/partition-projection-supported-types.html
 *
 * The Parquet table is the columnar tier (issue 6): the same columns, zstd, filled by
 * `trailgate compact --engine athena` with INSERT INTO, in Hive-style folders
 * `parquet/delivery=…/account=…/region=…/date=…/`: `delivery` is the raw DELIVERY day (one day's
 * output is one prefix, dropped whole when the day is compacted again), `date` the EVENT day
 * `yyyy-MM-dd` (clamped to the delivery day ± 1, see compaction/insert-statement.ts).
 * It has no partition projection: its partitions are the ones INSERT INTO registered in the
 * catalogue, so a query enumerates only days that exist. Projecting four keys would make Athena
 * enumerate delivery days × event days × accounts × regions for every query, most of them empty.
 * https://docs.aws.amazon.com/athena/latest/ug/ctas-insert-into.html
 * https://docs.aws.amazon.com/athena/latest/ug/partition-projection.html
 */
const RAW_STORAGE: StorageDescriptor = {
  InputFormat: 'com.amazon.emr.cloudtrail.CloudTrailInputFormat',
  OutputFormat: 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat',
  SerdeInfo: { SerializationLibrary: 'org.apache.hive.hcatalog.data.JsonSerDe' },
};

const PARQUET_STORAGE: StorageDescriptor = {
  InputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat',
  OutputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat',
  SerdeInfo: { SerializationLibrary: 'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe' },
};

const DESCRIPTION: Record<TableKind, string> = {
  single: 'CloudTrail log files of one account (raw JSON), partitioned by region and delivery day',
  organization: 'CloudTrail log files of an organization trail (raw JSON), partitioned by account, region and delivery day',
  'organization-injected':
    'CloudTrail log files of an organization trail (raw JSON), partitioned by account (injected: every query names its accounts), region and delivery day',
  parquet:
    'CloudTrail events in Parquet (zstd), the columnar tier, partitioned by delivery day, account, region and event day (within a day of delivery)',
};

const str = (Name: string) => ({ Name, Type: 'string' });

/** Date projection of one day per partition: `yyyy/MM/dd` delivery folders. */
function dayProjection(column: string, format: 'yyyy/MM/dd', startDate: string): Record<string, string> {
  const start = startDate.replace(/-/g, '/');
  return {
    [`projection.${column}.type`]: 'date',
    [`projection.${column}.format`]: format,
    [`projection.${column}.range`]: `${start},NOW`,
    [`projection.${column}.interval`]: '1',
    [`projection.${column}.interval.unit`]: 'DAYS',
  };
}

function accountProjection(accounts: readonly string[]): Record<string, string> {
  return accounts.length > 0
    ? { 'projection.account.type': 'enum', 'projection.account.values': accounts.join(',') }
    : { 'projection.account.type': 'injected' };
}

function rawTable(p: CheckedParams): TableInput {
  const org = p.orgId !== null;
  const base = org ? `${p.root}AWSLogs/${p.orgId}/` : `${p.root}AWSLogs/${p.accounts[0]}/CloudTrail/`;
  const template = org ? `${base}\${account}/CloudTrail/\${region}/\${timestamp}` : `${base}\${region}/\${timestamp}`;
  return {
    Name: p.table,
    Description: DESCRIPTION[p.kind],
    TableType: 'EXTERNAL_TABLE',
    Parameters: {
      EXTERNAL: 'TRUE',
      classification: 'cloudtrail',
      'projection.enabled': 'true',
      ...(org ? accountProjection(p.accounts) : {}),
      'projection.region.type': 'enum',
      'projection.region.values': p.regions.join(','),
      ...dayProjection('timestamp', 'yyyy/MM/dd', p.startDate),
      'storage.location.template': template,
    },
    PartitionKeys: [...(org ? [str('account')] : []), str('region'), str('timestamp')],
    StorageDescriptor: { Columns: glueColumns(), Location: base, ...RAW_STORAGE },
  };
}

/**
 * `parquet.compression` sets what INSERT INTO writes: Athena's default for Hive Parquet tables is
 * GZIP; engine v3 writes ZSTD (level 3 by default).
 * https://docs.aws.amazon.com/athena/latest/ug/compression-formats.html
 * https://docs.aws.amazon.com/athena/latest/ug/compression-support-hive.html
 */
function parquetTable(p: CheckedParams): TableInput {
  return {
    Name: p.table,
    Description: DESCRIPTION.parquet,
    TableType: 'EXTERNAL_TABLE',
    Parameters: { EXTERNAL: 'TRUE', classification: 'parquet', 'parquet.compression': 'ZSTD' },
    PartitionKeys: PARQUET_PARTITION_KEYS.map(str),
    StorageDescriptor: { Columns: glueColumns(), Location: `${p.root}parquet/`, ...PARQUET_STORAGE },
  };
}

/** The Glue TableInput of one kind of table. Throws TableParamsError for bad params. */
export function tableInput(kind: TableKind, params: TableParams): TableInput {
  const p = checkParams(kind, params);
  return kind === 'parquet' ? parquetTable(p) : rawTable(p);
}

/** The files of glue-tables/, generated with EXAMPLE_PARAMS by scripts/glue-tables.ts. */
export const COMMITTED_TABLES: ReadonlyArray<{ readonly kind: TableKind; readonly base: string }> = [
  { kind: 'single', base: 'cloudtrail-single-account' },
  { kind: 'organization', base: 'cloudtrail-organization' },
  { kind: 'organization-injected', base: 'cloudtrail-organization-injected' },
  { kind: 'parquet', base: 'cloudtrail-parquet' },
];

const SQL_HEADER = (kind: TableKind) =>
  `-- Generated by scripts/glue-tables.ts (src/engines/glue/table-definitions.ts); do not edit.\n` +
  `-- The Athena DDL equivalent to ${COMMITTED_TABLES.find((t) => t.kind === kind)!.base}.table.json. ` +
  `Replace the example bucket, org id, accounts and\n-- regions, or run: trailgate glue ddl --kind ${kind} --bucket ...\n`;

/** File name (inside glue-tables/) → content, for every committed definition. */
export function committedGlueTableFiles(params: TableParams = EXAMPLE_PARAMS): Array<{ name: string; content: string }> {
  return COMMITTED_TABLES.flatMap(({ kind, base }) => {
    // the single-account table is the example set's first account
    const input = tableInput(kind, kind === 'single' ? { ...params, accounts: (params.accounts ?? []).slice(0, 1) } : params);
    return [
      { name: `${base}.table.json`, content: `${JSON.stringify(input, null, 2)}\n` },
      { name: `${base}.sql`, content: `${SQL_HEADER(kind)}${tableDdl(input)}\n` },
    ];
  });
}
