import type { ExplainedQuery } from '../engines/engine';

/** What explain shows per engine query. */
export interface ExplainView {
  readonly engine: string;
  readonly sql: string;
  readonly parameters: ReadonlyArray<{ readonly type: string; readonly value: unknown }>;
  readonly partitions: readonly string[];
  readonly files: number | null;
}

/** A local lake's file list (DuckDB's parameter $1) is summarised: paths stay on the server. */
export function mapExplained(q: ExplainedQuery): ExplainView {
  return {
    engine: q.engine,
    sql: q.compiled.sql,
    parameters: q.compiled.params.map((p, i) =>
      i === 0 && q.compiled.dialect === 'duckdb' && p.type === 'VARCHAR[]' && q.files
        ? { type: p.type, value: `<the ${q.files} log files of the partitions listed>` }
        : { type: p.type, value: p.value },
    ),
    partitions: q.partitions,
    files: q.files,
  };
}
