import type { Row, RowValue } from '../engines/engine';

/** Typed reads of engine row values (engines return plain strings, numbers, booleans, Dates). */
export const str = (v: RowValue | undefined): string | null => (v === null || v === undefined ? null : String(v));

export const bool = (v: RowValue | undefined): boolean | null => (typeof v === 'boolean' ? v : v === 'true' ? true : v === 'false' ? false : null);

export const int = (v: RowValue | undefined): number => {
  const n = typeof v === 'number' ? v : Number(v ?? 0);
  if (!Number.isFinite(n)) throw new Error('not a number');
  return n;
};

export const time = (v: RowValue | undefined): Date | null => {
  if (v === null || v === undefined) return null;
  const d = v instanceof Date ? v : new Date(String(v));
  return Number.isNaN(d.getTime()) ? null : d;
};

export const requiredTime = (v: RowValue | undefined): Date => {
  const d = time(v);
  if (!d) throw new Error('missing time');
  return d;
};

/** JSON text to a value; text that is not JSON is returned as is rather than dropped. */
export const json = (v: RowValue | undefined): unknown => {
  if (v === null || v === undefined) return null;
  if (typeof v !== 'string') return v;
  try {
    return JSON.parse(v);
  } catch {
    return v;
  }
};

export const col = (row: Row, name: string): RowValue | undefined => row[name];
