import type { GlueClient, Table } from '@aws-sdk/client-glue';
import type { S3Client } from '@aws-sdk/client-s3';
import { isDay } from '../../../domain/utc-day';
import type { TrinoTableBinding, TrinoTableRef } from '../../../sql/trino-binding';
import { readGlueTable } from '../../glue/read-glue-table';
import { CompactionError } from './compaction-error';
import { columnTypes, getGlueTable, getPartitions, qualifiedName } from './glue-tables';
import { childFolders } from './s3-prefix';
import { asPrefix, parseS3Url, type S3Location } from './s3-url';

/** One raw partition of a delivery day: its account and region, and its S3 folder when known. */
export interface RawPair {
  readonly account: string;
  readonly region: string;
  readonly folder: S3Location | null;
}

/** The raw table as compaction reads it. */
export interface RawSource {
  readonly name: string;
  readonly binding: TrinoTableBinding;
  /** data column → Glue type (normalised) */
  readonly columns: ReadonlyMap<string, string>;
  /** the first projected delivery day, when the table states one */
  readonly firstDay: string | null;
  /** Every account/region partition a delivery day can hold: exactly the ones a raw query can read. */
  pairs(day: string, signal?: AbortSignal): Promise<RawPair[]>;
}

const ACCOUNT = /^\d{12}$/;
const list = (v: string | undefined) => (v ?? '').split(',').map((s) => s.trim()).filter(Boolean);

/**
 * Reads the raw table from Glue. Projection layouts enumerate their partitions from the projection
 * (enum values; `injected` accounts from the account folders under the location template, since a
 * projected table reads only what its enum or the query names); manual layouts list the day's
 * partitions in the catalogue. https://docs.aws.amazon.com/athena/latest/ug/partition-projection-supported-types.html
 */
export async function loadRawSource(deps: { glue: GlueClient; s3: S3Client }, ref: TrinoTableRef, signal?: AbortSignal): Promise<RawSource> {
  const table = await getGlueTable(deps.glue, ref, signal);
  const info = readGlueTable(table, { database: ref.database, table: ref.table, catalog: ref.catalog });
  const b = info.binding;
  const where = `raw table ${qualifiedName(ref)}`;
  if (!b.day || !b.regionColumn || !b.account) throw new CompactionError(`${where}: compaction needs delivery-day, region and account partitions (or a constant account)`);
  const params = new Map(Object.entries(table.Parameters ?? {}).map(([k, v]) => [k.toLowerCase(), v.trim()]));
  const base = { name: qualifiedName(ref), binding: b, columns: columnTypes(table) };
  if (params.get('projection.enabled')?.toLowerCase() === 'true') return projected(deps.s3, b, params, base, where);
  return { ...base, firstDay: null, pairs: (day, signal) => catalogued(deps.glue, ref, table, b, day, signal) };
}

function projected(
  s3: S3Client,
  b: TrinoTableBinding,
  params: Map<string, string>,
  base: Pick<RawSource, 'name' | 'binding' | 'columns'>,
  where: string,
): RawSource {
  const day = b.day!;
  if (day.kind === 'ymd') throw new CompactionError(`${where}: projected year/month/day partitions are not supported`);
  const template = params.get('storage.location.template') ?? null;
  const regions = list(params.get('projection.region.values'));
  if (regions.length === 0) throw new CompactionError(`${where}: projection.region.values lists no region`);
  const account = b.account!;
  let accounts: Promise<string[]> | null = null;
  const accountsOf = (signal?: AbortSignal): Promise<string[]> => {
    if ('constant' in account) return Promise.resolve([account.constant]);
    if (!account.injected) return Promise.resolve(list(params.get('projection.account.values')));
    accounts ??= discoverAccounts(s3, template, where, signal);
    return accounts;
  };
  const range = params.get(`projection.${day.column}.range`)?.split(',')[0]?.trim().replace(/\//g, '-') ?? '';
  const folder = (account: string, region: string, d: string): S3Location | null => {
    if (!template) return null;
    const value = day.format === 'yyyy/MM/dd' ? d.replace(/-/g, '/') : d;
    const url = template.replace('${account}', account).replace('${region}', region).replace(`\${${day.column}}`, value);
    return url.includes('${') ? null : asPrefix(parseS3Url(url));
  };
  return {
    ...base,
    firstDay: isDay(range) ? range : null,
    async pairs(d, signal) {
      const accounts = await accountsOf(signal);
      return accounts.flatMap((a) => regions.map((r) => ({ account: a, region: r, folder: folder(a, r, d) })));
    },
  };
}

/** `injected` accounts: the 12-digit folders under the template's part before `${account}`. */
async function discoverAccounts(s3: S3Client, template: string | null, where: string, signal?: AbortSignal): Promise<string[]> {
  const at = template?.indexOf('${account}') ?? -1;
  const parent = at > 0 ? template!.slice(0, at) : '';
  if (!parent.endsWith('/') || parent.includes('${')) {
    throw new CompactionError(`${where}: its accounts are injected and its location template does not show where the account folders are`);
  }
  const accounts = (await childFolders(s3, parseS3Url(parent), signal)).filter((a) => ACCOUNT.test(a)).sort();
  if (accounts.length === 0) throw new CompactionError(`${where}: no account folders under ${parent}`);
  return accounts;
}

/** Manual partitions (year/month/day): the day's partitions as the catalogue lists them. */
async function catalogued(glue: GlueClient, ref: TrinoTableRef, table: Table, b: TrinoTableBinding, d: string, signal?: AbortSignal): Promise<RawPair[]> {
  const day = b.day!;
  if (day.kind !== 'ymd') throw new CompactionError(`raw table ${qualifiedName(ref)}: a day partition without projection must be year/month/day`);
  const expression = `${day.year} = '${d.slice(0, 4)}' AND ${day.month} = '${d.slice(5, 7)}' AND ${day.day} = '${d.slice(8)}'`;
  const keys = (table.PartitionKeys ?? []).map((k) => (k.Name ?? '').toLowerCase());
  const account = b.account!;
  return (await getPartitions(glue, ref, expression, signal)).map((p) => {
    const value = (k: string) => p.Values?.[keys.indexOf(k)] ?? '';
    const location = p.StorageDescriptor?.Location;
    return {
      account: 'constant' in account ? account.constant : value(account.column),
      region: value(b.regionColumn!),
      folder: location ? asPrefix(parseS3Url(location)) : null,
    };
  });
}
