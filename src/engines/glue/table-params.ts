import { isDay } from '../../domain/utc-day';

/** The four tables trailgate defines (see glue-tables/README.md). */
export const TABLE_KINDS = ['single', 'organization', 'organization-injected', 'parquet'] as const;
export type TableKind = (typeof TABLE_KINDS)[number];

/** What varies between deployments; everything else about a table is fixed by its kind. */
export interface TableParams {
  readonly bucket: string;
  /** key prefix before `AWSLogs/` ('' for none), without leading or trailing slashes */
  readonly prefix?: string;
  /** organization id (`o-...`): organization kinds only */
  readonly orgId?: string;
  /** single: exactly one; organization: the enum values; injected and parquet: unused */
  readonly accounts?: readonly string[];
  /** the regions the trail delivers: every one must be listed, or projection never reads it */
  readonly regions?: readonly string[];
  /** first day of the projected range, YYYY-MM-DD */
  readonly startDate: string;
  /** table name; defaults to DEFAULT_TABLE_NAMES[kind] */
  readonly table?: string;
}

export class TableParamsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TableParamsError';
  }
}

export const DEFAULT_TABLE_NAMES = Object.freeze({
  single: 'cloudtrail_logs',
  organization: 'cloudtrail_org_logs',
  'organization-injected': 'cloudtrail_org_logs_injected',
  parquet: 'cloudtrail_parquet',
} satisfies Record<TableKind, string>);

/**
 * The commercial regions enabled in every account by default. Opt-in regions a trail delivers
 * must be added with --regions: partition projection never reads an unlisted region.
 * https://docs.aws.amazon.com/accounts/latest/reference/manage-acct-regions.html
 */
export const DEFAULT_REGIONS: readonly string[] = Object.freeze([
  'ap-northeast-1', 'ap-northeast-2', 'ap-northeast-3', 'ap-south-1', 'ap-southeast-1', 'ap-southeast-2',
  'ca-central-1', 'eu-central-1', 'eu-north-1', 'eu-west-1', 'eu-west-2', 'eu-west-3', 'sa-east-1',
  'us-east-1', 'us-east-2', 'us-west-1', 'us-west-2',
]);

/** The values the committed files in glue-tables/ are generated with (AWS's documentation examples). */
export const EXAMPLE_PARAMS: TableParams = Object.freeze({
  bucket: 'amzn-s3-demo-bucket',
  prefix: '',
  orgId: 'o-aa111bb222',
  accounts: Object.freeze(['111122223333', '444455556666']),
  regions: DEFAULT_REGIONS,
  startDate: '2020-01-01',
});

// Every value ends up inside a quoted DDL literal or an S3 path: only plain characters pass.
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html
const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const PREFIX = /^[A-Za-z0-9!_.*()=-]+(\/[A-Za-z0-9!_.*()=-]+)*$/;
const ORG_ID = /^o-[a-z0-9]{10,32}$/;
const ACCOUNT = /^\d{12}$/;
const REGION = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;
const TABLE = /^[a-z0-9_]{1,255}$/;

export interface CheckedParams {
  readonly kind: TableKind;
  readonly table: string;
  readonly bucket: string;
  /** `s3://bucket/` or `s3://bucket/prefix/` */
  readonly root: string;
  readonly orgId: string | null;
  readonly accounts: readonly string[];
  readonly regions: readonly string[];
  /** YYYY-MM-DD */
  readonly startDate: string;
}

/** Validates params for one kind; throws TableParamsError naming the bad or missing value. */
export function checkParams(kind: TableKind, p: TableParams): CheckedParams {
  if (!BUCKET.test(p.bucket)) throw new TableParamsError(`bucket ${JSON.stringify(p.bucket)} is not a valid S3 bucket name`);
  const prefix = (p.prefix ?? '').replace(/^\/+|\/+$/g, '');
  if (prefix !== '' && !PREFIX.test(prefix)) throw new TableParamsError(`prefix ${JSON.stringify(p.prefix)} has characters trailgate does not accept`);
  if (/(^|\/)AWSLogs(\/|$)/.test(prefix)) throw new TableParamsError('prefix is the part before AWSLogs/; leave AWSLogs out');
  const accounts = [...new Set(p.accounts ?? [])];
  for (const a of accounts) if (!ACCOUNT.test(a)) throw new TableParamsError(`account ${JSON.stringify(a)} is not a 12-digit AWS account id`);
  const regions = [...new Set(p.regions && p.regions.length > 0 ? p.regions : DEFAULT_REGIONS)];
  for (const r of regions) if (!REGION.test(r)) throw new TableParamsError(`region ${JSON.stringify(r)} is not an AWS region name`);
  const startDate = p.startDate.replace(/\//g, '-');
  if (!isDay(startDate)) throw new TableParamsError(`start date ${JSON.stringify(p.startDate)} is not a YYYY-MM-DD day`);
  const table = p.table ?? DEFAULT_TABLE_NAMES[kind];
  if (!TABLE.test(table)) throw new TableParamsError(`table name ${JSON.stringify(table)} must be lower-case letters, digits and _`);
  const isOrg = kind === 'organization' || kind === 'organization-injected';
  if (isOrg && !p.orgId) throw new TableParamsError(`--org-id is required for the ${kind} table`);
  if (p.orgId && !ORG_ID.test(p.orgId)) throw new TableParamsError(`org id ${JSON.stringify(p.orgId)} is not an organization id (o- and 10 to 32 letters or digits)`);
  if (kind === 'single' && accounts.length !== 1) throw new TableParamsError('the single-account table needs exactly one account (--accounts 111122223333)');
  if (kind === 'organization' && accounts.length === 0) throw new TableParamsError('the organization table projects accounts as an enum: list them with --accounts');
  return Object.freeze({
    kind,
    table,
    bucket: p.bucket,
    root: `s3://${p.bucket}/${prefix === '' ? '' : `${prefix}/`}`,
    orgId: isOrg ? p.orgId! : null,
    accounts: Object.freeze(kind === 'organization-injected' ? [] : accounts),
    regions: Object.freeze(regions),
    startDate,
  });
}
