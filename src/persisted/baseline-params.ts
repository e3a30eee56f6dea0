import type { OperationVariable, CatalogOperation } from './persisted-catalog';

/** A query-string value as Fastify parses it: repeated keys become arrays. */
export type QueryParams = Record<string, string | string[] | undefined>;

export type ParamsResult = { readonly variables: Record<string, unknown> } | { readonly problem: string };

/**
 * Best-effort typing of simple values: what does not look like its type is passed on as the
 * string it was, so GraphQL variable coercion rejects it with BAD_USER_INPUT naming the variable
 * (persisted variables are validated exactly like any other input).
 */
function scalar(namedType: string, raw: string): unknown {
  switch (namedType) {
    case 'Int':
      return /^[+-]?\d{1,15}$/.test(raw) ? Number(raw) : raw;
    case 'Float':
      return raw.trim() !== '' && Number.isFinite(Number(raw)) ? Number(raw) : raw;
    case 'Boolean':
      return raw === 'true' ? true : raw === 'false' ? false : raw;
    default:
      // String, ID, DateTime, enums: the text itself.
      return raw;
  }
}

function value(variable: OperationVariable, values: string[]): unknown {
  if (variable.list) {
    return values
      .flatMap((v) => v.split(','))
      .map((v) => v.trim())
      .filter((v) => v !== '')
      .map((v) => scalar(variable.namedType, v));
  }
  return scalar(variable.namedType, values[0]);
}

/**
 * Variables for `GET /baselines/<Name>?from=…&to=…&accounts=a,b&…`: `from` and `to` become
 * `$range: { from, to }` (or `$from` / `$to` when the operation declares those), every other
 * parameter must name a variable of the operation. An unknown parameter is refused rather than
 * ignored: a typo in `accounts` would otherwise widen a security question to every account.
 */
export function variablesFromParams(op: CatalogOperation, params: QueryParams): ParamsResult {
  const declared = new Map(op.variables.map((v) => [v.name, v]));
  const rangeFromParams = declared.has('range') && !declared.has('from') && !declared.has('to');
  const variables: Record<string, unknown> = {};
  for (const [key, raw] of Object.entries(params)) {
    if (raw === undefined) continue;
    const values = Array.isArray(raw) ? raw : [raw];
    if (rangeFromParams && (key === 'from' || key === 'to')) {
      if (values.length !== 1) return { problem: `parameter "${key}" is given more than once` };
      variables.range = { ...(variables.range as object | undefined), [key]: values[0] };
      continue;
    }
    const variable = declared.get(key);
    if (!variable || (rangeFromParams && key === 'range')) {
      const accepted = [...(rangeFromParams ? ['from', 'to'] : []), ...op.variables.map((v) => v.name).filter((n) => !(rangeFromParams && n === 'range'))];
      return { problem: `${op.name} has no parameter "${key}" (it takes: ${accepted.join(', ') || 'none'})` };
    }
    if (!variable.list && values.length !== 1) return { problem: `parameter "${key}" is given more than once` };
    variables[key] = value(variable, values);
  }
  return { variables };
}
