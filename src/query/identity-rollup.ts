import { createHash } from 'node:crypto';
import { IDENTITY_SUMMARY } from './identity-queries';
import type { AggFn, Expr, LiteralValue, Pred, Query } from './ir';
import type { FieldName } from './fields';
import { count, field } from './ir-builders';

/**
 * The rollups of the Parquet tier: pure definitions and the matchers that decide which queries
 * they answer (the DuckDB side is src/sql/duckdb-rollup-compiler.ts).
 *
 * The identity rollup: principal summaries pre-aggregated per hour when a day is compacted, so
 * that "who was active, how much" over a month reads a few hundred thousand rows instead of every
 * event (the Parquet tier's `_rollup/identities.parquet` beside each compacted output).
 *
 * A row per (principal, hour, effective account, region, delivery folder) with the summary's
 * aggregates. Every aggregate of IDENTITY_SUMMARY decomposes (counts add up, minima and maxima of
 * parts are the minimum and maximum of the whole), so a summary over whole hours is the merge of
 * the rows of those hours: exactly what the events give.
 */
export const ROLLUP_HOUR_MS = 3_600_000;

export type RollupMerge = 'sum' | 'min' | 'max';

export interface RollupMeasure {
  /** its column in the rollup (the summary's alias) */
  readonly alias: string;
  /** the aggregate over events, as identity queries write it */
  readonly expr: Extract<Expr, { kind: 'agg' }>;
  /** how rows of the rollup combine */
  readonly merge: RollupMerge;
}

/** Filter fields the rollup keeps as columns, with their column names. */
export const ROLLUP_FILTER_COLUMNS = { identityKey: 'identity_key', account: 'tg_account', awsRegion: 'aws_region' } as const;
type FilterField = keyof typeof ROLLUP_FILTER_COLUMNS;

const MERGE: Partial<Record<AggFn, RollupMerge>> = { count: 'sum', min: 'min', max: 'max' };

export const ROLLUP_KEY: Expr = field('identityKey');

export const ROLLUP_MEASURES: readonly RollupMeasure[] = IDENTITY_SUMMARY.filter((i) => i.expr.kind === 'agg').map((i) => {
  const expr = i.expr as Extract<Expr, { kind: 'agg' }>;
  const merge = MERGE[expr.fn];
  if (!merge) throw new Error(`the identity rollup cannot merge ${expr.fn} (${i.alias})`);
  return Object.freeze({ alias: i.alias, expr, merge });
});

/**
 * The facet rollup: per principal, UTC day, effective account, region and delivery folder, how
 * many events carried each value of a few fields (`_rollup/facets.parquet`). It answers a
 * principal's top values of those fields (Identity.sourceIps, userAgents, topEvents, regions) over whole
 * days; counts add up, so a day's rows merge exactly. Hours would not shrink it (a principal's
 * calls change by the hour), days do (~40-300x fewer rows than events on a generated 10 M lake).
 */
export const FACET_DAY_MS = 86_400_000;
export const FACET_FIELDS = ['sourceIp', 'userAgent', 'eventName', 'awsRegion'] as const satisfies readonly FieldName[];
export type FacetField = (typeof FACET_FIELDS)[number];

/** Changes whenever what a rollup row holds changes: rollups of another definition are not read. */
export const ROLLUP_DIGEST = createHash('sha256')
  .update(JSON.stringify({ v: 2, key: ROLLUP_KEY, filters: ROLLUP_FILTER_COLUMNS, measures: ROLLUP_MEASURES, facets: FACET_FIELDS, facetGrain: 'day' }))
  .digest('base64url')
  .slice(0, 16);

export interface InstantRange {
  readonly from: Date;
  readonly to: Date;
}

/**
 * A query the rollup answers: its whole hours (read from the rollup), the partial hours at either
 * end of its range (read from the events), and the filters to apply to both.
 */
export interface RollupMatch {
  /** the whole hours of the range: [first whole hour, end of the last whole hour) */
  readonly from: Date;
  readonly to: Date;
  /** the parts of the range outside whole hours (none, one or two, each within an hour) */
  readonly edges: readonly InstantRange[];
  /** IN lists on the rollup's filter columns (ROLLUP_FILTER_COLUMNS) */
  readonly filters: readonly Pred[];
}

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

/** The rollup measure an expression is, if any. */
export function rollupMeasure(e: Expr): RollupMeasure | undefined {
  return e.kind === 'agg' ? ROLLUP_MEASURES.find((m) => same(m.expr, e)) : undefined;
}

export const isRollupKey = (e: Expr): boolean => same(e, ROLLUP_KEY);

/**
 * Whether the rollup answers a query exactly, and how: a summary per principal (grouped by the
 * principal only, every selected value the key or a rollup measure, HAVING and ORDER BY over
 * those), whose events are filtered by a time range and, optionally, IN lists of accounts,
 * regions or principals. The range's whole hours are read from the rollup and its partial hours at
 * either end from the events; a range holding no whole hour, another filter, another aggregate or
 * an expansion is answered from the events alone.
 */
export function matchIdentityRollup(q: Query): RollupMatch | null {
  if (q.kind !== 'select' || q.unnest !== null || q.groupBy.length !== 1 || !isRollupKey(q.groupBy[0])) return null;
  const aliases = new Set<string>();
  for (const i of q.select) {
    if (!isRollupKey(i.expr) && !rollupMeasure(i.expr)) return null;
    aliases.add(i.alias);
  }
  const known = (e: Expr): boolean => isRollupKey(e) || rollupMeasure(e) !== undefined || e.kind === 'literal' || (e.kind === 'ref' && aliases.has(e.alias));
  if (q.having && !predOver(q.having, known)) return null;
  if (!q.orderBy.every((o) => known(o.expr))) return null;

  return rangeSplit(q.where, ROLLUP_HOUR_MS);
}

/**
 * A range and IN filters (the where of a query a rollup can answer), split at the rollup's grain:
 * the whole units read from the rollup, the partial ones at either end from the events. Null for
 * any other conjunct, or a range holding no whole unit.
 */
function rangeSplit(where: Pred, grainMs: number): RollupMatch | null {
  let from = -Infinity;
  let to = Infinity;
  const filters: Pred[] = [];
  const conjuncts = where.kind === 'and' ? where.preds : where.kind === 'true' ? [] : [where];
  for (const p of conjuncts) {
    if (p.kind === 'cmp' && same(p.left, field('eventTime')) && p.right.kind === 'instant') {
      if (p.op === '>=') from = Math.max(from, p.right.value.getTime());
      else if (p.op === '<') to = Math.min(to, p.right.value.getTime());
      else return null;
    } else if (p.kind === 'in' && p.expr.kind === 'field' && p.expr.name in ROLLUP_FILTER_COLUMNS && p.values.every(isText)) {
      filters.push(p);
    } else return null;
  }
  if (!Number.isFinite(from) || !Number.isFinite(to)) return null;
  const first = Math.ceil(from / grainMs) * grainMs;
  const end = Math.floor(to / grainMs) * grainMs;
  if (first >= end) return null;
  const edges = [
    ...(from < first ? [{ from: new Date(from), to: new Date(first) }] : []),
    ...(end < to ? [{ from: new Date(end), to: new Date(to) }] : []),
  ];
  return { from: new Date(first), to: new Date(end), edges, filters };
}

/** A query the facet rollup answers: which field, and the range split and filters as for the identity rollup. */
export interface FacetMatch extends RollupMatch {
  readonly facet: FacetField;
}

/**
 * Whether the facet rollup answers a query: the top values of one facet field per principal
 * (identityTopValuesQuery: principal, value and count, grouped by the two, ranked per principal),
 * filtered as the identity rollup requires (a range, split at days here, and IN lists).
 */
export function matchFacetRollup(q: Query): FacetMatch | null {
  if (q.kind !== 'topPerGroup') return null;
  const inner = q.inner;
  if (inner.unnest !== null || inner.having !== null || inner.groupBy.length !== 2 || !isRollupKey(inner.groupBy[0])) return null;
  const value = inner.groupBy[1];
  const facet = FACET_FIELDS.find((f) => same(value, field(f)));
  if (!facet) return null;
  const shape = inner.select.map((i) => [i.alias, i.expr]);
  if (!same(shape, [['identity_key', ROLLUP_KEY], ['value', value], ['value_count', count()]])) return null;
  if (!same(q.partitionBy, ['identity_key'])) return null;
  if (!q.orderBy.every((o) => o.expr.kind === 'ref' && ['identity_key', 'value', 'value_count'].includes(o.expr.alias))) return null;
  const split = rangeSplit(inner.where, FACET_DAY_MS);
  return split && { ...split, facet };
}

/** The rollup column of a filter field (see ROLLUP_FILTER_COLUMNS). */
export function rollupFilterColumn(e: Expr): string | undefined {
  return e.kind === 'field' && e.name in ROLLUP_FILTER_COLUMNS ? ROLLUP_FILTER_COLUMNS[e.name as FilterField] : undefined;
}

const isText = (v: LiteralValue): boolean => typeof v === 'string';

/** Whether every expression a HAVING test reads is one `known` accepts. */
function predOver(p: Pred, known: (e: Expr) => boolean): boolean {
  switch (p.kind) {
    case 'true':
      return true;
    case 'cmp':
      return known(p.left) && known(p.right);
    case 'in':
    case 'isNull':
    case 'isTrue':
      return known(p.expr);
    case 'and':
    case 'or':
      return p.preds.every((x) => predOver(x, known));
    case 'not':
    case 'notTrue':
      return predOver(p.pred, known);
    default:
      return false;
  }
}
