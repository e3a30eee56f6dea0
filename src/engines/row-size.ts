import type { Row, RowValue } from './engine';

/**
 * Rough heap bytes of result rows, for bounding the result cache. V8 does not expose an object's
 * size; this counts a fixed cost per object and property slot plus the payload, and leans high
 * (strings at two bytes per character) so the bound errs on the safe side.
 */
const OBJECT_BYTES = 56;
const SLOT_BYTES = 16;

function valueBytes(v: RowValue): number {
  if (v === null) return 0;
  switch (typeof v) {
    case 'string':
      return 24 + 2 * v.length;
    case 'number':
      return 16;
    case 'boolean':
      return 0;
    default:
      if (v instanceof Date) return OBJECT_BYTES;
      return OBJECT_BYTES + v.reduce<number>((n, x) => n + SLOT_BYTES + valueBytes(x), 0);
  }
}

export function approximateRowBytes(rows: readonly Row[]): number {
  let n = OBJECT_BYTES;
  for (const row of rows) {
    n += OBJECT_BYTES;
    for (const k in row) n += SLOT_BYTES + valueBytes(row[k]);
  }
  return n;
}
