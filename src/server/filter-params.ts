import { validate, type ValidationError } from 'class-validator';
import { isTrailgateError } from '../domain/trailgate-error';
import { EventFilter } from '../graphql/inputs/event-filter.input';
import { filterSpec } from '../graphql/inputs/filter-spec';
import { JsonMatch } from '../graphql/inputs/json-match.input';
import { TimeRange } from '../graphql/inputs/time-range.input';
import { DateTimeScalar } from '../graphql/scalars';
import type { QueryParams } from '../persisted/baseline-params';
import type { EventFilterSpec } from '../query/event-filter';

/**
 * How each EventFilter field may be given as query-string parameters (checked at compile time
 * against the input class: a new filter field does not compile until it is placed here):
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

/** A parameter a client got wrong: its message is the answer (BAD_USER_INPUT). */
export class ParamProblem extends Error {}

/** The one value of a parameter that may not repeat. */
export function oneParam(key: string, raw: string | string[]): string {
  if (Array.isArray(raw)) {
    if (raw.length !== 1) throw new ParamProblem(`parameter "${key}" is given more than once`);
    return raw[0];
  }
  return raw;
}

function instant(name: string, value: unknown): Date {
  try {
    return DateTimeScalar.parseValue(value) as Date;
  } catch {
    throw new ParamProblem(`${name} must be an RFC 3339 date-time with Z or an offset, like 2026-10-30T00:00:00Z`);
  }
}

function timeRange(value: unknown): TimeRange {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new ParamProblem('filter.range must be an object { from, to }');
  const extra = Object.keys(value).filter((k) => k !== 'from' && k !== 'to');
  if (extra.length) throw new ParamProblem(`filter.range has no field "${extra[0]}"`);
  const { from, to } = value as { from?: unknown; to?: unknown };
  if (from === undefined || to === undefined) throw new ParamProblem('range.from and range.to are required');
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
      throw new ParamProblem('give the range as the from and to parameters (or inside filter)');
    case 'json':
      throw new ParamProblem(`${field} is given inside the filter parameter (JSON), e.g. filter={"${field}":[{"path":"…","contains":"…"}]}`);
    case 'split':
      return values.flatMap((v) => v.split(',')).map((v) => v.trim()).filter((v) => v !== '');
    case 'list':
      return values.filter((v) => v !== '');
    case 'boolean': {
      const v = oneParam(field, raw);
      return v === 'true' ? true : v === 'false' ? false : v;
    }
    case 'text':
      return oneParam(field, raw);
  }
}

function describe(errors: readonly ValidationError[], prefix = ''): string[] {
  return errors.flatMap((e) => {
    const path = prefix ? `${prefix}.${e.property}` : e.property;
    const own = e.constraints ? [`${path}: ${Object.values(e.constraints).join('; ')}`] : [];
    return [...own, ...describe(e.children ?? [], path)];
  });
}

/**
 * An EventFilter from query-string parameters: `from`/`to`, filter fields as parameters, and/or
 * a `filter` parameter holding EventFilter JSON, validated by the same input class (and
 * class-validator rules) as GraphQL's `filter:` arguments, then turned into the spec the same
 * way (filter-spec.ts). A parameter that is neither a filter field nor in `routeParams` is
 * refused rather than ignored: a typo in `accounts` would otherwise widen what is read.
 * Throws ParamProblem.
 */
export async function eventFilterFromParams(params: QueryParams, routeParams: ReadonlySet<string>): Promise<EventFilterSpec> {
  const filter = new EventFilter();
  const given = filter as unknown as Record<string, unknown>;
  if (params.filter !== undefined) {
    let json: unknown;
    try {
      json = JSON.parse(oneParam('filter', params.filter));
    } catch (e) {
      if (e instanceof ParamProblem) throw e;
      throw new ParamProblem('filter must be EventFilter JSON');
    }
    if (json === null || typeof json !== 'object' || Array.isArray(json)) throw new ParamProblem('filter must be a JSON object (an EventFilter)');
    for (const [key, value] of Object.entries(json)) {
      if (!isFilterField(key)) throw new ParamProblem(`filter has no field "${key.slice(0, 64)}"`);
      given[key] = fromJson(key, value);
    }
  }
  for (const [key, raw] of Object.entries(params)) {
    if (raw === undefined || key === 'filter' || key === 'from' || key === 'to' || routeParams.has(key)) continue;
    if (!isFilterField(key)) throw new ParamProblem(`unknown parameter "${key.slice(0, 64)}" (filter fields, from, to, filter, ${[...routeParams].join(', ')})`);
    if (given[key] !== undefined) throw new ParamProblem(`${key} is given both in filter and as a parameter`);
    given[key] = fromParam(key, raw);
  }
  if (params.from !== undefined || params.to !== undefined) {
    if (filter.range) throw new ParamProblem('the range is given both in filter and as from/to');
    if (params.from === undefined || params.to === undefined) throw new ParamProblem('from and to are both required');
    filter.range = Object.assign(new TimeRange(), { from: instant('from', oneParam('from', params.from)), to: instant('to', oneParam('to', params.to)) });
  }
  if (!filter.range) throw new ParamProblem('from and to are required (ISO instants, e.g. from=2026-10-30T00:00:00Z)');

  // As type-graphql validates GraphQL inputs (build-schema.ts), plus: no field outside the class.
  const errors = await validate(filter, { forbidUnknownValues: true, whitelist: true, forbidNonWhitelisted: true, stopAtFirstError: false });
  if (errors.length) throw new ParamProblem(`Invalid input: ${describe(errors).join(' | ')}`);
  try {
    return filterSpec(filter);
  } catch (e) {
    if (isTrailgateError(e) && e.code === 'BAD_USER_INPUT') throw new ParamProblem(e.message);
    throw e;
  }
}
