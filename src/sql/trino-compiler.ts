import type { LiteralValue, PartitionPlan } from '../query/ir';
import { badInput } from '../domain/trailgate-error';
import { addDays } from '../domain/utc-day';
import { jsonPath } from './json-path';
import { encodeLiteral, encodeString } from './literal-encoder';
import { SqlCompiler } from './sql-compiler';
import type { UnnestColumn } from './unnest-sql';

/**
 * The delivery-day partition(s) of a table. `date`: one column holding the day as text
 * (`kind` may be omitted; partition projection's `date` type, e.g. `timestamp` = 'yyyy/MM/dd').
 * `ymd`: manual Hive partitions year/month/day holding zero-padded text ('2024', '03', '01').
 */
export type TrinoDaySpec =
  | { readonly kind?: 'date'; readonly column: string; readonly format: 'yyyy/MM/dd' | 'yyyy-MM-dd' }
  | { readonly kind: 'ymd'; readonly year: string; readonly month: string; readonly day: string };

/**
 * How a Glue/Hive table lays out the lake's partitions. `account` is a partition column for
 * organization trails, or a constant for a single-account table. An `injected` account column
 * (partition projection type `injected`) only works when every query names its accounts.
 */
export interface TrinoTableBinding {
  readonly catalog?: string;
  readonly database: string;
  readonly table: string;
  readonly account: { readonly column: string; readonly injected?: boolean } | { readonly constant: string } | null;
  readonly regionColumn: string | null;
  /** delivery-day partitioning */
  readonly day: TrinoDaySpec | null;
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

  /** UNNEST of several arrays zips them; it reads dd's columns laterally. */
  protected unnestRelation(columns: readonly UnnestColumn[]): string {
    return `dd CROSS JOIN UNNEST(${columns.map((c) => c.array).join(', ')}) AS ux (${columns.map((c) => c.alias).join(', ')})`;
  }

  protected partitionPredicate(plan: PartitionPlan): string | null {
    const b = this.binding;
    const parts: string[] = [];
    if (b.day) parts.push(dayPredicate(b.day, plan));
    if (b.account && 'column' in b.account) {
      if (plan.accounts) parts.push(`src.${ident(b.account.column)} IN (${plan.accounts.map(encodeString).join(', ')})`);
      // Athena fails such a query with CONSTRAINT_VIOLATION; services check first, this is the backstop.
      // https://docs.aws.amazon.com/athena/latest/ug/partition-projection-dynamic-id-partitioning.html
      else if (b.account.injected) throw badInput('this table needs the accounts to read: filter on accounts');
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

/** Pruning on the delivery days [plan.firstDay, plan.lastDay]. */
function dayPredicate(day: TrinoDaySpec, plan: PartitionPlan): string {
  if (day.kind === 'ymd') {
    // One term per calendar month: (year = 'YYYY' AND month = 'MM' AND day BETWEEN 'DD' AND 'DD').
    const terms = monthSpans(plan.firstDay, plan.lastDay).map(
      ([first, last]) =>
        `(src.${ident(day.year)} = ${encodeString(first.slice(0, 4))} AND src.${ident(day.month)} = ${encodeString(first.slice(5, 7))} ` +
        `AND src.${ident(day.day)} BETWEEN ${encodeString(first.slice(8))} AND ${encodeString(last.slice(8))})`,
    );
    return terms.length === 1 ? terms[0] : `(${terms.join(' OR ')})`;
  }
  const fmt = (d: string) => (day.format === 'yyyy/MM/dd' ? d.replace(/-/g, '/') : d);
  return `src.${ident(day.column)} BETWEEN ${encodeString(fmt(plan.firstDay))} AND ${encodeString(fmt(plan.lastDay))}`;
}

/** [first, last] YYYY-MM-DD days of each calendar month that [firstDay, lastDay] touches. */
function monthSpans(firstDay: string, lastDay: string): Array<[string, string]> {
  const spans: Array<[string, string]> = [];
  for (let d = firstDay; d <= lastDay; ) {
    const monthEnd = new Date(Date.UTC(Number(d.slice(0, 4)), Number(d.slice(5, 7)), 0)).toISOString().slice(0, 10);
    const last = monthEnd < lastDay ? monthEnd : lastDay;
    spans.push([d, last]);
    d = addDays(last, 1);
  }
  return spans;
}
