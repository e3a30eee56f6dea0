import type { CompiledSql } from './compiled-sql';

/**
 * The statements that keep the lake census (src/engines/duckdb/lake-census.ts) after
 * DuckDbCompiler.compileCensus has read a chunk of files into a table: its per-file sums, and the
 * duplicate keys of every record counted, kept in KEYS_TABLE so that a record's copies are found
 * across chunks and censuses (24 bytes a record).
 */
export const KEYS_TABLE = 'tg_record_keys';

const compiled = (sql: string, params: CompiledSql['params'] = []): CompiledSql => Object.freeze({ dialect: 'duckdb', sql, params: Object.freeze([...params]) });

/** A census table's name as SQL: the census names its tables itself; anything else is a bug. */
export function censusTable(name: string): string {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`not a table name: ${name}`);
  return name;
}

export function createKeysTableSql(): CompiledSql {
  return compiled(`CREATE TABLE IF NOT EXISTS ${KEYS_TABLE} (file_id INTEGER NOT NULL, idx INTEGER NOT NULL, eid UBIGINT NOT NULL, rawhash UBIGINT NOT NULL)`);
}

/** Per file of a census table: records, rejected records by reason, and whether it held a `Records` array at all. */
export function censusTotalsSql(census: string): CompiledSql {
  const counted = (what: string) => `count(*) FILTER (WHERE NOT tg_placeholder AND ${what})`;
  return compiled(
    `SELECT tg_file AS file, bool_or(tg_norec) AS no_records, count(*) FILTER (WHERE NOT tg_placeholder) AS records, ${counted('tg_rejected')} AS rejected, ` +
      `${counted('no_time')} AS no_time, ${counted('bad_time')} AS bad_time, ${counted('no_source')} AS no_source, ${counted('no_name')} AS no_name, ` +
      `${counted('no_region')} AS no_region\nFROM ${censusTable(census)} GROUP BY tg_file`,
  );
}

/** The keys of a census table's records, under the ids the census gave their files. */
export function insertKeysSql(census: string, ids: ReadonlyMap<string, number>): CompiledSql {
  const files = JSON.stringify([...ids].map(([f, id]) => ({ f, id })));
  return compiled(
    `INSERT INTO ${KEYS_TABLE} SELECT i.id, c.tg_idx, c.tg_eid, c.tg_rawhash FROM ${censusTable(census)} AS c\n` +
      `JOIN (SELECT unnest(from_json($1, '[{"f":"VARCHAR","id":"INTEGER"}]'), recursive := true)) AS i ON i.f = c.tg_file\nWHERE NOT c.tg_placeholder`,
    [{ type: 'VARCHAR', value: files, files: `${ids.size} log files` }],
  );
}

/** Forgets the keys of files counted again (a file rewritten since): their ids are not used again. */
export function deleteKeysSql(fileIds: readonly number[]): CompiledSql {
  return compiled(`DELETE FROM ${KEYS_TABLE} WHERE list_contains(from_json($1, '["INTEGER"]'), file_id)`, [{ type: 'VARCHAR', value: JSON.stringify(fileIds) }]);
}

/**
 * Every copy of each key that a file with id ≥ `firstId` holds and that has more than one copy:
 * the records the last census found more than once (within it, or with files counted before).
 */
export function newCopiesSql(firstId: number): CompiledSql {
  return compiled(
    `SELECT concat(k.eid, ':', k.rawhash) AS key, k.file_id, k.idx FROM ${KEYS_TABLE} AS k\n` +
      `SEMI JOIN (SELECT DISTINCT eid, rawhash FROM ${KEYS_TABLE} WHERE file_id >= $1) AS n ON n.eid = k.eid AND n.rawhash = k.rawhash\n` +
      `QUALIFY count(*) OVER (PARTITION BY k.eid, k.rawhash) > 1`,
    [{ type: 'BIGINT', value: firstId }],
  );
}

export function dropTableSql(census: string): CompiledSql {
  return compiled(`DROP TABLE IF EXISTS ${censusTable(census)}`);
}
