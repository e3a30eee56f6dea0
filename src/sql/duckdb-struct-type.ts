import { CLOUDTRAIL_COLUMNS, type ColumnType } from '../domain/column-catalogue';
import { assertNever } from '../query/ir';

/**
 * What DuckDB's json_transform turns a record into, built from the column catalogue: only the
 * columns a statement reads, and of a struct only the members it reads (parsing the rest of
 * userIdentity costs a tenth of a raw scan). Keys are the record's JSON keys (DuckDB resolves
 * later references such as `useridentity.arn` case-insensitively). JSON members keep their text.
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

/** A struct with only the members on the given (lower-case, split) paths; a path that ends at a member keeps it whole. */
function pruned(t: ColumnType, paths: readonly (readonly string[])[]): Structure {
  if (t.kind !== 'struct' || paths.some((p) => p.length === 0)) return structure(t);
  const kept = t.fields.filter((f) => paths.some((p) => p[0] === f.name));
  return Object.fromEntries(kept.map((f) => [f.key, pruned(f.type, paths.filter((p) => p[0] === f.name).map((p) => p.slice(1)))]));
}

/**
 * json_transform structure of the given catalogue paths (every column when null): a top-level name
 * (`useridentity`) stands for the whole column, a dotted path (`useridentity.arn`) for that member.
 */
export function recordStructure(paths: ReadonlySet<string> | null): string {
  const split = paths === null ? null : [...paths].map((p) => p.split('.'));
  const cols = CLOUDTRAIL_COLUMNS.filter((c) => split === null || split.some((p) => p[0] === c.name));
  const shape = (c: (typeof cols)[number]) => (split === null ? structure(c.type) : pruned(c.type, split.filter((p) => p[0] === c.name).map((p) => p.slice(1))));
  return JSON.stringify(Object.fromEntries(cols.map((c) => [c.key, shape(c)])));
}
