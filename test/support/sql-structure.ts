import type { CompiledSql, SqlParam } from '../../src/sql/compiled-sql';

/**
 * A structural reading of the statements both compilers emit (the shape documented in
 * src/sql/sql-compiler.ts: `WITH ev AS (...), dd AS (...) SELECT ... FROM dd ...`), so the DuckDB
 * and the Trino text of one IR query can be compared for meaning rather than spelling.
 *
 * A small tokenizer and a light recursive parser (SELECT, AND/OR/NOT, comparisons, IN, BETWEEN,
 * IS NULL, CASE, CAST, calls with FILTER/OVER, lambdas, arrays) build a tree; the tree is then
 * normalised: DuckDB's `$n` become the values bound to them, Trino's literals are decoded, and the
 * few constructs the dialects spell differently (time parsing, JSON text, IP ranges, resource ARNs,
 * any_value, day of week) become one canonical call. Whatever is not a known pair stays as written,
 * so a spelling that drifts on one side shows up as a difference instead of being mapped away.
 *
 * It reads only what these compilers write; it is not a general SQL parser.
 */

// ---- tokens ---------------------------------------------------------------------------------------

type TokenKind = 'str' | 'qid' | 'num' | 'param' | 'word' | 'op' | 'punct';
interface Token {
  readonly kind: TokenKind;
  readonly text: string;
  /** decoded value: string contents, quoted identifier, number */
  readonly value?: string | number;
}

const OPS = ['<>', '!=', '<=', '>=', '||', '->', '=', '<', '>', '+', '-', '*', '/', '%'];
const PUNCT = '(),.[]{}:;';

export function tokenize(sql: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < sql.length) {
    const c = sql[i];
    if (/\s/.test(c)) {
      i++;
    } else if (sql.startsWith('--', i)) {
      while (i < sql.length && sql[i] !== '\n') i++;
    } else if (sql.startsWith('/*', i)) {
      const end = sql.indexOf('*/', i + 2);
      if (end < 0) throw new Error('unterminated comment');
      i = end + 2;
    } else if (c === "'" || c === '"') {
      // '' inside '...' is one quote (Trino and DuckDB alike); "" likewise inside "...".
      let j = i + 1;
      let text = '';
      for (;;) {
        if (j >= sql.length) throw new Error(`unterminated ${c} at ${i}`);
        if (sql[j] === c) {
          if (sql[j + 1] === c) {
            text += c;
            j += 2;
            continue;
          }
          break;
        }
        text += sql[j++];
      }
      out.push({ kind: c === "'" ? 'str' : 'qid', text: sql.slice(i, j + 1), value: text });
      i = j + 1;
    } else if (/[0-9]/.test(c)) {
      const m = /^[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)?/.exec(sql.slice(i))!;
      out.push({ kind: 'num', text: m[0], value: Number(m[0]) });
      i += m[0].length;
    } else if (c === '$' && /[0-9]/.test(sql[i + 1] ?? '')) {
      const m = /^\$([0-9]+)/.exec(sql.slice(i))!;
      out.push({ kind: 'param', text: m[0], value: Number(m[1]) });
      i += m[0].length;
    } else if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(sql.slice(i))!;
      out.push({ kind: 'word', text: m[0] });
      i += m[0].length;
    } else {
      const op = OPS.find((o) => sql.startsWith(o, i));
      if (op) {
        out.push({ kind: 'op', text: op });
        i += op.length;
      } else if (PUNCT.includes(c)) {
        out.push({ kind: 'punct', text: c });
        i++;
      } else {
        throw new Error(`unexpected character ${JSON.stringify(c)} at ${i}`);
      }
    }
  }
  return out;
}

// ---- tree ----------------------------------------------------------------------------------------

export interface OrderKey {
  readonly expr: Node;
  readonly dir: 'ASC' | 'DESC';
}
export interface WindowSpec {
  readonly partitionBy: readonly Node[];
  readonly orderBy: readonly OrderKey[];
}

export type Node =
  | { readonly k: 'lit'; readonly v: string | number | boolean | null }
  | { readonly k: 'list'; readonly items: readonly Node[] }
  | { readonly k: 'param'; readonly n: number }
  | { readonly k: 'instant'; readonly iso: string }
  | { readonly k: 'typed'; readonly type: string; readonly v: string }
  | { readonly k: 'col'; readonly path: readonly string[] }
  | { readonly k: 'star'; readonly qualifier: string | null }
  | {
      readonly k: 'fn';
      readonly name: string;
      readonly args: readonly Node[];
      readonly distinct: boolean;
      readonly filter: Node | null;
      readonly over: WindowSpec | null;
    }
  | { readonly k: 'cast'; readonly arg: Node; readonly type: string; readonly safe: boolean }
  | { readonly k: 'case'; readonly operand: Node | null; readonly whens: ReadonlyArray<readonly [Node, Node]>; readonly otherwise: Node | null }
  | { readonly k: 'and' | 'or'; readonly args: readonly Node[] }
  | { readonly k: 'not'; readonly arg: Node }
  | { readonly k: 'cmp' | 'bin'; readonly op: string; readonly l: Node; readonly r: Node }
  | { readonly k: 'isNull'; readonly arg: Node; readonly neg: boolean }
  | { readonly k: 'between'; readonly arg: Node; readonly lo: Node; readonly hi: Node; readonly neg: boolean }
  | { readonly k: 'in'; readonly arg: Node; readonly items: readonly Node[]; readonly neg: boolean }
  | { readonly k: 'lambda'; readonly params: readonly string[]; readonly body: Node }
  | { readonly k: 'struct'; readonly entries: ReadonlyArray<readonly [string, Node]> }
  | { readonly k: 'neg'; readonly arg: Node }
  | { readonly k: 'subquery'; readonly q: SelectNode };

export type FromNode =
  | { readonly k: 'table'; readonly path: readonly string[]; readonly alias: string | null }
  | { readonly k: 'subquery'; readonly q: SelectNode; readonly alias: string | null }
  | { readonly k: 'call'; readonly expr: Node; readonly alias: string | null }
  /** `left LEFT JOIN right ON on` (DuckDB's read of raw files skipping the census's copies) */
  | { readonly k: 'leftJoin'; readonly left: FromNode; readonly right: FromNode; readonly on: Node; readonly alias: null };

export interface SelectNode {
  readonly ctes: ReadonlyArray<{ readonly name: string; readonly q: SelectNode }>;
  /** `SELECT DISTINCT ON (keys) ...` (DuckDB's de-duplication), else null */
  readonly distinctOn: readonly Node[] | null;
  readonly items: ReadonlyArray<{ readonly expr: Node; readonly alias: string | null }>;
  readonly from: FromNode | null;
  readonly where: Node | null;
  readonly groupBy: readonly Node[];
  readonly having: Node | null;
  readonly orderBy: readonly OrderKey[];
  readonly limit: number | null;
}

// ---- parser --------------------------------------------------------------------------------------

/** Words that end an expression or a list where they appear (never column names in our SQL). */
const CLAUSE_WORDS = new Set(['FROM', 'WHERE', 'GROUP', 'HAVING', 'ORDER', 'LIMIT', 'AS', 'AND', 'OR', 'THEN', 'WHEN', 'ELSE', 'END', 'ASC', 'DESC', 'LEFT', 'JOIN', 'ON']);
const CMP_OPS = new Set(['=', '<>', '!=', '<', '<=', '>', '>=']);

class Parser {
  private i = 0;
  constructor(private readonly t: readonly Token[]) {}

  private peek(o = 0): Token | undefined {
    return this.t[this.i + o];
  }
  private isWord(w: string, o = 0): boolean {
    const tok = this.peek(o);
    return tok?.kind === 'word' && tok.text.toUpperCase() === w;
  }
  private isPunct(p: string, o = 0): boolean {
    const tok = this.peek(o);
    return tok?.kind === 'punct' && tok.text === p;
  }
  private isOp(p: string, o = 0): boolean {
    const tok = this.peek(o);
    return tok?.kind === 'op' && tok.text === p;
  }
  private next(): Token {
    const tok = this.t[this.i++];
    if (!tok) throw new Error('unexpected end of SQL');
    return tok;
  }
  private fail(what: string): never {
    const near = this.t
      .slice(this.i, this.i + 8)
      .map((x) => x.text)
      .join(' ');
    throw new Error(`expected ${what} near: ${near}`);
  }
  private word(w: string): void {
    if (!this.isWord(w)) this.fail(w);
    this.i++;
  }
  private punct(p: string): void {
    if (!this.isPunct(p)) this.fail(`'${p}'`);
    this.i++;
  }
  /** Consumes a comma when one follows. */
  private comma(): boolean {
    if (!this.isPunct(',')) return false;
    this.i++;
    return true;
  }
  private ident(): string {
    const tok = this.next();
    if (tok.kind === 'qid') return String(tok.value);
    if (tok.kind === 'word' && !CLAUSE_WORDS.has(tok.text.toUpperCase())) return tok.text.toLowerCase();
    this.i--;
    return this.fail('an identifier');
  }

  atEnd(): boolean {
    return this.i >= this.t.length;
  }

  statement(): SelectNode {
    const q = this.select();
    if (this.isPunct(';')) this.i++;
    if (!this.atEnd()) this.fail('the end of the statement');
    return q;
  }

  select(): SelectNode {
    const ctes: Array<{ name: string; q: SelectNode }> = [];
    if (this.isWord('WITH')) {
      this.i++;
      do {
        const name = this.ident();
        this.word('AS');
        this.punct('(');
        const q = this.select();
        this.punct(')');
        ctes.push({ name, q });
      } while (this.comma());
    }
    this.word('SELECT');
    let distinctOn: Node[] | null = null;
    if (this.isWord('DISTINCT') && this.isWord('ON', 1)) {
      this.i += 2;
      this.punct('(');
      distinctOn = this.exprList();
      this.punct(')');
    }
    const items: Array<{ expr: Node; alias: string | null }> = [];
    do {
      const expr = this.expr();
      let alias: string | null = null;
      if (this.isWord('AS')) {
        this.i++;
        alias = this.ident();
      }
      items.push({ expr, alias });
    } while (this.comma());
    let from: FromNode | null = null;
    if (this.isWord('FROM')) {
      this.i++;
      from = this.fromItem();
    }
    let where: Node | null = null;
    if (this.isWord('WHERE')) {
      this.i++;
      where = this.expr();
    }
    const groupBy: Node[] = [];
    if (this.isWord('GROUP')) {
      this.i++;
      this.word('BY');
      groupBy.push(...this.exprList());
    }
    let having: Node | null = null;
    if (this.isWord('HAVING')) {
      this.i++;
      having = this.expr();
    }
    const orderBy = this.isWord('ORDER') ? (this.i++, this.word('BY'), this.orderKeys()) : [];
    let limit: number | null = null;
    if (this.isWord('LIMIT')) {
      this.i++;
      const n = this.next();
      if (n.kind !== 'num') this.fail('a LIMIT number');
      limit = Number(n.value);
    }
    return { ctes, distinctOn, items, from, where, groupBy, having, orderBy, limit };
  }

  private fromItem(): FromNode {
    let node: FromNode;
    if (this.isPunct('(') && this.isWord('SELECT', 1)) {
      this.i++;
      const q = this.select();
      this.punct(')');
      node = { k: 'subquery', q, alias: null };
    } else {
      const path = [this.ident()];
      while (this.isPunct('.')) {
        this.i++;
        path.push(this.ident());
      }
      node = this.isPunct('(') ? { k: 'call', expr: this.call(path.join('.')), alias: null } : { k: 'table', path, alias: null };
    }
    if (this.isWord('AS')) {
      this.i++;
      node = { ...node, alias: this.ident() };
    }
    while (this.isWord('LEFT') && this.isWord('JOIN', 1)) {
      this.i += 2;
      const right = this.fromItem();
      this.word('ON');
      node = { k: 'leftJoin', left: node, right, on: this.expr(), alias: null };
    }
    return node;
  }

  private orderKeys(): OrderKey[] {
    const keys: OrderKey[] = [];
    do {
      const expr = this.expr();
      let dir: 'ASC' | 'DESC' = 'ASC';
      if (this.isWord('ASC') || this.isWord('DESC')) dir = this.next().text.toUpperCase() as 'ASC' | 'DESC';
      keys.push({ expr, dir });
    } while (this.comma());
    return keys;
  }

  private exprList(): Node[] {
    const out = [this.expr()];
    while (this.isPunct(',')) {
      this.i++;
      out.push(this.expr());
    }
    return out;
  }

  expr(): Node {
    return this.or();
  }

  private or(): Node {
    const args = [this.and()];
    while (this.isWord('OR')) {
      this.i++;
      args.push(this.and());
    }
    return args.length === 1 ? args[0] : { k: 'or', args };
  }

  private and(): Node {
    const args = [this.not()];
    while (this.isWord('AND')) {
      this.i++;
      args.push(this.not());
    }
    return args.length === 1 ? args[0] : { k: 'and', args };
  }

  private not(): Node {
    if (this.isWord('NOT')) {
      this.i++;
      return { k: 'not', arg: this.not() };
    }
    return this.predicate();
  }

  private predicate(): Node {
    const l = this.additive();
    if (this.isWord('IS')) {
      this.i++;
      const neg = this.isWord('NOT') ? (this.i++, true) : false;
      this.word('NULL');
      return { k: 'isNull', arg: l, neg };
    }
    const neg = this.isWord('NOT') && (this.isWord('BETWEEN', 1) || this.isWord('IN', 1)) ? (this.i++, true) : false;
    if (this.isWord('BETWEEN')) {
      this.i++;
      const lo = this.additive();
      this.word('AND');
      return { k: 'between', arg: l, lo, hi: this.additive(), neg };
    }
    if (this.isWord('IN')) {
      this.i++;
      this.punct('(');
      const items = this.exprList();
      this.punct(')');
      return { k: 'in', arg: l, items, neg };
    }
    const tok = this.peek();
    if (tok?.kind === 'op' && CMP_OPS.has(tok.text)) {
      this.i++;
      return { k: 'cmp', op: tok.text === '!=' ? '<>' : tok.text, l, r: this.additive() };
    }
    return l;
  }

  private additive(): Node {
    let l = this.multiplicative();
    while (this.isOp('+') || this.isOp('-') || this.isOp('||')) {
      const op = this.next().text;
      l = { k: 'bin', op, l, r: this.multiplicative() };
    }
    return l;
  }

  private multiplicative(): Node {
    let l = this.unary();
    while (this.isOp('*') || this.isOp('/') || this.isOp('%')) {
      const op = this.next().text;
      l = { k: 'bin', op, l, r: this.unary() };
    }
    return l;
  }

  private unary(): Node {
    if (this.isOp('-')) {
      this.i++;
      return { k: 'neg', arg: this.unary() };
    }
    return this.primary();
  }

  private primary(): Node {
    const tok = this.peek();
    if (!tok) return this.fail('an expression');
    switch (tok.kind) {
      case 'str':
        this.i++;
        return { k: 'lit', v: String(tok.value) };
      case 'num':
        this.i++;
        return { k: 'lit', v: Number(tok.value) };
      case 'param':
        this.i++;
        return { k: 'param', n: Number(tok.value) };
      case 'op':
        if (tok.text === '*') {
          this.i++;
          this.skipExclude();
          return { k: 'star', qualifier: null };
        }
        return this.fail('an expression');
      case 'punct':
        return this.bracketed();
      case 'qid':
        return this.path();
      case 'word':
        return this.wordExpr();
      default:
        return this.fail('an expression');
    }
  }

  private bracketed(): Node {
    if (this.isPunct('(')) {
      this.i++;
      if (this.isWord('SELECT') || this.isWord('WITH')) {
        const q = this.select();
        this.punct(')');
        return { k: 'subquery', q };
      }
      const e = this.expr();
      this.punct(')');
      return e;
    }
    if (this.isPunct('[')) return this.listLiteral();
    if (this.isPunct('{')) {
      this.i++;
      const entries: Array<[string, Node]> = [];
      while (!this.isPunct('}')) {
        const key = this.next();
        if (key.kind !== 'str' && key.kind !== 'word' && key.kind !== 'qid') this.fail('a struct key');
        this.punct(':');
        entries.push([String(key.value ?? key.text), this.expr()]);
        if (this.isPunct(',')) this.i++;
      }
      this.i++;
      return { k: 'struct', entries };
    }
    return this.fail('an expression');
  }

  private listLiteral(): Node {
    this.punct('[');
    const items = this.isPunct(']') ? [] : this.exprList();
    this.punct(']');
    return { k: 'list', items };
  }

  private wordExpr(): Node {
    const w = this.peek()!.text.toUpperCase();
    const nextTok = this.peek(1);
    if (w === 'NULL' || w === 'TRUE' || w === 'FALSE') {
      this.i++;
      return { k: 'lit', v: w === 'NULL' ? null : w === 'TRUE' };
    }
    if (w === 'CASE') return this.caseExpr();
    if ((w === 'CAST' || w === 'TRY_CAST') && this.isPunct('(', 1)) {
      this.i += 2;
      const arg = this.expr();
      this.word('AS');
      const type = this.typeName();
      this.punct(')');
      return { k: 'cast', arg, type, safe: w === 'TRY_CAST' };
    }
    if (w === 'ARRAY' && this.isPunct('[', 1)) {
      this.i++;
      return this.listLiteral();
    }
    if (w === 'LAMBDA') {
      // DuckDB: lambda x: body
      this.i++;
      const params = [this.ident()];
      while (this.isPunct(',')) {
        this.i++;
        params.push(this.ident());
      }
      this.punct(':');
      return { k: 'lambda', params, body: this.expr() };
    }
    if (nextTok?.kind === 'op' && nextTok.text === '->') {
      // Trino: x -> body
      const param = this.ident();
      this.i++;
      return { k: 'lambda', params: [param], body: this.expr() };
    }
    if (nextTok?.kind === 'str' && ['DOUBLE', 'DECIMAL', 'TIMESTAMP', 'DATE', 'REAL'].includes(w)) {
      this.i += 2;
      return { k: 'typed', type: w, v: String(nextTok.value) };
    }
    if (CLAUSE_WORDS.has(w) || w === 'SELECT') return this.fail('an expression');
    return this.path();
  }

  /**
   * DuckDB's `* EXCLUDE (col, ...)`: which columns a star carries on is a dialect's storage
   * detail (the record text), not part of the statement's structure, so it is skipped.
   */
  private skipExclude(): void {
    if (!this.isWord('EXCLUDE')) return;
    this.i++;
    this.punct('(');
    this.ident();
    while (this.isPunct(',')) {
      this.i++;
      this.ident();
    }
    this.punct(')');
  }

  /** A column path, a qualified star, or a call. */
  private path(): Node {
    const path = [this.ident()];
    while (this.isPunct('.')) {
      this.i++;
      if (this.isOp('*')) {
        this.i++;
        this.skipExclude();
        return { k: 'star', qualifier: path.join('.') };
      }
      path.push(this.ident());
    }
    if (this.isPunct('(')) return this.call(path.join('.'));
    return { k: 'col', path };
  }

  private call(name: string): Node {
    this.punct('(');
    let distinct = false;
    if (this.isWord('DISTINCT')) {
      this.i++;
      distinct = true;
    }
    const args = this.isPunct(')') ? [] : this.exprList();
    this.punct(')');
    let filter: Node | null = null;
    if (this.isWord('FILTER')) {
      this.i++;
      this.punct('(');
      this.word('WHERE');
      filter = this.expr();
      this.punct(')');
    }
    let over: WindowSpec | null = null;
    if (this.isWord('OVER')) {
      this.i++;
      this.punct('(');
      const partitionBy = this.isWord('PARTITION') ? (this.i++, this.word('BY'), this.exprList()) : [];
      const orderBy = this.isWord('ORDER') ? (this.i++, this.word('BY'), this.orderKeys()) : [];
      this.punct(')');
      over = { partitionBy, orderBy };
    }
    return { k: 'fn', name: name.toLowerCase(), args, distinct, filter, over };
  }

  private caseExpr(): Node {
    this.word('CASE');
    const operand = this.isWord('WHEN') ? null : this.expr();
    const whens: Array<[Node, Node]> = [];
    while (this.isWord('WHEN')) {
      this.i++;
      const cond = this.expr();
      this.word('THEN');
      whens.push([cond, this.expr()]);
    }
    let otherwise: Node | null = null;
    if (this.isWord('ELSE')) {
      this.i++;
      otherwise = this.expr();
    }
    this.word('END');
    return { k: 'case', operand, whens, otherwise };
  }

  /** A type name as written, upper-cased, up to the closing parenthesis of its CAST. */
  private typeName(): string {
    let depth = 0;
    let text = '';
    while (!(depth === 0 && this.isPunct(')'))) {
      const tok = this.next();
      if (tok.text === '(') depth++;
      if (tok.text === ')') depth--;
      text += tok.text.toUpperCase();
    }
    return text;
  }
}

export function parseStatement(sql: string): SelectNode {
  return new Parser(tokenize(sql)).statement();
}

// ---- normalisation --------------------------------------------------------------------------------

export type Dialect = CompiledSql['dialect'];

const fn = (name: string, args: readonly Node[]): Node => ({ k: 'fn', name, args, distinct: false, filter: null, over: null });
const isFn = (n: Node | undefined, name: string, arity?: number): n is Extract<Node, { k: 'fn' }> =>
  n?.k === 'fn' && n.name === name && !n.distinct && !n.filter && !n.over && (arity === undefined || n.args.length === arity);
const isLit = (n: Node | undefined, v?: string | number | boolean | null): n is Extract<Node, { k: 'lit' }> =>
  n?.k === 'lit' && (v === undefined || n.v === v);
const isCol = (n: Node | undefined, ...path: string[]): boolean => n?.k === 'col' && n.path.join('.') === path.join('.');
const same = (a: Node, b: Node) => render(a) === render(b);

function paramValue(p: SqlParam): Node {
  if (p.type === 'VARCHAR[]') {
    if (!Array.isArray(p.value)) throw new Error('VARCHAR[] parameter without a list');
    return { k: 'list', items: (p.value as string[]).map((v) => ({ k: 'lit', v })) };
  }
  if (Array.isArray(p.value)) throw new Error(`${p.type} parameter holding a list`);
  return { k: 'lit', v: p.value as string | number | boolean | null };
}

/** The value of a DuckDB TIMESTAMPTZ cast or a Trino from_iso8601_timestamp literal, as an instant. */
function instantOf(text: string): Node {
  const t = Date.parse(text);
  if (!Number.isFinite(t)) return fn('bad_instant', [{ k: 'lit', v: text }]);
  return { k: 'instant', iso: new Date(t).toISOString() };
}

/** [ip] when `n` is Trino's `lower(to_hex(CAST(try_cast(ip AS IPADDRESS) AS VARBINARY)))`. */
function trinoIpHexOf(n: Node | undefined): Node | null {
  if (!isFn(n, 'lower', 1)) return null;
  const hex = n.args[0];
  if (!isFn(hex, 'to_hex', 1)) return null;
  const bin = hex.args[0];
  if (bin.k !== 'cast' || bin.safe || bin.type !== 'VARBINARY') return null;
  const ip = bin.arg;
  if (ip.k !== 'cast' || !ip.safe || ip.type !== 'IPADDRESS') return null;
  return ip.arg;
}

/** [ip, op] of `strpos(ip, ':') op 0`. */
function colonTest(n: Node): { ip: Node; op: string } | null {
  if (n.k !== 'cmp' || !isLit(n.r, 0) || !isFn(n.l, 'strpos', 2) || !isLit(n.l.args[1], ':')) return null;
  return { ip: n.l.args[0], op: n.op };
}

/** [R, L, v] of `list_has_any(list_transform(R, lambda v: v.<field>), L)`. */
function duckArnTest(n: Node, field: string): { r: Node; list: Node } | null {
  if (!isFn(n, 'list_has_any', 2)) return null;
  const t = n.args[0];
  if (!isFn(t, 'list_transform', 2)) return null;
  const lam = t.args[1];
  if (lam.k !== 'lambda' || lam.params.length !== 1 || !isCol(lam.body, lam.params[0], field)) return null;
  return { r: t.args[0], list: n.args[1] };
}

/** [L] of Trino's `contains(L, v.<field>)` for lambda parameter v. */
function trinoArnTest(n: Node, v: string, field: string): Node | null {
  return isFn(n, 'contains', 2) && isCol(n.args[1], v, field) ? n.args[0] : null;
}

type Rule = (n: Node) => Node | null;

/** DuckDB spellings → canonical. */
const DUCKDB_RULES: Rule[] = [
  (n) => (n.k === 'cast' && !n.safe && n.type === 'TIMESTAMPTZ' && isLit(n.arg) && typeof n.arg.v === 'string' ? instantOf(n.arg.v) : null),
  (n) => (n.k === 'cast' && !n.safe && n.type === 'VARCHAR[]' && n.arg.k === 'list' ? n.arg : null),
  (n) => (n.k === 'cast' && n.safe && n.type === 'TIMESTAMPTZ' ? fn('parse_time', [n.arg]) : null),
  (n) => (isFn(n, 'json_extract_string', 2) ? fn('json_text', n.args) : null),
  (n) => (n.k === 'cast' && !n.safe && n.type === 'VARCHAR' && isFn(n.arg, 'json_extract', 2) ? fn('json_subtree', n.arg.args) : null),
  (n) => (n.k === 'cast' && !n.safe && n.type === 'VARCHAR' && isFn(n.arg, 'to_json', 1) ? fn('json_of', n.arg.args) : null),
  (n) => (isFn(n, 'tg_ipv4_hex', 1) ? fn('ip_hex_v4', n.args) : null),
  (n) => (isFn(n, 'tg_ipv6_hex', 1) ? fn('ip_hex_v6', n.args) : null),
  (n) => (isFn(n, 'isodow', 1) ? fn('day_of_week', n.args) : null),
  (n) => (n.k === 'fn' && n.name === 'any_value' ? { ...n, name: 'any_value' } : null),
  (n) => {
    if (n.k !== 'or' || n.args.length !== 2) return null;
    const a = duckArnTest(n.args[0], 'arn');
    const b = duckArnTest(n.args[1], 'arnprefix');
    return a && b && same(a.r, b.r) && same(a.list, b.list) ? fn('any_resource_arn', [a.r, a.list]) : null;
  },
  // the record text's hash, taken where the record is read (tg_rawhash) and rendered as text
  (n) => (n.k === 'cast' && n.type === 'VARCHAR' && isCol(n.arg, 'src', 'tg_rawhash') ? fn('row_hash', []) : null),
  (n) =>
    isFn(n, 'nullif', 2) && isLit(n.args[1], '') && isFn(n.args[0], 'regexp_extract', 3) && isCol(n.args[0].args[0], 'src', 'tg_file')
      ? fn('partition_account', [])
      : null,
];

/** Trino spellings → canonical. */
const TRINO_RULES: Rule[] = [
  (n) => (isFn(n, 'from_iso8601_timestamp', 1) && isLit(n.args[0]) && typeof n.args[0].v === 'string' ? instantOf(n.args[0].v) : null),
  (n) => (isFn(n, 'try', 1) && isFn(n.args[0], 'from_iso8601_timestamp', 1) ? fn('parse_time', n.args[0].args) : null),
  (n) => (isFn(n, 'json_format', 1) && isFn(n.args[0], 'json_extract', 2) ? fn('json_subtree', n.args[0].args) : null),
  (n) => (isFn(n, 'json_format', 1) && n.args[0].k === 'cast' && !n.args[0].safe && n.args[0].type === 'JSON' ? fn('json_of', [n.args[0].arg]) : null),
  (n) => {
    // coalesce(json_extract_scalar(x, p), nullif(json_format(json_extract(x, p)), 'null')): inner part already canonical
    if (!isFn(n, 'coalesce', 2) || !isFn(n.args[0], 'json_extract_scalar', 2)) return null;
    const alt = n.args[1];
    if (!isFn(alt, 'nullif', 2) || !isLit(alt.args[1], 'null') || !isFn(alt.args[0], 'json_subtree', 2)) return null;
    const [x, p] = n.args[0].args;
    const [x2, p2] = alt.args[0].args;
    return same(x, x2) && same(p, p2) ? fn('json_text', [x, p]) : null;
  },
  (n) => {
    if (n.k !== 'case' || n.operand || n.otherwise || n.whens.length !== 1) return null;
    const [cond, value] = n.whens[0];
    const test = colonTest(cond);
    if (!test) return null;
    if (test.op === '=' && isFn(value, 'substr', 3) && isLit(value.args[1], 25) && isLit(value.args[2], 8)) {
      const ip = trinoIpHexOf(value.args[0]);
      return ip && same(ip, test.ip) ? fn('ip_hex_v4', [ip]) : null;
    }
    if (test.op === '>') {
      const ip = trinoIpHexOf(value);
      return ip && same(ip, test.ip) ? fn('ip_hex_v6', [ip]) : null;
    }
    return null;
  },
  (n) => (n.k === 'fn' && n.name === 'arbitrary' ? { ...n, name: 'any_value' } : null),
  (n) => {
    if (!isFn(n, 'any_match', 2)) return null;
    const lam = n.args[1];
    if (lam.k !== 'lambda' || lam.params.length !== 1 || lam.body.k !== 'or' || lam.body.args.length !== 2) return null;
    const v = lam.params[0];
    const a = trinoArnTest(lam.body.args[0], v, 'arn');
    const b = trinoArnTest(lam.body.args[1], v, 'arnprefix');
    return a && b && same(a, b) ? fn('any_resource_arn', [n.args[0], a]) : null;
  },
  (n) => (n.k === 'cast' && !n.safe && n.type === 'ARRAY(VARCHAR)' && n.arg.k === 'list' && n.arg.items.length === 0 ? n.arg : null),
  (n) => (n.k === 'typed' && n.type === 'DOUBLE' && Number.isFinite(Number(n.v)) ? { k: 'lit', v: Number(n.v) } : null),
  (n) =>
    isFn(n, 'to_hex', 1) &&
    isFn(n.args[0], 'xxhash64', 1) &&
    isFn(n.args[0].args[0], 'to_utf8', 1) &&
    isFn(n.args[0].args[0].args[0], 'json_of', 1) &&
    isFn(n.args[0].args[0].args[0].args[0], 'row')
      ? fn('row_hash', [])
      : null,
];

/** The canonical form of a tree of one dialect. */
export function normalise(n: Node, dialect: Dialect, params: readonly SqlParam[]): Node {
  const go = (x: Node) => normalise(x, dialect, params);
  let out: Node;
  switch (n.k) {
    case 'param': {
      const p = params[n.n - 1];
      if (!p) throw new Error(`$${n.n} has no bound value`);
      return paramValue(p);
    }
    case 'lit':
    case 'instant':
    case 'typed':
    case 'col':
    case 'star':
      out = n;
      break;
    case 'list':
      out = { ...n, items: n.items.map(go) };
      break;
    case 'fn':
      out = {
        ...n,
        args: n.args.map(go),
        filter: n.filter && go(n.filter),
        over: n.over && { partitionBy: n.over.partitionBy.map(go), orderBy: n.over.orderBy.map((o) => ({ expr: go(o.expr), dir: o.dir })) },
      };
      break;
    case 'cast':
      out = { ...n, arg: go(n.arg) };
      break;
    case 'case':
      out = { ...n, operand: n.operand && go(n.operand), whens: n.whens.map(([a, b]) => [go(a), go(b)] as const), otherwise: n.otherwise && go(n.otherwise) };
      break;
    case 'and':
    case 'or': {
      // (a AND (b AND c)) is (a AND b AND c): parentheses are not structure.
      const args = n.args.map(go).flatMap((a) => (a.k === n.k ? a.args : [a]));
      out = { k: n.k, args };
      break;
    }
    case 'not':
    case 'neg':
      out = { ...n, arg: go(n.arg) };
      break;
    case 'cmp':
    case 'bin':
      out = { ...n, l: go(n.l), r: go(n.r) };
      break;
    case 'isNull':
      out = { ...n, arg: go(n.arg) };
      break;
    case 'between':
      out = { ...n, arg: go(n.arg), lo: go(n.lo), hi: go(n.hi) };
      break;
    case 'in':
      out = { ...n, arg: go(n.arg), items: n.items.map(go) };
      break;
    case 'lambda':
      out = { ...n, body: go(n.body) };
      break;
    case 'struct':
      out = { ...n, entries: n.entries.map(([k, v]) => [k, go(v)] as const) };
      break;
    case 'subquery':
      return n; // only the DuckDB source relation nests a query in an expression; it is not compared
    default:
      throw new Error(`unhandled node ${JSON.stringify(n)}`);
  }
  for (const rule of dialect === 'duckdb' ? DUCKDB_RULES : TRINO_RULES) {
    const hit = rule(out);
    if (hit) return hit;
  }
  return out;
}

// ---- rendering ----------------------------------------------------------------------------------

const renderOrder = (o: OrderKey) => `${render(o.expr)} ${o.dir}`;

/** Canonical text of a (normalised) tree: equal text, equal structure. */
export function render(n: Node): string {
  switch (n.k) {
    case 'lit':
      return n.v === null ? 'NULL' : typeof n.v === 'string' ? JSON.stringify(n.v) : typeof n.v === 'boolean' ? (n.v ? 'TRUE' : 'FALSE') : String(n.v);
    case 'list':
      return `[${n.items.map(render).join(', ')}]`;
    case 'param':
      return `$${n.n}`;
    case 'instant':
      return `instant(${n.iso})`;
    case 'typed':
      return `${n.type} ${JSON.stringify(n.v)}`;
    case 'col':
      return n.path.join('.');
    case 'star':
      return n.qualifier ? `${n.qualifier}.*` : '*';
    case 'fn': {
      let s = `${n.name}(${n.distinct ? 'DISTINCT ' : ''}${n.args.map(render).join(', ')})`;
      if (n.filter) s += ` FILTER(WHERE ${render(n.filter)})`;
      if (n.over) {
        const parts = [];
        if (n.over.partitionBy.length) parts.push(`PARTITION BY ${n.over.partitionBy.map(render).join(', ')}`);
        if (n.over.orderBy.length) parts.push(`ORDER BY ${n.over.orderBy.map(renderOrder).join(', ')}`);
        s += ` OVER(${parts.join(' ')})`;
      }
      return s;
    }
    case 'cast':
      return `${n.safe ? 'TRY_CAST' : 'CAST'}(${render(n.arg)} AS ${n.type})`;
    case 'case':
      return (
        `CASE${n.operand ? ` ${render(n.operand)}` : ''}${n.whens.map(([a, b]) => ` WHEN ${render(a)} THEN ${render(b)}`).join('')}` +
        `${n.otherwise ? ` ELSE ${render(n.otherwise)}` : ''} END`
      );
    case 'and':
    case 'or':
      return `(${n.args.map(render).join(n.k === 'and' ? ' AND ' : ' OR ')})`;
    case 'not':
      return `NOT ${render(n.arg)}`;
    case 'neg':
      return `-${render(n.arg)}`;
    case 'cmp':
    case 'bin':
      return `(${render(n.l)} ${n.op} ${render(n.r)})`;
    case 'isNull':
      return `(${render(n.arg)} IS ${n.neg ? 'NOT ' : ''}NULL)`;
    case 'between':
      return `(${render(n.arg)} ${n.neg ? 'NOT ' : ''}BETWEEN ${render(n.lo)} AND ${render(n.hi)})`;
    case 'in':
      return `(${render(n.arg)} ${n.neg ? 'NOT ' : ''}IN (${n.items.map(render).join(', ')}))`;
    case 'lambda':
      return `((${n.params.join(', ')}) -> ${render(n.body)})`;
    case 'struct':
      return `{${n.entries.map(([k, v]) => `${JSON.stringify(k)}: ${render(v)}`).join(', ')}}`;
    case 'subquery':
      return '(subquery)';
    default:
      throw new Error(`unhandled node ${JSON.stringify(n)}`);
  }
}

/** The leaves of a boolean tree (everything under AND / OR / NOT), rendered. */
export function predicateAtoms(n: Node): string[] {
  if (n.k === 'and' || n.k === 'or') return n.args.flatMap(predicateAtoms);
  if (n.k === 'not') return predicateAtoms(n.arg);
  return [render(n)];
}

// ---- statement structure ----------------------------------------------------------------------------

/** One SELECT of a statement, normalised. `at` names it: a CTE name, `main`, or `outer>alias` for a FROM subquery. */
export interface SelectStructure {
  readonly at: string;
  readonly aliases: readonly string[];
  /** `alias = expression` per select-list entry, in order */
  readonly items: readonly string[];
  readonly from: string;
  readonly where: string | null;
  readonly groupBy: readonly string[];
  readonly having: string | null;
  readonly orderBy: readonly string[];
  readonly limit: number | null;
  /** every window (OVER ...) of the select list: the de-duplication and ranking structure */
  readonly windows: readonly string[];
}

export interface SqlStructure {
  readonly dialect: Dialect;
  readonly ctes: readonly string[];
  readonly selects: readonly SelectStructure[];
  /** `<select> WHERE|HAVING: atom`, sorted, for every WHERE and HAVING except the partition predicate */
  readonly atoms: readonly string[];
  /** the `ev` CTE's WHERE: partition pruning (Trino), compared against the plan instead */
  readonly partition: Node | null;
}

/** The `ev` CTE's select list, with what is dialect-specific by design replaced by markers. */
function evItem(expr: Node, alias: string | null, dialect: Dialect): Node {
  if (alias !== 'tg_account' || !isFn(expr, 'coalesce', 2)) return expr;
  // The account of the partition a row came from: DuckDB reads it from the file path, Trino from
  // the account partition column or the table's one account.
  const p = expr.args[1];
  const isPartitionAccount =
    dialect === 'duckdb'
      ? isFn(p, 'partition_account', 0)
      : (p.k === 'col' && p.path.length === 2 && p.path[0] === 'src') ||
        (isLit(p) && typeof p.v === 'string') ||
        (p.k === 'cast' && isLit(p.arg, null) && p.type === 'VARCHAR');
  return isPartitionAccount ? fn('coalesce', [expr.args[0], fn('partition_account', [])]) : expr;
}

const isPlainSelect = (q: SelectNode) => q.ctes.length === 0 && !q.where && q.groupBy.length === 0 && !q.having;

/**
 * A page cut before its columns are read (DuckDB's late page):
 *
 *   pg AS (SELECT * FROM dd ORDER BY o LIMIT n)
 *   SELECT items FROM (SELECT pg.tg_time, ..., unnest(json_transform(pg.tg_raw, '...')) FROM pg) AS dd ORDER BY o
 *
 * is `SELECT items FROM dd ORDER BY o LIMIT n` with the shown columns parsed again for the page's
 * rows only. It is folded back into that form, but only when it is exactly this: the page keeps
 * every dd row and column, the outer relation re-reads page rows one to one, and both orders are
 * the same; anything else is left as written (and then differs from the other dialect).
 */
function foldLatePage(q: SelectNode): SelectNode {
  if (q.from?.k !== 'subquery' || q.from.alias !== 'dd' || q.limit !== null) return q;
  const reread = q.from.q;
  if (!isPlainSelect(reread) || reread.orderBy.length || reread.limit !== null || reread.from?.k !== 'table' || reread.from.path.length !== 1) return q;
  const name = reread.from.path[0];
  const page = q.ctes.find((c) => c.name === name)?.q;
  if (!page || !isPlainSelect(page) || page.limit === null || page.from?.k !== 'table' || page.from.path.join('.') !== 'dd') return q;
  if (page.items.length !== 1 || page.items[0].expr.k !== 'star' || page.items[0].expr.qualifier !== null) return q;
  const rereads = reread.items.every(
    ({ expr: e, alias }) =>
      alias === null &&
      ((e.k === 'col' && e.path.length === 2 && e.path[0] === name) ||
        (isFn(e, 'unnest', 1) && isFn(e.args[0], 'json_transform', 2) && isCol(e.args[0].args[0], name, 'tg_raw') && isLit(e.args[0].args[1]))),
  );
  const sameOrder = page.orderBy.map(renderOrder).join(', ') === q.orderBy.map(renderOrder).join(', ');
  if (!rereads || !sameOrder) return q;
  return { ...q, ctes: q.ctes.filter((c) => c.name !== name), from: { k: 'table', path: ['dd'], alias: null }, limit: page.limit };
}

/**
 * DuckDB's de-duplication
 *
 *   dd AS (SELECT DISTINCT ON (k1, k2) * FROM ev WHERE w)
 *
 * (k2 tg_rawhash: see hashAsText)
 * keeps one (arbitrary) row per key, as does the window form the other dialect writes:
 *
 *   dd AS (SELECT * FROM (SELECT ev.*, row_number() OVER (PARTITION BY ev.k1, ev.k2) AS tg_rn FROM ev WHERE w) AS d WHERE tg_rn = 1)
 *
 * It is rewritten into that form (keys qualified with `ev`, in their order) so the keys, the filter
 * and everything else are compared as usual. Only exactly this shape is rewritten: a plain `*`
 * of the unaliased `ev`, no grouping, order or limit, keys that are plain columns. Any other
 * DISTINCT ON is refused (the reader does not know it), so it can never pass unnoticed.
 */
/**
 * DuckDB keys on the record hash as a number (tg_rawhash), the other dialect on its text (tg_hash,
 * which DuckDB's ev defines as CAST(src.tg_rawhash AS VARCHAR)): one-to-one, so the same rows.
 */
const hashAsText = (path: readonly string[]): readonly string[] => (path.length === 1 && path[0] === 'tg_rawhash' ? ['tg_hash'] : path);

function foldDistinctOn(q: SelectNode, at: string): SelectNode {
  const ctes = q.ctes.map((c) => ({ name: c.name, q: foldDistinctOn(c.q, c.name) }));
  const from = q.from?.k === 'subquery' ? { ...q.from, q: foldDistinctOn(q.from.q, `${at}>${q.from.alias ?? '?'}`) } : q.from;
  const out: SelectNode = { ...q, ctes, from };
  if (!q.distinctOn) return out;
  const keys = q.distinctOn;
  const foldable =
    at === 'dd' &&
    q.ctes.length === 0 &&
    q.items.length === 1 &&
    q.items[0].expr.k === 'star' &&
    q.items[0].expr.qualifier === null &&
    q.items[0].alias === null &&
    q.from?.k === 'table' &&
    q.from.path.join('.') === 'ev' &&
    q.from.alias === null &&
    q.groupBy.length === 0 &&
    !q.having &&
    q.orderBy.length === 0 &&
    q.limit === null &&
    keys.length > 0 &&
    keys.every((k) => k.k === 'col' && k.path.length === 1);
  if (!foldable) throw new Error(`unsupported DISTINCT ON in ${at}`);
  const window: Node = {
    k: 'fn',
    name: 'row_number',
    args: [],
    distinct: false,
    filter: null,
    over: { partitionBy: keys.map((k) => ({ k: 'col', path: ['ev', ...hashAsText((k as { path: readonly string[] }).path)] })), orderBy: [] },
  };
  const inner: SelectNode = {
    ...out,
    distinctOn: null,
    items: [
      { expr: { k: 'star', qualifier: 'ev' }, alias: null },
      { expr: window, alias: 'tg_rn' },
    ],
  };
  return {
    ctes: [],
    distinctOn: null,
    items: [{ expr: { k: 'star', qualifier: null }, alias: null }],
    from: { k: 'subquery', q: inner, alias: 'd' },
    where: { k: 'cmp', op: '=', l: { k: 'col', path: ['tg_rn'] }, r: { k: 'lit', v: 1 } },
    groupBy: [],
    having: null,
    orderBy: [],
    limit: null,
  };
}

/**
 * DuckDB's read of raw files the lake census counted skips the records it found more than once,
 * by position (DuckDbCompiler.skipCopies), and its dd then keeps every row:
 *
 *   dd AS (SELECT * FROM ev WHERE w)
 *
 * The census keys copies as DISTINCT ON does, on eventid and the record text's hash, so that dd
 * reads as `dd AS (SELECT DISTINCT ON (eventid, tg_rawhash) * FROM ev WHERE w)` (then folded as
 * below). Only when the statement binds the census's copies to skip and its source joins them and
 * filters `Records` as skipCopies writes: a dd that lost its de-duplication otherwise still differs
 * from the other dialect's.
 */
const CENSUS_COPIES = /LEFT JOIN \(SELECT c\.f, c\.i FROM \(SELECT unnest\(from_json\(\$(\d+), '\[\{"f":"VARCHAR","i":\["INTEGER"\]\}\]'\)\) AS c\) AS c\) AS s ON s\.f = j\.filename\)/;
const CENSUS_SKIP = 'WHEN s.i IS NULL THEN j.Records ELSE list_filter(j.Records, lambda r, n: NOT list_contains(s.i, n)) END AS Records, j.filename FROM ';

function foldCensusSkip(q: SelectNode, compiled: CompiledSql): SelectNode {
  const join = CENSUS_COPIES.exec(compiled.sql);
  const copies = join && compiled.params[Number(join[1]) - 1];
  if (!copies || !/^record copies to skip in \d+ log files$/.test(copies.files ?? '') || !compiled.sql.includes(CENSUS_SKIP)) return q;
  const keys: Node[] = [
    { k: 'col', path: ['eventid'] },
    { k: 'col', path: ['tg_rawhash'] },
  ];
  return { ...q, ctes: q.ctes.map((c) => (c.name === 'dd' && !c.q.distinctOn ? { name: c.name, q: { ...c.q, distinctOn: keys } } : c)) };
}

export function sqlStructure(compiled: CompiledSql): SqlStructure {
  const tree = foldDistinctOn(foldCensusSkip(foldLatePage(parseStatement(compiled.sql)), compiled), 'main');
  const norm = (n: Node) => normalise(n, compiled.dialect, compiled.params);
  const selects: SelectStructure[] = [];
  const atoms: string[] = [];
  let partition: Node | null = null;

  const visit = (q: SelectNode, at: string): void => {
    for (const c of q.ctes) visit(c.q, c.name);
    const isEv = at === 'ev';
    const items = q.items.map((it) => ({ alias: it.alias, expr: isEv ? evItem(norm(it.expr), it.alias, compiled.dialect) : norm(it.expr) }));
    let from = '(none)';
    if (q.from) {
      if (isEv) from = 'SOURCE'; // read_json over the planned files, or the Glue table
      else if (q.from.k === 'subquery') {
        const inner = `${at}>${q.from.alias ?? '?'}`;
        visit(q.from.q, inner);
        from = `(${inner})${q.from.alias ? ` AS ${q.from.alias}` : ''}`;
      } else if (q.from.k === 'table') from = q.from.path.join('.') + (q.from.alias ? ` AS ${q.from.alias}` : '');
      else if (q.from.k === 'call') from = render(norm(q.from.expr));
      else throw new Error(`unsupported join in ${at}`);
    }
    const where = q.where && norm(q.where);
    const having = q.having && norm(q.having);
    if (isEv) partition = where;
    else if (where) atoms.push(...predicateAtoms(where).map((a) => `${at} WHERE: ${a}`));
    if (having) atoms.push(...predicateAtoms(having).map((a) => `${at} HAVING: ${a}`));
    const windows: string[] = [];
    const findWindows = (n: Node): void => {
      if (n.k === 'fn') {
        if (n.over) windows.push(render(n));
        n.args.forEach(findWindows);
      }
    };
    items.forEach((i) => findWindows(i.expr));
    selects.push({
      at,
      aliases: items.map((i) => i.alias ?? '(none)'),
      items: items.map((i) => `${i.alias ?? '(none)'} = ${render(i.expr)}`),
      from,
      where: isEv || !where ? null : render(where),
      groupBy: q.groupBy.map((g) => render(norm(g))),
      having: having && render(having),
      orderBy: q.orderBy.map((o) => renderOrder({ expr: norm(o.expr), dir: o.dir })),
      limit: q.limit,
      windows,
    });
  };
  visit(tree, 'main');
  return { dialect: compiled.dialect, ctes: tree.ctes.map((c) => c.name), selects, atoms: [...new Set(atoms)].sort(), partition };
}

/**
 * Where two structures differ, one line per difference (empty when they match): CTEs, and per
 * SELECT its aliases, items, FROM, WHERE, GROUP BY, HAVING, ORDER BY, LIMIT and windows; and the
 * predicate atoms found on one side only.
 */
export function structureDiff(a: SqlStructure, b: SqlStructure): string[] {
  const out: string[] = [];
  const show = (v: unknown) => JSON.stringify(v);
  if (show(a.ctes) !== show(b.ctes)) out.push(`CTEs: ${a.dialect} ${show(a.ctes)} ≠ ${b.dialect} ${show(b.ctes)}`);
  const byAt = (s: SqlStructure) => new Map(s.selects.map((x) => [x.at, x]));
  const sa = byAt(a);
  const sb = byAt(b);
  for (const at of new Set([...sa.keys(), ...sb.keys()])) {
    const x = sa.get(at);
    const y = sb.get(at);
    if (!x || !y) {
      out.push(`SELECT ${at} only in ${x ? a.dialect : b.dialect}`);
      continue;
    }
    for (const key of ['aliases', 'items', 'from', 'where', 'groupBy', 'having', 'orderBy', 'limit', 'windows'] as const) {
      const vx = x[key];
      const vy = y[key];
      if (Array.isArray(vx) && Array.isArray(vy)) {
        if (show(vx) === show(vy)) continue;
        const n = Math.max(vx.length, vy.length);
        for (let i = 0; i < n; i++) {
          if (vx[i] !== vy[i]) out.push(`${at} ${key}[${i}]: ${a.dialect} ${show(vx[i] ?? null)} ≠ ${b.dialect} ${show(vy[i] ?? null)}`);
        }
      } else if (show(vx) !== show(vy)) out.push(`${at} ${key}: ${a.dialect} ${show(vx)} ≠ ${b.dialect} ${show(vy)}`);
    }
  }
  const inA = new Set(a.atoms);
  const inB = new Set(b.atoms);
  for (const x of a.atoms) if (!inB.has(x)) out.push(`atom only in ${a.dialect}: ${x}`);
  for (const x of b.atoms) if (!inA.has(x)) out.push(`atom only in ${b.dialect}: ${x}`);
  return out;
}

// ---- partition predicate -------------------------------------------------------------------------------

/** What a Trino statement's partition predicate (the `ev` WHERE) restricts. */
export interface PartitionTerms {
  /** delivery days as YYYY-MM-DD, from `day BETWEEN 'first' AND 'last'` */
  readonly firstDay: string | null;
  readonly lastDay: string | null;
  readonly dayColumn: string | null;
  readonly accounts: readonly string[] | null;
  readonly regions: readonly string[] | null;
  /** terms this reading does not know (should be none) */
  readonly unknown: readonly string[];
}

const DAY_TEXT = /^(\d{4})[/-](\d{2})[/-](\d{2})$/;

export function partitionTerms(partition: Node | null): PartitionTerms | null {
  if (!partition) return null;
  const terms = partition.k === 'and' ? partition.args : [partition];
  let firstDay: string | null = null;
  let lastDay: string | null = null;
  let dayColumn: string | null = null;
  let accounts: string[] | null = null;
  let regions: string[] | null = null;
  const unknown: string[] = [];
  const strings = (items: readonly Node[]) => (items.every((i) => isLit(i) && typeof i.v === 'string') ? items.map((i) => String((i as { v: string }).v)) : null);
  for (const t of terms) {
    if (t.k === 'between' && !t.neg && t.arg.k === 'col' && t.arg.path[0] === 'src' && isLit(t.lo) && isLit(t.hi)) {
      const lo = DAY_TEXT.exec(String(t.lo.v));
      const hi = DAY_TEXT.exec(String(t.hi.v));
      if (lo && hi && firstDay === null) {
        firstDay = `${lo[1]}-${lo[2]}-${lo[3]}`;
        lastDay = `${hi[1]}-${hi[2]}-${hi[3]}`;
        dayColumn = t.arg.path.slice(1).join('.');
        continue;
      }
    }
    if (t.k === 'in' && !t.neg && t.arg.k === 'col' && t.arg.path.length === 2 && t.arg.path[0] === 'src') {
      const values = strings(t.items);
      if (values && t.arg.path[1] === 'account' && accounts === null) {
        accounts = values;
        continue;
      }
      if (values && t.arg.path[1] === 'region' && regions === null) {
        regions = values;
        continue;
      }
    }
    unknown.push(render(t));
  }
  return { firstDay, lastDay, dayColumn, accounts, regions, unknown };
}
