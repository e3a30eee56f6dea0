import type { FieldName, JsonFieldName, UnnestFieldName, UnnestSource } from './fields';
import type { AccountScope } from '../domain/principal';

/**
 * The engine-neutral query model. Nodes are frozen plain objects with a `kind`, made only by the
 * constructors in ir-builders.ts. The compilers in src/sql render them; nothing here does I/O.
 */
export type TimeUnit = 'MINUTE' | 'HOUR' | 'DAY' | 'WEEK' | 'MONTH';
export type LiteralValue = string | number | boolean | null;

export type Expr =
  | { readonly kind: 'field'; readonly name: FieldName }
  | { readonly kind: 'literal'; readonly value: LiteralValue }
  | { readonly kind: 'instant'; readonly value: Date }
  /** Text of the value at a key path: scalars unquoted, objects and arrays as JSON text. */
  | { readonly kind: 'jsonText'; readonly field: JsonFieldName; readonly path: readonly string[] }
  /** JSON text of the subtree at a key path (for substring tests on it). */
  | { readonly kind: 'jsonSubtree'; readonly field: JsonFieldName; readonly path: readonly string[] }
  | { readonly kind: 'bucket'; readonly unit: TimeUnit; readonly arg: Expr }
  | { readonly kind: 'hourOfDay'; readonly arg: Expr }
  | { readonly kind: 'dayOfWeek'; readonly arg: Expr }
  | { readonly kind: 'toText'; readonly arg: Expr }
  | { readonly kind: 'agg'; readonly fn: AggFn; readonly arg: Expr | null; readonly filter: Pred | null }
  /** Sum of count(*) over all groups: the total behind a grouped result. */
  | { readonly kind: 'totalCount' }
  /** A select-list alias, for ORDER BY / outer queries. */
  | { readonly kind: 'ref'; readonly alias: string }
  /** A field of the row an event was expanded into (only in a select with the matching `unnest`). */
  | { readonly kind: 'unnested'; readonly name: UnnestFieldName };

export type AggFn = 'count' | 'countDistinct' | 'min' | 'max' | 'anyValue';

export type CmpOp = '=' | '<>' | '<' | '<=' | '>' | '>=';

export type Pred =
  | { readonly kind: 'true' }
  | { readonly kind: 'cmp'; readonly op: CmpOp; readonly left: Expr; readonly right: Expr }
  | { readonly kind: 'in'; readonly expr: Expr; readonly values: readonly LiteralValue[] }
  | { readonly kind: 'and'; readonly preds: readonly Pred[] }
  | { readonly kind: 'or'; readonly preds: readonly Pred[] }
  | { readonly kind: 'not'; readonly pred: Pred }
  /** NOT, with unknown (NULL) counted as false first: rows where the test cannot apply are kept. */
  | { readonly kind: 'notTrue'; readonly pred: Pred }
  | { readonly kind: 'isNull'; readonly expr: Expr }
  | { readonly kind: 'isTrue'; readonly expr: Expr }
  /** Substring test; case-insensitive folds both sides to lower case. */
  | { readonly kind: 'contains'; readonly expr: Expr; readonly needle: string; readonly caseInsensitive: boolean }
  /** Address within [lo, hi], both as fixed-width lower-case hex (8 digits v4, 32 digits v6). */
  | { readonly kind: 'ipRange'; readonly expr: Expr; readonly family: 'ipv4' | 'ipv6'; readonly lo: string; readonly hi: string }
  /** Some resources[] entry has an ARN (or ARNPrefix) in the list. */
  | { readonly kind: 'anyResourceArn'; readonly values: readonly string[] };

export interface SelectItem {
  readonly alias: string;
  readonly expr: Expr;
}

export interface OrderItem {
  readonly expr: Expr;
  readonly dir: 'asc' | 'desc';
}

/** Which delivery partitions a query reads (see partition-planner.ts). */
export interface PartitionPlan {
  readonly kind: 'partitions';
  /** first and last delivery day, inclusive, YYYY-MM-DD */
  readonly firstDay: string;
  readonly lastDay: string;
  /**
   * The principal's account scope. Required: the compiler refuses a plan without one, and a
   * scoped plan's rows are restricted to `accounts` (scope ∩ requested) by the statement itself.
   */
  readonly scope: AccountScope;
  /** null = every account; for a scoped principal, the scope ∩ the requested accounts (never empty) */
  readonly accounts: readonly string[] | null;
  /** null = every region; when set it includes us-east-1 for global-service events */
  readonly regions: readonly string[] | null;
}

/**
 * Expands each de-duplicated event into one row per element of `source` (events without elements
 * yield no row); `where` keeps expanded rows and may use the source's unnested fields.
 */
export interface Unnest {
  readonly kind: 'unnest';
  readonly source: UnnestSource;
  readonly where: Pred;
}

/** SELECT over the de-duplicated events of a partition plan (or over their expanded rows). */
export interface EventSelect {
  readonly kind: 'select';
  readonly plan: PartitionPlan;
  /** tests each event, before de-duplication and expansion */
  readonly where: Pred;
  readonly unnest: Unnest | null;
  readonly select: readonly SelectItem[];
  readonly groupBy: readonly Expr[];
  readonly having: Pred | null;
  readonly orderBy: readonly OrderItem[];
  readonly limit: number | null;
}

/** Keeps the first `limit` rows of each group of `partitionBy` (aliases of the inner select). */
export interface TopPerGroup {
  readonly kind: 'topPerGroup';
  readonly inner: EventSelect;
  readonly partitionBy: readonly string[];
  readonly orderBy: readonly OrderItem[];
  readonly limit: number;
}

export type Query = EventSelect | TopPerGroup;

export function assertNever(x: never, what = 'node'): never {
  throw new Error(`unhandled ${what}: ${JSON.stringify(x)}`);
}
