import type { LiteralValue, PartitionPlan } from '../query/ir';
import { VALID_RECORD } from '../query/valid-record';
import type { CompiledSql } from './compiled-sql';
import { DUCKDB_RECORD_TYPE } from './duckdb-struct-type';
import { jsonPath } from './json-path';
import { encodeString } from './literal-encoder';
import { SqlCompiler } from './sql-compiler';

export interface DuckDbSourceBinding {
  /** The files the engine resolved for the plan's partitions. */
  readonly files: readonly string[];
  /** read_json's per-file object limit (a delivery file is one JSON object). */
  readonly maxObjectBytes: number;
}

/** DuckDB dialect: values are bound parameters; the source is read_json over the planned files. */
export class DuckDbCompiler extends SqlCompiler {
  readonly dialect = 'duckdb' as const;

  constructor(private readonly binding: DuckDbSourceBinding) {
    super();
  }

  protected sourceRelation(_plan: PartitionPlan): string {
    const type = encodeString(`${DUCKDB_RECORD_TYPE}[]`);
    if (this.binding.files.length === 0) {
      return `(SELECT unnest(r), CAST(NULL AS VARCHAR) AS tg_file FROM (SELECT CAST(NULL AS ${DUCKDB_RECORD_TYPE}) AS r) AS x WHERE FALSE) AS src`;
    }
    const files = this.bind({ type: 'VARCHAR[]', value: this.binding.files });
    const max = Math.trunc(this.binding.maxObjectBytes);
    return (
      `(SELECT unnest(r), filename AS tg_file FROM (SELECT unnest(Records) AS r, filename FROM read_json(${files}, ` +
      `columns = {'Records': ${type}}, format = 'auto', filename = true, ignore_errors = true, maximum_object_size = ${max})) AS x) AS src`
    );
  }

  /**
   * Per-file census of the bound files: records, rejected records by reason, and whether the
   * file held a `Records` array at all. It runs the same parsing and validity rules as queries.
   */
  compileCensus(): CompiledSql {
    if (this.binding.files.length === 0) throw new Error('census needs files');
    const type = `${DUCKDB_RECORD_TYPE}[]`;
    const files = this.bind({ type: 'VARCHAR[]', value: this.binding.files });
    const max = Math.trunc(this.binding.maxObjectBytes);
    const counted = 'NOT tg_placeholder';
    const nullCount = (what: string) => `count(*) FILTER (WHERE ${counted} AND ${what} IS NULL)`;
    const sql =
      `WITH f AS (\n  SELECT filename AS tg_file, Records IS NULL AS tg_norec, ` +
      `unnest(CASE WHEN coalesce(len(Records), 0) = 0 THEN CAST([NULL] AS ${type}) ELSE Records END) AS r\n` +
      `  FROM read_json(${files}, columns = {'Records': ${encodeString(type)}}, format = 'auto', filename = true, ` +
      `ignore_errors = true, maximum_object_size = ${max})\n),\n` +
      `src AS (SELECT tg_file, tg_norec, r IS NULL AS tg_placeholder, unnest(r) FROM f),\n` +
      `ev AS (SELECT src.*, ${this.parseTime('src.eventtime')} AS tg_time, CAST(NULL AS VARCHAR) AS tg_hash, ` +
      `CAST(NULL AS VARCHAR) AS tg_account FROM src)\n` +
      `SELECT tg_file AS file, bool_or(tg_norec) AS no_records, count(*) FILTER (WHERE ${counted}) AS records, ` +
      `count(*) FILTER (WHERE ${counted} AND NOT ${this.pred(VALID_RECORD)}) AS rejected, ` +
      `${nullCount('eventtime')} AS no_time, ` +
      `count(*) FILTER (WHERE ${counted} AND eventtime IS NOT NULL AND tg_time IS NULL) AS bad_time, ` +
      `${nullCount(this.field('eventSource'))} AS no_source, ${nullCount(this.field('eventName'))} AS no_name, ` +
      `${nullCount(this.field('awsRegion'))} AS no_region, min(tg_time) AS first_time, max(tg_time) AS last_time\n` +
      `FROM ev GROUP BY tg_file`;
    return Object.freeze({ dialect: this.dialect, sql, params: Object.freeze([...this.takeParams()]) });
  }

  protected partitionPredicate(): string | null {
    return null; // the engine read only the planned partitions' files
  }

  protected partitionAccount(): string {
    return `nullif(regexp_extract(src.tg_file, '/AWSLogs/(?:o-[^/]+/)?([0-9]{12})/CloudTrail/', 1), '')`;
  }

  protected value(v: LiteralValue | Date): string {
    if (v === null) return 'NULL';
    if (v instanceof Date) return `CAST(${this.bind({ type: 'VARCHAR', value: v.toISOString() })} AS TIMESTAMPTZ)`;
    switch (typeof v) {
      case 'string':
        return this.bind({ type: 'VARCHAR', value: v });
      case 'boolean':
        return this.bind({ type: 'BOOLEAN', value: v });
      case 'number':
        return this.bind({ type: Number.isSafeInteger(v) ? 'BIGINT' : 'DOUBLE', value: v });
      default:
        throw new TypeError(`unsupported value ${typeof v}`);
    }
  }

  protected stringList(values: readonly string[]): string {
    return `CAST(${this.bind({ type: 'VARCHAR[]', value: [...values] })} AS VARCHAR[])`;
  }

  parseTime(text: string): string {
    return `TRY_CAST(${text} AS TIMESTAMPTZ)`;
  }

  jsonText(json: string, path: readonly string[]): string {
    return `json_extract_string(${json}, ${encodeString(jsonPath(path))})`;
  }

  jsonSubtree(json: string, path: readonly string[]): string {
    return `CAST(json_extract(${json}, ${encodeString(jsonPath(path))}) AS VARCHAR)`;
  }

  toJsonText(complex: string): string {
    return `CAST(to_json(${complex}) AS VARCHAR)`;
  }

  rowHash(columns: readonly string[]): string {
    return `CAST(hash(${columns.join(', ')}) AS VARCHAR)`;
  }

  dayOfWeek(ts: string): string {
    return `isodow(${ts})`;
  }

  anyValue(arg: string): string {
    return `any_value(${arg})`;
  }

  ipHex(ip: string, family: 'ipv4' | 'ipv6'): string {
    return family === 'ipv4' ? `tg_ipv4_hex(${ip})` : `tg_ipv6_hex(${ip})`;
  }

  anyResourceArn(arnList: string): string {
    return (
      `(list_has_any(list_transform(resources, lambda x: x.arn), ${arnList}) OR ` +
      `list_has_any(list_transform(resources, lambda x: x.arnprefix), ${arnList}))`
    );
  }
}
