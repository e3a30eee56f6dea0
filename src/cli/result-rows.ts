/**
 * A GraphQL result as rows and columns, for the CLI's table and CSV output: the lists of `data`
 * (connection nodes or edges, stats rows), each item flattened into dotted columns.
 */
export type Scalar = string | number | boolean | null;
/** A flattened value: a scalar, a list of scalars, or a list of objects (rendered per format). */
export type Cell = Scalar | readonly Scalar[] | readonly Record<string, unknown>[];

export interface ResultList {
  /** dotted path of the list in `data`, e.g. `eventStats.rows` */
  readonly path: string;
  readonly items: readonly unknown[];
}

export interface Rows {
  readonly columns: readonly string[];
  readonly rows: ReadonlyArray<ReadonlyArray<Cell>>;
}

/** A list of scalars of one length in every row (stats `keys`) up to this many becomes one column each. */
const MAX_TUPLE_COLUMNS = 10;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isScalar = (v: unknown): v is Scalar => v === null || ['string', 'number', 'boolean'].includes(typeof v);
const join = (prefix: string, key: string) => (prefix ? `${prefix}.${key}` : key);

/** Every list in `value`, depth first in field order; the items of a list are not searched. */
export function findLists(value: unknown, path = ''): ResultList[] {
  if (Array.isArray(value)) return [{ path, items: value }];
  if (!isObject(value)) return [];
  return Object.entries(value).flatMap(([k, v]) => findLists(v, join(path, k)));
}

/** The scalars of `value` outside its lists (totals, page info), as dotted path and value. */
export function scalarsOutside(value: unknown, path = ''): Array<[string, Scalar]> {
  if (isScalar(value)) return path ? [[path, value]] : [];
  if (!isObject(value)) return [];
  return Object.entries(value).flatMap(([k, v]) => scalarsOutside(v, join(path, k)));
}

/** One item as dotted columns. A connection edge's `node` adds no prefix (`cursor`, `eventName`). */
function flatten(value: unknown, prefix: string, into: Map<string, Cell>): void {
  if (isScalar(value)) {
    into.set(prefix || 'value', value);
  } else if (Array.isArray(value)) {
    into.set(prefix || 'value', value.every(isScalar) ? (value as Scalar[]) : (value as Record<string, unknown>[]));
  } else if (isObject(value)) {
    for (const [k, v] of Object.entries(value)) flatten(v, k === 'node' && isObject(v) ? prefix : join(prefix, k), into);
  }
}

/** Lists of scalars that have one length n in every row, 1 <= n <= 10, as n columns `name.1` ... `name.n`. */
function tupleLengths(columns: readonly string[], flat: ReadonlyArray<Map<string, Cell>>): Map<string, number> {
  const out = new Map<string, number>();
  for (const c of columns) {
    const lengths = new Set(flat.map((m) => m.get(c)).map((v) => (Array.isArray(v) && v.every(isScalar) ? v.length : -1)));
    const [n] = lengths;
    if (lengths.size === 1 && n >= 1 && n <= MAX_TUPLE_COLUMNS) out.set(c, n);
  }
  return out;
}

/** The items of a list as rows; columns are every item's keys, in first-seen order. */
export function toRows(items: readonly unknown[]): Rows {
  const flat = items.map((item) => {
    const m = new Map<string, Cell>();
    flatten(item, '', m);
    return m;
  });
  const seen = [...new Set(flat.flatMap((m) => [...m.keys()]))];
  const tuples = tupleLengths(seen, flat);
  const columns = seen.flatMap((c) => (tuples.has(c) ? Array.from({ length: tuples.get(c)! }, (_, i) => `${c}.${i + 1}`) : [c]));
  const rows = flat.map((m) =>
    seen.flatMap((c): Cell[] => {
      const v = m.get(c) ?? null;
      return tuples.has(c) ? [...(v as Scalar[])] : [v];
    }),
  );
  return { columns, rows };
}
