import { rangePredicate } from '../query/filter-predicate';
import type { EventSelect, Expr, PartitionPlan, TopPerGroup } from '../query/ir';
import { and, field, instant, item, lit, or, select } from '../query/ir-builders';
import {
  FACET_FIELDS,
  isRollupKey,
  ROLLUP_FILTER_COLUMNS,
  ROLLUP_KEY,
  ROLLUP_MEASURES,
  rollupFilterColumn,
  rollupMeasure,
  type FacetMatch,
  type RollupMatch,
} from '../query/identity-rollup';
import { VALID_RECORD } from '../query/valid-record';
import type { CompiledSql } from './compiled-sql';
import { DuckDbCompiler, PARQUET_TYPED_COLUMNS, type DuckDbSourceBinding } from './duckdb-compiler';
import { encodeString } from './literal-encoder';

/** The delivery folder columns every tier row carries (a plan may read only some of a day's partitions). */
const FOLDER = `concat_ws('/', tg_folder_account, tg_folder_region, tg_delivery)`;

/**
 * The identity rollup in DuckDB (see src/query/identity-rollup.ts): the statement that writes it
 * from a compacted output, and the statements that answer a matching query from it.
 */
export class DuckDbRollupCompiler extends DuckDbCompiler {
  /** whether expressions render over rollup rows (see exprOverride) */
  private overRollup = false;

  /**
   * `binding`: the compacted Parquet files a query's partial hours are read from (and the
   * partitions to keep of them); none for building a rollup.
   */
  constructor(binding: Omit<DuckDbSourceBinding, 'files'>) {
    super({ ...binding, files: [] });
    this.partitions = binding.parquetPartitions ?? null;
  }

  /** the `account/region/day` delivery folders to keep of the tier's rows (null: every row) */
  private readonly partitions: readonly string[] | null;

  /**
   * The rollup of compacted Parquet files into `outFile`: their valid records grouped by principal,
   * hour, effective account, region and delivery folder, with the summary's aggregates. Reads only
   * typed columns (no record text).
   */
  compileBuild(dataFiles: readonly string[], outFile: string): CompiledSql {
    this.takeParams();
    this.overRollup = false;
    const filters = Object.entries(ROLLUP_FILTER_COLUMNS).map(([name, col]) => `${this.expr(field(name as keyof typeof ROLLUP_FILTER_COLUMNS))} AS ${col}`);
    const measures = ROLLUP_MEASURES.map((m) => `${this.expr(m.expr)} AS ${m.alias}`);
    const valid = this.pred(VALID_RECORD);
    this.refuseUntyped();
    const files = this.bind({ type: 'VARCHAR[]', value: [...dataFiles] });
    const sql =
      `COPY (\n  SELECT ${filters.join(', ')}, date_trunc('hour', tg_time) AS tg_hour, tg_folder_account, tg_folder_region, tg_delivery,\n    ${measures.join(', ')}\n` +
      `  FROM (SELECT *, tg_ts AS tg_time, coalesce(nullif(recipientaccountid, ''), tg_folder_account) AS tg_account FROM read_parquet(${files}, hive_partitioning = false)) AS dd\n` +
      `  WHERE ${valid}\n  GROUP BY ALL\n  ORDER BY tg_hour, identity_key\n) TO ${encodeString(outFile)} (FORMAT parquet, COMPRESSION zstd)`;
    return Object.freeze({ dialect: this.dialect, sql, params: Object.freeze([...this.takeParams()]) });
  }

  /**
   * A query the rollup matches: the rollup rows of its whole hours (from `rollupFiles`, the rollups
   * of the days it reads) and, for the partial hours at either end of its range, the same summary
   * computed from the events (the bound Parquet files), merged per principal. Scope and filters
   * apply to both, and so does the binding's restriction to the plan's delivery folders.
   */
  compileQuery(q: EventSelect, match: RollupMatch, rollupFiles: readonly string[]): CompiledSql {
    this.takeParams();
    const summary = [item(ROLLUP_FILTER_COLUMNS.identityKey, ROLLUP_KEY), ...ROLLUP_MEASURES.map((m) => item(m.alias, m.expr))];
    // rendered first: its statement binds its own parameters from $1
    const edges = match.edges.length
      ? super.compile(select({ plan: q.plan, where: and(or(...match.edges.map(rangePredicate)), ...match.filters), select: summary, groupBy: [ROLLUP_KEY] })).sql
      : null;
    this.overRollup = true;
    try {
      const files = this.bind({ type: 'VARCHAR[]', value: [...rollupFiles] });
      const where = this.rollupWhere(q.plan, match, 'tg_hour');
      const hours = `SELECT ${summary.map((i) => i.alias).join(', ')}\n  FROM read_parquet(${files}, hive_partitioning = false)\n  WHERE ${where.join(' AND ')}`;
      const rows = edges ? `(\n  ${hours}\n  UNION ALL BY NAME\n  SELECT * FROM (\n${edges}\n  ) AS edge\n) AS r` : `(\n  ${hours}\n) AS r`;
      let sql = `SELECT ${q.select.map((i) => `${this.expr(i.expr)} AS ${i.alias}`).join(', ')}\nFROM ${rows}\nGROUP BY identity_key`;
      if (q.having) sql += `\nHAVING ${this.pred(q.having)}`;
      if (q.orderBy.length > 0) sql += `\nORDER BY ${this.order(q.orderBy)}`;
      if (q.limit !== null) sql += `\nLIMIT ${Math.trunc(q.limit)}`;
      return Object.freeze({ dialect: this.dialect, sql, params: Object.freeze([...this.takeParams()]) });
    } finally {
      this.overRollup = false;
    }
  }

  /** The test of rollup rows: the whole units of the range, the plan's scope, the IN filters, the plan's delivery folders. */
  private rollupWhere(plan: PartitionPlan, match: RollupMatch, unit: 'tg_hour' | 'tg_day'): string[] {
    const where = [`${unit} >= ${this.expr(instant(match.from))}`, `${unit} < ${this.expr(instant(match.to))}`];
    const scope = this.scopePredicate(plan);
    if (scope) where.push(scope);
    for (const p of match.filters) where.push(this.pred(p));
    if (this.partitions) where.push(`list_contains(${this.bind({ type: 'VARCHAR[]', value: [...this.partitions] })}, ${FOLDER})`);
    return where;
  }

  /**
   * The facet rollup of compacted Parquet files into `outFile`: per principal, UTC day, effective
   * account, region and delivery folder, the events of each value of each facet field.
   */
  compileFacetBuild(dataFiles: readonly string[], outFile: string): CompiledSql {
    this.takeParams();
    this.overRollup = false;
    const filters = Object.entries(ROLLUP_FILTER_COLUMNS).map(([name, col]) => `${this.expr(field(name as keyof typeof ROLLUP_FILTER_COLUMNS))} AS ${col}`);
    const values = this.arrayOf(FACET_FIELDS.map((f) => this.field(f)));
    const names = this.arrayOf(FACET_FIELDS.map((f) => this.constant(f)));
    const valid = this.pred(VALID_RECORD);
    this.refuseUntyped();
    const files = this.bind({ type: 'VARCHAR[]', value: [...dataFiles] });
    const sql =
      `COPY (\n  SELECT *, count(*) AS value_count FROM (\n` +
      `    SELECT ${filters.join(', ')}, date_trunc('day', tg_time) AS tg_day, tg_folder_account, tg_folder_region, tg_delivery, unnest(${names}) AS facet, unnest(${values}) AS value\n` +
      `    FROM (SELECT *, tg_ts AS tg_time, coalesce(nullif(recipientaccountid, ''), tg_folder_account) AS tg_account FROM read_parquet(${files}, hive_partitioning = false)) AS dd\n` +
      `    WHERE ${valid}\n  ) AS f\n  GROUP BY ALL\n  ORDER BY facet, tg_day, identity_key\n) TO ${encodeString(outFile)} (FORMAT parquet, COMPRESSION zstd)`;
    return Object.freeze({ dialect: this.dialect, sql, params: Object.freeze([...this.takeParams()]) });
  }

  /**
   * A principal's top values of a facet field (matchFacetRollup): the facet rollup's rows of the
   * range's whole days and, for the partial days at either end, the same counts from the events
   * (the bound Parquet files), added up per principal and value, then ranked as the events would be.
   */
  compileFacetQuery(q: TopPerGroup, match: FacetMatch, facetFiles: readonly string[]): CompiledSql {
    this.takeParams();
    const inner = q.inner;
    const edges = match.edges.length
      ? super.compile(select({ plan: inner.plan, where: and(or(...match.edges.map(rangePredicate)), ...match.filters), select: inner.select, groupBy: inner.groupBy })).sql
      : null;
    this.overRollup = true;
    try {
      const files = this.bind({ type: 'VARCHAR[]', value: [...facetFiles] });
      const where = [`facet = ${this.expr(lit(match.facet))}`, ...this.rollupWhere(inner.plan, match, 'tg_day')];
      const days = `SELECT identity_key, value, value_count\n  FROM read_parquet(${files}, hive_partitioning = false)\n  WHERE ${where.join(' AND ')}`;
      const rows = edges ? `(\n  ${days}\n  UNION ALL BY NAME\n  SELECT * FROM (\n${edges}\n  ) AS edge\n) AS r` : `(\n  ${days}\n) AS r`;
      const sql =
        `WITH g AS (\nSELECT identity_key, value, CAST(sum(value_count) AS BIGINT) AS value_count\nFROM ${rows}\nGROUP BY identity_key, value\n)\n` +
        `SELECT * FROM (\n  SELECT g.*, row_number() OVER (PARTITION BY identity_key ORDER BY ${this.order(q.orderBy)}) AS tg_rank FROM g\n) AS r\n` +
        `WHERE tg_rank <= ${Math.trunc(q.limit)}\nORDER BY identity_key, tg_rank`;
      return Object.freeze({ dialect: this.dialect, sql, params: Object.freeze([...this.takeParams()]) });
    } finally {
      this.overRollup = false;
    }
  }

  /** Rollups are built from the tier's typed columns only (never its record text). */
  private refuseUntyped(): void {
    const untyped = [...this.usedColumns()].filter((c) => !PARQUET_TYPED_COLUMNS.has(c));
    if (untyped.length > 0) throw new Error(`a rollup reads columns the tier does not type: ${untyped.join(', ')}`);
  }

  /** Over rollup rows: the key and filter fields are columns, a measure merges its column. */
  protected override exprOverride(e: Expr): string | undefined {
    if (!this.overRollup) return undefined;
    if (isRollupKey(e)) return ROLLUP_FILTER_COLUMNS.identityKey;
    const m = rollupMeasure(e);
    if (m) return m.merge === 'sum' ? `CAST(sum(${m.alias}) AS BIGINT)` : `${m.merge}(${m.alias})`;
    if (e.kind === 'agg') throw new Error(`not a rollup measure: ${JSON.stringify(e)}`);
    return rollupFilterColumn(e);
  }
}
