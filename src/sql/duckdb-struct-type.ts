import { CLOUDTRAIL_COLUMNS, type ColumnType } from '../domain/column-catalogue';
import { assertNever } from '../query/ir';

/**
 * The DuckDB type read_json parses each record into, built from the column catalogue. Struct
 * field names are the record's JSON keys (DuckDB resolves later references case-insensitively,
 * so `useridentity.arn` reads the `arn` key). JSON members keep their text.
 */
function duckType(t: ColumnType): string {
  switch (t.kind) {
    case 'string':
      return 'VARCHAR';
    case 'json':
      return 'JSON';
    case 'struct':
      return `STRUCT(${t.fields.map((f) => `"${f.key}" ${duckType(f.type)}`).join(', ')})`;
    case 'array':
      return `${duckType(t.of)}[]`;
    default:
      return assertNever(t, 'column type');
  }
}

export const DUCKDB_RECORD_TYPE = duckType({ kind: 'struct', fields: CLOUDTRAIL_COLUMNS });
