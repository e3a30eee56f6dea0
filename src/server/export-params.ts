import type { EventOrder } from '../query/event-queries';
import type { QueryParams } from '../persisted/baseline-params';
import { ALL_EXPORT_COLUMNS, DEFAULT_EXPORT_COLUMNS, isExportColumn, type ExportColumn } from '../services/export-columns';
import type { ExportRequest } from '../services/export.service';
import { EXPORT_FORMATS, type ExportFormat } from './export-format';
import { eventFilterFromParams, oneParam, ParamProblem } from './filter-params';

/** GET /export's own parameters beside the filter's. */
const ROUTE_PARAMS: ReadonlySet<string> = new Set(['format', 'columns', 'order']);
const ORDERS = ['OLDEST_FIRST', 'NEWEST_FIRST'] as const satisfies readonly EventOrder[];
const NUL = '\u0000';

export interface ExportParams {
  readonly format: ExportFormat;
  readonly request: ExportRequest;
}

export type ExportParamsResult = ExportParams | { readonly problem: string };

function columnsOf(raw: string | string[] | undefined): ExportColumn[] {
  if (raw === undefined) return [...DEFAULT_EXPORT_COLUMNS];
  const names = (Array.isArray(raw) ? raw : [raw]).flatMap((v) => v.split(',')).map((v) => v.trim()).filter((v) => v !== '');
  if (names.length === 1 && names[0] === '*') return [...ALL_EXPORT_COLUMNS];
  const unknown = names.find((n) => !isExportColumn(n));
  if (unknown !== undefined) throw new ParamProblem(`columns: no column "${unknown.slice(0, 64)}" (columns are Event fields such as eventTime, eventName, userIdentity.arn; * for all)`);
  if (names.length === 0) throw new ParamProblem('columns: name at least one column');
  return [...new Set(names as ExportColumn[])];
}

/**
 * GET /export's parameters to an ExportRequest: the EventFilter (filter-params.ts), `format`
 * (csv, the default, or ndjson), `order` (OLDEST_FIRST, the default, or NEWEST_FIRST) and
 * `columns` (comma-separated Event fields, dotted for nested ones; `*` for every top-level field).
 */
export async function exportParams(params: QueryParams): Promise<ExportParamsResult> {
  try {
    // As nul-input-plugin.ts refuses it in GraphQL input: Trino literals cannot carry it.
    const values = Object.values(params).flatMap((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]));
    if (values.some((s) => s.includes(NUL))) throw new ParamProblem('Text inputs may not contain the NUL character (U+0000).');
    const format = params.format === undefined ? 'csv' : oneParam('format', params.format);
    if (!(EXPORT_FORMATS as readonly string[]).includes(format)) throw new ParamProblem('format must be csv or ndjson');
    const order = params.order === undefined ? 'OLDEST_FIRST' : oneParam('order', params.order);
    if (!(ORDERS as readonly string[]).includes(order)) throw new ParamProblem('order must be OLDEST_FIRST or NEWEST_FIRST');
    const columns = columnsOf(params.columns);
    const filter = await eventFilterFromParams(params, ROUTE_PARAMS);
    return { format: format as ExportFormat, request: { filter, columns, order: order as EventOrder } };
  } catch (e) {
    if (e instanceof ParamProblem) return { problem: e.message };
    throw e;
  }
}
