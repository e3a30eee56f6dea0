import { CLOUDTRAIL_COLUMNS, type ColumnType } from '../domain/column-catalogue';
import { assertNever } from '../query/ir';

/**
 * What DuckDB's json_transform turns a record into, built from the column catalogue: only the
 * top-level columns a statement reads. Keys are the record's JSON keys (DuckDB resolves later
 * references such as `useridentity.arn` case-insensitively). JSON members keep their text.
 */
type Structure = string | Structure[] | { [key: string]: Structure };

function structure(t: ColumnType): Structure {
  switch (t.kind) {
    case 'string':
      return 'VARCHAR';
    case 'json':
      return 'JSON';
    case 'struct':
      return Object.fromEntries(t.fields.map((f) => [f.key, structure(f.type)]));
    case 'array':
      return [structure(t.of)];
    default:
      return assertNever(t, 'column type');
  }
}

/** json_transform structure of the named top-level columns (all of them when `names` is null). */
export function recordStructure(names: ReadonlySet<string> | null): string {
  const cols = CLOUDTRAIL_COLUMNS.filter((c) => names === null || names.has(c.name));
  return JSON.stringify(Object.fromEntries(cols.map((c) => [c.key, structure(c.type)])));
}
