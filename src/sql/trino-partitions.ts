import { CLOUDTRAIL_COLUMNS } from '../domain/column-catalogue';
import { badInput } from '../domain/trailgate-error';
import { addDays, daysBetween } from '../domain/utc-day';
import type { PartitionPlan } from '../query/ir';
import { encodeString } from './literal-encoder';
import { DEDUP_COLUMNS } from './sql-compiler';
import { ident, tableSql, type TrinoDaySpec, type TrinoParquetTier, type TrinoTableBinding } from './trino-binding';

/** [first, last] YYYY-MM-DD, inclusive. */
export type DayRun = readonly [string, string];

/**
 * The raw table's partition pruning: the delivery-day term (null: the table has no day
 * partition), then the accounts and regions of the plan where the table partitions by them.
 */
export function rawPartitionPredicate(b: TrinoTableBinding, plan: PartitionPlan, days: string | null): string | null {
  const parts: string[] = [];
  if (days) parts.push(days);
  const account = accountPredicate(b, plan, b.account && 'column' in b.account ? b.account.column : null);
  if (account) parts.push(account);
  if (plan.regions && b.regionColumn) parts.push(`src.${ident(b.regionColumn)} IN (${plan.regions.map(encodeString).join(', ')})`);
  return parts.length ? parts.join(' AND ') : null;
}

/** Pruning on the delivery days [first, last] of a raw table. */
export function dayPredicate(day: TrinoDaySpec, first: string, last: string): string {
  if (day.kind === 'ymd') {
    // One term per calendar month: (year = 'YYYY' AND month = 'MM' AND day BETWEEN 'DD' AND 'DD').
    const terms = monthSpans(first, last).map(
      ([f, l]) =>
        `(src.${ident(day.year)} = ${encodeString(f.slice(0, 4))} AND src.${ident(day.month)} = ${encodeString(f.slice(5, 7))} ` +
        `AND src.${ident(day.day)} BETWEEN ${encodeString(f.slice(8))} AND ${encodeString(l.slice(8))})`,
    );
    return terms.length === 1 ? terms[0] : `(${terms.join(' OR ')})`;
  }
  const fmt = (d: string) => (day.format === 'yyyy/MM/dd' ? d.replace(/-/g, '/') : d);
  return `src.${ident(day.column)} BETWEEN ${encodeString(fmt(first))} AND ${encodeString(fmt(last))}`;
}

/**
 * Which delivery days of a plan each tier serves: compacted days from Parquet, the rest (the recent
 * days, and any not compacted) from raw. Null when the plan reads no compacted day: then the
 * statement is the raw-only one, unchanged.
 */
export function routeDays(b: TrinoTableBinding, tier: TrinoParquetTier | null, plan: PartitionPlan): { raw: DayRun[]; parquet: DayRun[] } | null {
  if (!tier || !b.day || tier.compactedDays.size === 0) return null;
  const days = daysBetween(plan.firstDay, plan.lastDay);
  const parquet = days.filter((d) => tier.compactedDays.has(d));
  if (parquet.length === 0) return null;
  return { raw: dayRuns(days.filter((d) => !tier.compactedDays.has(d))), parquet: dayRuns(parquet) };
}

/**
 * The routed source: raw rows of the days not compacted UNION ALL Parquet rows of the compacted
 * days, each branch pruned on its own partitions. Both branches expose the same catalogue columns
 * (the statement's, plus those the content hash reads) and the raw account partition column under
 * its raw name, so the rest of the statement (partition account, hash, de-duplication in `dd`)
 * reads either tier alike. A Parquet row carries its raw partition's account and region, and its
 * data columns verbatim, so a duplicate delivery split across the tiers still compares equal.
 */
export function routedSource(
  b: TrinoTableBinding,
  tier: TrinoParquetTier,
  plan: PartitionPlan,
  route: { raw: readonly DayRun[]; parquet: readonly DayRun[] },
  used: ReadonlySet<string>,
): string {
  const wanted = new Set<string>([...used, ...DEDUP_COLUMNS]);
  const columns = CLOUDTRAIL_COLUMNS.filter((c) => wanted.has(c.name)).map((c) => `src.${ident(c.name)}`);
  const accountColumn = b.account && 'column' in b.account ? b.account.column : null;
  const branches: string[] = [];
  if (route.raw.length > 0 && b.day) {
    const rawColumns = [...columns, ...(accountColumn ? [`src.${ident(accountColumn)}`] : [])];
    const days = orTerms(route.raw.map(([first, last]) => dayPredicate(b.day as TrinoDaySpec, first, last)));
    branches.push(`SELECT ${rawColumns.join(', ')}\n    FROM ${tableSql(b)} AS src\n    WHERE ${rawPartitionPredicate(b, plan, days)}`);
  }
  // The Parquet table partitions by account and region whatever the raw layout; it is pruned on
  // them exactly where the raw table would be, so both tiers read the same rows of a day.
  const parquetAccount = (column: string) => `src.${ident('account')}${column === 'account' ? '' : ` AS ${ident(column)}`}`;
  const parquetColumns = [...columns, ...(accountColumn ? [parquetAccount(accountColumn)] : [])];
  const parts = [orTerms(route.parquet.map(([first, last]) => `src.${ident('delivery')} BETWEEN ${encodeString(first)} AND ${encodeString(last)}`))];
  const accounts = accountPredicate(b, plan, accountColumn ? 'account' : null);
  if (accounts) parts.push(accounts);
  // A single-account table's rows carry its one account: say so, so that nothing else is read.
  if (b.account && 'constant' in b.account) parts.push(`src.${ident('account')} = ${encodeString(b.account.constant)}`);
  if (plan.regions && b.regionColumn) parts.push(`src.${ident('region')} IN (${plan.regions.map(encodeString).join(', ')})`);
  branches.push(`SELECT ${parquetColumns.join(', ')}\n    FROM ${tableSql(tier)} AS src\n    WHERE ${parts.join(' AND ')}`);
  return `(\n    ${branches.join('\n    UNION ALL\n    ')}\n  ) AS src`;
}

/** The plan's accounts on an account partition column, mirroring the raw table's (null: none). */
function accountPredicate(b: TrinoTableBinding, plan: PartitionPlan, column: string | null): string | null {
  if (!column || !b.account || !('column' in b.account)) return null;
  if (plan.accounts) return `src.${ident(column)} IN (${plan.accounts.map(encodeString).join(', ')})`;
  // Athena fails such a query with CONSTRAINT_VIOLATION; services check first, this is the backstop.
  // https://docs.aws.amazon.com/athena/latest/ug/partition-projection-dynamic-id-partitioning.html
  if (b.account.injected) throw badInput('this table needs the accounts to read: filter on accounts');
  return null;
}

const orTerms = (terms: readonly string[]): string => (terms.length === 1 ? terms[0] : `(${terms.join(' OR ')})`);

/** Maximal runs of consecutive days, in order (input sorted ascending). */
export function dayRuns(days: readonly string[]): DayRun[] {
  const runs: Array<[string, string]> = [];
  for (const d of days) {
    const last = runs[runs.length - 1];
    if (last && addDays(last[1], 1) === d) last[1] = d;
    else runs.push([d, d]);
  }
  return runs;
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
