import { BatchDeletePartitionCommand, type GlueClient, type Table } from '@aws-sdk/client-glue';
import type { S3Client } from '@aws-sdk/client-s3';
import { CLOUDTRAIL_COLUMNS } from '../../../domain/column-catalogue';
import { PARQUET_PARTITION_KEYS, type TrinoTableRef } from '../../../sql/trino-binding';
import { glueColumns } from '../../glue/glue-table-types';
import { CompactionError } from './compaction-error';
import { columnTypes, getGlueTable, getPartitions, qualifiedName } from './glue-tables';
import { deletePrefix } from './s3-prefix';
import { asPrefix, parseS3Url, s3Url, type S3Location } from './s3-url';

/** The Parquet table compaction writes (glue-tables/cloudtrail-parquet.table.json). */
export interface ParquetTarget {
  readonly ref: TrinoTableRef;
  readonly name: string;
  /** its LOCATION, as a prefix: partitions are written at delivery=…/account=…/region=…/date=… under it */
  readonly location: S3Location;
  readonly columns: ReadonlyMap<string, string>;
}

const CATALOGUE_TYPES = new Map(glueColumns().map((c) => [c.Name!, c.Type!]));
const PARQUET_SERDE = 'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe';

/** Why a Glue table is not the Parquet tier trailgate writes and reads (empty: it is). */
export function parquetTableProblems(table: Table): string[] {
  const problems: string[] = [];
  const keys = (table.PartitionKeys ?? []).map((k) => `${(k.Name ?? '').toLowerCase()} ${(k.Type ?? '').toLowerCase()}`);
  const expected = PARQUET_PARTITION_KEYS.map((k) => `${k} string`);
  if (keys.join(',') !== expected.join(',')) problems.push(`partition keys are (${keys.join(', ')}), expected (${expected.join(', ')})`);
  if (String(table.Parameters?.['projection.enabled']).toLowerCase() === 'true') problems.push('partition projection is enabled; the tier registers its partitions in the catalogue');
  if (table.StorageDescriptor?.SerdeInfo?.SerializationLibrary !== PARQUET_SERDE) problems.push(`it is not a Parquet table (SerDe ${PARQUET_SERDE})`);
  if (!table.StorageDescriptor?.Location) problems.push('it has no LOCATION');
  problems.push(...catalogueColumnProblems(columnTypes(table)));
  return problems;
}

/** Every catalogue column, with the catalogue's type (what `trailgate glue apply` creates). */
export function catalogueColumnProblems(columns: ReadonlyMap<string, string>): string[] {
  return CLOUDTRAIL_COLUMNS.flatMap(({ name }) => {
    const have = columns.get(name);
    const want = CATALOGUE_TYPES.get(name)!;
    if (have === undefined) return [`missing column ${name} (${want})`];
    return have === want ? [] : [`column ${name} is ${have}, expected ${want}`];
  });
}

export async function loadParquetTarget(glue: GlueClient, ref: TrinoTableRef, signal?: AbortSignal): Promise<ParquetTarget> {
  const table = await getGlueTable(glue, ref, signal);
  const problems = parquetTableProblems(table);
  if (problems.length > 0) {
    throw new CompactionError(`Parquet table ${qualifiedName(ref)} cannot hold the columnar tier (create it with trailgate glue apply --kind parquet):\n  - ${problems.join('\n  - ')}`);
  }
  return { ref, name: qualifiedName(ref), location: asPrefix(parseS3Url(table.StorageDescriptor!.Location!, 'its LOCATION')), columns: columnTypes(table) };
}

/** Where INSERT INTO writes one delivery day's partitions: Hive-style folders under LOCATION, keys in order. */
export const deliveryFolder = (t: ParquetTarget, day: string): S3Location => ({ bucket: t.location.bucket, key: `${t.location.key}delivery=${day}/` });

/**
 * Removes everything a delivery day wrote to the Parquet table: its objects (INSERT INTO only
 * appends, so a re-compaction must start from nothing) and its partitions in the catalogue
 * (dropping a partition of an external table leaves its files, hence both). Partitions registered
 * somewhere else than the Hive-style folder lose their files too.
 * https://docs.aws.amazon.com/glue/latest/webapi/API_BatchDeletePartition.html (25 a call)
 */
export async function dropDelivery(deps: { glue: GlueClient; s3: S3Client }, t: ParquetTarget, day: string, signal?: AbortSignal): Promise<{ objects: number; partitions: number }> {
  const folder = deliveryFolder(t, day);
  const partitions = await getPartitions(deps.glue, t.ref, `delivery = '${day}'`, signal);
  let objects = await deletePrefix(deps.s3, folder, signal);
  for (const p of partitions) {
    const loc = p.StorageDescriptor?.Location;
    if (loc && !s3Url(asPrefix(parseS3Url(loc))).startsWith(s3Url(folder))) objects += await deletePrefix(deps.s3, parseS3Url(loc), signal);
  }
  for (let i = 0; i < partitions.length; i += 25) {
    const batch = partitions.slice(i, i + 25).map((p) => ({ Values: p.Values ?? [] }));
    const out = await deps.glue.send(
      new BatchDeletePartitionCommand({ DatabaseName: t.ref.database, TableName: t.ref.table, PartitionsToDelete: batch }),
      { abortSignal: signal },
    );
    const failed = (out.Errors ?? []).filter((e) => e.ErrorDetail?.ErrorCode !== 'EntityNotFoundException');
    if (failed.length > 0) throw new CompactionError(`Glue did not drop partition ${failed[0].PartitionValues?.join('/')} of ${t.name}: ${failed[0].ErrorDetail?.ErrorMessage}`);
  }
  return { objects, partitions: partitions.length };
}
