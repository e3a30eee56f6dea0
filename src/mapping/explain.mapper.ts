import type { ExplainedQuery } from '../engines/engine';

/** What explain shows per engine query. */
export interface ExplainView {
  readonly engine: string;
  readonly sql: string;
  readonly parameters: ReadonlyArray<{ readonly type: string; readonly value: unknown }>;
  readonly partitions: readonly string[];
  readonly files: number | null;
}

/** Lists of lake files (the parameters marked `files`) are summarised: paths stay on the server. */
export function mapExplained(q: ExplainedQuery): ExplainView {
  return {
    engine: q.engine,
    sql: q.compiled.sql,
    parameters: q.compiled.params.map((p) =>
      p.files !== undefined ? { type: p.type, value: `<the ${p.files} of the partitions listed>` } : { type: p.type, value: p.value },
    ),
    partitions: q.partitions,
    files: q.files,
  };
}
