import type { LiteralValue, PartitionPlan } from '../query/ir';
import { jsonPath } from './json-path';
import { encodeLiteral, encodeString } from './literal-encoder';
import { SqlCompiler } from './sql-compiler';

/**
 * How a Glue/Hive table lays out the lake's partitions. `account` is a partition column for
 * organization trails, or a constant for a single-account table.
 */
export interface TrinoTableBinding {
  readonly catalog?: string;
  readonly database: string;
  readonly table: string;
  readonly account: { readonly column: string } | { readonly constant: string } | null;
  readonly regionColumn: string | null;
  /** delivery-day partition column and its text format */
  readonly day: { readonly column: string; readonly format: 'yyyy/MM/dd' | 'yyyy-MM-dd' } | null;
}

const IDENT = /^[A-Za-z_][A-Za-z0-9_-]*$/;
const ident = (name: string): string => {
  if (!IDENT.test(name)) throw new Error(`bad identifier ${name}`);
  return `"${name}"`;
};

/** Trino (Athena engine v3) dialect: every value goes through the literal encoder. */
export class TrinoCompiler extends SqlCompiler {
  readonly dialect = 'trino' as const;

  constructor(private readonly binding: TrinoTableBinding) {
    super();
  }

  protected sourceRelation(_plan: PartitionPlan): string {
    const b = this.binding;
    return `${b.catalog ? `${ident(b.catalog)}.` : ''}${ident(b.database)}.${ident(b.table)} AS src`;
  }

  protected partitionPredicate(plan: PartitionPlan): string | null {
    const b = this.binding;
    const parts: string[] = [];
    if (b.day) {
      const fmt = (d: string) => (b.day!.format === 'yyyy/MM/dd' ? d.replace(/-/g, '/') : d);
      parts.push(`src.${ident(b.day.column)} BETWEEN ${encodeString(fmt(plan.firstDay))} AND ${encodeString(fmt(plan.lastDay))}`);
    }
    if (plan.accounts && b.account && 'column' in b.account) {
      parts.push(`src.${ident(b.account.column)} IN (${plan.accounts.map(encodeString).join(', ')})`);
    }
    if (plan.regions && b.regionColumn) {
      parts.push(`src.${ident(b.regionColumn)} IN (${plan.regions.map(encodeString).join(', ')})`);
    }
    return parts.length ? parts.join(' AND ') : null;
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

  anyResourceArn(arnList: string): string {
    return `any_match(resources, x -> contains(${arnList}, x.arn) OR contains(${arnList}, x.arnprefix))`;
  }
}
