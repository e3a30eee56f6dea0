import Table from 'cli-table3';
import { stringify } from 'csv-stringify/sync';
import { findLists, scalarsOutside, toRows, type Cell, type Rows, type Scalar } from './result-rows';

/** How the CLI prints answers (`--format`). */
export const OUTPUT_FORMATS = ['table', 'json', 'csv', 'ndjson'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

export const isOutputFormat = (v: string): v is OutputFormat => (OUTPUT_FORMATS as readonly string[]).includes(v);

/** A table on a terminal; JSON otherwise, as before `--format` existed, so scripts keep working. */
export const defaultOutputFormat = (stdoutIsTTY: boolean): OutputFormat => (stdoutIsTTY ? 'table' : 'json');

export interface GraphQLResultLike {
  readonly data?: Record<string, unknown> | null;
  readonly errors?: ReadonlyArray<{ readonly message: string; readonly extensions?: Record<string, unknown> }>;
  readonly extensions?: Record<string, unknown>;
}

export interface Rendered {
  /** what goes to stdout */
  readonly text: string;
  /** remarks for stderr (what a one-table format left out) */
  readonly notes: readonly string[];
}

/** Table cells longer than this are cut (the JSON and CSV output keep every character). */
const MAX_CELL_CHARS = 80;

const scalarText = (v: Scalar): string => (v === null ? '' : String(v));
const cut = (s: string) => (s.length > MAX_CELL_CHARS ? `${s.slice(0, MAX_CELL_CHARS - 1)}…` : s);

/** `{ value: "1.2.3.4", count: 12 }` reads `1.2.3.4 (12)`: the first field, the rest in parentheses. */
function compactObject(o: Record<string, unknown>): string {
  const [first, ...rest] = Object.values(o).map((v) => (v !== null && typeof v === 'object' ? JSON.stringify(v) : scalarText(v as Scalar)));
  return rest.length ? `${first} (${rest.join(', ')})` : (first ?? '');
}

function tableCell(c: Cell): string {
  if (!Array.isArray(c)) return cut(scalarText(c as Scalar));
  return cut((c as unknown[]).map((v) => (v !== null && typeof v === 'object' ? compactObject(v as Record<string, unknown>) : scalarText(v as Scalar))).join(', '));
}

const csvCell = (c: Cell): Scalar => (Array.isArray(c) ? JSON.stringify(c) : (c as Scalar));

/** Rows as a bordered text table (no colours: the output may be piped or logged). */
export function tableText({ columns, rows }: Rows): string {
  if (rows.length === 0) return '(no rows)\n';
  const t = new Table({ head: [...columns], style: { head: [], border: [], compact: true } });
  for (const r of rows) t.push(r.map(tableCell));
  return `${t.toString()}\n`;
}

/** Rows as RFC 4180 CSV with a header line; lists of values are JSON in their cell. */
export function csvText({ columns, rows }: Rows): string {
  if (columns.length === 0) return '';
  return stringify([[...columns], ...rows.map((r) => r.map(csvCell))], { record_delimiter: 'unix' });
}

/**
 * A GraphQL result in a format. `json` is the whole result, extensions included. The others show
 * `data`: `table` every list (each under its path when there are several) after the scalars
 * around them (totals, page info); `csv` and `ndjson` the first list only, or one row of the
 * scalars when there is no list. Errors are the caller's to print.
 */
export function renderResult(result: GraphQLResultLike, format: OutputFormat): Rendered {
  if (format === 'json') return { text: `${JSON.stringify(result, null, 2)}\n`, notes: [] };
  const data = result.data ?? null;
  if (data === null) return { text: '', notes: [] };
  const lists = findLists(data);
  if (format === 'table') {
    const scalars = scalarsOutside(data);
    const head = lists.length ? scalars.map(([k, v]) => `${k}: ${scalarText(v)}\n`).join('') : '';
    const body = lists.length
      ? lists.map((l) => `${lists.length > 1 ? `${l.path} (${l.items.length})\n` : ''}${tableText(toRows(l.items))}`).join('\n')
      : tableText({ columns: ['field', 'value'], rows: scalars.map(([k, v]) => [k, v]) });
    return { text: head + body, notes: [] };
  }
  const notes = lists.length > 1 ? [`${format} holds ${lists[0].path}; left out: ${lists.slice(1).map((l) => l.path).join(', ')} (--format json has everything)`] : [];
  if (format === 'csv') {
    if (lists.length) return { text: csvText(toRows(lists[0].items)), notes };
    const scalars = scalarsOutside(data);
    return { text: csvText({ columns: scalars.map(([k]) => k), rows: [scalars.map(([, v]) => v)] }), notes };
  }
  const items = lists.length ? lists[0].items : [data];
  return { text: items.map((i) => `${JSON.stringify(i)}\n`).join(''), notes };
}
