import { mapEvent } from '../../src/mapping/event.mapper';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'graphql';
import { createAthenaClient } from '../../src/engines/athena/athena-client';
import { AthenaEngine } from '../../src/engines/athena/athena-engine';
import type { Engine, EngineResult, ExplainedQuery, LakeInfo, RunOptions } from '../../src/engines/engine';
import { readGlueTableFile } from '../../src/engines/glue/glue-table-file';
import { loadConfig } from '../../src/config/config';
import type { PartitionPlan, Query } from '../../src/query/ir';
import { openEngine } from '../../src/server/gateway';
import { openHarness, silentLogger, type Harness, type TestResult } from '../support/gateway-harness';
import {
  REAL_DATA_DIR,
  cmpNullableText,
  dimensionValue,
  filterEvents,
  groupStats,
  identitySummaries,
  iso,
  loadReferenceLake,
  spanOf,
  topCounted,
  type FilterInput,
  type GroupKeyInput,
  type RefEvent,
  type RefStatsRow,
} from '../support/reference-lake';
import { partitionTerms, sqlStructure, structureDiff, type SqlStructure } from '../support/sql-structure';
import { trinoErrors } from '../support/trino-parser';
import type { AccountScope } from '../../src/domain/principal';

/**
 * The dialect contract (issue 3, Tests): one list of GraphQL operations goes through both
 * compilers. DuckDB runs each against the real CloudTrail samples, and for most the answer is
 * checked against a plain reduction of the records. Every operation is also explained on DuckDB
 * and on an offline Athena engine over two Glue layouts (organization: account + region + day;
 * single account: region + day). The Trino text must parse with TrinoSQL and carry the same
 * predicates, select lists, keys, orders, limits and windows as the DuckDB text of the same IR
 * (test/support/sql-structure.ts), and both must prune to the same partition plan.
 *
 * In explain mode an engine answers as if the lake were empty, so nested fields never resolve
 * there; the IR queries the real DuckDB run executed (nested ones included) are explained on both
 * engines as well, so batched identity fields and their per-group ranking are compared too.
 */

const ROOT = path.join(__dirname, '..', '..');
const ENV = { TRAILGATE_CURSOR_SECRET: 'dialect-contract-'.padEnd(40, 'x') }; // one secret: a DuckDB cursor decodes on the Athena gateways
const LAYOUTS = {
  organization: 'glue-tables/cloudtrail-organization.table.json',
  'single-account': 'glue-tables/cloudtrail-single-account.table.json',
} as const;
type Layout = keyof typeof LAYOUTS;
const LAYOUT_NAMES = Object.keys(LAYOUTS) as Layout[];
/** Layouts whose account is a partition column (an accounts filter becomes a partition predicate). */
const ACCOUNT_PARTITIONED: Record<Layout, boolean> = { organization: true, 'single-account': false };

const ref = loadReferenceLake(REAL_DATA_DIR);

// ---- engines that remember the IR they were given --------------------------------------------------

interface Explained {
  readonly query: Query;
  readonly explained: ExplainedQuery;
}

/** Passes everything to the engine it wraps and records the IR of each run and explain. */
class RecordingEngine implements Engine {
  readonly ran: Query[] = [];
  readonly explained: Explained[] = [];
  constructor(readonly inner: Engine) {}
  get name(): string {
    return this.inner.name;
  }
  run(query: Query, opts: RunOptions): Promise<EngineResult> {
    this.ran.push(query);
    return this.inner.run(query, opts);
  }
  async explain(query: Query): Promise<ExplainedQuery> {
    const explained = await this.inner.explain(query);
    this.explained.push({ query, explained });
    return explained;
  }
  lakeInfo(scope: AccountScope): Promise<LakeInfo> {
    return this.inner.lakeInfo(scope);
  }
  close(): Promise<void> {
    return this.inner.close();
  }
  reset(): void {
    this.ran.length = 0;
    this.explained.length = 0;
  }
}

/** As `trailgate explain --engine athena --glue-table FILE` builds it: no AWS call is ever made. */
async function offlineAthena(file: string, injected = false): Promise<AthenaEngine> {
  const info = await readGlueTableFile(path.join(ROOT, file), { database: 'cloudtrail' });
  expect(info.requireAccounts).toBe(injected);
  return new AthenaEngine({
    client: createAthenaClient({ region: 'us-east-1' }),
    workgroup: 'primary',
    database: 'cloudtrail',
    binding: () => info.binding,
    requireAccounts: () => info.requireAccounts,
    location: file,
    logger: silentLogger(),
  });
}

const rootPlan = (q: Query): PartitionPlan => (q.kind === 'select' ? q.plan : q.inner.plan);
const irKey = (q: Query) => JSON.stringify(q);

// ---- operations ----------------------------------------------------------------------------------

type Vars = Record<string, unknown>;
interface Op {
  readonly name: string;
  readonly query: string;
  /** variables, possibly from the DuckDB answers of earlier operations (cursors) */
  readonly variables: (answers: ReadonlyMap<string, TestResult>) => Vars;
  /** engine queries the real run executes (nested fields: one batched query per field) */
  readonly queries: number;
  /** the range every engine query of the operation covers */
  readonly range: { from: string; to: string };
  /** the accounts and regions of its top-level filter, when it has them */
  readonly accounts?: string[];
  readonly regions?: string[];
  /** the DuckDB answer against the reference reduction */
  readonly expectAnswer?: (data: Record<string, any>) => void; // eslint-disable-line @typescript-eslint/no-explicit-any
}

const MAHERIBRA = { from: '2026-07-28T09:00:00Z', to: '2026-07-28T12:00:00Z' };
const INVICTUS = { from: '2023-07-10T00:00:00Z', to: '2023-07-11T00:00:00Z' };
const FLAWS2 = { from: '2018-11-28T00:00:00Z', to: '2018-11-29T00:00:00Z' };
const ALL = spanOf(ref.served);
const GRYCAP = { from: '2014-05-10T00:00:00Z', to: '2018-05-10T00:00:00Z' };
const ATTACKER = 'arn:aws:iam::275023965626:user/aws-attack-chain-lab-attacker';

const newestFirst = (a: RefEvent, b: RefEvent) => b.time - a.time || cmpNullableText(b.eventId, a.eventId);
const oldestFirst = (a: RefEvent, b: RefEvent) => -newestFirst(a, b);
const ids = (es: readonly RefEvent[]) => es.map((e) => e.eventId);
const textOrder = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
/** (count desc, key asc): the ranking of identities. */
const ranked = (events: readonly RefEvent[]) =>
  [...identitySummaries(events).values()].sort((a, b) => b.eventCount - a.eventCount || textOrder(a.arn, b.arn));
const keysAsc = (a: { keys: (string | null)[] }, b: { keys: (string | null)[] }) => {
  for (let i = 0; i < a.keys.length; i++) {
    const c = cmpNullableText(a.keys[i], b.keys[i]);
    if (c) return c;
  }
  return 0;
};
const statsRow = (r: RefStatsRow) => ({ keys: r.keys, count: r.count, errorCount: r.errorCount, firstSeen: r.firstSeen, lastSeen: r.lastSeen });

const DAY_MS = 86_400_000;
/** UTC bucket starts (WEEK starts on Monday). */
function bucketOf(ms: number, unit: 'DAY' | 'WEEK' | 'MONTH'): string {
  const d = new Date(ms);
  if (unit === 'MONTH') return iso(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1));
  const day = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
  return iso(unit === 'DAY' ? day : day - ((d.getUTCDay() + 6) % 7) * DAY_MS);
}

/** Rows of (keys, bucket) groups, as eventStats answers them with an interval. */
function bucketStats(events: readonly RefEvent[], dims: readonly GroupKeyInput[], unit: 'DAY' | 'WEEK' | 'MONTH') {
  const groups = new Map<string, RefEvent[]>();
  for (const e of events) {
    const k = JSON.stringify([dims.map((d) => dimensionValue(e, d.dimension, d.path)), bucketOf(e.time, unit)]);
    groups.set(k, [...(groups.get(k) ?? []), e]);
  }
  return [...groups.entries()].map(([k, es]) => {
    const [keys, bucket] = JSON.parse(k) as [(string | null)[], string];
    return { ...statsRow(groupStats(es, dims)[0]), keys, bucket };
  });
}

const EVENT_PAGE = 'nodes { eventId } pageInfo { hasNextPage endCursor }';
const STATS_ROWS = 'totalEvents rows { keys count errorCount firstSeen lastSeen }';

const MAHERIBRA_SCOPE: FilterInput = { range: MAHERIBRA, accounts: ['275023965626'], regions: ['eu-west-1'] };
const CIDRS: FilterInput = { range: MAHERIBRA, sourceIps: ['212.129.0.0/16', '54.74.165.177', '2001:db8::/32'] };
const JSONS: FilterInput = {
  range: MAHERIBRA,
  requestParameters: [
    { path: 'roleSessionName', equals: 'resource-explorer-2' },
    { path: 'roleArn', contains: 'AWSServiceRoleForResourceExplorer' },
  ],
  responseElements: [{ path: 'assumedRoleUser.arn', exists: true }],
  additionalEventData: [{ path: 'RequestDetails', exists: false }],
};
const UNKNOWN_TYPES: FilterInput = { range: INVICTUS, accounts: ['123837392027'], regions: ['us-east-1'], identityTypes: ['UNKNOWN', 'ROOT'] };
const CROSS: FilterInput = { range: FLAWS2, crossAccount: true };
const RESOURCES: FilterInput = {
  range: MAHERIBRA,
  resourceArns: ['arn:aws:iam::275023965626:role/aws-attack-chain-lab-vulnerable-role', 'arn:aws:s3:::aws-attack-chain-lab-cloudtrail-275023965626'],
  userAgentContains: 'AWS-CLI',
  excludeEventNames: ['GetBucketPolicy'],
  readOnly: true,
};
const NAMED_EVENTS: FilterInput = { range: MAHERIBRA, eventNames: ['GetCallerIdentity', 'ListBuckets'] };
const JSON_DIMS: GroupKeyInput[] = [
  { dimension: 'REQUEST_PARAMETER', path: 'roleSessionName' },
  { dimension: 'RESPONSE_ELEMENT', path: 'ConsoleLogin' },
];
const CLOCK_FILTER: FilterInput = { range: ALL, regions: ['us-east-1', 'sa-east-1'], hasError: true };
const GRYCAP_SA: FilterInput = { range: GRYCAP, accounts: ['974349055189'], regions: ['sa-east-1'] };
const GRYCAP_ALL: FilterInput = { range: GRYCAP, accounts: ['974349055189'] };
const UNKNOWN_TOTAL: FilterInput = { range: ALL, identityTypes: ['UNKNOWN'], categories: ['MANAGEMENT', 'INSIGHT'], hasError: false };
const FLAGS_DIMS: GroupKeyInput[] = [{ dimension: 'IDENTITY_TYPE' }, { dimension: 'READ_ONLY' }, { dimension: 'MFA_AUTHENTICATED' }, { dimension: 'EVENT_CATEGORY' }];
const CONSOLE: FilterInput = { range: ALL, eventNames: ['ConsoleLogin'] };
const CONSOLE_DIMS: GroupKeyInput[] = [{ dimension: 'ADDITIONAL_EVENT_DATA', path: 'MFAUsed' }, { dimension: 'RESPONSE_ELEMENT', path: 'ConsoleLogin' }];
const PEOPLE: FilterInput = {
  range: ALL,
  userNames: ['bert-jan', 'alucloud34', "o'brien"], // a quote: Trino doubles it in the literal, DuckDB binds it
  principalArns: ['arn:aws:iam::974349055189:user/alucloud34', 'arn:aws:iam::123837392027:user/bert-jan'],
  errorCodes: ['AccessDenied', 'Client.UnauthorizedOperation', 'NoSuchEntity'],
  hasError: true,
};
const PEOPLE_DIMS: GroupKeyInput[] = [{ dimension: 'USER_NAME' }, { dimension: 'ERROR_CODE' }, { dimension: 'ACCESS_KEY_ID' }];
const ORIGIN_DIMS: GroupKeyInput[] = [
  { dimension: 'ACCOUNT' },
  { dimension: 'REGION' },
  { dimension: 'EVENT_TYPE' },
  { dimension: 'INVOKED_BY' },
  { dimension: 'SOURCE_IDENTITY' },
  { dimension: 'ROLE_ARN' },
];
const TWO_ACCOUNTS: FilterInput = { range: ALL, accounts: ['123837392027', '275023965626'] };

const OPS: Op[] = [
  {
    name: 'events, newest first, in one account and region',
    queries: 1,
    query: `query($f: EventFilter!) { events(filter: $f, first: 5) { ${EVENT_PAGE} } }`,
    variables: () => ({ f: MAHERIBRA_SCOPE }),
    range: MAHERIBRA,
    accounts: MAHERIBRA_SCOPE.accounts,
    regions: MAHERIBRA_SCOPE.regions,
    expectAnswer: (d) => {
      const want = filterEvents(ref, MAHERIBRA_SCOPE).sort(newestFirst);
      expect(d.events.nodes.map((n: { eventId: string }) => n.eventId)).toEqual(ids(want.slice(0, 5)));
      expect(d.events.pageInfo.hasNextPage).toBe(want.length > 5);
    },
  },
  {
    name: 'events, the page after a cursor',
    queries: 1,
    query: `query($f: EventFilter!, $after: String) { events(filter: $f, first: 5, after: $after) { ${EVENT_PAGE} } }`,
    variables: (answers) => ({ f: MAHERIBRA_SCOPE, after: answers.get('events, newest first, in one account and region')!.data!.events.pageInfo.endCursor }),
    range: MAHERIBRA,
    accounts: MAHERIBRA_SCOPE.accounts,
    regions: MAHERIBRA_SCOPE.regions,
    expectAnswer: (d) => {
      const want = filterEvents(ref, MAHERIBRA_SCOPE).sort(newestFirst);
      expect(d.events.nodes.map((n: { eventId: string }) => n.eventId)).toEqual(ids(want.slice(5, 10)));
    },
  },
  {
    name: 'events, oldest first, by address, v4 block and v6 block',
    queries: 1,
    query: `query($f: EventFilter!) { events(filter: $f, first: 50, order: OLDEST_FIRST) { ${EVENT_PAGE} } }`,
    variables: () => ({ f: CIDRS }),
    range: MAHERIBRA,
    expectAnswer: (d) => {
      const want = filterEvents(ref, CIDRS).sort(oldestFirst);
      expect(want.length).toBeGreaterThan(10);
      expect(d.events.nodes.map((n: { eventId: string }) => n.eventId)).toEqual(ids(want.slice(0, 50)));
    },
  },
  {
    name: 'events by JsonMatch equals, contains and exists',
    queries: 1,
    query: `query($f: EventFilter!) { events(filter: $f, first: 3) { ${EVENT_PAGE} } }`,
    variables: () => ({ f: JSONS }),
    range: MAHERIBRA,
    expectAnswer: (d) => {
      const want = filterEvents(ref, JSONS).sort(newestFirst);
      expect(want.length).toBeGreaterThan(3);
      expect(d.events.nodes.map((n: { eventId: string }) => n.eventId)).toEqual(ids(want.slice(0, 3)));
      expect(d.events.pageInfo.hasNextPage).toBe(true);
    },
  },
  {
    name: 'events of UNKNOWN or ROOT identity type',
    queries: 1,
    query: `query($f: EventFilter!) { events(filter: $f, first: 10, order: OLDEST_FIRST) { ${EVENT_PAGE} } }`,
    variables: () => ({ f: UNKNOWN_TYPES }),
    range: INVICTUS,
    accounts: UNKNOWN_TYPES.accounts,
    regions: UNKNOWN_TYPES.regions,
    expectAnswer: (d) => {
      const want = filterEvents(ref, UNKNOWN_TYPES).sort(oldestFirst);
      expect(want.length).toBeGreaterThan(10);
      expect(d.events.nodes.map((n: { eventId: string }) => n.eventId)).toEqual(ids(want.slice(0, 10)));
    },
  },
  {
    name: 'events across accounts',
    queries: 1,
    query: `query($f: EventFilter!) { events(filter: $f, first: 50) { ${EVENT_PAGE} } }`,
    variables: () => ({ f: CROSS }),
    range: FLAWS2,
    expectAnswer: (d) => {
      const want = filterEvents(ref, CROSS).sort(newestFirst);
      expect(want.length).toBeGreaterThan(5);
      expect(d.events.nodes.map((n: { eventId: string }) => n.eventId)).toEqual(ids(want.slice(0, 50)));
    },
  },
  {
    name: 'events by resource ARN, user agent, readOnly and excluded names',
    queries: 1,
    query: `query($f: EventFilter!) { events(filter: $f, first: 20) { ${EVENT_PAGE} } }`,
    variables: () => ({ f: RESOURCES }),
    range: MAHERIBRA,
    expectAnswer: (d) => {
      const want = filterEvents(ref, RESOURCES).sort(newestFirst);
      expect(want.length).toBeGreaterThan(3);
      expect(d.events.nodes.map((n: { eventId: string }) => n.eventId)).toEqual(ids(want.slice(0, 20)));
    },
  },
  {
    name: 'event by id, with its identity and regions',
    queries: 3,
    query: `query($r: TimeRange!, $id: String!) { event(range: $r, eventId: $id) { eventId eventName identity { arn eventCount regions } } }`,
    variables: () => ({ r: MAHERIBRA, id: filterEvents(ref, { range: MAHERIBRA, principalArns: [ATTACKER] })[0].eventId }),
    range: MAHERIBRA,
    expectAnswer: (d) => {
      const mine = filterEvents(ref, { range: MAHERIBRA, principalArns: [ATTACKER] });
      const e = mine.find((x) => x.eventId === d.event.eventId)!;
      expect(d.event.eventName).toBe(e.eventName);
      expect(d.event.identity).toEqual({ arn: ATTACKER, eventCount: mine.length, regions: [...new Set(mine.map((x) => x.awsRegion))].sort() });
    },
  },
  {
    name: 'events, each with its identity (Event.identity, batched)',
    queries: 2,
    query: `query($f: EventFilter!) { events(filter: $f, first: 10) { nodes { eventId identity { arn eventCount errorCount } } } }`,
    variables: () => ({ f: NAMED_EVENTS }),
    range: MAHERIBRA,
    expectAnswer: (d) => {
      const want = filterEvents(ref, NAMED_EVENTS).sort(newestFirst).slice(0, 10);
      const summaries = identitySummaries(filterEvents(ref, { range: MAHERIBRA }));
      expect(want.length).toBeGreaterThan(2);
      expect(d.events.nodes).toEqual(
        want.map((e) => {
          const s = summaries.get(e.identityKey)!;
          return { eventId: e.eventId, identity: { arn: s.arn, eventCount: s.eventCount, errorCount: s.errorCount } };
        }),
      );
    },
  },
  {
    name: 'eventStats by source and name, COUNT_DESC',
    queries: 1,
    query: `query($f: EventFilter!) { eventStats(filter: $f, groupBy: [{ dimension: EVENT_SOURCE }, { dimension: EVENT_NAME }], first: 10, order: COUNT_DESC) { ${STATS_ROWS} } }`,
    variables: () => ({ f: { range: ALL } }),
    range: ALL,
    expectAnswer: (d) => {
      const events = filterEvents(ref, { range: ALL });
      const want = groupStats(events, ['EVENT_SOURCE', 'EVENT_NAME']).sort((a, b) => b.count - a.count || keysAsc(a, b));
      expect(d.eventStats).toEqual({ totalEvents: events.length, rows: want.slice(0, 10).map(statsRow) });
    },
  },
  {
    name: 'eventStats by two JSON dimensions with paths, KEYS_ASC',
    queries: 1,
    query: `query($f: EventFilter!, $g: [GroupKey!]!) { eventStats(filter: $f, groupBy: $g, first: 50, order: KEYS_ASC) { ${STATS_ROWS} } }`,
    variables: () => ({ f: { range: ALL }, g: JSON_DIMS }),
    range: ALL,
    expectAnswer: (d) => {
      const events = filterEvents(ref, { range: ALL });
      const want = groupStats(events, JSON_DIMS).sort(keysAsc);
      expect(want.length).toBeGreaterThan(3);
      expect(d.eventStats).toEqual({ totalEvents: events.length, rows: want.slice(0, 50).map(statsRow) });
    },
  },
  {
    name: 'eventStats by HOUR_OF_DAY and DAY_OF_WEEK, COUNT_ASC',
    queries: 1,
    query: `query($f: EventFilter!) { eventStats(filter: $f, groupBy: [{ dimension: HOUR_OF_DAY }, { dimension: DAY_OF_WEEK }], first: 20, order: COUNT_ASC) { ${STATS_ROWS} } }`,
    variables: () => ({ f: CLOCK_FILTER }),
    range: ALL,
    regions: CLOCK_FILTER.regions,
    expectAnswer: (d) => {
      const events = filterEvents(ref, CLOCK_FILTER);
      const want = groupStats(events, ['HOUR_OF_DAY', 'DAY_OF_WEEK']).sort((a, b) => a.count - b.count || keysAsc(a, b));
      expect(d.eventStats).toEqual({ totalEvents: events.length, rows: want.slice(0, 20).map(statsRow) });
    },
  },
  {
    name: 'eventStats by region in DAY buckets, BUCKET_ASC',
    queries: 1,
    query: `query($f: EventFilter!) { eventStats(filter: $f, groupBy: [{ dimension: REGION }], interval: DAY, first: 30, order: BUCKET_ASC) { totalEvents rows { keys bucket count errorCount firstSeen lastSeen } } }`,
    variables: () => ({ f: GRYCAP_SA }),
    range: GRYCAP,
    accounts: GRYCAP_SA.accounts,
    regions: GRYCAP_SA.regions,
    expectAnswer: (d) => {
      const events = filterEvents(ref, GRYCAP_SA);
      const want = bucketStats(events, [{ dimension: 'REGION' }], 'DAY').sort((a, b) => textOrder(a.bucket, b.bucket) || b.count - a.count || keysAsc(a, b));
      expect(d.eventStats.totalEvents).toBe(events.length);
      expect(d.eventStats.rows).toEqual(want.slice(0, 30));
    },
  },
  {
    name: 'eventStats in MONTH buckets without keys, KEYS_ASC',
    queries: 1,
    query: `query($f: EventFilter!) { eventStats(filter: $f, groupBy: [], interval: MONTH, first: 100, order: KEYS_ASC) { totalEvents rows { keys bucket count errorCount firstSeen lastSeen } } }`,
    variables: () => ({ f: GRYCAP_ALL }),
    range: GRYCAP,
    accounts: GRYCAP_ALL.accounts,
    expectAnswer: (d) => {
      const events = filterEvents(ref, GRYCAP_ALL);
      const want = bucketStats(events, [], 'MONTH').sort((a, b) => textOrder(a.bucket, b.bucket));
      expect(want.length).toBeGreaterThan(5);
      expect(d.eventStats).toEqual({ totalEvents: events.length, rows: want });
    },
  },
  {
    name: 'eventStats total only (HAVING) of UNKNOWN identities, two categories, no error',
    queries: 1,
    query: `query($f: EventFilter!) { eventStats(filter: $f, groupBy: []) { ${STATS_ROWS} } }`,
    variables: () => ({ f: UNKNOWN_TOTAL }),
    range: ALL,
    expectAnswer: (d) => {
      const events = filterEvents(ref, UNKNOWN_TOTAL);
      expect(events.length).toBeGreaterThan(0);
      expect(d.eventStats).toEqual({ totalEvents: events.length, rows: groupStats(events, []).map(statsRow) });
    },
  },
  {
    name: 'eventStats by identity type, readOnly, MFA and category, not cross-account',
    queries: 1,
    query: `query($f: EventFilter!, $g: [GroupKey!]!) { eventStats(filter: $f, groupBy: $g, first: 100) { ${STATS_ROWS} } }`,
    variables: () => ({ f: { range: ALL, crossAccount: false }, g: FLAGS_DIMS }),
    range: ALL,
    expectAnswer: (d) => {
      const events = filterEvents(ref, { range: ALL, crossAccount: false });
      const want = groupStats(events, FLAGS_DIMS).sort((a, b) => b.count - a.count || keysAsc(a, b));
      expect(d.eventStats).toEqual({ totalEvents: events.length, rows: want.slice(0, 100).map(statsRow) });
    },
  },
  {
    name: 'eventStats of console sign-ins by MFAUsed and outcome in WEEK buckets',
    queries: 1,
    query: `query($f: EventFilter!, $g: [GroupKey!]!) { eventStats(filter: $f, groupBy: $g, interval: WEEK, first: 40, order: BUCKET_ASC) { totalEvents rows { keys bucket count } } }`,
    variables: () => ({ f: CONSOLE, g: CONSOLE_DIMS }),
    range: ALL,
    expectAnswer: (d) => {
      const events = filterEvents(ref, CONSOLE);
      const want = bucketStats(events, CONSOLE_DIMS, 'WEEK').sort((a, b) => textOrder(a.bucket, b.bucket) || b.count - a.count || keysAsc(a, b));
      expect(want.length).toBeGreaterThan(3);
      expect(d.eventStats).toEqual({ totalEvents: events.length, rows: want.slice(0, 40).map((r) => ({ keys: r.keys, bucket: r.bucket, count: r.count })) });
    },
  },
  {
    name: 'eventStats of errors by named principals, users and codes',
    queries: 1,
    query: `query($f: EventFilter!, $g: [GroupKey!]!) { eventStats(filter: $f, groupBy: $g, first: 100) { ${STATS_ROWS} } }`,
    variables: () => ({ f: PEOPLE, g: PEOPLE_DIMS }),
    range: ALL,
    expectAnswer: (d) => {
      const events = filterEvents(ref, PEOPLE);
      expect(events.length).toBeGreaterThan(0);
      const want = groupStats(events, PEOPLE_DIMS).sort((a, b) => b.count - a.count || keysAsc(a, b));
      expect(d.eventStats).toEqual({ totalEvents: events.length, rows: want.map(statsRow) });
    },
  },
  {
    name: 'eventStats by account, region, type, invokedBy, source identity and role',
    queries: 1,
    query: `query($f: EventFilter!, $g: [GroupKey!]!) { eventStats(filter: $f, groupBy: $g, first: 30) { ${STATS_ROWS} } }`,
    variables: () => ({ f: { range: ALL }, g: ORIGIN_DIMS }),
    range: ALL,
    expectAnswer: (d) => {
      const events = filterEvents(ref, { range: ALL });
      const want = groupStats(events, ORIGIN_DIMS).sort((a, b) => b.count - a.count || keysAsc(a, b));
      expect(d.eventStats).toEqual({ totalEvents: events.length, rows: want.slice(0, 30).map(statsRow) });
    },
  },
  {
    name: 'identities, most active first, in two accounts',
    queries: 1,
    query: `query($f: EventFilter!) { identities(filter: $f, first: 5) { nodes { arn type eventCount errorCount firstSeen lastSeen } pageInfo { hasNextPage endCursor } } }`,
    variables: () => ({ f: TWO_ACCOUNTS }),
    range: ALL,
    accounts: TWO_ACCOUNTS.accounts,
    expectAnswer: (d) => {
      const want = ranked(filterEvents(ref, TWO_ACCOUNTS)).slice(0, 5);
      expect(d.identities.nodes).toEqual(
        want.map((s) => ({ arn: s.arn, type: s.type, eventCount: s.eventCount, errorCount: s.errorCount, firstSeen: s.firstSeen, lastSeen: s.lastSeen })),
      );
    },
  },
  {
    name: 'identities, the page after a cursor',
    queries: 1,
    query: `query($f: EventFilter!, $after: String) { identities(filter: $f, first: 5, after: $after) { nodes { arn eventCount } } }`,
    variables: (answers) => ({ f: TWO_ACCOUNTS, after: answers.get('identities, most active first, in two accounts')!.data!.identities.pageInfo.endCursor }),
    range: ALL,
    accounts: TWO_ACCOUNTS.accounts,
    expectAnswer: (d) => {
      const want = ranked(filterEvents(ref, TWO_ACCOUNTS)).slice(5, 10);
      expect(d.identities.nodes).toEqual(want.map((s) => ({ arn: s.arn, eventCount: s.eventCount })));
    },
  },
  {
    name: 'identity with sourceIps, userAgents, topEvents, regions and events',
    queries: 6,
    query: `query($r: TimeRange!, $arn: String!) { identity(range: $r, arn: $arn) {
      arn eventCount sourceIps { value count } userAgents(first: 2) { value count } topEvents(first: 3) { value count } regions
      events(first: 3) { ${EVENT_PAGE} } } }`,
    variables: () => ({ r: MAHERIBRA, arn: ATTACKER }),
    range: MAHERIBRA,
    expectAnswer: (d) => {
      const mine = filterEvents(ref, { range: MAHERIBRA, principalArns: [ATTACKER] });
      expect(d.identity).toEqual({
        arn: ATTACKER,
        eventCount: mine.length,
        sourceIps: topCounted(mine.map((e) => e.raw.sourceIPAddress ?? null), 10),
        userAgents: topCounted(mine.map((e) => e.raw.userAgent ?? null), 2),
        topEvents: topCounted(mine.map((e) => e.eventName), 3),
        regions: [...new Set(mine.map((e) => e.awsRegion))].sort(),
        events: { nodes: [...mine].sort(newestFirst).slice(0, 3).map((e) => ({ eventId: e.eventId })), pageInfo: expect.objectContaining({ hasNextPage: true }) },
      });
    },
  },
  {
    name: "identity's events, the page after a cursor",
    queries: 2,
    query: `query($r: TimeRange!, $arn: String!, $after: String) { identity(range: $r, arn: $arn) { events(first: 3, after: $after) { nodes { eventId } } } }`,
    variables: (answers) => ({
      r: MAHERIBRA,
      arn: ATTACKER,
      after: answers.get('identity with sourceIps, userAgents, topEvents, regions and events')!.data!.identity.events.pageInfo.endCursor,
    }),
    range: MAHERIBRA,
    expectAnswer: (d) => {
      const mine = filterEvents(ref, { range: MAHERIBRA, principalArns: [ATTACKER] }).sort(newestFirst);
      expect(d.identity.events.nodes).toEqual(mine.slice(3, 6).map((e) => ({ eventId: e.eventId })));
    },
  },
  {
    name: 'identities with nested fields batched over the page',
    queries: 5,
    query: `query($f: EventFilter!) { identities(filter: $f, first: 3) { nodes { arn sourceIps(first: 2) { value count } topEvents(first: 2) { value count } regions events(first: 2) { nodes { eventId } } } } }`,
    variables: () => ({ f: { range: MAHERIBRA } }),
    range: MAHERIBRA,
    expectAnswer: (d) => {
      const events = filterEvents(ref, { range: MAHERIBRA });
      const top = ranked(events).slice(0, 3);
      expect(d.identities.nodes).toEqual(
        top.map((s) => {
          const own = events.filter((e) => e.identityKey === s.arn);
          return {
            arn: s.arn,
            sourceIps: topCounted(own.map((e) => e.raw.sourceIPAddress ?? null), 2),
            topEvents: topCounted(own.map((e) => e.eventName), 2),
            regions: [...new Set(own.map((e) => e.awsRegion))].sort(),
            events: { nodes: [...own].sort(newestFirst).slice(0, 2).map((e) => ({ eventId: e.eventId })) },
          };
        }),
      );
    },
  },
  {
    name: 'lake (no engine query)',
    queries: 0,
    query: '{ lake { engine } }',
    variables: () => ({}),
    range: ALL,
  },
];

// ---- expectations on plans and partitions ------------------------------------------------------------

const dayOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** The delivery-day plan of a range, restated: the day of `from` to the day after the last instant. */
function expectedDays(range: { from: string; to: string }): { firstDay: string; lastDay: string } {
  return { firstDay: dayOf(Date.parse(range.from)), lastDay: dayOf(Date.parse(range.to) - 1 + DAY_MS) };
}

/** The lake's own partitions (account/region/day folders) that a plan reads, from the file paths. */
const FOLDER = /AWSLogs\/(?:o-[^/]+\/)?(\d{12})\/CloudTrail\/([^/]+)\/(\d{4})\/(\d{2})\/(\d{2})\//;
function folderOf(file: string): { account: string; region: string; day: string } | null {
  const m = FOLDER.exec(file.split(path.sep).join('/'));
  return m && { account: m[1], region: m[2], day: `${m[3]}-${m[4]}-${m[5]}` };
}
const LAKE_PARTITIONS = [...new Set(ref.files.map((f) => folderOf(`/${f}`)).filter((p) => p !== null).map((p) => `${p!.account}/${p!.region}/${p!.day}`))];
const inPlan = (p: { account: string; region: string; day: string }, plan: PartitionPlan) =>
  p.day >= plan.firstDay && p.day <= plan.lastDay && (!plan.accounts || plan.accounts.includes(p.account)) && (!plan.regions || plan.regions.includes(p.region));

/** Problems of a pair's partitions against its plan (empty when both engines prune as planned). */
function partitionProblems(plan: PartitionPlan, layout: Layout, duck: ExplainedQuery, trino: ExplainedQuery, trinoStructure: SqlStructure): string[] {
  const problems: string[] = [];
  const terms = partitionTerms(trinoStructure.partition);
  const want = {
    firstDay: plan.firstDay,
    lastDay: plan.lastDay,
    dayColumn: 'timestamp',
    accounts: ACCOUNT_PARTITIONED[layout] ? plan.accounts : null,
    regions: plan.regions,
    unknown: [],
  };
  if (JSON.stringify(terms) !== JSON.stringify(want)) problems.push(`Trino partition predicate ${JSON.stringify(terms)} ≠ plan ${JSON.stringify(want)}`);
  const days = plan.firstDay === plan.lastDay ? plan.firstDay : `${plan.firstDay}..${plan.lastDay}`;
  const described = (plan.accounts ?? ['*']).flatMap((a) => (plan.regions ?? ['*']).map((r) => `${a}/${r}/${days}`));
  if (JSON.stringify(trino.partitions) !== JSON.stringify(described)) problems.push(`Athena partitions ${JSON.stringify(trino.partitions)} ≠ ${JSON.stringify(described)}`);
  for (const p of duck.partitions) {
    const [account, region, day] = p.split('/');
    if (!inPlan({ account, region, day }, plan)) problems.push(`DuckDB partition ${p} lies outside the plan`);
  }
  const lake = LAKE_PARTITIONS.filter((p) => {
    const [account, region, day] = p.split('/');
    return inPlan({ account, region, day }, plan);
  });
  const extra = duck.partitions.filter((p) => !lake.includes(p));
  const missing = lake.filter((p) => !duck.partitions.includes(p));
  if (extra.length || missing.length) problems.push(`DuckDB partitions differ from the lake's in the plan: extra ${JSON.stringify(extra)}, missing ${JSON.stringify(missing)}`);
  // raw file lists (paths, or a whole folder's pattern) say how many files they stand for
  const lists = duck.compiled.params.filter((p) => p.type === 'VARCHAR[]' && /^\d+ log files/.test(p.files ?? ''));
  const files = lists.flatMap((p) => p.value as string[]);
  const bound = lists.reduce((n, p) => n + Number(/^\d+/.exec(p.files!)![0]), 0);
  if (bound !== duck.files) problems.push(`DuckDB binds ${bound} files but reports ${duck.files}`);
  for (const f of files) {
    const p = folderOf(f);
    if (!p || !duck.partitions.includes(`${p.account}/${p.region}/${p.day}`)) problems.push(`DuckDB file ${f} is not in a planned partition`);
  }
  if (sqlStructure(duck.compiled).partition !== null) problems.push('the DuckDB statement has a partition predicate (it reads planned files instead)');
  return problems;
}

// ---- the run ---------------------------------------------------------------------------------------

interface Pair {
  readonly origin: 'explain' | 'run';
  readonly layout: Layout;
  readonly query: Query;
  readonly duck: ExplainedQuery;
  readonly trino: ExplainedQuery;
}

interface Observed {
  readonly answer: TestResult;
  readonly ran: readonly Query[];
  readonly duckExplained: readonly Explained[];
  readonly explainErrors: Record<'duckdb' | Layout, TestResult['errors']>;
  readonly athenaExplained: Record<Layout, readonly Explained[]>;
  readonly pairs: readonly Pair[];
  readonly injected: TestResult;
}

let duck: RecordingEngine;
let duckHarness: Harness;
const athena = {} as Record<Layout, RecordingEngine>;
const athenaHarness = {} as Record<Layout, Harness>;
let injectedHarness: Harness;
const answers = new Map<string, TestResult>();
const observed = new Map<string, Observed>();

async function execute(h: Harness, op: Op, variables: Vars, explain: boolean): Promise<TestResult> {
  const ctx = h.gateway.context({ explain });
  const res = await h.gateway.apollo.executeOperation({ query: op.query, variables }, { contextValue: ctx });
  if (res.body.kind !== 'single') throw new Error('unexpected incremental result');
  return JSON.parse(JSON.stringify(res.body.singleResult)) as TestResult;
}

async function observe(op: Op): Promise<Observed> {
  const variables = op.variables(answers);
  duck.reset();
  const answer = await execute(duckHarness, op, variables, false);
  answers.set(op.name, answer);
  const ran = [...duck.ran];

  duck.reset();
  const explainErrors = { duckdb: (await execute(duckHarness, op, variables, true)).errors } as Observed['explainErrors'];
  const duckExplained = [...duck.explained];
  const athenaExplained = {} as Record<Layout, Explained[]>;
  const pairs: Pair[] = [];
  for (const layout of LAYOUT_NAMES) {
    athena[layout].reset();
    explainErrors[layout] = (await execute(athenaHarness[layout], op, variables, true)).errors;
    athenaExplained[layout] = [...athena[layout].explained];
    // Pairs by IR: the same query object the services built for each engine.
    const left = new Map(duckExplained.map((x) => [irKey(x.query), x]));
    for (const t of athenaExplained[layout]) {
      const d = left.get(irKey(t.query));
      if (d) pairs.push({ origin: 'explain', layout, query: t.query, duck: d.explained, trino: t.explained });
    }
    for (const q of ran) {
      pairs.push({ origin: 'run', layout, query: q, duck: await duck.inner.explain(q), trino: await athena[layout].inner.explain(q) });
    }
  }
  const injected = await execute(injectedHarness, op, variables, true);
  return { answer, ran, duckExplained, explainErrors, athenaExplained, pairs, injected };
}

beforeAll(async () => {
  const config = loadConfig({ lake: REAL_DATA_DIR }, { TRAILGATE_MAX_RANGE_DAYS: '36500', TRAILGATE_DUCKDB_THREADS: '2', ...ENV });
  duck = new RecordingEngine(await openEngine(config, REAL_DATA_DIR, silentLogger()));
  duckHarness = await openHarness(REAL_DATA_DIR, ENV, duck);
  for (const layout of LAYOUT_NAMES) {
    athena[layout] = new RecordingEngine(await offlineAthena(LAYOUTS[layout]));
    athenaHarness[layout] = await openHarness(REAL_DATA_DIR, ENV, athena[layout]);
  }
  injectedHarness = await openHarness(REAL_DATA_DIR, ENV, await offlineAthena('glue-tables/cloudtrail-organization-injected.table.json', true));
});

afterAll(async () => {
  await Promise.all([duckHarness, ...Object.values(athenaHarness), injectedHarness].map((h) => h?.close()));
});

describe('the operation list', () => {
  const text = OPS.map((op) => op.query).join('\n');
  // (operations whose variables take earlier answers, i.e. cursors, are left out here)
  const vars = JSON.stringify(OPS.filter((op) => op.variables.length === 0).map((op) => op.variables(new Map())));
  const roots = new Set(
    OPS.flatMap((op) => {
      const doc = parse(op.query);
      return doc.definitions.flatMap((d) => (d.kind === 'OperationDefinition' ? d.selectionSet.selections.map((s) => (s.kind === 'Field' ? s.name.value : '')) : []));
    }),
  );

  it('covers every query root, every StatsOrder, intervals, clock and JSON dimensions, and Event.identity', () => {
    expect([...roots].sort()).toEqual(['event', 'eventStats', 'events', 'identities', 'identity', 'lake']);
    for (const order of ['COUNT_DESC', 'COUNT_ASC', 'KEYS_ASC', 'BUCKET_ASC']) expect(text).toContain(`order: ${order}`);
    for (const interval of ['DAY', 'WEEK', 'MONTH']) expect(text).toContain(`interval: ${interval}`);
    for (const dim of ['HOUR_OF_DAY', 'DAY_OF_WEEK']) expect(text).toContain(dim);
    for (const dim of ['REQUEST_PARAMETER', 'RESPONSE_ELEMENT', 'ADDITIONAL_EVENT_DATA']) expect(vars).toContain(`"dimension":"${dim}","path":`);
    expect(text).toMatch(/nodes \{ eventId identity \{/);
  });

  it('filters on CIDRs v4 and v6, every kind of JsonMatch, UNKNOWN identities, crossAccount, resource ARNs and user agents', () => {
    expect(CIDRS.sourceIps).toEqual(expect.arrayContaining([expect.stringMatching(/^\d+\.\d+\.\d+\.\d+\/\d+$/), expect.stringMatching(/^[0-9a-f:]+\/\d+$/)]));
    for (const kind of ['"equals"', '"contains"', '"exists":true', '"exists":false']) expect(vars).toContain(kind);
    for (const key of ['"identityTypes":["UNKNOWN"', '"crossAccount":true', '"crossAccount":false', '"resourceArns"', '"userAgentContains"']) expect(vars).toContain(key);
    expect(OPS.filter((op) => op.expectAnswer).length).toBeGreaterThanOrEqual(10);
  });
});

describe.each(OPS.map((op) => [op.name, op] as const))('%s', (_name, op) => {
  let o: Observed;
  beforeAll(async () => {
    o = await observe(op);
    observed.set(op.name, o);
  });

  const queries = `${op.queries} engine quer${op.queries === 1 ? 'y' : 'ies'}`;
  it(`runs on DuckDB without errors in ${queries}${op.expectAnswer ? ', answering as the reference reduction does' : ''}`, () => {
    expect(o.answer.errors).toBeUndefined();
    expect(o.ran.length).toBe(op.queries);
    op.expectAnswer?.(o.answer.data!);
  });

  it('explains as many Athena statements as DuckDB ones, from the same IR, on both layouts', () => {
    expect(o.explainErrors).toEqual({ duckdb: undefined, organization: undefined, 'single-account': undefined });
    for (const layout of LAYOUT_NAMES) {
      expect(o.athenaExplained[layout].length).toBe(o.duckExplained.length);
      expect(o.athenaExplained[layout].map((x) => irKey(x.query)).sort()).toEqual(o.duckExplained.map((x) => irKey(x.query)).sort());
      expect(o.athenaExplained[layout].every((x) => x.explained.compiled.dialect === 'trino' && x.explained.compiled.params.length === 0)).toBe(true);
    }
    expect(o.duckExplained.every((x) => x.explained.compiled.dialect === 'duckdb')).toBe(true);
    // Explain answers as if the lake were empty, so it never sees more queries than a real run.
    expect(o.duckExplained.length).toBeLessThanOrEqual(o.ran.length);
    if (op.queries > 0) expect(o.duckExplained.length).toBeGreaterThan(0);
  });

  it('emits Trino SQL that TrinoSQL parses', () => {
    for (const p of o.pairs) expect({ sql: p.trino.compiled.sql, errors: trinoErrors(p.trino.compiled.sql) }).toEqual({ sql: p.trino.compiled.sql, errors: [] });
  });

  it('carries the same predicates, select lists, keys, orders, limits and windows in both dialects', () => {
    if (!op.name.startsWith('lake')) expect(o.pairs.length).toBeGreaterThan(0);
    for (const p of o.pairs) {
      const d = sqlStructure(p.duck.compiled);
      const t = sqlStructure(p.trino.compiled);
      expect(d.atoms.length).toBeGreaterThan(0);
      expect({ origin: p.origin, layout: p.layout, diff: structureDiff(d, t) }).toEqual({ origin: p.origin, layout: p.layout, diff: [] });
    }
  });

  it('prunes Athena partitions to the plan and reads DuckDB partitions inside it', () => {
    const days = expectedDays(op.range);
    const full = {
      ...days,
      scope: '*',
      accounts: op.accounts ? [...new Set(op.accounts)].sort() : null,
      regions: op.regions ? [...new Set([...op.regions, 'us-east-1'])].sort() : null,
    };
    const rangeOnly = { ...days, scope: '*', accounts: null, regions: null };
    for (const p of o.pairs) {
      const plan = rootPlan(p.query);
      const { kind: _kind, ...shape } = plan;
      expect([JSON.stringify(full), JSON.stringify(rangeOnly)]).toContain(JSON.stringify(shape));
      expect({ layout: p.layout, problems: partitionProblems(plan, p.layout, p.duck, p.trino, sqlStructure(p.trino.compiled)) }).toEqual({ layout: p.layout, problems: [] });
    }
    const top = o.pairs.find((p) => p.origin === 'explain');
    if (top) expect(JSON.stringify(rootPlan(top.query))).toBe(JSON.stringify({ kind: 'partitions', ...full }));
  });

  it('on the injected-account layout, compiles when every query names its accounts and refuses the rest', () => {
    const named = o.duckExplained.every((x) => (rootPlan(x.query).accounts ?? []).length > 0);
    if (named) expect(o.injected.errors).toBeUndefined();
    else expect(o.injected.errors?.map((e) => e.extensions?.code)).toEqual(['BAD_USER_INPUT']);
  });
});

// ---- the comparison itself fails when one side drifts --------------------------------------------------

describe('the structural comparison', () => {
  const FILTERS = 'events by resource ARN, user agent, readOnly and excluded names';
  const CIDR = 'events, oldest first, by address, v4 block and v6 block';
  const SCOPED = 'events, newest first, in one account and region';
  /** The organization-layout explain pair of an operation (observed above, or now when run alone). */
  const pairs = new Map<string, Pair>();
  beforeAll(async () => {
    for (const name of [FILTERS, CIDR, SCOPED]) {
      const o = observed.get(name) ?? (await observe(OPS.find((x) => x.name === name)!));
      pairs.set(name, o.pairs.find((p) => p.origin === 'explain' && p.layout === 'organization')!);
    }
  });
  /** FILTERS as an engine whose lake census has counted nothing compiles it: it de-duplicates every row (DISTINCT ON) */
  let uncounted: ExplainedQuery['compiled'];
  beforeAll(async () => {
    const config = loadConfig({ lake: REAL_DATA_DIR }, { TRAILGATE_MAX_RANGE_DAYS: '36500', TRAILGATE_DUCKDB_THREADS: '2', ...ENV });
    const fresh = await openEngine(config, REAL_DATA_DIR, silentLogger());
    try {
      uncounted = (await fresh.explain(pairs.get(FILTERS)!.query)).compiled;
    } finally {
      await fresh.close();
    }
  });
  const pair = (name: string) => pairs.get(name)!;
  const diff = (name: string, change: { duck?: ExplainedQuery['compiled']; duckSql?: string; params?: ExplainedQuery['compiled']['params']; trinoSql?: string }) => {
    const p = pair(name);
    const base = change.duck ?? p.duck.compiled;
    const d = { ...base, sql: change.duckSql ?? base.sql, params: change.params ?? base.params };
    const t = { ...p.trino.compiled, sql: change.trinoSql ?? p.trino.compiled.sql };
    return structureDiff(sqlStructure(d), sqlStructure(t));
  };
  /** `text` with `from` replaced once; fails when `from` is not there (the test would prove nothing). */
  const edit = (text: string, from: string | RegExp, to: string) => {
    const out = text.replace(from, to);
    expect(out).not.toBe(text);
    return out;
  };

  it('finds the two texts different and their structures equal', () => {
    const p = pair(FILTERS);
    expect(p.duck.compiled.sql).not.toBe(p.trino.compiled.sql);
    expect(diff(FILTERS, {})).toEqual([]);
    expect(sqlStructure(p.duck.compiled).atoms.length).toBeGreaterThan(10);
  });

  it('reports an operator flipped in the DuckDB text', () => {
    const duckSql = edit(pair(FILTERS).duck.compiled.sql, '(tg_time < CAST(', '(tg_time <= CAST(');
    expect(diff(FILTERS, { duckSql })).toEqual(
      expect.arrayContaining([expect.stringMatching(/^atom only in duckdb: dd>d WHERE: \(tg_time <= instant\(/), expect.stringMatching(/^atom only in trino: dd>d WHERE: \(tg_time < instant\(/)]),
    );
  });

  it('reports AND turned into OR in the DuckDB text (same atoms, another tree)', () => {
    const duckSql = edit(pair(FILTERS).duck.compiled.sql, ') AND (strpos(lower(useragent)', ') OR (strpos(lower(useragent)');
    expect(diff(FILTERS, { duckSql })).toEqual([expect.stringMatching(/^dd>d where: duckdb /)]);
  });

  it('reports a changed bound value', () => {
    const params = pair(FILTERS).duck.compiled.params.map((x) => (x.value === 'aws-cli' ? { ...x, value: 'aws-clj' } : x));
    expect(params).not.toEqual(pair(FILTERS).duck.compiled.params);
    expect(diff(FILTERS, { params })).toEqual(
      expect.arrayContaining([
        'atom only in duckdb: dd>d WHERE: (strpos(lower(useragent), "aws-clj") > 0)',
        'atom only in trino: dd>d WHERE: (strpos(lower(useragent), "aws-cli") > 0)',
      ]),
    );
  });

  it('reports a predicate dropped from the Trino text', () => {
    const trinoSql = edit(pair(FILTERS).trino.compiled.sql, " AND (strpos(lower(useragent), 'aws-cli') > 0)", '');
    expect(diff(FILTERS, { trinoSql })).toEqual(expect.arrayContaining(['atom only in duckdb: dd>d WHERE: (strpos(lower(useragent), "aws-cli") > 0)']));
  });

  it("reads DuckDB's DISTINCT ON de-duplication as the row_number window, and reports a changed or lost key", () => {
    const p = pair(FILTERS);
    const duck = uncounted;
    expect(duck.sql).toContain('SELECT DISTINCT ON (eventid, tg_rawhash) * FROM ev\n');
    expect(p.trino.compiled.sql).toContain('row_number() OVER (PARTITION BY ev.eventid, ev.tg_hash) AS tg_rn');
    expect(sqlStructure(duck).selects.find((x) => x.at === 'dd>d')?.windows).toEqual(['row_number() OVER(PARTITION BY ev.eventid, ev.tg_hash)']);
    expect(diff(FILTERS, { duck })).toEqual([]);
    const lost = edit(duck.sql, 'DISTINCT ON (eventid, tg_rawhash)', 'DISTINCT ON (eventid)');
    expect(diff(FILTERS, { duck, duckSql: lost })).toEqual([expect.stringMatching(/^dd>d items\[1\]: duckdb .*PARTITION BY ev\.eventid\)/), expect.stringMatching(/^dd>d windows\[0\]: duckdb /)]);
    const other = edit(duck.sql, 'DISTINCT ON (eventid, tg_rawhash)', 'DISTINCT ON (eventid, tg_account)');
    expect(diff(FILTERS, { duck, duckSql: other })).toEqual(expect.arrayContaining([expect.stringMatching(/^dd>d windows\[0\]: duckdb .*ev\.tg_account/)]));
    const trinoLost = edit(p.trino.compiled.sql, 'PARTITION BY ev.eventid, ev.tg_hash', 'PARTITION BY ev.eventid');
    expect(diff(FILTERS, { duck, trinoSql: trinoLost })).toEqual(expect.arrayContaining([expect.stringMatching(/^dd>d windows\[0\]: /)]));
    // Only the dd shape is read this way: a DISTINCT ON anywhere else is refused, never mapped away.
    const elsewhere = edit(duck.sql, 'SELECT DISTINCT ON (eventid, tg_rawhash) * FROM ev\n', 'SELECT DISTINCT ON (eventid, tg_rawhash) ev.* FROM ev\n');
    expect(() => diff(FILTERS, { duck, duckSql: elsewhere })).toThrow(/unsupported DISTINCT ON in dd/);
  });

  it("reads DuckDB's skipping of the census's record copies as the same window, and reports a read that skips none", () => {
    // the FILTERS operation ran before it was explained: the census counted its files first
    const duck = pair(FILTERS).duck.compiled;
    expect(duck.sql).not.toContain('DISTINCT ON');
    expect(duck.sql).toContain('list_filter(j.Records, lambda r, n: NOT list_contains(s.i, n))');
    expect(sqlStructure(duck).selects.find((x) => x.at === 'dd>d')?.windows).toEqual(['row_number() OVER(PARTITION BY ev.eventid, ev.tg_hash)']);
    expect(diff(FILTERS, {})).toEqual([]);
    // (the de-duplicating select, dd>d, is then missing on the DuckDB side)
    const window = expect.arrayContaining(['SELECT dd>d only in trino']);
    // the same dd over a read that filters nothing, or without the census's list, de-duplicates nothing
    const skipsNone = edit(duck.sql, 'ELSE list_filter(j.Records, lambda r, n: NOT list_contains(s.i, n)) END', 'ELSE j.Records END');
    expect(diff(FILTERS, { duckSql: skipsNone })).toEqual(window);
    const unmarked = duck.params.map((q) => (/^record copies to skip/.test(q.files ?? '') ? { ...q, files: `${q.files} (edited)` } : q));
    expect(diff(FILTERS, { params: unmarked })).toEqual(window);
  });

  it('reports a LIMIT and an ORDER BY direction changed in the Trino text', () => {
    const trinoSql = edit(edit(pair(FILTERS).trino.compiled.sql, /LIMIT 21$/, 'LIMIT 20'), 'ORDER BY tg_time DESC', 'ORDER BY tg_time ASC');
    expect(diff(FILTERS, { trinoSql })).toEqual([
      'main orderBy[0]: duckdb "tg_time DESC" ≠ trino "tg_time ASC"',
      'main limit: duckdb 21 ≠ trino 20',
    ]);
  });

  it('reports a dialect spelling that no longer matches its pair (the IPv4 hex offset)', () => {
    const trinoSql = edit(pair(CIDR).trino.compiled.sql, ', 25, 8)', ', 24, 8)');
    expect(diff(CIDR, {})).toEqual([]);
    expect(diff(CIDR, { trinoSql })).toEqual(expect.arrayContaining([expect.stringMatching(/^atom only in duckdb: dd>d WHERE: \(ip_hex_v4\(sourceipaddress\) BETWEEN "d4810000"/)]));
  });

  it('reports a partition predicate that lost its region term, and a DuckDB partition outside the plan', () => {
    const p = pair(SCOPED);
    const plan = rootPlan(p.query);
    expect(plan.regions).toEqual(['eu-west-1', 'us-east-1']);
    expect(partitionProblems(plan, 'organization', p.duck, p.trino, sqlStructure(p.trino.compiled))).toEqual([]);
    const cut = edit(p.trino.compiled.sql, / AND src\."region" IN \([^)]*\)/, '');
    expect(partitionProblems(plan, 'organization', p.duck, p.trino, sqlStructure({ ...p.trino.compiled, sql: cut }))).toEqual([
      expect.stringMatching(/^Trino partition predicate .*"regions":null/),
    ]);
    const stray = { ...p.duck, partitions: [...p.duck.partitions, '275023965626/eu-west-1/2026-07-30'] };
    expect(partitionProblems(plan, 'organization', stray, p.trino, sqlStructure(p.trino.compiled))).toEqual(
      expect.arrayContaining(['DuckDB partition 275023965626/eu-west-1/2026-07-30 lies outside the plan']),
    );
  });
});

// ---- what the two sources call the members of a complex column ------------------------------------------

describe('complex columns read as JSON text', () => {
  /**
   * Event.resources is mapped from `resources_json` (src/mapping/event.mapper.ts reads the keys
   * ARN, ARNPrefix, accountId, type). Both dialects render it as the JSON of the `resources`
   * column (DuckDB `to_json`, Trino `CAST(... AS JSON)`: the same structure above), but the member
   * names come from each dialect's source: DuckDB's json_transform structure uses the record's
   * keys, the Glue table's struct uses Hive's lower-case field names, and Trino names the members
   * of a cast ROW after its fields. https://trino.io/docs/current/functions/json.html (cast to JSON)
   */

  it('maps resources[] the same whichever key spelling the dialect returns', async () => {
    const op = OPS.find((x) => x.name === 'events by resource ARN, user agent, readOnly and excluded names')!;
    const o = observed.get(op.name) ?? (await observe(op));
    const duckSql = o.duckExplained[0].explained.compiled.sql;
    const shapes = [...duckSql.matchAll(/json_transform\([a-z_.]+, '((?:[^']|'')*)'\)/g)].map((m) => JSON.parse(m[1].replace(/''/g, "'")));
    const duckKeys = Object.keys(shapes.find((x) => x.resources)!.resources[0]);
    const glue = JSON.parse(readFileSync(path.join(ROOT, LAYOUTS.organization), 'utf8'));
    const type: string = glue.StorageDescriptor.Columns.find((c: { Name: string }) => c.Name === 'resources').Type;
    const trinoKeys = [.../^array<struct<(.*)>>$/.exec(type)![1].matchAll(/([A-Za-z_]+):string/g)].map((m) => m[1]);
    expect(o.athenaExplained.organization[0].explained.compiled.sql).toContain('json_format(CAST(resources AS JSON)) AS resources_json');
    // The mapper reads either spelling (keys are matched case-insensitively): same Event.resources.
    const entry = (keys: string[]) => JSON.stringify([Object.fromEntries(keys.map((k) => [k, `${k.toLowerCase()}-value`]))]);
    const mapped = (keys: string[]) => mapEvent({ event_time: new Date(0), event_id: 'e', resources_json: entry(keys) }).resources;
    expect(trinoKeys.map((k) => k.toLowerCase())).toEqual(duckKeys.map((k) => k.toLowerCase()));
    expect(mapped(trinoKeys)).toEqual(mapped(duckKeys));
    expect(mapped(duckKeys)).toEqual([{ arn: 'arn-value', arnPrefix: 'arnprefix-value', accountId: 'accountid-value', type: 'type-value' }]);
  });
});
