import { assertNever } from '../../query/ir';

/**
 * Hive column types, the type language of the Glue Data Catalog and of Athena DDL:
 * `string`, `struct<a:string,b:array<string>>`, `map<string,string>`, `decimal(10,2)`.
 * https://docs.aws.amazon.com/athena/latest/ug/data-types.html
 *
 * One model, rendered two ways: compact (what Glue stores in `Column.Type`) and indented (what a
 * person reads in a CREATE TABLE), and parsed back from the compact form that GetTable returns.
 */
export type HiveType =
  | { readonly kind: 'primitive'; readonly name: string }
  | { readonly kind: 'struct'; readonly fields: readonly HiveField[] }
  | { readonly kind: 'array'; readonly of: HiveType }
  | { readonly kind: 'map'; readonly key: HiveType; readonly value: HiveType };

export interface HiveField {
  readonly name: string;
  readonly type: HiveType;
}

export class HiveTypeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'HiveTypeError';
  }
}

const FIELD_NAME = /^[a-z_][a-z0-9_]*$/;

/** The compact form Glue stores, e.g. `struct<type:string,arn:string>`. */
export function renderHiveType(t: HiveType): string {
  switch (t.kind) {
    case 'primitive':
      return t.name;
    case 'struct':
      return `struct<${t.fields.map((f) => `${fieldName(f.name)}:${renderHiveType(f.type)}`).join(',')}>`;
    case 'array':
      return `array<${renderHiveType(t.of)}>`;
    case 'map':
      return `map<${renderHiveType(t.key)},${renderHiveType(t.value)}>`;
    default:
      return assertNever(t, 'Hive type');
  }
}

/** The same type laid out for DDL: one struct member a line, nested members indented. */
export function renderHiveTypeIndented(t: HiveType, indent: string): string {
  const inner = `${indent}  `;
  switch (t.kind) {
    case 'primitive':
      return t.name;
    case 'struct':
      return `struct<\n${t.fields.map((f) => `${inner}${fieldName(f.name)}: ${renderHiveTypeIndented(f.type, inner)}`).join(',\n')}>`;
    case 'array':
      return `array<${renderHiveTypeIndented(t.of, indent)}>`;
    case 'map':
      return `map<${renderHiveTypeIndented(t.key, indent)},${renderHiveTypeIndented(t.value, indent)}>`;
    default:
      return assertNever(t, 'Hive type');
  }
}

function fieldName(name: string): string {
  if (!FIELD_NAME.test(name)) throw new HiveTypeError(`bad struct member name ${JSON.stringify(name)}`);
  return name;
}

/**
 * Parses a Glue/Hive type string (case-insensitive, whitespace and backquoted member names
 * allowed). Member and primitive names come back lower-case, as Hive and Athena treat them.
 */
export function parseHiveType(text: string): HiveType {
  const p = new Parser(text);
  const t = p.type();
  p.skipSpace();
  if (!p.done()) p.fail('unexpected text after the type');
  return t;
}

class Parser {
  private i = 0;
  constructor(private readonly s: string) {}

  done(): boolean {
    return this.i >= this.s.length;
  }

  skipSpace(): void {
    while (!this.done() && /\s/.test(this.s[this.i])) this.i++;
  }

  fail(what: string): never {
    throw new HiveTypeError(`${what} at offset ${this.i} of ${JSON.stringify(this.s)}`);
  }

  private expect(ch: string): void {
    this.skipSpace();
    if (this.s[this.i] !== ch) this.fail(`expected "${ch}"`);
    this.i++;
  }

  private peek(): string {
    this.skipSpace();
    return this.s[this.i] ?? '';
  }

  private word(): string {
    this.skipSpace();
    if (this.s[this.i] === '`') {
      const end = this.s.indexOf('`', this.i + 1);
      if (end < 0) this.fail('unterminated backquote');
      const w = this.s.slice(this.i + 1, end);
      this.i = end + 1;
      return w.toLowerCase();
    }
    const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(this.s.slice(this.i));
    if (!m) this.fail('expected a name');
    this.i += m[0].length;
    return m[0].toLowerCase();
  }

  type(): HiveType {
    const name = this.word();
    if (name === 'struct') {
      this.expect('<');
      const fields: HiveField[] = [];
      if (this.peek() !== '>') {
        do {
          const fname = this.word();
          this.expect(':');
          fields.push({ name: fname, type: this.type() });
        } while (this.eat(','));
      }
      this.expect('>');
      return { kind: 'struct', fields };
    }
    if (name === 'array') {
      this.expect('<');
      const of = this.type();
      this.expect('>');
      return { kind: 'array', of };
    }
    if (name === 'map') {
      this.expect('<');
      const key = this.type();
      this.expect(',');
      const value = this.type();
      this.expect('>');
      return { kind: 'map', key, value };
    }
    // decimal(10,2), varchar(65535), char(3)
    if (this.peek() === '(') {
      const end = this.s.indexOf(')', this.i);
      if (end < 0) this.fail('unterminated type parameters');
      const args = this.s.slice(this.i + 1, end).replace(/\s+/g, '');
      this.i = end + 1;
      return { kind: 'primitive', name: `${name}(${args})` };
    }
    return { kind: 'primitive', name };
  }

  private eat(ch: string): boolean {
    if (this.peek() !== ch) return false;
    this.i++;
    return true;
  }
}

/** The member type at a path of struct members; `[]` steps into an array's element. */
export function hiveTypeAt(t: HiveType, path: readonly string[]): HiveType | null {
  let cur: HiveType | null = t;
  for (const seg of path) {
    if (!cur) return null;
    if (seg === '[]') cur = cur.kind === 'array' ? cur.of : null;
    else cur = cur.kind === 'struct' ? (cur.fields.find((f) => f.name === seg)?.type ?? null) : null;
  }
  return cur;
}
