import fs from 'node:fs';
import path from 'node:path';
import { parse, validate } from 'graphql';
import pino from 'pino';
import { loadConfig } from '../../src/config/config';
import type { Engine } from '../../src/engines/engine';
import { buildTrailgateSchema } from '../../src/graphql/build-schema';
import { openEngine } from '../../src/server/gateway';
import { startHttpServer, type HttpServer } from '../../src/server/http-server';
import { armorProtection, DOCUMENT_LIMITS } from '../../src/server/limits/armor';
import { MAX_COMPLEXITY, operationComplexity } from '../../src/server/limits/complexity-plugin';
import { useHarness } from '../support/gateway-harness';

/**
 * The GraphQL limits (issue "GraphQL limits"). Every refusal (tokens, depth, aliases, directives,
 * static cost, recursive selections, and the variable-aware price of the pages asked for) is
 * QUERY_TOO_COMPLEX with HTTP 400, names the kind of limit but no number, and runs nothing; every
 * catalogue operation, schema example and demanding-but-legitimate query passes with room to spare.
 */
const REAL = path.resolve(__dirname, '../../../shared/data/cloudtrail/flaws2-cloud');
const SCHEMA_DIR = path.resolve(__dirname, '../../schema');
const DAY = { from: '2018-11-28T00:00:00Z', to: '2018-11-29T00:00:00Z' };
const RANGE = `{ from: "${DAY.from}", to: "${DAY.to}" }`;
const FILTER = `filter: { range: ${RANGE} }`;
const logger = pino({ level: 'silent' });

/** Every field of an Event, nested objects included (schema/schema.graphql). */
const EVENT_FIELDS = `eventId eventTime eventVersion eventSource eventName eventType eventCategory awsRegion recipientAccountId
  sourceIpAddress userAgent errorCode errorMessage readOnly managementEvent requestId sharedEventId vpcEndpointId apiVersion
  sessionCredentialFromConsole requestParameters responseElements additionalEventData serviceEventDetails insightDetails
  tlsDetails { tlsVersion cipherSuite clientProvidedHostHeader } resources { arn arnPrefix accountId type }
  userIdentity { type principalId arn accountId accessKeyId userName invokedBy roleArn sessionName mfaAuthenticated sessionCreatedAt sourceIdentity }`;
const IDENTITY_FIELDS = 'arn type accountId userName roleArn eventCount errorCount firstSeen lastSeen';
const STATS_DIMENSIONS = ['ACCOUNT', 'REGION', 'EVENT_SOURCE', 'EVENT_NAME', 'EVENT_TYPE', 'EVENT_CATEGORY', 'IDENTITY_TYPE', 'PRINCIPAL_ARN', 'ROLE_ARN', 'USER_NAME', 'ACCESS_KEY_ID', 'SOURCE_IP', 'USER_AGENT', 'ERROR_CODE', 'READ_ONLY', 'HOUR_OF_DAY', 'DAY_OF_WEEK'];

/** Demanding but legitimate: each must be accepted (and answered) with room to spare. */
const LEGITIMATE: Array<[name: string, query: string, variables: Record<string, unknown>]> = [
  ['a full page (1000) of events with every field and the acting principal', `{ events(first: 1000, ${FILTER}) { nodes { ${EVENT_FIELDS} identity { ${IDENTITY_FIELDS} } } pageInfo { hasNextPage endCursor } } }`, {}],
  ['40 aliased event lookups with every field', `{ ${Array.from({ length: 40 }, (_, i) => `e${i}: event(eventId: "id-${i}", range: ${RANGE}) { ${EVENT_FIELDS} }`).join('\n')} }`, {}],
  [
    '1000 principals with their role chains (test/integration/role-chains.test.ts)',
    `query($f: EventFilter!) { identities(filter: $f, first: 1000) { nodes { arn sourcePrincipal assumedBy(first: 1000) { value count } } } }`,
    { f: { range: DAY } },
  ],
  [
    '17 groupings of up to 1000 stats rows (test/integration/real-sets-totals.test.ts)',
    `query($f: EventFilter!) { ${STATS_DIMENSIONS.map((d, i) => `k${i}: eventStats(filter: $f, groupBy: [{ dimension: ${d} }], first: 1000) { rows { keys count errorCount firstSeen lastSeen } }`).join('\n')} }`,
    { f: { range: DAY } },
  ],
  ['the TopUsers catalogue operation at first: 1000', fs.readFileSync(path.join(SCHEMA_DIR, 'persisted/TopUsers.graphql'), 'utf8'), { range: DAY, first: 1000 }],
  ['20 fields toggled by @include', `query($on: Boolean!) { events(first: 100, ${FILTER}) { nodes { ${EVENT_FIELDS.split(/\s+/).filter((f) => /^[a-z]\w+$/.test(f)).slice(0, 20).map((f) => `${f} @include(if: $on)`).join(' ')} } } }`, { on: true }],
];

/** Selections nested `levels` times through Event.identity.events (each level a batched engine query if it ran). */
const deepEvents = (levels: number) => {
  let inner = 'eventId';
  for (let i = 0; i < levels; i++) inner = `identity { events { nodes { ${inner} } } }`;
  return `{ events(${FILTER}) { nodes { ${inner} } } }`;
};
/** 2^levels selections through fragments that each spread the one before twice. */
const doublingFragments = (levels: number) => {
  let fragments = 'fragment F0 on Event { eventId eventName }';
  for (let i = 1; i <= levels; i++) fragments += `\nfragment F${i} on Event { ...F${i - 1} ... on Event { ...F${i - 1} } }`;
  return `{ events(first: 1, ${FILTER}) { nodes { ...F${levels} } } }\n${fragments}`;
};
const ONE_MEGABYTE = 1_000_000;
/** A document of about 1 MB (under the HTTP body limit): 125,000 tokens. */
const megabyteOfTokens = `{ events(first: 1, ${FILTER}) { nodes { ${'eventId '.repeat(Math.floor((ONE_MEGABYTE - 100) / 8))} } } }`;

/** Abuse, each with the words its refusal must name. */
const REFUSED: Array<[name: string, query: string, variables: Record<string, unknown>, names: RegExp]> = [
  ['first: 100000 on events', `{ events(first: 100000, ${FILTER}) { nodes { eventId eventName } } }`, {}, /smaller pages/],
  ['first: 100000 on events, by variable', `query($n: Int) { events(first: $n, ${FILTER}) { nodes { eventId eventName } } }`, { n: 100000 }, /smaller pages/],
  ['first: 100000 on events asking only pageInfo, by variable', `query($n: Int) { events(first: $n, ${FILTER}) { pageInfo { hasNextPage } } }`, { n: 100000 }, /smaller pages/],
  ['first: 100000 on identities, by variable', `query($n: Int) { identities(first: $n, ${FILTER}) { nodes { arn } } }`, { n: 100000 }, /smaller pages/],
  ['first: 100000 on eventStats, by variable', `query($n: Int) { eventStats(first: $n, groupBy: [], ${FILTER}) { totalEvents } }`, { n: 100000 }, /smaller pages/],
  [
    '1000 identities × 1000 nested events',
    `{ identities(first: 1000, ${FILTER}) { nodes { arn events(first: 1000) { nodes { eventId eventName eventTime } } } } }`,
    {},
    /smaller pages/,
  ],
  [
    '1000 identities × 1000 nested events, by variables',
    `query($a: Int, $b: Int) { identities(first: $a, ${FILTER}) { nodes { arn events(first: $b) { nodes { eventId } } } } }`,
    { a: 1000, b: 1000 },
    /smaller pages/,
  ],
  [
    '1000 identities × 1000 nested events of a dozen fields (static cost)',
    `{ identities(first: 1000, ${FILTER}) { nodes { arn events(first: 1000) { nodes { eventId eventTime eventSource eventName awsRegion sourceIpAddress userAgent errorCode requestParameters responseElements userIdentity { type arn accountId userName } } } } } }`,
    {},
    /too many fields and pages/,
  ],
  ['a depth bomb (15 levels)', deepEvents(4), {}, /nested too deeply/],
  ['an alias bomb (150 lookups)', `{ ${Array.from({ length: 150 }, (_, i) => `e${i}: event(eventId: "id-${i}", range: ${RANGE}) { eventId }`).join(' ')} }`, {}, /too many aliases/],
  ['a directive flood (60)', `{ events(first: 1, ${FILTER}) { nodes { ${'eventId @include(if: true) '.repeat(60)} } } }`, {}, /too many directives/],
  ['a 1 MB document of tokens', megabyteOfTokens, {}, /too long/],
  ['fragments expanding to 2^25 selections', doublingFragments(25), {}, /too many selections/],
];

/** Nothing that tells a client where the limits are (no number at all), or what the schema holds. */
function expectNoLeak(json: { errors?: ReadonlyArray<{ message: string; extensions?: Record<string, unknown> }> }) {
  for (const e of json.errors ?? []) {
    expect(e.message).not.toMatch(/\d/);
    expect(JSON.stringify(e.extensions ?? {})).not.toMatch(/\d/);
    expect(e.message).not.toContain('Did you mean');
  }
}

const post = async (url: string, body: unknown) => {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, text: await res.text() };
};

describe('GraphQL limits over HTTP', () => {
  let server: HttpServer;
  let engine: Engine;
  let engineCalls: jest.SpyInstance[];

  beforeAll(async () => {
    const config = loadConfig({ lake: REAL, port: 0, host: '127.0.0.1' }, { TRAILGATE_DUCKDB_THREADS: '1' });
    engine = await openEngine(config, REAL, logger);
    engineCalls = [jest.spyOn(engine, 'run'), jest.spyOn(engine, 'explain'), jest.spyOn(engine, 'lakeInfo')];
    server = await startHttpServer(config, engine, logger, { manifest: null });
  });
  afterAll(() => server.close());
  beforeEach(() => engineCalls.forEach((spy) => spy.mockClear()));
  const engineCallCount = () => engineCalls.reduce((n, spy) => n + spy.mock.calls.length, 0);

  it('(control) runs a small query on the engine, and the spies see it', async () => {
    const { status, text } = await post(server.url, { query: `{ events(first: 5, ${FILTER}) { nodes { eventId } } }` });
    expect(status).toBe(200);
    expect(JSON.parse(text).data.events.nodes).toHaveLength(5);
    expect(engineCallCount()).toBeGreaterThan(0);
  });

  it.each(REFUSED)('refuses %s with QUERY_TOO_COMPLEX, HTTP 400, and no engine call', async (_name, query, variables, names) => {
    const { status, text } = await post(server.url, { query, variables });
    const json = JSON.parse(text);
    expect(status).toBe(400);
    expect(json.data ?? undefined).toBeUndefined();
    expect(json.errors.length).toBeGreaterThanOrEqual(1);
    for (const e of json.errors) expect(e.extensions.code).toBe('QUERY_TOO_COMPLEX');
    expect(json.errors.map((e: { message: string }) => e.message).join(' ')).toMatch(names);
    expect(engineCallCount()).toBe(0);
    expect(json.extensions?.trailgate?.queries ?? []).toEqual([]);
    expectNoLeak(json);
  });

  it('sends the 1 MB document whole (under the HTTP body limit), so the parser refuses it, not the body limit', () => {
    const size = Buffer.byteLength(JSON.stringify({ query: megabyteOfTokens, variables: {} }));
    expect(size).toBeGreaterThan(0.95 * ONE_MEGABYTE);
    expect(size).toBeLessThan(1024 * 1024);
  });

  it.each(LEGITIMATE)('answers %s with 200', async (_name, query, variables) => {
    const { status, text } = await post(server.url, { query, variables });
    expect(JSON.parse(text).errors).toBeUndefined();
    expect(status).toBe(200);
  });
});

describe('GraphQL limits, in process', () => {
  const { exec } = useHarness(REAL);

  it('refuses first: 100000 before any engine call', async () => {
    const res = await exec(`query($n: Int) { events(first: $n, ${FILTER}) { nodes { eventId } } }`, { n: 100000 });
    expect(res.errors?.map((e) => e.extensions?.code)).toEqual(['QUERY_TOO_COMPLEX']);
    expect(res.extensions?.trailgate?.queries).toEqual([]);
  });

  it('leaves a page just over the maximum to the resolvers (BAD_USER_INPUT, not a limit)', async () => {
    const res = await exec(`query($n: Int) { events(first: $n, ${FILTER}) { nodes { eventId } } }`, { n: 1001 });
    expect(res.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('answers a full page of events with every field', async () => {
    const page = await exec(LEGITIMATE[0][1]);
    expect(page.errors).toBeUndefined();
    expect(page.data?.events.nodes).toHaveLength(37); // flaws2-cloud holds 37 events that day
  });

  it('hides schema suggestions from validation errors', async () => {
    const res = await exec(`{ lake { engin } }`);
    expect(res.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(res.errors?.[0].message).toContain('engin');
    expect(JSON.stringify(res)).not.toContain('Did you mean');
  });
});

describe('an internal error with NODE_ENV=development', () => {
  let server: HttpServer;
  const failing: Engine = {
    name: 'duckdb',
    run: async () => {
      throw new Error('IO Error: cannot open /srv/lake/file.json.gz');
    },
    explain: async () => {
      throw new Error('unused');
    },
    lakeInfo: async () => {
      throw new Error('census failed at /srv/lake');
    },
    close: async () => undefined,
  };

  beforeAll(async () => {
    // Apollo reads NODE_ENV when the server is built: outside production and test it would show stacks
    const before = process.env.NODE_ENV;
    process.env.NODE_ENV = 'development';
    try {
      server = await startHttpServer(loadConfig({ lake: REAL, port: 0, host: '127.0.0.1' }, {}), failing, logger, { manifest: null });
    } finally {
      process.env.NODE_ENV = before;
    }
  });
  afterAll(() => server.close());

  it('answers without a stack trace', async () => {
    const { text } = await post(server.url, { query: `{ events(first: 5, ${FILTER}) { nodes { eventId } } }` });
    const json = JSON.parse(text);
    expect(json.errors[0].extensions.code).toBe('INTERNAL_SERVER_ERROR');
    expect(text).not.toMatch(/stacktrace|\bat .+:\d+:\d+|\/srv\//);
  });

  it('answers a refusal without a stack trace', async () => {
    const { status, text } = await post(server.url, { query: megabyteOfTokens });
    expect(status).toBe(400);
    expect(JSON.parse(text).errors[0].extensions.code).toBe('QUERY_TOO_COMPLEX');
    expect(text).not.toMatch(/stacktrace|\bat .+:\d+:\d+/);
  });
});

describe('GraphQL limits, priced', () => {
  let schema: Awaited<ReturnType<typeof buildTrailgateSchema>>;
  beforeAll(async () => {
    schema = await buildTrailgateSchema();
  });
  const price = (q: string, variables?: Record<string, unknown>) => operationComplexity({ schema, document: parse(q), variables });

  /** Document limits half as large (a tenth for the static cost) as those served. */
  const HALF = {
    maxDepth: DOCUMENT_LIMITS.maxDepth / 2,
    maxAliases: DOCUMENT_LIMITS.maxAliases / 2,
    maxDirectives: DOCUMENT_LIMITS.maxDirectives / 2,
    maxCost: DOCUMENT_LIMITS.maxCost / 10,
    maxTokens: DOCUMENT_LIMITS.maxTokens / 2,
  };
  const refusalsUnder = (limits: typeof HALF, source: string) => {
    const document = parse(source, { maxTokens: limits.maxTokens }); // throws over the limit
    return validate(schema, document, armorProtection(limits).validationRules).map((e) => e.message);
  };

  const catalogue = ['persisted', 'examples'].flatMap((dir) =>
    fs
      .readdirSync(path.join(SCHEMA_DIR, dir))
      .filter((n) => n.endsWith('.graphql'))
      .map((n) => [`${dir}/${n}`, fs.readFileSync(path.join(SCHEMA_DIR, dir, n), 'utf8')] as const),
  );
  /** The required variables of the catalogue and the examples; everything else keeps its default. */
  const variables = { range: DAY, from: DAY.from, to: DAY.to, recentStart: '2018-11-28T12:00:00Z' };

  it('prices every catalogue operation and schema example at under a tenth of the limit', () => {
    expect(catalogue.length).toBeGreaterThan(40); // 40 catalogue operations and 6 examples when written
    const over = catalogue.map(([f, src]) => ({ f, cost: price(src, variables) })).filter(({ cost }) => cost === null || cost > MAX_COMPLEXITY / 10);
    expect(over).toEqual([]);
  });

  it('passes every catalogue operation and schema example under document limits half as large', () => {
    const refused = catalogue.map(([f, src]) => ({ f, refusals: refusalsUnder(HALF, src) })).filter(({ refusals }) => refusals.length > 0);
    expect(refused).toEqual([]);
  });

  it.each(LEGITIMATE)('prices %s at under half the limit, and passes document limits half as large', (_name, query, vars) => {
    const cost = price(query, vars);
    expect(cost).not.toBeNull();
    expect(cost!).toBeLessThan(MAX_COMPLEXITY / 2);
    expect(refusalsUnder({ ...HALF, maxCost: DOCUMENT_LIMITS.maxCost / 2 }, query)).toEqual([]);
  });
});
