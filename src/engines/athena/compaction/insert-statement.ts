import { CLOUDTRAIL_COLUMNS } from '../../../domain/column-catalogue';
import { addDays } from '../../../domain/utc-day';
import { encodeString } from '../../../sql/literal-encoder';
import { ident, PARQUET_PARTITION_KEYS, tableSql, type TrinoTableBinding, type TrinoTableRef } from '../../../sql/trino-binding';
import { dayPredicate } from '../../../sql/trino-partitions';
import type { Chunk } from './compaction-chunks';

/**
 * One INSERT INTO of a delivery day's chunk: every catalogue column copied verbatim (so the
 * gateway's content hash and de-duplication see the same values in either tier), plus the
 * partition values: the delivery day, the raw partition's account and region, and the event day.
 *
 * The event day is the UTC day of the parsed eventTime (the gateway's own parse), clamped to
 * [delivery - 1, delivery + 1]: events delivered more than a day late (or stamped more than a day
 * ahead) are filed under the nearest of those days. That keeps a statement's partitions within
 * accounts × regions × 3 (Athena's 100-partition limit) without a first pass over the day; their
 * eventtime is untouched, and the gateway never prunes on `date` (it routes on `delivery`).
 * Records whose eventTime does not parse are left out: the gateway rejects them (valid-record.ts).
 * De-duplicated within the statement (SELECT DISTINCT over every column: a re-delivered record is
 * the same row, and the raw table's columns are strings, structs and arrays of structs, all
 * comparable). Copies on different delivery days stay in their own days: the gateway's
 * de-duplication, which every Athena statement keeps, collapses them.
 * https://docs.aws.amazon.com/athena/latest/ug/insert-into.html
 */
export function insertStatement(raw: TrinoTableBinding, target: TrinoTableRef, day: string, chunk: Chunk): string {
  if (!raw.day || !raw.regionColumn || !raw.account) throw new Error('insertStatement: the raw table needs day, region and account partitions');
  const time = `try(from_iso8601_timestamp(src.${ident('eventtime')}))`;
  const eventDay = `date_format(${time} AT TIME ZONE 'UTC', '%Y-%m-%d')`;
  const [delivery, account, region, date] = PARQUET_PARTITION_KEYS.map(ident);
  const values = [
    ...CLOUDTRAIL_COLUMNS.map((c) => `src.${ident(c.name)}`),
    `${encodeString(day)} AS ${delivery}`,
    `${'column' in raw.account ? `src.${ident(raw.account.column)}` : encodeString(raw.account.constant)} AS ${account}`,
    `src.${ident(raw.regionColumn)} AS ${region}`,
    `${clamped(eventDay, addDays(day, -1), addDays(day, 1))} AS ${date}`,
  ];
  const where = [dayPredicate(raw.day, day, day)];
  if (chunk.accounts && 'column' in raw.account) where.push(`src.${ident(raw.account.column)} IN (${chunk.accounts.map(encodeString).join(', ')})`);
  where.push(`src.${ident(raw.regionColumn)} IN (${chunk.regions.map(encodeString).join(', ')})`);
  where.push(`${time} IS NOT NULL`);
  const columns = [...CLOUDTRAIL_COLUMNS.map((c) => c.name), ...PARQUET_PARTITION_KEYS].map(ident);
  return (
    `INSERT INTO ${tableSql(target)} (${columns.join(', ')})\n` +
    `SELECT DISTINCT ${values.join(', ')}\n` +
    `FROM ${tableSql(raw)} AS src\n` +
    `WHERE ${where.join('\n  AND ')}`
  );
}

/** `text` kept within [lo, hi] (YYYY-MM-DD text compares as days do). */
function clamped(text: string, lo: string, hi: string): string {
  return `CASE WHEN ${text} < ${encodeString(lo)} THEN ${encodeString(lo)} WHEN ${text} > ${encodeString(hi)} THEN ${encodeString(hi)} ELSE ${text} END`;
}
