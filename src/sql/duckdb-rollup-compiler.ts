import { rangePredicate } from '../query/filter-predicate';
import type { EventSelect, Expr, PartitionPlan, TopPerGroup } from '../query/ir';
import { and, field, instant, item, lit, or, select, TRUE } from '../query/ir-builders';
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

/** The tier folder (`date=…/delivery=…`) of a data file, from its path. */
const TIER_FOLDER = `regexp_extract(filename, '/date=([^/]+)/delivery=([^/]+)/[^/]+$', ['date', 'delivery'])`;

/** Rollup rows, and beside them (UNION ALL BY NAME) the same grouping computed from the edges' events. */
const withEdges = (rollupRows: string, edges: string | null): string =>
  edges ? `(\n  ${rollupRows}\n  UNION ALL BY NAME\n  SELECT * FROM (\n${edges}\n  ) AS edge\n) AS r` : `(\n  ${rollupRows}\n) AS r`;

/** The delivery folder columns every tier row carries (a plan may read only some of a day's partitions). */
const FOLDER = `concat_ws('/', tg_folder_account, tg_folder_region, tg_delivery)`;

/**
 * The rollups in DuckDB (see src/query/identity-rollup.ts): the statements that write them
 * from compacted outputs (a file per tier folder), and those that answer a matching query.
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
  compileBuild(dataFiles: readonly string[], outDir: string): CompiledSql {
    this.takeParams();
    this.overRollup = false;
    const columns = `${this.rowColumns()}, date_trunc('hour', tg_time) AS tg_hour, ${ROLLUP_MEASURES.map((m) => `${this.expr(m.expr)} AS ${m.alias}`).join(', ')}`;
    return this.copy(`SELECT ${columns}\n  ${this.validTierRows(dataFiles)}\n  GROUP BY ALL\n  ORDER BY tg_hour, identity_key`, outDir);
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
    const edges = this.edges(select({ plan: q.plan, where: TRUE, select: summary, groupBy: [ROLLUP_KEY] }), match);
    this.overRollup = true;
    try {
      const files = this.bindFiles(rollupFiles, `${rollupFiles.length} rollup files`);
      const where = this.rollupWhere(q.plan, match, 'tg_hour');
      const hours = `SELECT ${summary.map((i) => i.alias).join(', ')}\n  FROM read_parquet(${files}, hive_partitioning = false)\n  WHERE ${where.join(' AND ')}`;
      const rows = withEdges(hours, edges);
      let sql = `SELECT ${q.select.map((i) => `${this.expr(i.expr)} AS ${i.alias}`).join(', ')}\nFROM ${rows}\nGROUP BY identity_key`;
      if (q.having) sql += `\nHAVING ${this.pred(q.having)}`;
      if (q.orderBy.length > 0) sql += `\nORDER BY ${this.order(q.orderBy)}`;
      if (q.limit !== null) sql += `\nLIMIT ${Math.trunc(q.limit)}`;
      return Object.freeze({ dialect: this.dialect, sql, params: Object.freeze([...this.takeParams()]) });
    } finally {
      this.overRollup = false;
    }
  }

  /**
   * The statement computing `shape` (the rollup's grouping) from the events of the partial hours or
   * days at the ends of the range, under the match's filters; null when the range has none.
   * Rendered before anything else of the statement: it binds its own parameters from $1.
   */
  private edges(shape: EventSelect, match: RollupMatch): string | null {
    if (match.edges.length === 0) return null;
    return super.compile(select({ plan: shape.plan, where: and(or(...match.edges.map(rangePredicate)), ...match.filters), select: shape.select, groupBy: shape.groupBy })).sql;
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
  compileFacetBuild(dataFiles: readonly string[], outDir: string): CompiledSql {
    this.takeParams();
    this.overRollup = false;
    const values = this.arrayOf(FACET_FIELDS.map((f) => this.field(f)));
    const names = this.arrayOf(FACET_FIELDS.map((f) => this.constant(f)));
    const columns = `${this.rowColumns()}, date_trunc('day', tg_time) AS tg_day, unnest(${names}) AS facet, unnest(${values}) AS value`;
    return this.copy(
      `SELECT *, count(*) AS value_count FROM (\n    SELECT ${columns}\n    ${this.validTierRows(dataFiles)}\n  ) AS f\n  GROUP BY ALL\n  ORDER BY facet, tg_day, identity_key`,
      outDir,
    );
  }

  /**
   * What every rollup row keeps of a tier row: its filter fields (ROLLUP_FILTER_COLUMNS) and
   * delivery folder; and the tier folder it was read from (`date=…/delivery=…`), which the
   * statement writes it under (see copy) and no rollup file stores.
   */
  private rowColumns(): string {
    const filters = Object.entries(ROLLUP_FILTER_COLUMNS).map(([name, col]) => `${this.expr(field(name as keyof typeof ROLLUP_FILTER_COLUMNS))} AS ${col}`);
    return `${filters.join(', ')}, tg_folder_account, tg_folder_region, tg_delivery, tg_out.date AS date, tg_out.delivery AS delivery`;
  }

  /**
   * FROM and WHERE of the valid records of compacted files, with the event time and effective
   * account as queries see them. Rendered after the select list: it refuses a statement that read
   * a column the tier does not type (rollups never read the record text).
   */
  private validTierRows(dataFiles: readonly string[]): string {
    const valid = this.pred(VALID_RECORD);
    const untyped = [...this.usedColumns()].filter((c) => !PARQUET_TYPED_COLUMNS.has(c));
    if (untyped.length > 0) throw new Error(`a rollup reads columns the tier does not type: ${untyped.join(', ')}`);
    const files = this.bindFiles(dataFiles, `${dataFiles.length} Parquet files`);
    return (
      `FROM (SELECT *, tg_ts AS tg_time, coalesce(nullif(recipientaccountid, ''), tg_folder_account) AS tg_account, ${TIER_FOLDER} AS tg_out ` +
      `FROM read_parquet(${files}, hive_partitioning = false, filename = true)) AS dd\n` +
      `  WHERE ${valid}`
    );
  }

  /**
   * A rollup statement: one file per tier folder the rows were read from, under the same
   * `date=…/delivery=…` in `outDir` (LakeCompactor moves each beside its folder's data).
   */
  private copy(select: string, outDir: string): CompiledSql {
    const sql = `COPY (\n  ${select}\n) TO ${encodeString(outDir)} (FORMAT parquet, COMPRESSION zstd, PARTITION_BY (date, delivery))`;
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
    const edges = this.edges(inner, match);
    this.overRollup = true;
    try {
      const files = this.bindFiles(facetFiles, `${facetFiles.length} rollup files`);
      const where = [`facet = ${this.expr(lit(match.facet))}`, ...this.rollupWhere(inner.plan, match, 'tg_day')];
      const days = `SELECT identity_key, value, value_count\n  FROM read_parquet(${files}, hive_partitioning = false)\n  WHERE ${where.join(' AND ')}`;
      const rows = withEdges(days, edges);
      const sql = `WITH g AS (\nSELECT identity_key, value, CAST(sum(value_count) AS BIGINT) AS value_count\nFROM ${rows}\nGROUP BY identity_key, value\n)\n${this.rankedRows(q)}`;
      return Object.freeze({ dialect: this.dialect, sql, params: Object.freeze([...this.takeParams()]) });
    } finally {
      this.overRollup = false;
    }
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
