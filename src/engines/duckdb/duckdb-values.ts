import { BIGINT, BOOLEAN, DOUBLE, LIST, VARCHAR, listValue, type DuckDBType, type DuckDBValue } from '@duckdb/node-api';
import type { SqlParam } from '../../sql/compiled-sql';
import type { Row, RowValue } from '../engine';

/** Bound parameters in DuckDB's terms. */
export function duckParams(params: readonly SqlParam[]): { values: DuckDBValue[]; types: DuckDBType[] } {
  const values: DuckDBValue[] = [];
  const types: DuckDBType[] = [];
  for (const p of params) {
    switch (p.type) {
      case 'VARCHAR[]':
        values.push(listValue([...(p.value as readonly string[])]));
        types.push(LIST(VARCHAR));
        break;
      case 'VARCHAR':
        values.push(p.value as string);
        types.push(VARCHAR);
        break;
      case 'BIGINT':
        values.push(BigInt(p.value as number));
        types.push(BIGINT);
        break;
      case 'DOUBLE':
        values.push(p.value as number);
        types.push(DOUBLE);
        break;
      case 'BOOLEAN':
        values.push(p.value as boolean);
        types.push(BOOLEAN);
        break;
    }
  }
  return { values, types };
}

function plain(v: unknown): RowValue {
  if (v === null || v === undefined) return null;
  if (typeof v === 'bigint') {
    if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < BigInt(Number.MIN_SAFE_INTEGER)) return v.toString();
    return Number(v);
  }
  if (v instanceof Date || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
  if (Array.isArray(v)) return v.map(plain);
  return JSON.stringify(v);
}

/** DuckDB's JS values as plain rows: bigints become numbers (counts are far below 2^53). */
export function plainRow(r: Record<string, unknown>): Row {
  const out: Record<string, RowValue> = {};
  for (const [k, v] of Object.entries(r)) out[k] = plain(v);
  return out;
}
