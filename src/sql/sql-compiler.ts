import { catalogueColumn, CLOUDTRAIL_COLUMNS } from '../domain/column-catalogue';
import { UNNEST_FIELDS, type FieldName, type UnnestSource } from '../query/fields';
import {
  assertNever,
  type EventSelect,
  type Expr,
  type LiteralValue,
  type OrderItem,
  type PartitionPlan,
  type Pred,
  type Query,
  type TimeUnit,
  type TopPerGroup,
  type Unnest,
} from '../query/ir';
import { field, inList } from '../query/ir-builders';
import { VALID_RECORD } from '../query/valid-record';
import type { CompiledSql, SqlDialectName, SqlParam } from './compiled-sql';
import { fieldSql } from './field-sql';
import { encodeString } from './literal-encoder';
import { unnestColumns, unnestedFieldSql, type UnnestColumn } from './unnest-sql';

/**
 * Renders the IR to SQL. One visitor for every dialect; a dialect overrides the hooks below
 * (STYLE.md habit 3). Statement shape, for every query:
 *
 *   WITH ev AS (source rows + parsed time, effective account, content hash; partition pruning)
 *      , dd AS (filtered rows, one per (eventid, content hash): duplicate deliveries count once)
 *   SELECT ... FROM dd ...
 *
 * A select that unnests reads `FROM <dd expanded into one row per element>` instead, with its
 * own WHERE on the expanded rows; the two CTEs stay as they are.
 *
 * Filtering happens before de-duplication: a filter is a function of the record, so the copies
 * of a duplicate delivery pass or fail together.
 */
export abstract class SqlCompiler {
  abstract readonly dialect: SqlDialectName;
  private params: SqlParam[] = [];
  private columns = new Set<string>();
  /** the full catalogue paths referenced (`useridentity.arn`; a top-level name: the whole column) */
  private paths = new Set<string>();
  /** the source the select being rendered expands (its unnested fields are in scope), if any */
  private unnesting: UnnestSource | null = null;

  compile(query: Query): CompiledSql {
    this.params = [];
    this.columns = new Set();
    this.paths = new Set();
    this.prologue();
    const body = this.query(query);
    // The source is rendered last: by then every catalogue column the statement reads is known,
    // so a dialect can read only those.
    const root = query.kind === 'select' ? query : query.inner;
    const sql = body.replace(SOURCE, () => this.sourceRelation(root.plan, this.columns));
    return Object.freeze({ dialect: this.dialect, sql, params: Object.freeze([...this.params]) });
  }

  /** A catalogue column path as SQL (identifiers come only from the catalogue); records its use. */
  col(path: string): string {
    catalogueColumn(path);
    this.columns.add(path.split('.')[0]);
    this.paths.add(path);
    return path;
  }

  // ---- dialect hooks -------------------------------------------------------------------------
  /** Whether a page's shown columns may be extracted after the page is cut (see latePage). */
  protected latePageColumns(): boolean {
    return false;
  }

  /** A relation aliased `dd` over the page relation with the given catalogue paths re-extracted. */
  protected rematerialize(_page: string, _paths: ReadonlySet<string>): string {
    throw new Error(`${this.dialect} does not re-extract columns`);
  }

  /**
   * `dd` joined with its rows' parallel arrays unnested side by side (element i of each array makes
   * row i, aliased by the column's alias); events whose arrays are empty or NULL yield no row.
   */
  protected abstract unnestRelation(columns: readonly UnnestColumn[]): string;

  /**
   * The source columns `ev` carries on (everything by default). A dialect whose source holds the
   * whole record keeps it only when a late page re-reads it: carried through de-duplication it
   * would be materialised for every row.
   */
  protected sourceColumns(_keepRecord: boolean): string {
    return 'src.*';
  }

  /** A row's eventTime as a timestamp (NULL when it does not parse); a source may hold it parsed. */
  protected eventTime(): string {
    return this.parseTime(`src.${this.col('eventtime')}`);
  }

  /** SQL that stands for an expression instead of its usual rendering (a dialect reading pre-aggregated rows). */
  protected exprOverride(_e: Expr): string | undefined {
    return undefined;
  }

  /** Runs before rendering (a dialect may bind its source's parameters first). */
  protected prologue(): void {}

  /** FROM-clause relation exposing (at least) the given top-level catalogue columns, aliased `src`. */
  protected abstract sourceRelation(plan: PartitionPlan, columns: ReadonlySet<string>): string;
  /** Partition pruning predicate over `src`, or null when the source is already pruned. */
  protected abstract partitionPredicate(plan: PartitionPlan): string | null;
  /** The account of the partition a row was read from. */
  protected abstract partitionAccount(): string;
  /** A value rendered as SQL: a bound parameter or an encoded literal. */
  protected abstract value(v: LiteralValue | Date): string;
  protected abstract stringList(values: readonly string[]): string;
  abstract parseTime(text: string): string;
  abstract jsonText(json: string, path: readonly string[]): string;
  abstract jsonSubtree(json: string, path: readonly string[]): string;
  abstract toJsonText(complex: string): string;
  abstract rowHash(columns: readonly string[]): string;
  abstract dayOfWeek(ts: string): string;
  abstract anyValue(arg: string): string;
  abstract ipHex(ip: string, family: 'ipv4' | 'ipv6'): string;
  abstract anyResourceArn(arnList: string): string;
  /** An array of the given element expressions. */
  abstract arrayOf(items: readonly string[]): string;
  /** The array of one member of each struct in an array of structs. */
  abstract arrayMember(array: string, member: string): string;
  /** Whole-string match of a constant pattern (RE2 syntax in both engines). */
  abstract regexFull(text: string, pattern: string): string;

  /** Constants chosen by code (not by clients) use the audited encoder in every dialect. */
  constant(s: string): string {
    return encodeString(s);
  }

  /** Top-level catalogue columns referenced since the last compile. */
  protected usedColumns(): ReadonlySet<string> {
    return this.columns;
  }

  /** The catalogue paths referenced since the last compile (see recordStructure). */
  protected usedPaths(): ReadonlySet<string> {
    return this.paths;
  }

  /** Parameters bound since the last compile (for statements a dialect builds itself). */
  protected takeParams(): SqlParam[] {
    const out = this.params;
    this.params = [];
    return out;
  }

  protected bind(param: SqlParam): string {
    this.params.push(param);
    return `$${this.params.length}`;
  }

  /**
   * A list of lake file paths (or patterns) as a parameter, marked so explain never shows them:
   * `what` is shown instead ("12 Parquet files").
   */
  protected bindFiles(files: readonly string[], what: string): string {
    return this.bind({ type: 'VARCHAR[]', value: [...files], files: what });
  }

  // ---- statement ------------------------------------------------------------------------------
  private query(q: Query): string {
    switch (q.kind) {
      case 'select':
        return this.isPage(q) && this.latePageColumns() ? this.latePage(q) : `${this.ctes(q)}\n${this.selectBody(q, true)}`;
      case 'topPerGroup':
        return this.topPerGroup(q);
      default:
        return assertNever(q, 'query');
    }
  }

  private ctes(q: EventSelect): string {
    const prune = this.partitionPredicate(q.plan);
    const ev =
      `ev AS (\n  SELECT ${this.sourceColumns(this.isPage(q) && this.latePageColumns())}, ${this.eventTime()} AS tg_time, ` +
      `coalesce(nullif(src.${this.col('recipientaccountid')}, ''), ${this.partitionAccount()}) AS tg_account, ` +
      `${this.rowHash(DEDUP_COLUMNS.map((c) => `src.${c}`))} AS tg_hash\n  FROM ${SOURCE}` +
      (prune ? `\n  WHERE ${prune}` : '') +
      '\n)';
    const valid = this.pred(VALID_RECORD);
    const scope = this.scopePredicate(q.plan);
    const where = `${valid}${scope ? ` AND ${scope}` : ''}${q.where.kind === 'true' ? '' : ` AND ${this.pred(q.where)}`}`;
    return `WITH ${ev},\n${this.dedup(this.col('eventid'), where)}`;
  }

  /**
   * The `dd` CTE: the rows of `ev` that pass `where`, one per (eventid, content hash). Duplicates
   * are byte-identical records, so which copy is kept does not matter. Default: a row_number
   * window without ORDER BY, filtered to the first row.
   */
  protected dedup(eventId: string, where: string): string {
    return (
      `dd AS (\n  SELECT * FROM (\n    SELECT ev.*, row_number() OVER (PARTITION BY ev.${eventId}, ev.tg_hash) AS tg_rn\n` +
      `    FROM ev\n    WHERE ${where}\n  ) AS d WHERE tg_rn = 1\n)`
    );
  }

  /**
   * The row-level access rule, rendered into every statement: a scoped plan keeps only rows of its
   * accounts (scope ∩ requested). A plan without a scope is refused rather than read unscoped.
   */
  protected scopePredicate(plan: PartitionPlan): string | null {
    if (plan.scope !== '*' && !Array.isArray(plan.scope)) throw new Error('refusing to render a query without a principal scope');
    if (plan.scope === '*') return null;
    const accounts = plan.accounts ?? [];
    if (accounts.length === 0 || accounts.some((a) => !plan.scope.includes(a))) throw new Error('refusing to render accounts outside the principal scope');
    return this.pred(inList(field('account'), accounts));
  }

  private selectBody(q: EventSelect, withOrder: boolean): string {
    this.unnesting = q.unnest?.source ?? null;
    try {
      const items = q.select.map((i) => `${this.expr(i.expr)} AS ${i.alias}`).join(', ');
      let sql = `SELECT ${items}\nFROM ${q.unnest ? this.unnestFrom(q.unnest) : 'dd'}`;
      if (q.groupBy.length > 0) sql += `\nGROUP BY ${q.groupBy.map((e) => this.expr(e)).join(', ')}`;
      if (q.having) sql += `\nHAVING ${this.pred(q.having)}`;
      if (withOrder && q.orderBy.length > 0) sql += `\nORDER BY ${this.order(q.orderBy)}`;
      if (withOrder && q.limit !== null) sql += `\nLIMIT ${checkedLimit(q.limit)}`;
      return sql;
    } finally {
      this.unnesting = null;
    }
  }

  /** The expanded rows of dd, and the test that keeps them (after expansion, before grouping). */
  private unnestFrom(u: Unnest): string {
    const relation = this.unnestRelation(unnestColumns(u.source, this));
    return u.where.kind === 'true' ? relation : `${relation}\nWHERE ${this.pred(u.where)}`;
  }

  /** A page of rows (no grouping, a limit, no aggregates): the shape events listings have. */
  private isPage(q: EventSelect): boolean {
    return q.unnest === null && q.groupBy.length === 0 && q.having === null && q.limit !== null && !q.select.some((i) => i.expr.kind === 'agg' || i.expr.kind === 'totalCount');
  }

  /**
   * A page whose dialect can re-read a row's columns (see rematerialize): filter, order and cut the
   * page on the few columns those need, then extract everything the page shows for its rows only.
   */
  private latePage(q: EventSelect): string {
    const head = this.ctes(q);
    const order = this.order(q.orderBy);
    const [pageColumns, pagePaths] = [this.columns, this.paths];
    [this.columns, this.paths] = [new Set(), new Set()];
    const items = q.select.map((i) => `${this.expr(i.expr)} AS ${i.alias}`).join(', ');
    const finalOrder = this.order(q.orderBy);
    const shown = this.paths;
    [this.columns, this.paths] = [pageColumns, pagePaths];
    return (
      `${head},\npg AS (\n  SELECT * FROM dd\n  ORDER BY ${order}\n  LIMIT ${checkedLimit(q.limit as number)}\n)\n` +
      `SELECT ${items}\nFROM ${this.rematerialize('pg', shown)}\nORDER BY ${finalOrder}`
    );
  }

  private topPerGroup(q: TopPerGroup): string {
    return `${this.ctes(q.inner)},\ng AS (\n${this.selectBody(q.inner, false)}\n)\n${this.rankedRows(q)}`;
  }

  /** The first `limit` rows of each group of a relation named `g` holding the inner select's rows. */
  protected rankedRows(q: TopPerGroup): string {
    const parts = q.partitionBy.join(', ');
    return (
      `SELECT * FROM (\n  SELECT g.*, row_number() OVER (PARTITION BY ${parts} ORDER BY ${this.order(q.orderBy)}) AS tg_rank FROM g\n) AS r\n` +
      `WHERE tg_rank <= ${checkedLimit(q.limit)}\nORDER BY ${parts}, tg_rank`
    );
  }

  protected order(items: readonly OrderItem[]): string {
    return items.map((o) => `${this.expr(o.expr)} ${o.dir === 'asc' ? 'ASC' : 'DESC'}`).join(', ');
  }

  // ---- expressions ----------------------------------------------------------------------------
  field(name: FieldName): string {
    return fieldSql(name, this);
  }

  expr(e: Expr): string {
    const replaced = this.exprOverride(e);
    if (replaced !== undefined) return replaced;
    switch (e.kind) {
      case 'field':
        return this.field(e.name);
      case 'literal':
        return this.value(e.value);
      case 'instant':
        return this.value(e.value);
      case 'jsonText':
        return this.jsonText(this.field(e.field), e.path);
      case 'jsonSubtree':
        return this.jsonSubtree(this.field(e.field), e.path);
      case 'bucket':
        return `date_trunc(${this.constant(UNIT[e.unit])}, ${this.expr(e.arg)})`;
      case 'hourOfDay':
        return `lpad(CAST(hour(${this.expr(e.arg)}) AS VARCHAR), 2, '0')`;
      case 'dayOfWeek':
        return `CAST(${this.dayOfWeek(this.expr(e.arg))} AS VARCHAR)`;
      case 'toText':
        return `CAST(${this.expr(e.arg)} AS VARCHAR)`;
      case 'agg':
        return this.aggregate(e);
      case 'totalCount':
        return 'CAST(sum(count(*)) OVER () AS BIGINT)';
      case 'ref':
        return e.alias;
      case 'unnested':
        if (UNNEST_FIELDS[e.name] !== this.unnesting) throw new Error(`${e.name} is only in scope in a select that unnests ${UNNEST_FIELDS[e.name]}`);
        return unnestedFieldSql(e.name);
      default:
        return assertNever(e, 'expression');
    }
  }

  private aggregate(e: Extract<Expr, { kind: 'agg' }>): string {
    const filter = e.filter ? ` FILTER (WHERE ${this.pred(e.filter)})` : '';
    const arg = () => {
      if (!e.arg) throw new Error(`${e.fn} needs an argument`);
      return this.expr(e.arg);
    };
    switch (e.fn) {
      case 'count':
        return e.arg ? `count(${arg()})${filter}` : `count(*)${filter}`;
      case 'countDistinct':
        return `count(DISTINCT ${arg()})${filter}`;
      case 'min':
        return `min(${arg()})${filter}`;
      case 'max':
        return `max(${arg()})${filter}`;
      case 'anyValue':
        return `${this.anyValue(arg())}${filter}`;
      default:
        return assertNever(e.fn, 'aggregate');
    }
  }

  pred(p: Pred): string {
    switch (p.kind) {
      case 'true':
        return 'TRUE';
      case 'cmp':
        return `(${this.expr(p.left)} ${p.op} ${this.expr(p.right)})`;
      case 'in':
        if (p.values.length === 0) return 'FALSE';
        return `(${this.expr(p.expr)} IN (${p.values.map((v) => this.value(v)).join(', ')}))`;
      case 'and':
        return `(${p.preds.map((x) => this.pred(x)).join(' AND ')})`;
      case 'or':
        return `(${p.preds.map((x) => this.pred(x)).join(' OR ')})`;
      case 'not':
        return `(NOT ${this.pred(p.pred)})`;
      case 'notTrue':
        return `(NOT coalesce(${this.pred(p.pred)}, FALSE))`;
      case 'isNull':
        return `(${this.expr(p.expr)} IS NULL)`;
      case 'isTrue':
        return `coalesce(${this.expr(p.expr)}, FALSE)`;
      case 'contains': {
        const fold = (s: string) => (p.caseInsensitive ? `lower(${s})` : s);
        const needle = p.caseInsensitive ? p.needle.toLowerCase() : p.needle;
        return `(strpos(${fold(this.expr(p.expr))}, ${this.value(needle)}) > 0)`;
      }
      case 'ipRange':
        return `(${this.ipHex(this.expr(p.expr), p.family)} BETWEEN ${this.value(p.lo)} AND ${this.value(p.hi)})`;
      case 'anyResourceArn':
        return this.anyResourceArn(this.stringList(p.values));
      default:
        return assertNever(p, 'predicate');
    }
  }
}

/** Stands for the source relation until the statement's columns are known (NUL never occurs in SQL we emit). */
const SOURCE = '\u0000source\u0000';

const UNIT = { MINUTE: 'minute', HOUR: 'hour', DAY: 'day', WEEK: 'week', MONTH: 'month' } as const satisfies Record<TimeUnit, string>;

/**
 * The columns whose values tell two records apart. Real CloudTrail never reuses an eventID, so
 * this is equivalent to keying by eventID there; curated sets that reuse IDs for different events
 * keep every distinct record.
 */
export const DEDUP_COLUMNS = [
  'eventid', 'eventtime', 'eventsource', 'eventname', 'awsregion', 'recipientaccountid', 'sourceipaddress', 'useragent',
  'errorcode', 'errormessage', 'requestparameters', 'responseelements', 'additionaleventdata', 'useridentity', 'requestid',
  'eventtype', 'resources',
] as const;

const catalogued = new Set(CLOUDTRAIL_COLUMNS.map((c) => c.name));
for (const c of DEDUP_COLUMNS) if (!catalogued.has(c)) throw new Error(`dedup column ${c} is not catalogued`);

function checkedLimit(n: number): string {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`bad limit ${n}`);
  return String(n);
}
