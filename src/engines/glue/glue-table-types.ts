import type { Column as GlueColumn } from '@aws-sdk/client-glue';
import { CLOUDTRAIL_COLUMNS, type Column, type ColumnType } from '../../domain/column-catalogue';
import { assertNever } from '../../query/ir';
import { renderHiveType, type HiveType } from './hive-types';

/**
 * The column catalogue as Glue/Hive column types: the one generator behind the TableInput JSON
 * and the DDL. Scalars are `string` and free-form JSON members are `string` too (JSON text), as
 * in AWS's CloudTrail DDL; structs and arrays follow the catalogue member for member.
 * https://docs.aws.amazon.com/athena/latest/ug/create-cloudtrail-table-partition-projection.html
 */
export function catalogueHiveType(t: ColumnType): HiveType {
  switch (t.kind) {
    case 'string':
    case 'json':
      return { kind: 'primitive', name: 'string' };
    case 'struct':
      return { kind: 'struct', fields: t.fields.map((f) => ({ name: f.name, type: catalogueHiveType(f.type) })) };
    case 'array':
      return { kind: 'array', of: catalogueHiveType(t.of) };
    default:
      return assertNever(t, 'column type');
  }
}

/** Glue `Column` entries for the data columns, in catalogue order. */
export function glueColumns(columns: readonly Column[] = CLOUDTRAIL_COLUMNS): GlueColumn[] {
  return columns.map((c) => ({ Name: c.name, Type: renderHiveType(catalogueHiveType(c.type)) }));
}

