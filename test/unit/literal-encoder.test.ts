import fc from 'fast-check';
import { eventsQuery } from '../../src/query/event-queries';
import type { EventFilterSpec } from '../../src/query/event-filter';
import { planPartitions } from '../../src/query/partition-planner';
import { DuckDbCompiler } from '../../src/sql/duckdb-compiler';
import { encodeInstant, encodeLiteral, encodeNumber, encodeString } from '../../src/sql/literal-encoder';
import { TrinoCompiler } from '../../src/sql/trino-compiler';
import { trinoErrors, trinoTokens } from '../support/trino-parser';

describe('encodeString', () => {
  it('wraps a value in single quotes', () => {
    expect(encodeString('ConsoleLogin')).toBe("'ConsoleLogin'");
    expect(encodeString('')).toBe("''");
  });

  it("doubles every single quote and nothing else", () => {
    expect(encodeString("O'Brien")).toBe("'O''Brien'");
    expect(encodeString("''")).toBe("''''''");
    expect(encodeString("x' OR '1'='1")).toBe("'x'' OR ''1''=''1'");
  });

  it('never writes a backslash escape: backslashes, newlines and comment markers pass through verbatim', () => {
    expect(encodeString('a\\b')).toBe("'a\\b'");
    expect(encodeString("\\'")).toBe("'\\'''");
    expect(encodeString('line1\nline2\ttab')).toBe("'line1\nline2\ttab'");
    expect(encodeString('-- x /* y */ ;')).toBe("'-- x /* y */ ;'");
    expect(encodeString('żółw 🐢 \u2028')).toBe("'żółw 🐢 \u2028'");
  });

  it('rejects a NUL character', () => {
    expect(() => encodeString('a\u0000b')).toThrow(RangeError);
  });

  it('rejects a value that is not a string', () => {
    expect(() => encodeString(42 as unknown as string)).toThrow(TypeError);
  });
});

describe('encodeNumber', () => {
  it('renders safe integers as bare integer literals', () => {
    expect(encodeNumber(0)).toBe('0');
    expect(encodeNumber(-17)).toBe('-17');
    expect(encodeNumber(Number.MAX_SAFE_INTEGER)).toBe('9007199254740991');
    expect(encodeNumber(Number.MIN_SAFE_INTEGER)).toBe('-9007199254740991');
  });

  it('renders fractions as DOUBLE literals', () => {
    expect(encodeNumber(1.5)).toBe("DOUBLE '1.5'");
    expect(encodeNumber(-0.25)).toBe("DOUBLE '-0.25'");
    expect(encodeNumber(1e-7)).toBe("DOUBLE '1e-7'");
  });

  it('rejects integers beyond 2^53 and non-finite values', () => {
    expect(() => encodeNumber(Number.MAX_SAFE_INTEGER + 1)).toThrow(RangeError);
    expect(() => encodeNumber(-(2 ** 60))).toThrow(RangeError);
    expect(() => encodeNumber(1e21)).toThrow(RangeError);
    expect(() => encodeNumber(Number.NaN)).toThrow(RangeError);
    expect(() => encodeNumber(Number.POSITIVE_INFINITY)).toThrow(RangeError);
    expect(() => encodeNumber(Number.NEGATIVE_INFINITY)).toThrow(RangeError);
  });
});

describe('encodeInstant', () => {
  it('renders a Date through from_iso8601_timestamp of its ISO text in UTC', () => {
    expect(encodeInstant(new Date('2024-03-01T10:20:30.456Z'))).toBe("from_iso8601_timestamp('2024-03-01T10:20:30.456Z')");
    expect(encodeInstant(new Date('2024-03-01T12:00:00+02:00'))).toBe("from_iso8601_timestamp('2024-03-01T10:00:00.000Z')");
  });

  it('rejects an invalid Date', () => {
    expect(() => encodeInstant(new Date('not a date'))).toThrow(RangeError);
  });
});

describe('encodeLiteral', () => {
  it('dispatches each value kind to its encoder', () => {
    expect(encodeLiteral(null)).toBe('NULL');
    expect(encodeLiteral(true)).toBe('TRUE');
    expect(encodeLiteral(false)).toBe('FALSE');
    expect(encodeLiteral(12)).toBe('12');
    expect(encodeLiteral(0.5)).toBe("DOUBLE '0.5'");
    expect(encodeLiteral("it's")).toBe("'it''s'");
    expect(encodeLiteral(new Date(Date.UTC(2024, 0, 2)))).toBe("from_iso8601_timestamp('2024-01-02T00:00:00.000Z')");
  });

  it('rejects values it has no literal for', () => {
    expect(() => encodeLiteral(undefined as never)).toThrow(TypeError);
    expect(() => encodeLiteral({} as never)).toThrow(TypeError);
    expect(() => encodeLiteral(BigInt(1) as never)).toThrow(TypeError);
    expect(() => encodeLiteral(Number.NaN)).toThrow(RangeError);
  });
});

// ---- property tests: no value changes the shape of a statement -----------------------------------

/** Strings made of the characters that break naive escaping, plus arbitrary Unicode. */
const NASTY = ["'", "''", '\\', ';', '--', '/*', '*/', '\n', '\r', ' ', 'a', 'Ω', '"', '`', '$1', '?'];
const nastyString = fc.array(fc.constantFrom(...NASTY), { maxLength: 24 }).map((parts) => parts.join(''));
const anyString = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  nastyString,
).filter((s) => !s.includes('\u0000'));

const types = (sql: string) => trinoTokens(sql).map((t) => t.type);
const decode = (literal: string) => literal.slice(1, -1).replace(/''/g, "'");
const statement = (lit: string) => `SELECT * FROM t WHERE a = ${lit} AND b = 1`;

describe('encodeString under the Trino lexer (property)', () => {
  const baseline = types(statement(encodeString('x')));
  const literalIndex = trinoTokens(statement(encodeString('x'))).findIndex((t) => t.text === "'x'");

  it('gives every value the token shape of a plain literal, and the literal decodes back to the value', () => {
    expect(literalIndex).toBeGreaterThan(0);
    fc.assert(
      fc.property(anyString, (s) => {
        const tokens = trinoTokens(statement(encodeString(s)));
        expect(tokens.map((t) => t.type)).toEqual(baseline);
        expect(decode(tokens[literalIndex].text)).toBe(s);
      }),
      { numRuns: 300 },
    );
  });
});

// ---- property tests over compiled statements ----------------------------------------------------

const RANGE = { from: new Date('2024-03-01T00:00:00Z'), to: new Date('2024-03-02T00:00:00Z') };
const PLAN = planPartitions({ scope: '*', ...RANGE });
const PAGE = { first: 10, after: null, order: 'NEWEST_FIRST' } as const;
const trino = new TrinoCompiler({
  database: 'cloudtrail',
  table: 'trail',
  account: { column: 'account' },
  regionColumn: 'region',
  day: { column: 'timestamp', format: 'yyyy/MM/dd' },
});
const duck = new DuckDbCompiler({ files: ['/lake/a.json'], maxObjectBytes: 1 << 24 });

const filterOf = (eventNames: readonly string[], userAgentContains: string): EventFilterSpec => ({
  range: RANGE,
  eventNames,
  userAgentContains,
});

describe('compiled Trino SQL with client values (property)', () => {
  const baselines = new Map<number, number[]>();
  const baselineFor = (n: number) => {
    if (!baselines.has(n)) {
      const sql = trino.compile(eventsQuery(filterOf(Array.from({ length: n }, () => 'x'), 'x'), PLAN, PAGE)).sql;
      expect(trinoErrors(sql)).toEqual([]);
      baselines.set(n, types(sql));
    }
    return baselines.get(n)!;
  };

  it('parses and keeps the baseline token shape for any eventNames list and userAgentContains needle', () => {
    fc.assert(
      fc.property(fc.array(anyString, { minLength: 1, maxLength: 4 }), anyString.filter((s) => s.length > 0), (names, ua) => {
        const sql = trino.compile(eventsQuery(filterOf(names, ua), PLAN, PAGE)).sql;
        expect({ errors: trinoErrors(sql) }).toEqual({ errors: [] });
        expect(types(sql)).toEqual(baselineFor(names.length));
      }),
      { numRuns: 40 },
    );
  });
});

describe('compiled DuckDB SQL with client values (property)', () => {
  const MARK = 'zq_mark_';

  it('binds every client string as a parameter and never writes it into the SQL text', () => {
    fc.assert(
      fc.property(fc.array(anyString, { minLength: 1, maxLength: 4 }), anyString, (names, ua) => {
        const marked = names.map((n) => MARK + n);
        const needle = MARK + ua;
        const { sql, params } = duck.compile(eventsQuery(filterOf(marked, needle), PLAN, PAGE));
        expect(sql).not.toContain(MARK);
        const bound = params.map((p) => p.value);
        for (const n of marked) expect(bound).toContainEqual(n);
        // the case-insensitive needle is bound folded to lower case
        expect(bound).toContainEqual(needle.toLowerCase());
        for (const p of params) if (typeof p.value === 'string' && p.value.startsWith(MARK)) expect(p.type).toBe('VARCHAR');
      }),
      { numRuns: 200 },
    );
  });
});
