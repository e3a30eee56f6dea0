import type { Column as GlueColumn, StorageDescriptor } from '@aws-sdk/client-glue';
import type { TrinoDaySpec, TrinoTableBinding } from '../../sql/trino-compiler';
import { GlueTableError } from './glue-table-error';
import { columnProblems } from './required-columns';

/**
 * Reads a Glue table (GetTable's `Table`, or a TableInput from glue-tables/) into what the Trino
 * compiler needs to prune partitions. Supported layouts, decided by PartitionKeys, `projection.*`
 * and `storage.location.template`:
 *  - single-account trail: `timestamp` date projection `yyyy/MM/dd` (+ `region` enum or partition);
 *    the account is a constant read from `.../AWSLogs/<account>/CloudTrail/...` in the template or
 *    LOCATION;
 *  - manual partitions region/year/month/day (no projection), account from LOCATION likewise;
 *  - organization trail: account, region, and a date-projected day (`timestamp` or `date`), the
 *    account projected as `enum` or `injected` (then every query must name its accounts).
 * https://docs.aws.amazon.com/athena/latest/ug/partition-projection-supported-types.html
 * https://docs.aws.amazon.com/athena/latest/ug/create-cloudtrail-table.html (manual partitions)
 */
export interface GlueTableLike {
  readonly Name?: string;
  readonly DatabaseName?: string;
  readonly TableType?: string;
  readonly StorageDescriptor?: StorageDescriptor;
  readonly PartitionKeys?: readonly GlueColumn[];
  readonly Parameters?: Readonly<Record<string, string>>;
}

export interface GlueTableInfo {
  readonly binding: TrinoTableBinding;
  /** the account partition is `injected`: a query without account literals cannot run */
  readonly requireAccounts: boolean;
  /** the table's data columns, lower-case, in table order */
  readonly columns: readonly string[];
  /** one line for the startup log, e.g. `account=enum(2) region=enum(17) timestamp=date(yyyy/MM/dd)` */
  readonly layout: string;
}

export interface ReadGlueTableOptions {
  /** defaults to the table's DatabaseName */
  readonly database?: string;
  /** defaults to the table's Name */
  readonly table?: string;
  /** the Athena data catalog to qualify the table with (e.g. AwsDataCatalog); omitted when undefined */
  readonly catalog?: string;
}

const DAY_FORMATS = ['yyyy/MM/dd', 'yyyy-MM-dd'] as const;
type DayFormat = (typeof DAY_FORMATS)[number];
const YMD = ['year', 'month', 'day'] as const;
const ACCOUNT_IN_PATH = /\/AWSLogs\/(?:o-[a-z0-9]+\/)?(\d{12})\/CloudTrail(?:\/|$)/;

export function readGlueTable(table: GlueTableLike, opts: ReadGlueTableOptions = {}): GlueTableInfo {
  const database = opts.database ?? table.DatabaseName;
  const name = opts.table ?? table.Name;
  if (!database || !name) throw new GlueTableError('the Glue table definition names no database or table');
  const where = `Glue table ${database}.${name}`;
  const problems: string[] = [];
  if (table.TableType === 'VIRTUAL_VIEW') problems.push('it is a view; trailgate reads the CloudTrail table itself');
  const params = new Map(Object.entries(table.Parameters ?? {}).map(([k, v]) => [k.toLowerCase(), v.trim()]));
  if (params.get('table_type')?.toLowerCase() === 'iceberg') problems.push('Iceberg tables are not supported; use a Hive table (glue-tables/)');

  const dataColumns = table.StorageDescriptor?.Columns ?? [];
  problems.push(...columnProblems(dataColumns));

  const projection = params.get('projection.enabled')?.toLowerCase() === 'true';
  const template = projection ? params.get('storage.location.template') : undefined;
  const projType = (k: string) => (projection ? params.get(`projection.${k}.type`)?.toLowerCase() : undefined);
  const layout: string[] = [];
  let account: TrinoTableBinding['account'] = null;
  let requireAccounts = false;
  let regionColumn: string | null = null;
  const days: TrinoDaySpec[] = [];
  const ymd: string[] = [];

  for (const key of table.PartitionKeys ?? []) {
    const k = (key.Name ?? '').toLowerCase();
    const type = projType(k);
    if ((key.Type ?? 'string').toLowerCase() !== 'string') problems.push(`partition key ${k} is ${key.Type}; trailgate compares partition values as strings`);
    if (projection && !type) problems.push(`projection is enabled but projection.${k}.type is not set`);
    if (template && !template.includes(`\${${k}}`)) problems.push(`storage.location.template does not place \${${k}}`);
    if (k === 'account') {
      if (type !== undefined && type !== 'enum' && type !== 'injected') problems.push(`projection.account.type is ${type}; trailgate supports enum or injected`);
      if (type === 'enum' && !params.get('projection.account.values')) problems.push('projection.account.type is enum but projection.account.values is empty');
      requireAccounts = type === 'injected';
      account = requireAccounts ? { column: k, injected: true } : { column: k };
      layout.push(`${k}=${type ? describeEnum(type, params.get('projection.account.values')) : 'partition'}`);
    } else if (k === 'region') {
      if (type !== undefined && type !== 'enum') problems.push(`projection.region.type is ${type}; trailgate supports enum (queries do not always name regions)`);
      regionColumn = k;
      layout.push(`${k}=${type ? describeEnum(type, params.get('projection.region.values')) : 'partition'}`);
    } else if ((YMD as readonly string[]).includes(k)) {
      if (projection) problems.push(`partition key ${k} under projection is not supported: project one date column (projection.${k}.type=date) instead`);
      ymd.push(k);
    } else if (type === 'date') {
      const format = params.get(`projection.${k}.format`) ?? '';
      const unit = params.get(`projection.${k}.interval.unit`)?.toUpperCase() ?? 'DAYS';
      const interval = params.get(`projection.${k}.interval`) ?? '1';
      if (!(DAY_FORMATS as readonly string[]).includes(format)) problems.push(`projection.${k}.format is ${JSON.stringify(format)}; trailgate supports ${DAY_FORMATS.join(' or ')}`);
      else if (unit !== 'DAYS' || interval !== '1') problems.push(`projection.${k} must step one day at a time (interval 1, unit DAYS)`);
      else days.push({ kind: 'date', column: k, format: format as DayFormat });
      layout.push(`${k}=date(${format})`);
    } else {
      problems.push(
        `partition key ${k} is not one trailgate can prune: expected account, region, a date-projected day (projection.${k}.type=date), or manual region/year/month/day`,
      );
    }
  }
  if (ymd.length > 0) {
    if (ymd.length !== 3) problems.push(`manual day partitions need all of year, month and day (found ${ymd.join(', ')})`);
    else days.push({ kind: 'ymd', year: 'year', month: 'month', day: 'day' });
    layout.push('year/month/day (manual)');
  }
  const dayKeys = (table.PartitionKeys ?? []).filter((k) => projType((k.Name ?? '').toLowerCase()) === 'date').length + ymd.length;
  if (dayKeys === 0) {
    problems.push('no delivery-day partition: every query would read the whole trail (expected a date-projected timestamp, or year/month/day)');
  }
  if (days.length > 1 || (ymd.length > 0 && dayKeys > ymd.length)) problems.push('more than one day partition; trailgate prunes on exactly one');
  if (!account) {
    const found = [template, table.StorageDescriptor?.Location].map((p) => p && ACCOUNT_IN_PATH.exec(p)?.[1]).find(Boolean);
    if (found) {
      account = { constant: found };
      layout.unshift(`account=${found} (from the location)`);
    } else {
      problems.push('no account partition, and neither storage.location.template nor LOCATION contains /AWSLogs/<12-digit account>/CloudTrail/');
    }
  }
  if (problems.length > 0) throw new GlueTableError(`${where} cannot serve trailgate's queries`, problems);

  const binding: TrinoTableBinding = Object.freeze({
    ...(opts.catalog ? { catalog: opts.catalog } : {}),
    database,
    table: name,
    account,
    regionColumn,
    day: days[0],
  });
  return Object.freeze({
    binding,
    requireAccounts,
    columns: Object.freeze(dataColumns.map((c) => (c.Name ?? '').toLowerCase())),
    layout: `${projection ? 'projection' : 'manual partitions'}: ${layout.join(' ')}`,
  });
}

function describeEnum(type: string, values: string | undefined): string {
  return type === 'enum' ? `enum(${(values ?? '').split(',').filter(Boolean).length})` : type;
}
