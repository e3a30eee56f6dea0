import { stringify } from 'csv-stringify/sync';
import { JSON_EXPORT_COLUMNS, type ExportColumn } from '../services/export-columns';

export const EXPORT_FORMATS = ['csv', 'ndjson'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** RFC 4180 §3 (text/csv, with its `header` parameter); NDJSON's conventional media type. */
export const EXPORT_CONTENT_TYPES = {
  csv: 'text/csv; charset=utf-8; header=present',
  ndjson: 'application/x-ndjson; charset=utf-8',
} as const satisfies Record<ExportFormat, string>;

/**
 * Spreadsheet formula injection: a cell that starts with = + - @ (or a tab or carriage return) is
 * run as a formula by Excel, LibreOffice and Sheets. CloudTrail values are attacker-controlled
 * (user agents, error messages, request parameters), so such a cell gets a leading single quote,
 * which spreadsheets show as text. https://owasp.org/www-community/attacks/CSV_Injection
 * The CSV is for people and spreadsheets; NDJSON carries every value unchanged.
 */
export const guardFormula = (text: string): string => (/^[=+\-@\t\r]/.test(text) ? `'${text}` : text);

/** A value as CSV cell text: NULL empty, timestamps ISO-8601, JSON members and objects as JSON text. */
export function csvCell(value: unknown, json: boolean): string {
  if (value === null || value === undefined) return '';
  if (json || (typeof value === 'object' && !(value instanceof Date))) return guardFormula(JSON.stringify(value));
  if (value instanceof Date) return value.toISOString();
  return guardFormula(String(value));
}

// RFC 4180 §2: CRLF between records; a field holding a line break (CR or LF), a comma or a quote
// is quoted, quotes doubled (csv-stringify quotes CRLF only, hence quoted_match).
const CSV_OPTIONS = { record_delimiter: 'windows', quoted_match: /[\r\n]/ } as const;

/** The body of an export as text chunks, one per batch (CSV: a header row first). */
export async function* encodeExport(format: ExportFormat, columns: readonly ExportColumn[], batches: AsyncIterable<unknown[][]>): AsyncGenerator<string> {
  if (format === 'csv') {
    const json = columns.map((c) => JSON_EXPORT_COLUMNS.has(c));
    yield stringify([[...columns]], CSV_OPTIONS);
    for await (const batch of batches) yield stringify(batch.map((row) => row.map((v, i) => csvCell(v, json[i]))), CSV_OPTIONS);
    return;
  }
  for await (const batch of batches) {
    let text = '';
    for (const row of batch) text += `${JSON.stringify(Object.fromEntries(columns.map((c, i) => [c, row[i]])))}\n`;
    yield text;
  }
}

/** NDJSON's last line when an export fails after its first rows: a CSV cannot carry one (the route cuts the transfer instead). */
export const ndjsonErrorLine = (error: { code: string; message: string; requestId?: string }): string => `${JSON.stringify({ error })}\n`;
