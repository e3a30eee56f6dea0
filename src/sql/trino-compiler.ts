import type { LiteralValue, PartitionPlan } from '../query/ir';
import { jsonPath } from './json-path';
import { encodeLiteral, encodeString } from './literal-encoder';
import { SqlCompiler } from './sql-compiler';
import { ident, tableSql, type TrinoParquetTier, type TrinoTableBinding } from './trino-binding';
import { dayPredicate, rawPartitionPredicate, routeDays, routedSource } from './trino-partitions';
import type { UnnestColumn } from './unnest-sql';

export type { TrinoDaySpec, TrinoParquetTier, TrinoTableBinding } from './trino-binding';

/** Trino (Athena engine v3) dialect: every value goes through the literal encoder. */
export class TrinoCompiler extends SqlCompiler {
  readonly dialect = 'trino' as const;

  /** `tier`: the Parquet copy of compacted delivery days, read in their place (issue 6 routing) */
  constructor(
    private readonly binding: TrinoTableBinding,
    private readonly tier: TrinoParquetTier | null = null,
  ) {
    super();
  }

  /** The raw table, or (when the plan reads compacted days) raw UNION ALL Parquet, each branch pruned. */
  protected sourceRelation(plan: PartitionPlan, columns: ReadonlySet<string>): string {
    const route = routeDays(this.binding, this.tier, plan);
    if (route && this.tier) return routedSource(this.binding, this.tier, plan, route, columns);
    return `${tableSql(this.binding)} AS src`;
  }

  /** UNNEST of several arrays zips them; it reads dd's columns laterally. */
  protected unnestRelation(columns: readonly UnnestColumn[]): string {
    return `dd CROSS JOIN UNNEST(${columns.map((c) => c.array).join(', ')}) AS ux (${columns.map((c) => c.alias).join(', ')})`;
  }

  /** Routed statements prune inside each branch of the source instead. */
  protected partitionPredicate(plan: PartitionPlan): string | null {
    const b = this.binding;
    if (routeDays(b, this.tier, plan)) return null;
    return rawPartitionPredicate(b, plan, b.day ? dayPredicate(b.day, plan.firstDay, plan.lastDay) : null);
  }

  protected partitionAccount(): string {
    const a = this.binding.account;
    if (!a) return 'CAST(NULL AS VARCHAR)';
    return 'column' in a ? `src.${ident(a.column)}` : encodeString(a.constant);
  }

  protected value(v: LiteralValue | Date): string {
    return encodeLiteral(v);
  }

  protected stringList(values: readonly string[]): string {
    return values.length ? `ARRAY[${values.map(encodeString).join(', ')}]` : 'CAST(ARRAY[] AS ARRAY(VARCHAR))';
  }

  parseTime(text: string): string {
    return `try(from_iso8601_timestamp(${text}))`;
  }

  jsonText(json: string, path: readonly string[]): string {
    const p = encodeString(jsonPath(path));
    return `coalesce(json_extract_scalar(${json}, ${p}), nullif(json_format(json_extract(${json}, ${p})), 'null'))`;
  }

  jsonSubtree(json: string, path: readonly string[]): string {
    return `json_format(json_extract(${json}, ${encodeString(jsonPath(path))}))`;
  }

  toJsonText(complex: string): string {
    return `json_format(CAST(${complex} AS JSON))`;
  }

  rowHash(columns: readonly string[]): string {
    return `to_hex(xxhash64(to_utf8(json_format(CAST(ROW(${columns.join(', ')}) AS JSON)))))`;
  }

  dayOfWeek(ts: string): string {
    return `day_of_week(${ts})`;
  }

  anyValue(arg: string): string {
    return `arbitrary(${arg})`;
  }

  ipHex(ip: string, family: 'ipv4' | 'ipv6'): string {
    // Trino's IPADDRESS is 16 bytes; IPv4 addresses are held IPv4-mapped (::ffff:a.b.c.d).
    const hex = `lower(to_hex(CAST(try_cast(${ip} AS IPADDRESS) AS VARBINARY)))`;
    return family === 'ipv4'
      ? `(CASE WHEN strpos(${ip}, ':') = 0 THEN substr(${hex}, 25, 8) END)`
      : `(CASE WHEN strpos(${ip}, ':') > 0 THEN ${hex} END)`;
  }

  arrayOf(items: readonly string[]): string {
    return `ARRAY[${items.join(', ')}]`;
  }

  /** By member name, so the struct's field order in the table does not matter. */
  arrayMember(array: string, member: string): string {
    return `transform(${array}, x -> x.${member})`;
  }

  regexFull(text: string, pattern: string): string {
    const anchored = `${pattern.startsWith('^') ? '' : '^'}${pattern}${pattern.endsWith('$') ? '' : '$'}`;
    return `regexp_like(${text}, ${encodeString(anchored)})`;
  }

  anyResourceArn(arnList: string): string {
    return `any_match(resources, x -> contains(${arnList}, x.arn) OR contains(${arnList}, x.arnprefix))`;
  }
}
