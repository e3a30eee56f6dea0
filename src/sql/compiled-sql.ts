/** A rendered statement: SQL text plus bound parameters (DuckDB) or none (Trino inlines literals). */
export type SqlParamType = 'VARCHAR' | 'VARCHAR[]' | 'BIGINT' | 'DOUBLE' | 'BOOLEAN';

export interface SqlParam {
  readonly type: SqlParamType;
  readonly value: string | number | boolean | null | readonly string[];
  /**
   * Set on a list of lake file paths or patterns: what the list holds ("8 log files",
   * "2 rollup files"). Paths stay on the server: explain shows this instead (explain.mapper.ts).
   */
  readonly files?: string;
}

export type SqlDialectName = 'duckdb' | 'trino';

export interface CompiledSql {
  readonly dialect: SqlDialectName;
  readonly sql: string;
  readonly params: readonly SqlParam[];
}
