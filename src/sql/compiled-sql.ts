/** A rendered statement: SQL text plus bound parameters (DuckDB) or none (Trino inlines literals). */
export type SqlParamType = 'VARCHAR' | 'VARCHAR[]' | 'BIGINT' | 'DOUBLE' | 'BOOLEAN';

export interface SqlParam {
  readonly type: SqlParamType;
  readonly value: string | number | boolean | null | readonly string[];
}

export type SqlDialectName = 'duckdb' | 'trino';

export interface CompiledSql {
  readonly dialect: SqlDialectName;
  readonly sql: string;
  readonly params: readonly SqlParam[];
}
