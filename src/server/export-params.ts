import { validate, type ValidationError } from 'class-validator';
import type { EventOrder } from '../query/event-queries';
import { EventFilter } from '../graphql/inputs/event-filter.input';
import { filterSpec } from '../graphql/inputs/filter-spec';
import { JsonMatch } from '../graphql/inputs/json-match.input';
import { TimeRange } from '../graphql/inputs/time-range.input';
import { DateTimeScalar } from '../graphql/scalars';
import { isTrailgateError } from '../domain/trailgate-error';
import type { QueryParams } from '../persisted/baseline-params';
import { ALL_EXPORT_COLUMNS, DEFAULT_EXPORT_COLUMNS, isExportColumn, type ExportColumn } from '../services/export-columns';
import type { ExportRequest } from '../services/export.service';
import { EXPORT_FORMATS, type ExportFormat } from './export-format';

/**
 * How each EventFilter field may be given to GET /export (checked at compile time against the
 * input class: a new filter field does not compile until it is placed here):
 * - `range`: `from` and `to` parameters (or `range` inside `filter`);
 * - `list`: repeated parameters (`accounts=1&accounts=2`); values that cannot hold a comma by
 *   their validation (`split`) may also be comma-separated, as /baselines takes them; names,
 *   ARNs, error codes and ids may hold commas, so only repeating them makes a list;
 * - `boolean`: `true` or `false`; `text`: one value; `json`: only inside the `filter` JSON.
 */
const FILTER_FIELDS = {
  range: 'range',
  accounts: 'split',
  regions: 'split',
  excludeRegions: 'split',
  eventSources: 'split',
  eventNames: 'split',
  excludeEventNames: 'split',
  identityTypes: 'split',
  principalArns: 'list',
  roleArns: 'list',
  userNames: 'list',
  accessKeyIds: 'split',
  sourceIps: 'split',
  excludeSourceIps: 'split',
  sourceIpKinds: 'split',
  sessionCredentialFromConsole: 'boolean',
  instanceCredentials: 'boolean',
  userAgentContains: 'text',
  errorCodes: 'list',
  hasError: 'boolean',
  readOnly: 'boolean',
  categories: 'split',
  crossAccount: 'boolean',
  resourceArns: 'list',
  eventIds: 'list',
  requestParameters: 'json',
  responseElements: 'json',
  additionalEventData: 'json',
} as const satisfies Record<keyof EventFilter, 'range' | 'split' | 'list' | 'boolean' | 'text' | 'json'>;

type FilterField = keyof typeof FILTER_FIELDS;
const isFilterField = (k: string): k is FilterField => Object.prototype.hasOwnProperty.call(FILTER_FIELDS, k);

/** The route's own parameters beside the filter's. */
const ROUTE_PARAMS = new Set(['format', 'columns', 'order', 'filter', 'from', 'to']);
const ORDERS = ['OLDEST_FIRST', 'NEWEST_FIRST'] as const satisfies readonly EventOrder[];

export interface ExportParams {
  readonly format: ExportFormat;
  readonly request: ExportRequest;
}

export type ExportParamsResult = ExportParams | { readonly problem: string };

class Problem extends Error {}

const NUL = '\u0000';

function one(key: string, raw: string | string[]): string {
  if (Array.isArray(raw)) {
    if (raw.length !== 1) throw new Problem(`parameter "${key}" is given more than once`);
    return raw[0];
  }
  return raw;
}

function instant(name: string, value: unknown): Date {
  try {
    return DateTimeScalar.parseValue(value) as Date;
  } catch {
    throw new Problem(`${name} must be an RFC 3339 date-time with Z or an offset, like 2026-10-30T00:00:00Z`);
  }
}

function timeRange(value: unknown): TimeRange {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new Problem('filter.range must be an object { from, to }');
  const extra = Object.keys(value).filter((k) => k !== 'from' && k !== 'to');
  if (extra.length) throw new Problem(`filter.range has no field "${extra[0]}"`);
  const { from, to } = value as { from?: unknown; to?: unknown };
  if (from === undefined || to === undefined) throw new Problem('range.from and range.to are required');
  return Object.assign(new TimeRange(), { from: instant('range.from', from), to: instant('range.to', to) });
}

/** A value of the `filter` JSON as the input class holds it (GraphQL's input coercion: a single value stands for a one-element list). */
function fromJson(field: FilterField, value: unknown): unknown {
  const kind = FILTER_FIELDS[field];
  if (value === null) return undefined;
  switch (kind) {
    case 'range':
      return timeRange(value);
    case 'json':
      return (Array.isArray(value) ? value : [value]).map((m) => (m !== null && typeof m === 'object' && !Array.isArray(m) ? Object.assign(new JsonMatch(), m) : m));
    case 'split':
    case 'list':
      return Array.isArray(value) ? value : [value];
    case 'boolean':
    case 'text':
      return value;
  }
}

/** A query-string value as the input class holds it (strings that do not fit are left for the validator to name). */
function fromParam(field: FilterField, raw: string | string[]): unknown {
  const kind = FILTER_FIELDS[field];
  const values = Array.isArray(raw) ? raw : [raw];
  switch (kind) {
    case 'range':
      throw new Problem('give the range as the from and to parameters (or inside filter)');
    case 'json':
      throw new Problem(`${field} is given inside the filter parameter (JSON), e.g. filter={"${field}":[{"path":"…","contains":"…"}]}`);
    case 'split':
      return values.flatMap((v) => v.split(',')).map((v) => v.trim()).filter((v) => v !== '');
    case 'list':
      return values.filter((v) => v !== '');
    case 'boolean': {
      const v = one(field, raw);
      return v === 'true' ? true : v === 'false' ? false : v;
    }
    case 'text':
      return one(field, raw);
  }
}

function describe(errors: readonly ValidationError[], prefix = ''): string[] {
  return errors.flatMap((e) => {
    const path = prefix ? `${prefix}.${e.property}` : e.property;
    const own = e.constraints ? [`${path}: ${Object.values(e.constraints).join('; ')}`] : [];
    return [...own, ...describe(e.children ?? [], path)];
  });
}

function columnsOf(raw: string | string[] | undefined): ExportColumn[] {
  if (raw === undefined) return [...DEFAULT_EXPORT_COLUMNS];
  const names = (Array.isArray(raw) ? raw : [raw]).flatMap((v) => v.split(',')).map((v) => v.trim()).filter((v) => v !== '');
  if (names.length === 1 && names[0] === '*') return [...ALL_EXPORT_COLUMNS];
  const unknown = names.find((n) => !isExportColumn(n));
  if (unknown !== undefined) throw new Problem(`columns: no column "${unknown.slice(0, 64)}" (columns are Event fields such as eventTime, eventName, userIdentity.arn; * for all)`);
  if (names.length === 0) throw new Problem('columns: name at least one column');
  return [...new Set(names as ExportColumn[])];
}

/**
 * GET /export's parameters to an ExportRequest: the EventFilter from `from`/`to`, filter fields as
 * parameters and/or a `filter` parameter holding EventFilter JSON, validated by the same input
 * class (and class-validator rules) as GraphQL's `events(filter:)`, then turned into the spec the
 * same way. An unknown parameter is refused rather than ignored: a typo in `accounts` would
 * otherwise widen the export.
 */
export async function exportParams(params: QueryParams): Promise<ExportParamsResult> {
  try {
    const entries = Object.entries(params).filter((e): e is [string, string | string[]] => e[1] !== undefined);
    if (entries.some(([, v]) => (Array.isArray(v) ? v : [v]).some((s) => s.includes(NUL)))) throw new Problem('Text inputs may not contain the NUL character (U+0000).');
    const format = params.format === undefined ? 'csv' : one('format', params.format);
    if (!(EXPORT_FORMATS as readonly string[]).includes(format)) throw new Problem('format must be csv or ndjson');
    const order = params.order === undefined ? 'OLDEST_FIRST' : one('order', params.order);
    if (!(ORDERS as readonly string[]).includes(order)) throw new Problem('order must be OLDEST_FIRST or NEWEST_FIRST');
    const columns = columnsOf(params.columns);

    const filter = new EventFilter();
    const given = filter as unknown as Record<string, unknown>;
    if (params.filter !== undefined) {
      let json: unknown;
      try {
        json = JSON.parse(one('filter', params.filter));
      } catch (e) {
        if (e instanceof Problem) throw e;
        throw new Problem('filter must be EventFilter JSON');
      }
      if (json === null || typeof json !== 'object' || Array.isArray(json)) throw new Problem('filter must be a JSON object (an EventFilter)');
      for (const [key, value] of Object.entries(json)) {
        if (!isFilterField(key)) throw new Problem(`filter has no field "${key.slice(0, 64)}"`);
        given[key] = fromJson(key, value);
      }
    }
    for (const [key, raw] of entries) {
      if (ROUTE_PARAMS.has(key)) continue;
      if (!isFilterField(key)) throw new Problem(`unknown parameter "${key.slice(0, 64)}" (filter fields, from, to, filter, columns, format, order)`);
      if (given[key] !== undefined) throw new Problem(`${key} is given both in filter and as a parameter`);
      given[key] = fromParam(key, raw);
    }
    if (params.from !== undefined || params.to !== undefined) {
      if (filter.range) throw new Problem('the range is given both in filter and as from/to');
      if (params.from === undefined || params.to === undefined) throw new Problem('from and to are both required');
      filter.range = Object.assign(new TimeRange(), { from: instant('from', one('from', params.from)), to: instant('to', one('to', params.to)) });
    }
    if (!filter.range) throw new Problem('from and to are required (ISO instants, e.g. from=2026-10-30T00:00:00Z)');

    // As type-graphql validates GraphQL inputs (build-schema.ts), plus: no field outside the class.
    const errors = await validate(filter, { forbidUnknownValues: true, whitelist: true, forbidNonWhitelisted: true, stopAtFirstError: false });
    if (errors.length) throw new Problem(`Invalid input: ${describe(errors).join(' | ')}`);
    return { format: format as ExportFormat, request: { filter: filterSpec(filter), columns, order: order as EventOrder } };
  } catch (e) {
    if (e instanceof Problem) return { problem: e.message };
    if (isTrailgateError(e) && e.code === 'BAD_USER_INPUT') return { problem: e.message };
    throw e;
  }
}
