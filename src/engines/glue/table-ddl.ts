import type { TableInput } from '@aws-sdk/client-glue';
import { parseHiveType, renderHiveTypeIndented } from './hive-types';

/**
 * Athena (Hive) DDL for a Glue TableInput: the CREATE EXTERNAL TABLE a person would run in the
 * Athena console to get the same table. Rendered from the TableInput itself, so the two cannot
 * say different things. `EXTERNAL` is the statement's keyword, not a TBLPROPERTY.
 * https://docs.aws.amazon.com/athena/latest/ug/create-table.html
 */
export function tableDdl(input: TableInput, database?: string): string {
  const sd = input.StorageDescriptor ?? {};
  const name = `${database ? `${quoteIdent(database)}.` : ''}${quoteIdent(need(input.Name, 'Name'))}`;
  const columns = (sd.Columns ?? []).map((c) => `  ${quoteIdent(c.Name!)} ${renderHiveTypeIndented(parseHiveType(need(c.Type, `type of ${c.Name}`)), '  ')}`);
  const lines = [`CREATE EXTERNAL TABLE ${name} (`, columns.join(',\n'), ')'];
  if (input.Description) lines.push(`COMMENT ${literal(input.Description)}`);
  const keys = input.PartitionKeys ?? [];
  if (keys.length > 0) lines.push(`PARTITIONED BY (\n${keys.map((k) => `  ${quoteIdent(k.Name!)} ${k.Type ?? 'string'}`).join(',\n')}\n)`);
  const serde = sd.SerdeInfo;
  if (serde?.SerializationLibrary) lines.push(`ROW FORMAT SERDE ${literal(serde.SerializationLibrary)}`);
  if (serde?.Parameters && Object.keys(serde.Parameters).length > 0) lines.push(`WITH SERDEPROPERTIES (\n${properties(serde.Parameters)}\n)`);
  if (sd.InputFormat && sd.OutputFormat) lines.push(`STORED AS INPUTFORMAT ${literal(sd.InputFormat)}\nOUTPUTFORMAT ${literal(sd.OutputFormat)}`);
  if (sd.Location) lines.push(`LOCATION ${literal(sd.Location)}`);
  const props = Object.fromEntries(Object.entries(input.Parameters ?? {}).filter(([k]) => k !== 'EXTERNAL'));
  if (Object.keys(props).length > 0) lines.push(`TBLPROPERTIES (\n${properties(props)}\n)`);
  return lines.join('\n');
}

function properties(p: Record<string, string>): string {
  return Object.entries(p)
    .map(([k, v]) => `  ${literal(k)}=${literal(v)}`)
    .join(',\n');
}

function need<T>(v: T | undefined, what: string): T {
  if (v === undefined) throw new Error(`TableInput has no ${what}`);
  return v;
}

function quoteIdent(name: string): string {
  if (!/^[A-Za-z0-9_]+$/.test(name)) throw new Error(`bad identifier ${JSON.stringify(name)}`);
  return `\`${name}\``;
}

/** Hive string literals take backslash escapes; the params never contain quotes or backslashes. */
function literal(s: string): string {
  if (/['\\\n]/.test(s)) throw new Error(`refusing to put ${JSON.stringify(s)} in a DDL literal`);
  return `'${s}'`;
}
