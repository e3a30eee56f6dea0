import { readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { buildSchema, getNamedType, isInputObjectType, isObjectType, isScalarType, type GraphQLNamedType } from 'graphql';
import { parseIpMatch, type IpMatch } from '../../src/domain/ip-match';
import { ANONYMOUS_PRINCIPAL, type Principal } from '../../src/domain/principal';
import type { EventFilter } from '../../src/graphql/inputs/event-filter.input';
import { filterSpec, groupKeySpec } from '../../src/graphql/inputs/filter-spec';
import type { GroupKey } from '../../src/graphql/inputs/group-key.input';
import type { JsonMatch } from '../../src/graphql/inputs/json-match.input';
import { ACCESS_KEY_ID, ACCOUNT_ID, ARN, EVENT_NAME, EVENT_SOURCE, REGION } from '../../src/graphql/inputs/validators';
import type { EventFilterSpec, TimeRangeSpec } from '../../src/query/event-filter';
import { eventByIdQuery, eventsQuery, type EventOrder } from '../../src/query/event-queries';
import { identitiesQuery, identityEventsQuery, identitySummariesQuery, identityTopValuesQuery } from '../../src/query/identity-queries';
import type { PartitionPlan, Query } from '../../src/query/ir';
import { anyResourceArn, eq, field, lit } from '../../src/query/ir-builders';
import { resourceEventsQuery, resourcesQuery, resourceSummariesQuery, resourceTopPrincipalsQuery } from '../../src/query/resource-queries';
import { credentialIssuersQuery, sessionCredentialsQuery } from '../../src/query/role-chain-queries';
import { statsQuery, type StatsSpec } from '../../src/query/stats-query';
import { DEFAULT_LIMITS } from '../../src/services/limits';
import { planFor } from '../../src/services/plan-for';
import { SESSION_LOOKBACK_MS } from '../../src/services/role-chain.service';
import type { CompiledSql } from '../../src/sql/compiled-sql';
import { DuckDbCompiler } from '../../src/sql/duckdb-compiler';
import { TrinoCompiler } from '../../src/sql/trino-compiler';
import { trinoErrors, trinoTokens } from '../support/trino-parser';

/**
 * Injection: no client string changes the token shape of the SQL it reaches, on either dialect.
 *
 * Every text input a client can send (derived from schema/schema.graphql, and from the keys of
 * EventFilterSpec at compile time) is generated hostile (quotes, backslashes, comment markers,
 * semicolons, NUL and control characters, lone surrogates, placeholders, very long strings), built
 * into IR the way the services build it, compiled by both compilers and lexed. The shape (token
 * kinds; every string literal one placeholder, every number another) must equal the shape of the
 * same input with benign values, and the value must reach the engine intact: as a bound parameter
 * on DuckDB (whose SQL text is then byte-identical to the benign one), as a literal that decodes
 * back to it on Trino. A sample of the Trino statements is also parsed and lexed by dt-sql-parser.
 */

// ---- a lexer for the shape -------------------------------------------------------------------------

type Dialect = 'trino' | 'duckdb';
type TokenKind = 'str' | 'estr' | 'ustr' | 'xstr' | 'dstr' | 'qid' | 'num' | 'param' | 'word' | 'op' | 'comment' | 'unterminated' | 'other';
interface Token {
  readonly kind: TokenKind;
  readonly text: string;
  /** decoded contents of a string literal */
  readonly value?: string;
}

/** Runs of space, words, numbers, operators and punctuation, in that order of groups. */
const PLAIN = /([ \n\t\r]+)|([A-Za-z_][A-Za-z0-9_]*)|((?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?)|(<>|!=|<=|>=|\|\||->|::|=>|[(),.;[\]{}=<>+\-*/%|:])/y;
const DOLLAR_TAG = /\$([A-Za-z_][A-Za-z0-9_]*)?\$/y;
const PARAM = /\$[0-9]+/y;

/**
 * How each engine lexes what the compilers write. '...' doubles a quote and takes backslashes
 * literally in both (Trino has no backslash escapes; DuckDB's standard strings neither), "..."
 * doubles a quote. DuckDB also has E'...' (backslash escapes), $tag$...$tag$, $n parameters and
 * nested block comments; Trino has U&'...'. Both have X'...' and `?` parameters. Anything else
 * outside a literal is one `other` token per code point.
 * https://trino.io/docs/current/language/types.html#string https://duckdb.org/docs/sql/data_types/literal_types
 */
function lex(sql: string, dialect: Dialect): Token[] {
  const out: Token[] = [];
  let i = 0;
  const push = (kind: TokenKind, end: number, value?: string) => {
    out.push({ kind, text: sql.slice(i, end), value });
    i = end;
  };
  /** A literal quoted by the character at `open`. */
  const quoted = (kind: TokenKind, open: number, backslash: boolean) => {
    const q = sql[open];
    let value = '';
    for (let j = open + 1; j < sql.length; ) {
      const next = sql.indexOf(q, j);
      const slash = backslash ? sql.indexOf('\\', j) : -1;
      if (slash >= 0 && (next < 0 || slash < next)) {
        value += sql.slice(j, slash) + (sql[slash + 1] ?? '');
        j = slash + 2;
      } else if (next < 0) {
        break;
      } else if (sql[next + 1] === q) {
        value += sql.slice(j, next + 1);
        j = next + 2;
      } else {
        return push(kind, next + 1, value + sql.slice(j, next));
      }
    }
    push('unterminated', sql.length);
  };
  while (i < sql.length) {
    const c = sql[i];
    const d = sql[i + 1];
    if (c === '-' && d === '-') {
      const nl = sql.indexOf('\n', i);
      push('comment', nl < 0 ? sql.length : nl);
    } else if (c === '/' && d === '*') {
      let depth = 0;
      let j = i;
      do {
        if (sql.startsWith('/*', j)) {
          if (dialect === 'duckdb' || depth === 0) depth++;
          j += 2;
        } else if (sql.startsWith('*/', j)) {
          depth--;
          j += 2;
        } else j++;
      } while (depth > 0 && j < sql.length);
      push(depth > 0 ? 'unterminated' : 'comment', j);
    } else if (c === "'") {
      quoted('str', i, false);
    } else if (c === '"') {
      quoted('qid', i, false);
    } else if ((c === 'E' || c === 'e') && d === "'" && dialect === 'duckdb') {
      quoted('estr', i + 1, true);
    } else if ((c === 'X' || c === 'x') && d === "'") {
      quoted('xstr', i + 1, false);
    } else if ((c === 'U' || c === 'u') && d === '&' && sql[i + 2] === "'") {
      quoted('ustr', i + 2, false);
    } else if (c === '$' && dialect === 'duckdb' && ((PARAM.lastIndex = i), PARAM.test(sql))) {
      push('param', PARAM.lastIndex);
    } else if (c === '$' && dialect === 'duckdb' && ((DOLLAR_TAG.lastIndex = i), DOLLAR_TAG.test(sql))) {
      const tag = sql.slice(i, DOLLAR_TAG.lastIndex);
      const close = sql.indexOf(tag, i + tag.length);
      if (close < 0) push('unterminated', sql.length);
      else push('dstr', close + tag.length, sql.slice(i + tag.length, close));
    } else if (c === '?') {
      push('param', i + 1);
    } else {
      PLAIN.lastIndex = i;
      const m = PLAIN.exec(sql);
      if (!m) push('other', i + String.fromCodePoint(sql.codePointAt(i)!).length);
      else if (m[1]) i = PLAIN.lastIndex;
      else push(m[2] ? 'word' : m[3] ? 'num' : 'op', PLAIN.lastIndex);
    }
  }
  return out;
}

const PLACEHOLDER: Partial<Record<TokenKind, string>> = { str: "'…'", estr: "E'…'", ustr: "U&'…'", xstr: "X'…'", dstr: '$$…$$', num: '0', param: '$n', comment: '/*…*/' };
const shapeOf = (tokens: readonly Token[]): string[] => tokens.map((t) => PLACEHOLDER[t.kind] ?? (t.kind === 'other' || t.kind === 'unterminated' ? `<${t.kind} ${JSON.stringify(t.text.slice(0, 20))}>` : t.text));
const literals = (tokens: readonly Token[]): string[] => tokens.filter((t) => t.kind === 'str').map((t) => t.value!);

/** Where two shapes first part (null when equal), with the tokens around it. */
function firstDifference(got: readonly string[], want: readonly string[]): string | null {
  for (let i = 0; i < Math.max(got.length, want.length); i++) {
    if (got[i] !== want[i]) {
      const around = (s: readonly string[]) => s.slice(Math.max(0, i - 6), i + 6).join(' ');
      return `token ${i}: ${JSON.stringify(got[i] ?? '<end>')} where the benign value gives ${JSON.stringify(want[i] ?? '<end>')}\n  got:  ${around(got)}\n  want: ${around(want)}`;
    }
  }
  return null;
}

describe('the shape lexer', () => {
  it('keeps doubled quotes, backslashes and comment markers inside one literal, and sees a quote that escapes', () => {
    expect(shapeOf(lex("a = 'x'' OR ''1''=''1 -- /* \\'", 'trino'))).toEqual(['a', '=', "'…'"]);
    expect(literals(lex("f('it''s', '\\')", 'duckdb'))).toEqual(["it's", '\\']);
    expect(shapeOf(lex("a = 'x' OR '1'='1' -- '", 'trino'))).toEqual(['a', '=', "'…'", 'OR', "'…'", '=', "'…'", '/*…*/']);
    expect(shapeOf(lex("a = 'x'; DROP TABLE t", 'trino'))).toEqual(['a', '=', "'…'", ';', 'DROP', 'TABLE', 't']);
    expect(shapeOf(lex("a = 'x'\u2028'", 'trino'))).toEqual(['a', '=', "'…'", '<other "\u2028">', '<unterminated "\'">']);
    expect(shapeOf(lex("a = 'unclosed", 'trino'))).toEqual(['a', '=', '<unterminated "\'unclosed">']);
  });

  it('reads each dialect’s other literal forms, parameters and comments', () => {
    expect(shapeOf(lex("E'a\\'b' $1 $$ x ' $$ $t$y$t$ ?", 'duckdb'))).toEqual(["E'…'", '$n', '$$…$$', '$$…$$', '$n']);
    expect(lex("E'a\\'b'", 'duckdb')[0].value).toBe("a'b");
    expect(shapeOf(lex("E'a' U&'b' X'0f' 1.5e3 \"q\"\"d\"", 'trino'))).toEqual(['E', "'…'", "U&'…'", "X'…'", '0', '"q""d"']);
    expect(shapeOf(lex('/* a /* b */ c */ d', 'duckdb'))).toEqual(['/*…*/', 'd']);
    expect(shapeOf(lex('/* a /* b */ c */ d', 'trino'))).toEqual(['/*…*/', 'c', '*', '/', 'd']);
  });
});

// ---- hostile strings -------------------------------------------------------------------------------

const NUL = '\u0000';
/** Pieces that break naive escaping or lexing, in either engine. */
const NASTY = [
  "'", "''", '"', '\\', "\\'", '`', ';', '--', '/*', '*/', '*', '\n', '\r', '\t', '\v', '\f', ' ', '\u0001', '\u001b', '\u007f',
  '\u0085', '\u00a0', '\u2028', '\u2029', '\ufeff', '\u200b', '\uff07', '\u02bc', '\u2019', '$1', '$$', '$t$', '?', ':x', '@x', '%',
  '_', "E'", "U&'", "X'", '(', ')', ',', '[', ']', '{', '}', '->', 'lambda x:', ' OR 1=1', "' OR '1'='1", "'; DROP TABLE trail; --",
  'a', 'Z', '0', 'Ω', 'İ', 'ß', '🐢', '\ud800', '\udfff', '\\x27', '\\u0027', '&#39;', '%27',
];
const LONE_SURROGATE = fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c));
const nasty = fc.array(fc.constantFrom(...NASTY), { minLength: 1, maxLength: 24 }).map((p) => p.join(''));
const noNul = (s: string) => s.replace(/\u0000/g, '');
const hostileNoNul = fc.oneof(
  { weight: 5, arbitrary: nasty },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }).map(noNul) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 20 }) },
  { weight: 1, arbitrary: fc.string({ unit: fc.oneof(fc.constantFrom(...NASTY), LONE_SURROGATE), maxLength: 30 }) },
  // very long: far past every validation cap
  { weight: 1, arbitrary: fc.tuple(nasty, fc.integer({ min: 50, max: 800 })).map(([s, n]) => s.repeat(n).slice(0, 8000)) },
);
/** NUL in about one value in ten: Trino must refuse it (no varchar literal holds one); DuckDB binds it. */
const withNul = fc.tuple(hostileNoNul, hostileNoNul).map(([a, b]) => `${a}${NUL}${b}`);
const hostile = (valid?: RegExp): fc.Arbitrary<string> =>
  fc.oneof(
    { weight: 8, arbitrary: hostileNoNul },
    { weight: 1, arbitrary: withNul },
    // what input validation lets through (an ARN may hold quotes, semicolons, comment markers...)
    ...(valid ? [{ weight: 2, arbitrary: fc.stringMatching(valid).filter((s) => s.length <= 4000) }] : []),
  );
const hostileList = (valid?: RegExp, filter: (s: string) => boolean = () => true) =>
  fc.uniqueArray(hostile(valid).filter(filter), { minLength: 1, maxLength: 4 });

/** Addresses and CIDR blocks validation accepts (it refuses anything else), padded as clients may. */
const ipText = fc
  .tuple(
    fc.constantFrom('', ' ', '\t', '\n '),
    fc.oneof(
      fc.ipV4(),
      fc.ipV6(),
      fc.tuple(fc.ipV4(), fc.integer({ min: 0, max: 32 })).map(([a, p]) => `${a}/${p}`),
      fc.tuple(fc.ipV6(), fc.integer({ min: 0, max: 128 })).map(([a, p]) => `${a}/${p}`),
    ),
    fc.constantFrom('', ' ', '\r\n'),
  )
  .map(([a, b, c]) => a + b + c)
  .filter((s) => parseIpMatch(s) !== null);

// ---- how the services build statements -------------------------------------------------------------

const RANGE: TimeRangeSpec = { from: new Date('2024-03-01T00:00:00Z'), to: new Date('2024-03-01T06:00:00Z') };
const SCOPED: Principal = Object.freeze({ ...ANONYMOUS_PRINCIPAL, id: 'tenant', accounts: Object.freeze(['111122223333', '444455556666']) });
const PRINCIPALS = [ANONYMOUS_PRINCIPAL, SCOPED] as const;
const ALICE = 'arn:aws:iam::111122223333:user/alice';
const asSession = (name: string) => `arn:aws:sts::111122223333:assumed-role/Deploy/${name}`;
const BUCKET = 'arn:aws:s3:::bucket';
const PAGE = { first: 10, after: null, order: 'NEWEST_FIRST' } as const;
const POSITION = { time: new Date('2024-03-01T03:00:00Z'), id: 'e-1', hash: '0f' };
const STATS: StatsSpec = {
  groupBy: [{ dimension: 'EVENT_NAME' }, { dimension: 'REQUEST_PARAMETER', path: ['bucketName'] }],
  interval: 'HOUR',
  first: 100,
  order: 'COUNT_DESC',
  minCount: 2,
  countDistinct: { dimension: 'SOURCE_IP' },
};

const planOf = (f: Pick<EventFilterSpec, 'range' | 'accounts' | 'regions'>, principal: Principal): PartitionPlan => planFor(f, DEFAULT_LIMITS, principal);

type Build<V> = (v: V, principal: Principal) => Query;

/** Every statement an EventFilter reaches: the top-level queries and the nested fields computed under it. */
const FILTER_QUERIES: Record<string, (f: EventFilterSpec, plan: PartitionPlan) => Query> = {
  events: (f, p) => eventsQuery(f, p, PAGE),
  identities: (f, p) => identitiesQuery(f, p, 10, null),
  'Identity.sourceIps': (f, p) => identityTopValuesQuery([ALICE], 'sourceIp', 5, f, p),
  'Identity.events': (f, p) => identityEventsQuery([ALICE], 10, f, p),
  'Identity.events(after:)': (f, p) => eventsQuery(f, p, { ...PAGE, after: POSITION }, eq(field('identityKey'), lit(ALICE))),
  resources: (f, p) => resourcesQuery(f, p, 10, null),
  'Resource.topPrincipals': (f, p) => resourceTopPrincipalsQuery([BUCKET], 5, f, p),
  'Resource.events': (f, p) => resourceEventsQuery([BUCKET], 10, f, p),
  eventStats: (f, p) => statsQuery(f, p, STATS),
};

/** The filter-reaching statements of a GraphQL EventFilter value, converted as the resolvers convert it. */
function viaFilter<V>(toInput: (v: V) => object): Record<string, Build<V>> {
  return Object.fromEntries(
    Object.entries(FILTER_QUERIES).map(([name, q]) => [
      name,
      (v: V, principal: Principal) => {
        const spec = filterSpec({ range: RANGE, ...toInput(v) } as EventFilter);
        return q(spec, planOf(spec, principal));
      },
    ]),
  );
}

// ---- the inputs ------------------------------------------------------------------------------------

interface Case<V> {
  /** the schema coordinates whose values this case sends */
  readonly reaches: readonly string[];
  readonly arb: fc.Arbitrary<V>;
  /** the same input with benign values in place of the generated ones */
  readonly benign: (v: V) => V;
  readonly queries: Record<string, Build<V>>;
  /** the strings that must reach the engine intact (bound on DuckDB, a decoded literal on Trino) */
  readonly carried: (v: V, kind: string) => readonly string[];
  /** the error a compiler must throw instead of writing SQL, if any */
  readonly refusal?: (v: V, dialect: Dialect) => RegExp | null;
  /** the value is written into DuckDB's text too (a validated JSON path), not bound */
  readonly inlinedOnDuckDb?: boolean;
  readonly principals?: readonly Principal[];
}
const makeCase = <V>(c: Case<V>): Case<unknown> => c as unknown as Case<unknown>;

const benignList = (xs: readonly string[]) => xs.map((_, i) => `x${i}`);

/** A string-list field of EventFilter. */
const listField = (key: keyof EventFilter, valid?: RegExp, more: Partial<Case<string[]>> = {}) =>
  makeCase<string[]>({
    reaches: [`EventFilter.${key}`],
    arb: hostileList(valid),
    benign: benignList,
    queries: viaFilter((v) => ({ [key]: v })),
    carried: (v) => v,
    ...more,
  });

const ipField = (key: 'sourceIps' | 'excludeSourceIps') =>
  makeCase<string[]>({
    reaches: [`EventFilter.${key}`],
    arb: fc.array(ipText, { minLength: 1, maxLength: 3 }),
    benign: (v) => v.map((s, i) => (parseIpMatch(s)!.family === 'ipv4' ? `10.0.0.${i}` : `fd00::${i + 1}`)),
    queries: viaFilter((v) => ({ [key]: v })),
    // the trimmed text, and the range as fixed-width hex
    carried: (v) => v.map((s) => parseIpMatch(s) as IpMatch).flatMap((m) => [m.text, m.lo, m.hi]),
  });

/** Compile-time census of EventFilterSpec: every key is a free-text field covered below, or classified here. */
type Element<T> = T extends readonly (infer E)[] ? E : T;
type FreeTextKey = {
  [K in keyof EventFilterSpec]-?: string extends Element<NonNullable<EventFilterSpec[K]>> ? K : Element<NonNullable<EventFilterSpec[K]>> extends IpMatch ? K : never;
}[keyof EventFilterSpec];
const NOT_FREE_TEXT = {
  range: 'instants (DateTime, parsed)',
  identityTypes: 'enum',
  sourceIpKinds: 'enum',
  categories: 'enum',
  sessionCredentialFromConsole: 'boolean',
  instanceCredentials: 'boolean',
  hasError: 'boolean',
  readOnly: 'boolean',
  crossAccount: 'boolean',
  json: 'JsonMatch path / equals / contains: the JsonMatch cases below',
} as const satisfies Record<Exclude<keyof EventFilterSpec, FreeTextKey>, string>;

const FILTER_FIELDS = {
  // Accounts the scoped principal cannot see never reach SQL (FORBIDDEN first): the open principal only.
  accounts: listField('accounts', ACCOUNT_ID, { principals: [ANONYMOUS_PRINCIPAL] }),
  // us-east-1 is always read for global events; a hostile list holding it plans one region fewer.
  regions: listField('regions', REGION, { arb: hostileList(REGION, (s) => s !== 'us-east-1') }),
  excludeRegions: listField('excludeRegions', REGION),
  eventSources: listField('eventSources', EVENT_SOURCE),
  eventNames: listField('eventNames', EVENT_NAME),
  excludeEventNames: listField('excludeEventNames', EVENT_NAME),
  principalArns: listField('principalArns', ARN),
  roleArns: listField('roleArns', ARN),
  userNames: listField('userNames'),
  accessKeyIds: listField('accessKeyIds', ACCESS_KEY_ID),
  sourceIps: ipField('sourceIps'),
  excludeSourceIps: ipField('excludeSourceIps'),
  userAgentContains: makeCase<string>({
    reaches: ['EventFilter.userAgentContains'],
    // validation refuses '' (and an empty needle would drop the test altogether)
    arb: hostile().filter((s) => s.length > 0),
    benign: () => 'x',
    queries: viaFilter((v) => ({ userAgentContains: v })),
    carried: (v) => [v.toLowerCase()],
  }),
  errorCodes: listField('errorCodes'),
  resourceArns: listField('resourceArns', ARN),
  eventIds: listField('eventIds'),
} satisfies Record<FreeTextKey, Case<unknown>>;

const JSON_INPUTS = ['requestParameters', 'responseElements', 'additionalEventData'] as const;
const JSON_DIMENSIONS = ['REQUEST_PARAMETER', 'RESPONSE_ELEMENT', 'ADDITIONAL_EVENT_DATA'] as const;
/** What the JSON path validation and the compiler's own check accept: dotted [A-Za-z0-9_]+ keys. */
const PATH_SHAPE = /^[A-Za-z0-9_]+(\.[A-Za-z0-9_]+)*$/;
const validPath = fc.stringMatching(/^[A-Za-z0-9_]{1,12}(\.[A-Za-z0-9_]{1,12}){0,15}$/);
const pathRefusal = (p: string) => (PATH_SHAPE.test(p) ? null : /bad JSON path/);
/** groupKeySpec refuses a JSON dimension without a path (BAD_USER_INPUT) before any IR is built. */
const groupKeyRefusal = (p: string) => (p === '' ? /needs a path/ : pathRefusal(p));

interface JsonMatchValue {
  readonly input: (typeof JSON_INPUTS)[number];
  readonly path: string;
  readonly test: 'equals' | 'contains' | 'exists';
  readonly text: string;
}
const jsonMatchOf = (v: JsonMatchValue): object => ({
  [v.input]: [{ path: v.path, [v.test]: v.test === 'exists' ? true : v.text } as JsonMatch],
});
const jsonValueCase = (test: 'equals' | 'contains') =>
  makeCase<JsonMatchValue>({
    reaches: [`JsonMatch.${test}`],
    arb: fc.record({ input: fc.constantFrom(...JSON_INPUTS), path: validPath, test: fc.constant(test), text: hostile() }),
    benign: (v) => ({ ...v, text: 'x' }),
    queries: viaFilter(jsonMatchOf),
    carried: (v) => [v.text],
  });

interface GroupKeyValue {
  readonly dimension: (typeof JSON_DIMENSIONS)[number];
  readonly path: string;
  readonly as: 'groupBy' | 'countDistinct';
}
const statsWith = (v: GroupKeyValue): StatsSpec => {
  const key = groupKeySpec({ dimension: v.dimension, path: v.path } as GroupKey);
  return v.as === 'groupBy' ? { ...STATS, groupBy: [key] } : { ...STATS, countDistinct: key };
};

/** Positions decoded from an (HMAC-checked) cursor: their strings are values from the lake. */
interface EventPositionValue {
  readonly id: string;
  readonly hash: string;
  readonly order: EventOrder;
}
const afterQuery = (v: EventPositionValue, principal: Principal, extra?: Parameters<typeof eventsQuery>[3]) =>
  eventsQuery({ range: RANGE }, planOf({ range: RANGE }, principal), { first: 10, after: { time: POSITION.time, id: v.id, hash: v.hash }, order: v.order }, extra);

const arnsArb = fc.uniqueArray(hostile(ARN), { minLength: 1, maxLength: 3 });
const RANGE_ONLY: EventFilterSpec = { range: RANGE };

const CASES: Record<string, Case<unknown>> = {
  ...Object.fromEntries(Object.entries(FILTER_FIELDS).map(([k, c]) => [`EventFilter.${k}`, c])),
  'JsonMatch.equals': jsonValueCase('equals'),
  'JsonMatch.contains': jsonValueCase('contains'),
  'JsonMatch.path': makeCase<JsonMatchValue>({
    reaches: ['JsonMatch.path'],
    arb: fc.record({
      input: fc.constantFrom(...JSON_INPUTS),
      path: fc.oneof(validPath, hostile()),
      test: fc.constantFrom('equals', 'contains', 'exists'),
      text: fc.constant('v'),
    }),
    benign: (v) => ({ ...v, path: 'x' }),
    queries: viaFilter(jsonMatchOf),
    carried: (v) => [`$.${v.path}`],
    refusal: (v) => pathRefusal(v.path),
    inlinedOnDuckDb: true,
  }),
  'GroupKey.path': makeCase<GroupKeyValue>({
    reaches: ['GroupKey.path'],
    arb: fc.record({ dimension: fc.constantFrom(...JSON_DIMENSIONS), path: fc.oneof(validPath, hostile()), as: fc.constantFrom('groupBy', 'countDistinct') }),
    benign: (v) => ({ ...v, path: 'x' }),
    queries: { eventStats: (v, principal) => statsQuery({ range: RANGE }, planOf(RANGE_ONLY, principal), statsWith(v)) },
    carried: (v) => [`$.${v.path}`],
    refusal: (v) => groupKeyRefusal(v.path),
    inlinedOnDuckDb: true,
  }),
  'Query.event(eventId:)': makeCase<string>({
    reaches: ['Query.event(eventId:)'],
    arb: hostile(),
    benign: () => 'x',
    queries: { event: (id, principal) => eventByIdQuery(id, RANGE, planOf(RANGE_ONLY, principal)) },
    carried: (id) => [id],
  }),
  // Also Event.identity, with the event's identity key (a value from the lake). Batched: 1-3 keys a statement.
  'Query.identity(arn:)': makeCase<string[]>({
    reaches: ['Query.identity(arn:)'],
    arb: arnsArb,
    benign: benignList,
    queries: {
      identity: (arns, principal) => identitySummariesQuery(arns, RANGE, planOf(RANGE_ONLY, principal)),
      'Identity.userAgents': (arns, principal) => identityTopValuesQuery(arns, 'userAgent', 10, RANGE_ONLY, planOf(RANGE_ONLY, principal)),
      'Identity.events': (arns, principal) => identityEventsQuery(arns, 10, RANGE_ONLY, planOf(RANGE_ONLY, principal)),
      'Identity.events(after:)': (arns, principal) =>
        eventsQuery(RANGE_ONLY, planOf(RANGE_ONLY, principal), { ...PAGE, after: POSITION }, eq(field('identityKey'), lit(arns[0]))),
      // role sessions only (RoleChainService.resolve), searched from the look-back before the range
      'Identity.assumedBy': (arns, principal) => {
        const from = new Date(RANGE.from.getTime() - SESSION_LOOKBACK_MS);
        return sessionCredentialsQuery(arns.map(asSession), RANGE, from, planOf({ range: { from, to: RANGE.to } }, principal));
      },
    },
    // a later page of one principal's events names that principal alone
    carried: (arns, kind) => (kind.endsWith('(after:)') ? [arns[0]] : kind === 'Identity.assumedBy' ? arns.map(asSession) : arns),
  }),
  'Query.resource(arn:)': makeCase<string[]>({
    reaches: ['Query.resource(arn:)'],
    arb: arnsArb,
    benign: benignList,
    queries: {
      resource: (arns, principal) => resourceSummariesQuery(arns, RANGE, planOf(RANGE_ONLY, principal)),
      'Resource.topPrincipals': (arns, principal) => resourceTopPrincipalsQuery(arns, 10, RANGE_ONLY, planOf(RANGE_ONLY, principal)),
      'Resource.events': (arns, principal) => resourceEventsQuery(arns, 10, RANGE_ONLY, planOf(RANGE_ONLY, principal)),
      'Resource.events(after:)': (arns, principal) => eventsQuery(RANGE_ONLY, planOf(RANGE_ONLY, principal), { ...PAGE, after: POSITION }, anyResourceArn([arns[0]])),
    },
    carried: (arns, kind) => (kind.endsWith('(after:)') ? [arns[0]] : arns),
  }),
  'event position (cursor)': makeCase<EventPositionValue>({
    reaches: ['Query.events(after:)', 'Identity.events(after:)', 'Resource.events(after:)'],
    arb: fc.record({ id: hostile(), hash: hostile(), order: fc.constantFrom<EventOrder>('NEWEST_FIRST', 'OLDEST_FIRST') }),
    benign: (v) => ({ ...v, id: 'x', hash: 'y' }),
    queries: {
      events: (v, principal) => afterQuery(v, principal),
      'Identity.events': (v, principal) => afterQuery(v, principal, eq(field('identityKey'), lit(ALICE))),
      'Resource.events': (v, principal) => afterQuery(v, principal, anyResourceArn([BUCKET])),
    },
    carried: (v) => [v.id, v.hash],
  }),
  'identity position (cursor)': makeCase<{ count: number; key: string }>({
    reaches: ['Query.identities(after:)'],
    arb: fc.record({ count: fc.nat(), key: hostile() }),
    benign: (v) => ({ ...v, key: 'x' }),
    queries: { identities: (v, principal) => identitiesQuery(RANGE_ONLY, planOf(RANGE_ONLY, principal), 10, v) },
    carried: (v) => [v.key],
  }),
  'resource position (cursor)': makeCase<{ count: number; arn: string }>({
    reaches: ['Query.resources(after:)'],
    arb: fc.record({ count: fc.nat(), arn: hostile() }),
    benign: (v) => ({ ...v, arn: 'x' }),
    queries: { resources: (v, principal) => resourcesQuery(RANGE_ONLY, planOf(RANGE_ONLY, principal), 10, v) },
    carried: (v) => [v.arn],
  }),
  // Keys a role chain follows upward: responseElements.credentials.accessKeyId values from the lake.
  'issued access keys (role chain)': makeCase<string[]>({
    reaches: [],
    arb: fc.uniqueArray(hostile(ACCESS_KEY_ID), { minLength: 1, maxLength: 3 }),
    benign: benignList,
    queries: { 'Identity.sourcePrincipal': (keys, principal) => credentialIssuersQuery(keys, RANGE, planOf(RANGE_ONLY, principal)) },
    carried: (keys) => keys,
  }),
};

// ---- the census: every text input of the schema is a case ----------------------------------------

/** Scalars whose values are not free text (parsed, or not strings at all). Enums are closed sets. */
const NOT_TEXT_SCALARS = new Set(['Int', 'Float', 'Boolean', 'DateTime']);

/** Schema coordinates of every argument and input field a client fills with text. */
function textInputs(sdl: string): string[] {
  const schema = buildSchema(sdl);
  const out = new Set<string>();
  const isText = (t: GraphQLNamedType) => isScalarType(t) && !NOT_TEXT_SCALARS.has(t.name);
  const seenInputs = new Set<string>();
  const visitInput = (t: GraphQLNamedType) => {
    if (!isInputObjectType(t) || seenInputs.has(t.name)) return;
    seenInputs.add(t.name);
    for (const f of Object.values(t.getFields())) {
      const named = getNamedType(f.type);
      if (isText(named)) out.add(`${t.name}.${f.name}`);
      visitInput(named);
    }
  };
  for (const t of Object.values(schema.getTypeMap())) {
    if (!isObjectType(t) || t.name.startsWith('__')) continue;
    for (const f of Object.values(t.getFields())) {
      for (const a of f.args) {
        const named = getNamedType(a.type);
        if (isText(named)) out.add(`${t.name}.${f.name}(${a.name}:)`);
        visitInput(named);
      }
    }
  }
  return [...out].sort();
}

describe('the inputs under test', () => {
  it('cover every text argument and input field of the schema, and nothing the schema lacks', () => {
    const sdl = readFileSync(path.resolve(__dirname, '../../schema/schema.graphql'), 'utf8');
    const inSchema = textInputs(sdl);
    const covered = [...new Set(Object.values(CASES).flatMap((c) => c.reaches))].sort();
    expect(inSchema).toContain('EventFilter.eventNames'); // the census reads the schema at all
    expect(covered).toEqual(inSchema);
  });

  // Every key of EventFilterSpec is either a FILTER_FIELDS case or classified in NOT_FREE_TEXT:
  // `npm run typecheck` fails on a key that is neither (jest transpiles without type checks).
  it('carry every free-text EventFilter field into the spec the queries are built from', () => {
    for (const key of Object.keys(FILTER_FIELDS) as Array<keyof typeof FILTER_FIELDS>) {
      const value = key === 'userAgentContains' ? 'x' : key === 'sourceIps' || key === 'excludeSourceIps' ? ['10.0.0.1'] : ['x'];
      expect(filterSpec({ range: RANGE, [key]: value } as unknown as EventFilter)).toHaveProperty(key);
      expect(NOT_FREE_TEXT).not.toHaveProperty(key);
    }
  });
});

// ---- the property ----------------------------------------------------------------------------------

const COMPILERS: Record<Dialect, { compile(q: Query): CompiledSql }> = {
  trino: new TrinoCompiler({
    database: 'cloudtrail',
    table: 'trail',
    account: { column: 'account' },
    regionColumn: 'region',
    day: { column: 'timestamp', format: 'yyyy/MM/dd' },
  }),
  duckdb: new DuckDbCompiler({ files: ['/lake/AWSLogs/111122223333/CloudTrail/eu-west-1/2024/03/01/a.json.gz'], maxObjectBytes: 1 << 24 }),
};
const DIALECTS: readonly Dialect[] = ['trino', 'duckdb'];
const RUNS = 100;
/** dt-sql-parser is slow (20-100 ms a statement, ~1 s the first time it meets a statement kind): the first Trino statement of each input. */
const PARSED_PER_INPUT = 1;

interface Compiled {
  readonly sql: string;
  readonly tokens: readonly Token[];
  readonly shape: readonly string[];
  readonly params: CompiledSql['params'];
}
const compileAndLex = (dialect: Dialect, q: Query): Compiled => {
  const { sql, params } = COMPILERS[dialect].compile(q);
  const tokens = lex(sql, dialect);
  return { sql, tokens, shape: shapeOf(tokens), params };
};

const boundStrings = (params: CompiledSql['params']): string[] =>
  params.flatMap((p) => (typeof p.value === 'string' ? [p.value] : Array.isArray(p.value) ? (p.value as string[]) : []));

const baselines = new Map<string, Compiled>();
const trinoTypes = new Map<string, number[]>();
const typesOf = (sql: string) => trinoTokens(sql).map((t) => t.type);

describe.each(Object.entries(CASES))('%s', (name, c) => {
  const kinds = Object.keys(c.queries);
  const principals = c.principals ?? PRINCIPALS;

  it('keeps the token shape of the benign value on Trino and DuckDB, and carries the value intact', () => {
    let parsed = 0;
    fc.assert(
      fc.property(c.arb, fc.constantFrom(...kinds), fc.constantFrom(...principals), (v, kind, principal) => {
        const benign = c.benign(v);
        for (const dialect of DIALECTS) {
          const build = () => c.queries[kind](v, principal);
          const refusal = c.refusal?.(v, dialect) ?? (dialect === 'trino' && c.carried(v, kind).some((s) => s.includes(NUL)) ? /NUL character/ : null);
          if (refusal) {
            expect(() => COMPILERS[dialect].compile(build())).toThrow(refusal);
            continue;
          }
          const key = JSON.stringify([name, kind, principal.id, dialect, benign]);
          if (!baselines.has(key)) baselines.set(key, compileAndLex(dialect, c.queries[kind](benign, principal)));
          const base = baselines.get(key)!;
          if (dialect === 'duckdb' && !c.inlinedOnDuckDb) {
            // bound, never written: the text is the benign text (so is its shape), parameter for parameter
            const got = COMPILERS.duckdb.compile(build());
            expect(got.sql).toBe(base.sql);
            expect(got.params.map((p) => p.type)).toEqual(base.params.map((p) => p.type));
            for (const s of c.carried(v, kind)) expect(boundStrings(got.params)).toContain(s);
            continue;
          }
          const got = compileAndLex(dialect, build());
          expect(firstDifference(got.shape, base.shape)).toBeNull();
          if (dialect === 'duckdb') {
            for (const s of c.carried(v, kind)) expect(literals(got.tokens)).toContain(s);
          } else {
            const lits = literals(got.tokens);
            for (const s of c.carried(v, kind)) expect(lits).toContain(s);
            if (parsed++ < PARSED_PER_INPUT) {
              expect({ errors: trinoErrors(got.sql) }).toEqual({ errors: [] });
              if (!trinoTypes.has(key)) trinoTypes.set(key, typesOf(base.sql));
              expect(typesOf(got.sql)).toEqual(trinoTypes.get(key));
            }
          }
        }
      }),
      { numRuns: RUNS },
    );
  });
});
