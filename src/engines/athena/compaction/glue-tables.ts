import { GetPartitionsCommand, GetTableCommand, type GlueClient, type Partition, type Table } from '@aws-sdk/client-glue';
import type { TrinoTableRef } from '../../../sql/trino-binding';
import { parseHiveType, renderHiveType } from '../../glue/hive-types';
import { CompactionError } from './compaction-error';

/** `catalog.database.table`, the name the manifest records. */
export const qualifiedName = (t: TrinoTableRef): string => `${t.catalog ?? 'AwsDataCatalog'}.${t.database}.${t.table}`;

export async function getGlueTable(glue: GlueClient, ref: TrinoTableRef, signal?: AbortSignal): Promise<Table> {
  try {
    const out = await glue.send(new GetTableCommand({ DatabaseName: ref.database, Name: ref.table }), { abortSignal: signal });
    if (!out.Table) throw new Error('GetTable returned no table');
    return out.Table;
  } catch (e) {
    throw new CompactionError(`Glue table ${ref.database}.${ref.table} could not be read: ${(e as Error).name}: ${(e as Error).message}`, { cause: e });
  }
}

/** Every partition matching a Glue expression (e.g. `delivery = '2024-03-01'`), following NextToken. */
export async function getPartitions(glue: GlueClient, ref: TrinoTableRef, expression: string, signal?: AbortSignal): Promise<Partition[]> {
  const out: Partition[] = [];
  let token: string | undefined;
  do {
    const page = await glue.send(
      new GetPartitionsCommand({ DatabaseName: ref.database, TableName: ref.table, Expression: expression, NextToken: token }),
      { abortSignal: signal },
    );
    out.push(...(page.Partitions ?? []));
    token = page.NextToken;
  } while (token);
  return out;
}

/** Data column name → type in Glue's compact form, normalised (lower-case, no spaces). */
export function columnTypes(table: Table): Map<string, string> {
  return new Map((table.StorageDescriptor?.Columns ?? []).map((c) => [(c.Name ?? '').toLowerCase(), renderHiveType(parseHiveType(c.Type ?? ''))]));
}
