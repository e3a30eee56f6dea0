import type { FieldName, JsonFieldName, UnnestFieldName, UnnestSource } from './fields';
import type {
  AggFn,
  CmpOp,
  EventSelect,
  Expr,
  LiteralValue,
  OrderItem,
  PartitionPlan,
  Pred,
  SelectItem,
  TimeUnit,
  TopPerGroup,
  Unnest,
} from './ir';

/** Tiny constructors: the only way IR nodes are made (STYLE.md habit 1). */
const f = Object.freeze;

export const field = (name: FieldName): Expr => f({ kind: 'field', name });
export const lit = (value: LiteralValue): Expr => f({ kind: 'literal', value });
export const instant = (value: Date): Expr => f({ kind: 'instant', value: new Date(value.getTime()) });
export const jsonText = (fld: JsonFieldName, path: readonly string[]): Expr => f({ kind: 'jsonText', field: fld, path: f([...path]) });
export const jsonSubtree = (fld: JsonFieldName, path: readonly string[]): Expr =>
  f({ kind: 'jsonSubtree', field: fld, path: f([...path]) });
export const bucket = (unit: TimeUnit, arg: Expr): Expr => f({ kind: 'bucket', unit, arg });
export const hourOfDay = (arg: Expr): Expr => f({ kind: 'hourOfDay', arg });
export const dayOfWeek = (arg: Expr): Expr => f({ kind: 'dayOfWeek', arg });
export const toText = (arg: Expr): Expr => f({ kind: 'toText', arg });
export const agg = (fn: AggFn, arg: Expr | null = null, filter: Pred | null = null): Expr => f({ kind: 'agg', fn, arg, filter });
export const count = (filter: Pred | null = null): Expr => agg('count', null, filter);
export const totalCount = (): Expr => f({ kind: 'totalCount' });
export const ref = (alias: string): Expr => f({ kind: 'ref', alias });
export const unnested = (name: UnnestFieldName): Expr => f({ kind: 'unnested', name });

export const TRUE: Pred = f({ kind: 'true' });
export const cmp = (op: CmpOp, left: Expr, right: Expr): Pred => f({ kind: 'cmp', op, left, right });
export const eq = (left: Expr, right: Expr): Pred => cmp('=', left, right);
export const inList = (expr: Expr, values: readonly LiteralValue[]): Pred => f({ kind: 'in', expr, values: f([...values]) });
export const isNull = (expr: Expr): Pred => f({ kind: 'isNull', expr });
export const isTrue = (expr: Expr): Pred => f({ kind: 'isTrue', expr });
export const not = (pred: Pred): Pred => f({ kind: 'not', pred });
export const notTrue = (pred: Pred): Pred => f({ kind: 'notTrue', pred });
export const contains = (expr: Expr, needle: string, caseInsensitive = false): Pred =>
  f({ kind: 'contains', expr, needle, caseInsensitive });
export const ipRange = (expr: Expr, family: 'ipv4' | 'ipv6', lo: string, hi: string): Pred =>
  f({ kind: 'ipRange', expr, family, lo, hi });
export const anyResourceArn = (values: readonly string[]): Pred => f({ kind: 'anyResourceArn', values: f([...values]) });

/** AND that drops TRUE operands and flattens nested ANDs. */
export function and(...preds: Pred[]): Pred {
  const flat = preds.flatMap((p) => (p.kind === 'and' ? p.preds : p.kind === 'true' ? [] : [p]));
  if (flat.length === 0) return TRUE;
  if (flat.length === 1) return flat[0];
  return f({ kind: 'and', preds: f(flat) });
}

export function or(...preds: Pred[]): Pred {
  if (preds.length === 0) throw new Error('or() needs at least one predicate');
  if (preds.length === 1) return preds[0];
  return f({ kind: 'or', preds: f([...preds]) });
}

export const asc = (expr: Expr): OrderItem => f({ expr, dir: 'asc' as const });
export const desc = (expr: Expr): OrderItem => f({ expr, dir: 'desc' as const });
export const item = (alias: string, expr: Expr): SelectItem => {
  if (!/^[a-z_][a-z0-9_]*$/.test(alias)) throw new Error(`bad alias ${alias}`);
  return f({ alias, expr });
};

/** Expansion of each event into the rows of `source`, keeping those that pass `where`. */
export function unnest(source: UnnestSource, where: Pred = TRUE): Unnest {
  return f({ kind: 'unnest', source, where });
}

export function select(parts: {
  plan: PartitionPlan;
  where: Pred;
  unnest?: Unnest | null;
  select: readonly SelectItem[];
  groupBy?: readonly Expr[];
  having?: Pred | null;
  orderBy?: readonly OrderItem[];
  limit?: number | null;
}): EventSelect {
  return f({
    kind: 'select',
    plan: parts.plan,
    where: parts.where,
    unnest: parts.unnest ?? null,
    select: f([...parts.select]),
    groupBy: f([...(parts.groupBy ?? [])]),
    having: parts.having ?? null,
    orderBy: f([...(parts.orderBy ?? [])]),
    limit: parts.limit ?? null,
  });
}

export function topPerGroup(inner: EventSelect, partitionBy: readonly string[], orderBy: readonly OrderItem[], limit: number): TopPerGroup {
  return f({ kind: 'topPerGroup', inner, partitionBy: f([...partitionBy]), orderBy: f([...orderBy]), limit });
}
