import { EVENT_CATEGORIES } from '../../src/domain/event-category';
import { IDENTITY_TYPES } from '../../src/domain/identity-type';
import { parseIpMatch } from '../../src/domain/ip-match';
import { DIMENSIONS, isJsonDimension, type GroupKeySpec } from '../../src/query/dimensions';
import type { EventFilterSpec } from '../../src/query/event-filter';
import { eventByIdQuery, eventsQuery, type EventOrder, type EventPosition } from '../../src/query/event-queries';
import { FIELDS } from '../../src/query/fields';
import { identitiesQuery, identityEventsQuery, identitySummariesQuery, identityTopValuesQuery } from '../../src/query/identity-queries';
import { and, cmp, eq, field, instant, isNull, lit } from '../../src/query/ir-builders';
import type { PartitionPlan, Pred, Query, TimeUnit } from '../../src/query/ir';
import { planPartitions } from '../../src/query/partition-planner';
import { statsQuery, type StatsOrder } from '../../src/query/stats-query';
import type { SqlParam } from '../../src/sql/compiled-sql';
import { DuckDbCompiler } from '../../src/sql/duckdb-compiler';
import { recordStructure } from '../../src/sql/duckdb-struct-type';
import { TrinoCompiler, type TrinoTableBinding } from '../../src/sql/trino-compiler';
import { D_READ_RAW } from '../support/duckdb-read-raw';
import { trinoErrors } from '../support/trino-parser';

// ---- fixtures ------------------------------------------------------------------------------------

const BINDING: TrinoTableBinding = {
  database: 'cloudtrail',
  table: 'trail',
  account: { column: 'account' },
  regionColumn: 'region',
  day: { column: 'timestamp', format: 'yyyy/MM/dd' },
};
const FILE = '/lake/AWSLogs/111122223333/CloudTrail/eu-west-1/2024/03/01/a.json.gz';
const trino = new TrinoCompiler(BINDING);
const duck = new DuckDbCompiler({ files: [FILE], maxObjectBytes: 16777216 });

const RANGE = { from: new Date('2024-03-01T00:00:00Z'), to: new Date('2024-03-01T06:00:00Z') };
const PLAN = planPartitions({ scope: '*', ...RANGE, accounts: ['111122223333'], regions: ['eu-west-1'] });
const PAGE = { first: 2, after: null, order: 'NEWEST_FIRST' } as const;
const ALICE = 'arn:aws:iam::111122223333:user/alice';

const v = (value: string): SqlParam => ({ type: 'VARCHAR', value });
const FILES_PARAM: SqlParam = { type: 'VARCHAR[]', value: [FILE], files: '1 log files' };
const RANGE_PARAMS = [v('2024-03-01T00:00:00.000Z'), v('2024-03-01T06:00:00.000Z')];

// ---- expected SQL, written by hand ---------------------------------------------------------------

const DEDUP = // Trino has no record text: it hashes the columns that tell records apart
 
  'src.eventid, src.eventtime, src.eventsource, src.eventname, src.awsregion, src.recipientaccountid, src.sourceipaddress, ' +
  'src.useragent, src.errorcode, src.errormessage, src.requestparameters, src.responseelements, src.additionaleventdata, ' +
  'src.useridentity, src.requestid, src.eventtype, src.resources';

/**
 * DuckDB reads each record as JSON text and extracts only the top-level columns a statement
 * uses, spelled as the record spells its keys; the record text is the duplicate key.
 */
const D_STRUCTURE = (columns: string[]) => recordStructure(new Set(columns));
/** The members of userIdentity the principal key reads (json_transform parses only those). */
const IDENTITY_KEY_PATHS = ['useridentity.arn', 'useridentity.invokedby', 'useridentity.accountid', 'useridentity.principalid'];
/** Columns every statement reads: time, account, duplicate key, and what a valid record needs. */
const BASE_COLUMNS = ['eventtime', 'recipientaccountid', 'eventid', 'eventsource', 'insightdetails', 'eventname', 'awsregion'];
/** ...and what an Event is mapped from (everything but vpcEndpointAccountId, addendum, edgeDeviceDetails). */
const EVENT_COLUMN_SET = [
  ...BASE_COLUMNS, 'eventversion', 'useridentity', 'sourceipaddress', 'useragent', 'errorcode', 'errormessage', 'requestparameters',
  'responseelements', 'additionaleventdata', 'requestid', 'readonly', 'resources', 'eventtype', 'apiversion', 'serviceeventdetails',
  'sharedeventid', 'vpcendpointid', 'eventcategory', 'managementevent', 'sessioncredentialfromconsole', 'tlsdetails',
];

/** What an Event shows, as json_transform reads it for a page's rows: of userIdentity, the members Event maps. */
const EVENT_SHOWN_PATHS = [
  ...EVENT_COLUMN_SET.filter((c) => c !== 'eventtime' && c !== 'useridentity'),
  ...['type', 'principalid', 'arn', 'accountid', 'invokedby', 'accesskeyid', 'username', 'sourceidentity'].map((m) => `useridentity.${m}`),
  ...['attributes.mfaauthenticated', 'attributes.creationdate', 'sessionissuer.arn', 'sourceidentity'].map((m) => `useridentity.sessioncontext.${m}`),
];

const T_EV = [
  'WITH ev AS (',
  `  SELECT src.*, try(from_iso8601_timestamp(src.eventtime)) AS tg_time, coalesce(nullif(src.recipientaccountid, ''), src."account") AS tg_account, to_hex(xxhash64(to_utf8(json_format(CAST(ROW(${DEDUP}) AS JSON))))) AS tg_hash`,
  '  FROM "cloudtrail"."trail" AS src',
  `  WHERE src."timestamp" BETWEEN '2024/03/01' AND '2024/03/02' AND src."account" IN ('111122223333') AND src."region" IN ('eu-west-1', 'us-east-1')`,
  '),',
].join('\n');

const D_SOURCE = (columns: string[], page = false) =>
  `(SELECT unnest(json_transform(r, '${D_STRUCTURE(columns)}')), hash(r) AS tg_rawhash, ${page ? 'r AS tg_raw, ' : ''}filename AS tg_file FROM (SELECT unnest(Records) AS r, filename FROM ${D_READ_RAW}) AS x) AS src`;
const D_ACCOUNT = `nullif(regexp_extract(src.tg_file, '/AWSLogs/(?:o-[^/]+/)?([0-9]{12})/CloudTrail/', 1), '')`;
/** `ev` of DuckDB: the record text is hashed where it is read, and carried on only when a late page re-reads it. */
const D_EV = (columns: string[], page = false) =>
  [
    'WITH ev AS (',
    `  SELECT src.*, TRY_CAST(src.eventtime AS TIMESTAMPTZ) AS tg_time, coalesce(nullif(src.recipientaccountid, ''), ${D_ACCOUNT}) AS tg_account, CAST(src.tg_rawhash AS VARCHAR) AS tg_hash`,
    `  FROM ${D_SOURCE(columns, page)}`,
    '),',
  ].join('\n');

const dd = (where: string) =>
  [
    'dd AS (',
    '  SELECT * FROM (',
    '    SELECT ev.*, row_number() OVER (PARTITION BY ev.eventid, ev.tg_hash) AS tg_rn',
    '    FROM ev',
    `    WHERE ${where}`,
    '  ) AS d WHERE tg_rn = 1',
    ')',
  ].join('\n');

/** DuckDB's dd: DISTINCT ON instead of the row_number window (same rows kept). */
const dDd = (where: string) => ['dd AS (', '  SELECT DISTINCT ON (eventid, tg_rawhash) * FROM ev', `  WHERE ${where}`, ')'].join('\n');

const T_INSIGHT = (key: string) =>
  `coalesce(json_extract_scalar(insightdetails, '$.${key}'), nullif(json_format(json_extract(insightdetails, '$.${key}')), 'null'))`;
const T_SOURCE = `coalesce(eventsource, ${T_INSIGHT('eventSource')})`;
const T_NAME = `coalesce(eventname, ${T_INSIGHT('eventName')})`;
const D_SOURCE_FIELD = `coalesce(eventsource, json_extract_string(insightdetails, '$.eventSource'))`;
const D_NAME = `coalesce(eventname, json_extract_string(insightdetails, '$.eventName'))`;

const T_VALID = `(NOT ((tg_time IS NULL) OR (${T_SOURCE} IS NULL) OR (${T_NAME} IS NULL) OR (awsregion IS NULL)))`;
const D_VALID = `(NOT ((tg_time IS NULL) OR (${D_SOURCE_FIELD} IS NULL) OR (${D_NAME} IS NULL) OR (awsregion IS NULL)))`;
const T_RANGE = `(tg_time >= from_iso8601_timestamp('2024-03-01T00:00:00.000Z')) AND (tg_time < from_iso8601_timestamp('2024-03-01T06:00:00.000Z'))`;
const D_RANGE = `(tg_time >= CAST($2 AS TIMESTAMPTZ)) AND (tg_time < CAST($3 AS TIMESTAMPTZ))`;

const EVENT_ID = `coalesce(nullif(eventid, ''), 'tg-' || tg_hash)`;
const IDENTITY_KEY = `coalesce(nullif(useridentity.arn, ''), nullif(useridentity.invokedby, ''), 'account:' || nullif(useridentity.accountid, ''), nullif(useridentity.principalid, ''), 'unknown')`;
const IS_ERROR = `(nullif(errorcode, '') IS NOT NULL OR nullif(errormessage, '') IS NOT NULL)`;
const bool = (col: string) => `(CASE lower(CAST(${col} AS VARCHAR)) WHEN 'true' THEN TRUE WHEN 'false' THEN FALSE END)`;
const CATEGORY = `coalesce(eventcategory, CASE WHEN eventtype = 'AwsCloudTrailInsight' THEN 'Insight' WHEN managementevent = 'false' THEN 'Data' ELSE 'Management' END)`;
const IDENTITY_TYPE =
  `(CASE useridentity.type WHEN 'Root' THEN 'ROOT' WHEN 'IAMUser' THEN 'IAM_USER' WHEN 'AssumedRole' THEN 'ASSUMED_ROLE' ` +
  `WHEN 'Role' THEN 'ROLE' WHEN 'FederatedUser' THEN 'FEDERATED_USER' WHEN 'AWSAccount' THEN 'AWS_ACCOUNT' ` +
  `WHEN 'AWSService' THEN 'AWS_SERVICE' WHEN 'IdentityCenterUser' THEN 'IDENTITY_CENTER_USER' WHEN 'SAMLUser' THEN 'SAML_USER' ` +
  `WHEN 'WebIdentityUser' THEN 'WEB_IDENTITY_USER' WHEN 'Directory' THEN 'DIRECTORY' WHEN 'Unknown' THEN 'UNKNOWN' ELSE 'UNKNOWN' END)`;

/** The Event select list; four columns differ by dialect. */
function eventColumns(d: { source: string; name: string; resourcesJson: string; sessionCreatedAt: string }): string {
  return [
    `${EVENT_ID} AS event_id`,
    'tg_time AS event_time',
    'eventversion AS event_version',
    `${d.source} AS event_source`,
    `${d.name} AS event_name`,
    'eventtype AS event_type',
    `${CATEGORY} AS event_category`,
    'awsregion AS aws_region',
    'recipientaccountid AS recipient_account_id',
    'tg_account AS account',
    'sourceipaddress AS source_ip',
    'useragent AS user_agent',
    `nullif(errorcode, '') AS error_code`,
    'errormessage AS error_message',
    `${bool('readonly')} AS read_only`,
    `${bool('managementevent')} AS management_event`,
    'requestid AS request_id',
    'sharedeventid AS shared_event_id',
    'vpcendpointid AS vpc_endpoint_id',
    'apiversion AS api_version',
    `${bool('sessioncredentialfromconsole')} AS session_credential_from_console`,
    'requestparameters AS request_parameters',
    'responseelements AS response_elements',
    'additionaleventdata AS additional_event_data',
    'serviceeventdetails AS service_event_details',
    'insightdetails AS insight_details',
    'tlsdetails.tlsversion AS tls_version',
    'tlsdetails.ciphersuite AS tls_cipher_suite',
    'tlsdetails.clientprovidedhostheader AS tls_host',
    `${d.resourcesJson} AS resources_json`,
    `${IDENTITY_TYPE} AS identity_type`,
    'useridentity.principalid AS principal_id',
    'useridentity.arn AS principal_arn',
    'useridentity.accountid AS identity_account_id',
    `nullif(useridentity.accesskeyid, '') AS access_key_id`,
    'useridentity.username AS user_name',
    'useridentity.invokedby AS invoked_by',
    'useridentity.sessioncontext.sessionissuer.arn AS role_arn',
    `(CASE WHEN strpos(useridentity.arn, ':assumed-role/') > 0 THEN nullif(split_part(useridentity.arn, '/', 3), '') END) AS session_name`,
    `${bool('useridentity.sessioncontext.attributes.mfaauthenticated')} AS mfa_authenticated`,
    `${d.sessionCreatedAt} AS session_created_at`,
    'coalesce(useridentity.sourceidentity, useridentity.sessioncontext.sourceidentity) AS source_identity',
    `${IDENTITY_KEY} AS identity_key`,
    'tg_hash AS row_hash',
  ].join(', ');
}
const T_EVENT_COLUMNS = eventColumns({
  source: T_SOURCE,
  name: T_NAME,
  resourcesJson: 'json_format(CAST(resources AS JSON))',
  sessionCreatedAt: 'try(from_iso8601_timestamp(useridentity.sessioncontext.attributes.creationdate))',
});
const D_EVENT_COLUMNS = eventColumns({
  source: D_SOURCE_FIELD,
  name: D_NAME,
  resourcesJson: 'CAST(to_json(resources) AS VARCHAR)',
  sessionCreatedAt: 'TRY_CAST(useridentity.sessioncontext.attributes.creationdate AS TIMESTAMPTZ)',
});

// ---- helpers to cut a statement into the part a test is about --------------------------------------

const both = (q: Query) => ({ trino: trino.compile(q), duck: duck.compile(q) });
const ddWhere = (sql: string) => {
  const m = /\n {4}WHERE (.*)\n {2}\) AS d WHERE tg_rn = 1/.exec(sql) ?? /\n {2}SELECT DISTINCT ON \(eventid, tg_rawhash\) \* FROM ev\n {2}WHERE (.*)\n\)/.exec(sql);
  if (!m) throw new Error(`no dd WHERE in:\n${sql}`);
  return m[1];
};
const line = (sql: string, prefix: string) => {
  const hit = sql.split('\n').find((l) => l.startsWith(prefix));
  if (hit === undefined) throw new Error(`no line starting ${prefix} in:\n${sql}`);
  return hit;
};

/** The predicate an EventFilter adds after the range, in both dialects, and the DuckDB values it binds. */
function expectFilter(extra: Omit<EventFilterSpec, 'range'>, want: { trino: string; duckdb: string; params: SqlParam[] }): void {
  const { trino: t, duck: d } = both(eventsQuery({ range: RANGE, ...extra }, PLAN, PAGE));
  expect(ddWhere(t.sql)).toBe(`${T_VALID} AND (${T_RANGE} AND ${want.trino})`);
  expect(ddWhere(d.sql)).toBe(`${D_VALID} AND (${D_RANGE} AND ${want.duckdb})`);
  expect(d.params).toEqual([FILES_PARAM, ...RANGE_PARAMS, ...want.params]);
  expect(t.params).toEqual([]);
}

// ---- full statements -----------------------------------------------------------------------------

describe('full statements', () => {
  it('renders a small events page, newest first, one row over the page size', () => {
    const { trino: t, duck: d } = both(eventsQuery({ range: RANGE, eventNames: ['ConsoleLogin'] }, PLAN, PAGE));
    expect(t.sql).toBe(
      [
        T_EV,
        dd(`${T_VALID} AND (${T_RANGE} AND (${T_NAME} IN ('ConsoleLogin')))`),
        `SELECT ${T_EVENT_COLUMNS}`,
        'FROM dd',
        `ORDER BY tg_time DESC, ${EVENT_ID} DESC, tg_hash DESC`,
        'LIMIT 3',
      ].join('\n'),
    );
    // DuckDB cuts the page on the few columns filter and order need, then parses the shown
    // columns again from the record text of the page's rows only.
    expect(d.sql).toBe(
      [
        D_EV(BASE_COLUMNS, true),
        `${dDd(`${D_VALID} AND (${D_RANGE} AND (${D_NAME} IN ($4)))`)},`,
        'pg AS (',
        '  SELECT * FROM dd',
        `  ORDER BY tg_time DESC, ${EVENT_ID} DESC, tg_hash DESC`,
        '  LIMIT 3',
        ')',
        `SELECT ${D_EVENT_COLUMNS}`,
        `FROM (SELECT pg.tg_time, pg.tg_account, pg.tg_hash, pg.tg_file, unnest(json_transform(pg.tg_raw, '${D_STRUCTURE(EVENT_SHOWN_PATHS)}')) FROM pg) AS dd`, // the time comes along as tg_time
        `ORDER BY tg_time DESC, ${EVENT_ID} DESC, tg_hash DESC`,
      ].join('\n'),
    );
    expect(d.params).toEqual([FILES_PARAM, ...RANGE_PARAMS, v('ConsoleLogin')]);
    expect(t.dialect).toBe('trino');
    expect(d.dialect).toBe('duckdb');
  });

  it('renders hourly counts per event source with error count, first/last seen and the grand total', () => {
    const q = statsQuery({ range: RANGE }, PLAN, { groupBy: [{ dimension: 'EVENT_SOURCE' }], interval: 'HOUR', first: 10, order: 'COUNT_DESC' });
    const { trino: t, duck: d } = both(q);
    const aggs =
      `count(*) AS event_count, count(*) FILTER (WHERE coalesce(${IS_ERROR}, FALSE)) AS error_count, ` +
      'min(tg_time) AS first_seen, max(tg_time) AS last_seen, CAST(sum(count(*)) OVER () AS BIGINT) AS total_events';
    expect(t.sql).toBe(
      [
        T_EV,
        dd(`${T_VALID} AND (${T_RANGE})`),
        `SELECT ${T_SOURCE} AS k0, date_trunc('hour', tg_time) AS bucket, ${aggs}`,
        'FROM dd',
        `GROUP BY ${T_SOURCE}, date_trunc('hour', tg_time)`,
        'ORDER BY event_count DESC, k0 ASC, bucket ASC',
        'LIMIT 10',
      ].join('\n'),
    );
    expect(d.sql).toBe(
      [
        D_EV([...BASE_COLUMNS, 'errorcode', 'errormessage']),
        dDd(`${D_VALID} AND (${D_RANGE})`),
        `SELECT ${D_SOURCE_FIELD} AS k0, date_trunc('hour', tg_time) AS bucket, ${aggs}`,
        'FROM dd',
        `GROUP BY ${D_SOURCE_FIELD}, date_trunc('hour', tg_time)`,
        'ORDER BY event_count DESC, k0 ASC, bucket ASC',
        'LIMIT 10',
      ].join('\n'),
    );
    expect(d.params).toEqual([FILES_PARAM, ...RANGE_PARAMS]);
  });

  it('renders the top values of a field per principal as a ranked window over the grouped counts', () => {
    const { trino: t, duck: d } = both(identityTopValuesQuery([ALICE], 'eventName', 3, { range: RANGE }, PLAN));
    const tail = (name: string) => [
      'g AS (',
      `SELECT ${IDENTITY_KEY} AS identity_key, ${name} AS value, count(*) AS value_count`,
      'FROM dd',
      `GROUP BY ${IDENTITY_KEY}, ${name}`,
      ')',
      'SELECT * FROM (',
      '  SELECT g.*, row_number() OVER (PARTITION BY identity_key ORDER BY value_count DESC, value ASC) AS tg_rank FROM g',
      ') AS r',
      'WHERE tg_rank <= 3',
      'ORDER BY identity_key, tg_rank',
    ];
    expect(t.sql).toBe(
      [T_EV, `${dd(`${T_VALID} AND (${T_RANGE} AND (${IDENTITY_KEY} IN ('${ALICE}')))`)},`, ...tail(T_NAME)].join('\n'),
    );
    expect(d.sql).toBe([D_EV([...BASE_COLUMNS, ...IDENTITY_KEY_PATHS]), `${dDd(`${D_VALID} AND (${D_RANGE} AND (${IDENTITY_KEY} IN ($4)))`)},`, ...tail(D_NAME)].join('\n'));
    expect(d.params).toEqual([FILES_PARAM, ...RANGE_PARAMS, v(ALICE)]);
  });
});

// ---- sources and partition pruning -----------------------------------------------------------------

describe('sources and partition pruning', () => {
  const evOf = (sql: string) => sql.slice(0, sql.indexOf('\ndd AS ('));
  const simple = (plan: PartitionPlan) => eventByIdQuery('e1', RANGE, plan);
  const SIMPLE_COLUMNS = BASE_COLUMNS; // an event by id: filter and order need only these (the page re-reads the rest)

  it('prunes Trino to the padded delivery days in yyyy/MM/dd and to the planned accounts and regions', () => {
    expect(evOf(trino.compile(simple(PLAN)).sql)).toBe(T_EV);
  });

  it('prunes days in yyyy-MM-dd and leaves accounts and regions open when the plan does not filter them', () => {
    const c = new TrinoCompiler({ ...BINDING, day: { column: 'dt', format: 'yyyy-MM-dd' } });
    const plan = planPartitions({ scope: '*', from: new Date('2024-02-28T12:00:00Z'), to: new Date('2024-03-01T00:00:00Z') });
    expect(line(c.compile(simple(plan)).sql, '  WHERE')).toBe(`  WHERE src."dt" BETWEEN '2024-02-28' AND '2024-03-01'`);
  });

  it('takes a single-account table’s account from the binding and prunes only days', () => {
    const c = new TrinoCompiler({ ...BINDING, account: { constant: '111122223333' }, regionColumn: null });
    const sql = c.compile(simple(PLAN)).sql;
    expect(sql).toContain(`coalesce(nullif(src.recipientaccountid, ''), '111122223333') AS tg_account`);
    expect(line(sql, '  WHERE')).toBe(`  WHERE src."timestamp" BETWEEN '2024/03/01' AND '2024/03/02'`);
  });

  it('writes no pruning predicate for an unpartitioned table, and qualifies the catalog when given', () => {
    const c = new TrinoCompiler({ catalog: 'awsdatacatalog', database: 'cloudtrail', table: 'trail', account: null, regionColumn: null, day: null });
    const sql = c.compile(simple(PLAN)).sql;
    expect(evOf(sql)).toBe(
      [
        'WITH ev AS (',
        `  SELECT src.*, try(from_iso8601_timestamp(src.eventtime)) AS tg_time, coalesce(nullif(src.recipientaccountid, ''), CAST(NULL AS VARCHAR)) AS tg_account, to_hex(xxhash64(to_utf8(json_format(CAST(ROW(${DEDUP}) AS JSON))))) AS tg_hash`,
        '  FROM "awsdatacatalog"."cloudtrail"."trail" AS src',
        '),',
      ].join('\n'),
    );
  });

  it('refuses table and column names that are not plain identifiers', () => {
    expect(() => new TrinoCompiler({ ...BINDING, table: 'trail" --' }).compile(simple(PLAN))).toThrow(/bad identifier/);
    expect(() => new TrinoCompiler({ ...BINDING, regionColumn: 'region;drop' }).compile(simple(PLAN))).toThrow(/bad identifier/);
  });

  it('has DuckDB read only the bound files, with no partition predicate', () => {
    const d = duck.compile(simple(PLAN));
    expect(evOf(d.sql)).toBe(D_EV(SIMPLE_COLUMNS, true));
    expect(d.params[0]).toEqual(FILES_PARAM);
    expect(d.sql).not.toContain(FILE);
  });

  it('renders an empty relation of the record type when DuckDB has no files to read', () => {
    const d = new DuckDbCompiler({ files: [], maxObjectBytes: 16777216 }).compile(simple(PLAN));
    expect(line(d.sql, '  FROM')).toBe(
      `  FROM (SELECT unnest(json_transform(r, '${D_STRUCTURE(SIMPLE_COLUMNS)}')), hash(r) AS tg_rawhash, r AS tg_raw, CAST(NULL AS VARCHAR) AS tg_file FROM (SELECT CAST(NULL AS JSON) AS r) AS x WHERE FALSE) AS src`,
    );
    expect(d.params).toEqual([
      v('2024-03-01T00:00:00.000Z'),
      v('2024-03-01T06:00:00.000Z'),
      v('e1'),
    ]);
    expect(ddWhere(d.sql)).toBe(`${D_VALID} AND ((tg_time >= CAST($1 AS TIMESTAMPTZ)) AND (tg_time < CAST($2 AS TIMESTAMPTZ)) AND (${EVENT_ID} = $3))`);
  });
});

// ---- range, de-duplication, filters ------------------------------------------------------------------

describe('range and de-duplication', () => {
  it('filters eventTime on the half-open range [from, to)', () => {
    const { trino: t, duck: d } = both(eventsQuery({ range: RANGE }, PLAN, PAGE));
    expect(ddWhere(t.sql)).toBe(`${T_VALID} AND (${T_RANGE})`);
    expect(ddWhere(d.sql)).toBe(`${D_VALID} AND (${D_RANGE})`);
  });

  it('keeps one row per (eventid, content hash) after filtering, in both dialects', () => {
    const { trino: t, duck: d } = both(eventsQuery({ range: RANGE }, PLAN, PAGE));
    expect(t.sql).toContain('    SELECT ev.*, row_number() OVER (PARTITION BY ev.eventid, ev.tg_hash) AS tg_rn\n    FROM ev\n    WHERE ');
    expect(t.sql).toContain('  ) AS d WHERE tg_rn = 1\n)\nSELECT ');
    expect(d.sql).toContain('dd AS (\n  SELECT DISTINCT ON (eventid, tg_rawhash) * FROM ev\n  WHERE ');
    expect(d.sql).not.toContain('tg_rn');
    expect(d.sql).toMatch(/\n {2}WHERE [^\n]*\n\),\npg AS \(\n {2}SELECT \* FROM dd\n/);
  });
});

describe('EventFilter predicates', () => {
  it('filters accounts on the effective account', () => {
    expectFilter(
      { accounts: ['111122223333', '444455556666'] },
      { trino: "(tg_account IN ('111122223333', '444455556666'))", duckdb: '(tg_account IN ($4, $5))', params: [v('111122223333'), v('444455556666')] },
    );
  });

  it('filters regions on the record’s awsRegion', () => {
    expectFilter({ regions: ['eu-west-1'] }, { trino: "(awsregion IN ('eu-west-1'))", duckdb: '(awsregion IN ($4))', params: [v('eu-west-1')] });
  });

  it('filters event sources and names, falling back to an Insights event’s own source and name', () => {
    expectFilter(
      { eventSources: ['iam.amazonaws.com'] },
      { trino: `(${T_SOURCE} IN ('iam.amazonaws.com'))`, duckdb: `(${D_SOURCE_FIELD} IN ($4))`, params: [v('iam.amazonaws.com')] },
    );
    expectFilter(
      { eventNames: ['CreateUser', 'DeleteUser'] },
      { trino: `(${T_NAME} IN ('CreateUser', 'DeleteUser'))`, duckdb: `(${D_NAME} IN ($4, $5))`, params: [v('CreateUser'), v('DeleteUser')] },
    );
  });

  it('excludes event names with NOT IN', () => {
    expectFilter(
      { excludeEventNames: ['Decrypt'] },
      { trino: `(NOT (${T_NAME} IN ('Decrypt')))`, duckdb: `(NOT (${D_NAME} IN ($4)))`, params: [v('Decrypt')] },
    );
  });

  it('maps identity types to CloudTrail’s raw values', () => {
    expectFilter(
      { identityTypes: ['ROOT', 'ASSUMED_ROLE'] },
      { trino: "(useridentity.type IN ('Root', 'AssumedRole'))", duckdb: '(useridentity.type IN ($4, $5))', params: [v('Root'), v('AssumedRole')] },
    );
  });

  it('matches UNKNOWN identities as a missing type or one outside the known list', () => {
    const known = ['Root', 'IAMUser', 'AssumedRole', 'Role', 'FederatedUser', 'AWSAccount', 'AWSService', 'IdentityCenterUser', 'SAMLUser', 'WebIdentityUser', 'Directory'];
    const tKnown = known.map((k) => `'${k}'`).join(', ');
    const dKnown = (first: number) => known.map((_, i) => `$${first + i}`).join(', ');
    expectFilter(
      { identityTypes: ['UNKNOWN'] },
      {
        trino: `((useridentity.type IS NULL) OR (NOT (useridentity.type IN (${tKnown}))))`,
        duckdb: `((useridentity.type IS NULL) OR (NOT (useridentity.type IN (${dKnown(4)}))))`,
        params: known.map(v),
      },
    );
    expectFilter(
      { identityTypes: ['IAM_USER', 'UNKNOWN'] },
      {
        trino: `((useridentity.type IN ('IAMUser')) OR ((useridentity.type IS NULL) OR (NOT (useridentity.type IN (${tKnown})))))`,
        duckdb: `((useridentity.type IN ($4)) OR ((useridentity.type IS NULL) OR (NOT (useridentity.type IN (${dKnown(5)})))))`,
        params: [v('IAMUser'), ...known.map(v)],
      },
    );
  });

  it('filters principal, role, user name and access key', () => {
    expectFilter({ principalArns: [ALICE] }, { trino: `(useridentity.arn IN ('${ALICE}'))`, duckdb: '(useridentity.arn IN ($4))', params: [v(ALICE)] });
    expectFilter(
      { roleArns: ['arn:aws:iam::1:role/r'] },
      { trino: "(useridentity.sessioncontext.sessionissuer.arn IN ('arn:aws:iam::1:role/r'))", duckdb: '(useridentity.sessioncontext.sessionissuer.arn IN ($4))', params: [v('arn:aws:iam::1:role/r')] },
    );
    expectFilter({ userNames: ['alice'] }, { trino: "(useridentity.username IN ('alice'))", duckdb: '(useridentity.username IN ($4))', params: [v('alice')] });
    expectFilter(
      { accessKeyIds: ['AKIAEXAMPLE'] },
      { trino: "(nullif(useridentity.accesskeyid, '') IN ('AKIAEXAMPLE'))", duckdb: "(nullif(useridentity.accesskeyid, '') IN ($4))", params: [v('AKIAEXAMPLE')] },
    );
  });

  it('matches source IPs by exact text or by the hex range of a v4 or v6 CIDR block', () => {
    const tHex = `lower(to_hex(CAST(try_cast(sourceipaddress AS IPADDRESS) AS VARBINARY)))`;
    expectFilter(
      { sourceIps: [parseIpMatch('10.0.0.0/8')!, parseIpMatch('2001:db8::/32')!] },
      {
        trino:
          `(((sourceipaddress = '10.0.0.0/8') OR ((CASE WHEN strpos(sourceipaddress, ':') = 0 THEN substr(${tHex}, 25, 8) END) BETWEEN '0a000000' AND '0affffff')) OR ` +
          `((sourceipaddress = '2001:db8::/32') OR ((CASE WHEN strpos(sourceipaddress, ':') > 0 THEN ${tHex} END) BETWEEN '20010db8000000000000000000000000' AND '20010db8ffffffffffffffffffffffff')))`,
        duckdb:
          '(((sourceipaddress = $4) OR (tg_ipv4_hex(sourceipaddress) BETWEEN $5 AND $6)) OR ' +
          '((sourceipaddress = $7) OR (tg_ipv6_hex(sourceipaddress) BETWEEN $8 AND $9)))',
        params: [
          v('10.0.0.0/8'),
          v('0a000000'),
          v('0affffff'),
          v('2001:db8::/32'),
          v('20010db8000000000000000000000000'),
          v('20010db8ffffffffffffffffffffffff'),
        ],
      },
    );
  });

  it('matches a user agent substring case-insensitively (needle folded once, column folded in SQL)', () => {
    expectFilter(
      { userAgentContains: 'Boto3/1.34' },
      { trino: "(strpos(lower(useragent), 'boto3/1.34') > 0)", duckdb: '(strpos(lower(useragent), $4) > 0)', params: [v('boto3/1.34')] },
    );
  });

  it('filters error codes, and errors by code or message', () => {
    expectFilter({ errorCodes: ['AccessDenied'] }, { trino: "(nullif(errorcode, '') IN ('AccessDenied'))", duckdb: "(nullif(errorcode, '') IN ($4))", params: [v('AccessDenied')] });
    expectFilter({ hasError: true }, { trino: `coalesce(${IS_ERROR}, FALSE)`, duckdb: `coalesce(${IS_ERROR}, FALSE)`, params: [] });
    expectFilter(
      { hasError: false },
      { trino: `(${IS_ERROR} = FALSE)`, duckdb: `(${IS_ERROR} = $4)`, params: [{ type: 'BOOLEAN', value: false }] },
    );
  });

  it('reads readOnly from string or boolean JSON, false meaning explicitly false', () => {
    expectFilter(
      { readOnly: false },
      { trino: `(${bool('readonly')} = FALSE)`, duckdb: `(${bool('readonly')} = $4)`, params: [{ type: 'BOOLEAN', value: false }] },
    );
    expectFilter({ readOnly: true }, { trino: `coalesce(${bool('readonly')}, FALSE)`, duckdb: `coalesce(${bool('readonly')}, FALSE)`, params: [] });
  });

  it('filters categories on the raw or inferred eventCategory', () => {
    expectFilter(
      { categories: ['DATA', 'MANAGEMENT'] },
      { trino: `(${CATEGORY} IN ('Data', 'Management'))`, duckdb: `(${CATEGORY} IN ($4, $5))`, params: [v('Data'), v('Management')] },
    );
  });

  it('filters cross-account calls both ways', () => {
    const cross = `(useridentity.accountid IS NOT NULL AND useridentity.accountid <> tg_account)`;
    expectFilter({ crossAccount: true }, { trino: `coalesce(${cross}, FALSE)`, duckdb: `coalesce(${cross}, FALSE)`, params: [] });
    expectFilter({ crossAccount: false }, { trino: `(NOT coalesce(${cross}, FALSE))`, duckdb: `(NOT coalesce(${cross}, FALSE))`, params: [] });
  });

  it('matches any resource whose ARN or ARN prefix is listed', () => {
    expectFilter(
      { resourceArns: ['arn:aws:s3:::logs', "arn:aws:s3:::it's"] },
      {
        trino:
          "any_match(resources, x -> contains(ARRAY['arn:aws:s3:::logs', 'arn:aws:s3:::it''s'], x.arn) OR contains(ARRAY['arn:aws:s3:::logs', 'arn:aws:s3:::it''s'], x.arnprefix))",
        duckdb:
          '(list_has_any(list_transform(resources, lambda x: x.arn), CAST($4 AS VARCHAR[])) OR ' +
          'list_has_any(list_transform(resources, lambda x: x.arnprefix), CAST($4 AS VARCHAR[])))',
        params: [{ type: 'VARCHAR[]', value: ['arn:aws:s3:::logs', "arn:aws:s3:::it's"] }],
      },
    );
  });

  it('filters event ids on the effective id', () => {
    expectFilter({ eventIds: ['e1'] }, { trino: `(${EVENT_ID} IN ('e1'))`, duckdb: `(${EVENT_ID} IN ($4))`, params: [v('e1')] });
  });

  it('matches JSON members by equality, substring of the subtree, existence and absence', () => {
    const tText = (p: string) => `coalesce(json_extract_scalar(requestparameters, '${p}'), nullif(json_format(json_extract(requestparameters, '${p}')), 'null'))`;
    const dText = (p: string) => `json_extract_string(requestparameters, '${p}')`;
    expectFilter(
      {
        json: {
          requestParameters: [
            { path: ['bucketName'], equals: 'logs' },
            { path: ['policy', 'Statement'], contains: '"Effect":"Allow"' },
            { path: ['acl'], exists: true },
            { path: ['x_amz_acl'], exists: false },
          ],
        },
      },
      {
        trino:
          `(${tText('$.bucketName')} = 'logs') AND ` +
          `(strpos(json_format(json_extract(requestparameters, '$.policy.Statement')), '"Effect":"Allow"') > 0) AND ` +
          `(NOT (${tText('$.acl')} IS NULL)) AND (${tText('$.x_amz_acl')} IS NULL)`,
        duckdb:
          `(${dText('$.bucketName')} = $4) AND ` +
          `(strpos(CAST(json_extract(requestparameters, '$.policy.Statement') AS VARCHAR), $5) > 0) AND ` +
          `(NOT (${dText('$.acl')} IS NULL)) AND (${dText('$.x_amz_acl')} IS NULL)`,
        params: [v('logs'), v('"Effect":"Allow"')],
      },
    );
  });

  it('refuses JSON paths that are not plain key segments', () => {
    expect(() => trino.compile(eventsQuery({ range: RANGE, json: { requestParameters: [{ path: ["a'b"], equals: 'x' }] } }, PLAN, PAGE))).toThrow(
      /bad JSON path/,
    );
    expect(() => duck.compile(eventsQuery({ range: RANGE, json: { responseElements: [{ path: [], exists: true }] } }, PLAN, PAGE))).toThrow(
      /bad JSON path/,
    );
  });
});

// ---- keyset pages ------------------------------------------------------------------------------------

describe('keyset pages', () => {
  const AT = '2024-03-01T05:00:00.000Z';
  const after: EventPosition = { time: new Date(AT), id: 'e9', hash: 'h9' };
  const page = (order: EventOrder) => both(eventsQuery({ range: RANGE }, PLAN, { first: 2, after, order }));

  it('continues a newest-first page strictly before the position on (time, id, hash)', () => {
    const { trino: t, duck: d } = page('NEWEST_FIRST');
    const tAt = `from_iso8601_timestamp('${AT}')`;
    expect(ddWhere(t.sql)).toBe(
      `${T_VALID} AND (${T_RANGE} AND ((tg_time < ${tAt}) OR ((tg_time = ${tAt}) AND (${EVENT_ID} < 'e9')) OR ` +
        `((tg_time = ${tAt}) AND (${EVENT_ID} = 'e9') AND (tg_hash < 'h9'))))`,
    );
    expect(ddWhere(d.sql)).toBe(
      `${D_VALID} AND (${D_RANGE} AND ((tg_time < CAST($4 AS TIMESTAMPTZ)) OR ((tg_time = CAST($5 AS TIMESTAMPTZ)) AND (${EVENT_ID} < $6)) OR ` +
        `((tg_time = CAST($7 AS TIMESTAMPTZ)) AND (${EVENT_ID} = $8) AND (tg_hash < $9))))`,
    );
    expect(d.params.slice(3)).toEqual([v(AT), v(AT), v('e9'), v(AT), v('e9'), v('h9')]);
    for (const sql of [t.sql, d.sql]) expect(line(sql, 'ORDER BY')).toBe(`ORDER BY tg_time DESC, ${EVENT_ID} DESC, tg_hash DESC`);
  });

  it('continues an oldest-first page strictly after the position', () => {
    const { trino: t, duck: d } = page('OLDEST_FIRST');
    const tAt = `from_iso8601_timestamp('${AT}')`;
    expect(ddWhere(t.sql)).toBe(
      `${T_VALID} AND (${T_RANGE} AND ((tg_time > ${tAt}) OR ((tg_time = ${tAt}) AND (${EVENT_ID} > 'e9')) OR ` +
        `((tg_time = ${tAt}) AND (${EVENT_ID} = 'e9') AND (tg_hash > 'h9'))))`,
    );
    expect(ddWhere(d.sql)).toBe(
      `${D_VALID} AND (${D_RANGE} AND ((tg_time > CAST($4 AS TIMESTAMPTZ)) OR ((tg_time = CAST($5 AS TIMESTAMPTZ)) AND (${EVENT_ID} > $6)) OR ` +
        `((tg_time = CAST($7 AS TIMESTAMPTZ)) AND (${EVENT_ID} = $8) AND (tg_hash > $9))))`,
    );
    for (const sql of [t.sql, d.sql]) expect(line(sql, 'ORDER BY')).toBe(`ORDER BY tg_time ASC, ${EVENT_ID} ASC, tg_hash ASC`);
    expect(line(t.sql, 'LIMIT')).toBe('LIMIT 3');
  });

  it('continues an identity ranking after (count, key) in HAVING', () => {
    const q = identitiesQuery({ range: RANGE }, PLAN, 5, { count: 7, key: ALICE });
    const { trino: t, duck: d } = both(q);
    expect(line(t.sql, 'HAVING')).toBe(`HAVING ((count(*) < 7) OR ((count(*) = 7) AND (${IDENTITY_KEY} > '${ALICE}')))`);
    expect(line(d.sql, 'HAVING')).toBe(`HAVING ((count(*) < $4) OR ((count(*) = $5) AND (${IDENTITY_KEY} > $6)))`);
    expect(d.params.slice(3)).toEqual([{ type: 'BIGINT', value: 7 }, { type: 'BIGINT', value: 7 }, v(ALICE)]);
    for (const sql of [t.sql, d.sql]) {
      expect(line(sql, 'ORDER BY')).toBe('ORDER BY event_count DESC, identity_key ASC');
      expect(line(sql, 'LIMIT')).toBe('LIMIT 6');
    }
  });
});

// ---- stats -------------------------------------------------------------------------------------------

describe('stats', () => {
  const stats = (groupBy: GroupKeySpec[], interval: TimeUnit | null, order: StatsOrder = 'COUNT_DESC') =>
    both(statsQuery({ range: RANGE }, PLAN, { groupBy, interval, first: 10, order }));
  const key0 = (sql: string) => /\nSELECT (.*?) AS k0, /.exec(sql)![1];

  it.each([
    ['COUNT_DESC', 'ORDER BY event_count DESC, k0 ASC, k1 ASC, bucket ASC'],
    ['COUNT_ASC', 'ORDER BY event_count ASC, k0 ASC, k1 ASC, bucket ASC'],
    ['KEYS_ASC', 'ORDER BY k0 ASC, k1 ASC, bucket ASC'],
    ['BUCKET_ASC', 'ORDER BY bucket ASC, event_count DESC, k0 ASC, k1 ASC'],
  ] as const)('orders %s groups as %s in both dialects', (order, want) => {
    const { trino: t, duck: d } = stats([{ dimension: 'ACCOUNT' }, { dimension: 'REGION' }], 'DAY', order);
    expect(line(t.sql, 'ORDER BY')).toBe(want);
    expect(line(d.sql, 'ORDER BY')).toBe(want);
  });

  it('orders BUCKET_ASC without an interval by count, then keys', () => {
    const { trino: t, duck: d } = stats([{ dimension: 'ACCOUNT' }], null, 'BUCKET_ASC');
    for (const sql of [t.sql, d.sql]) {
      expect(line(sql, 'ORDER BY')).toBe('ORDER BY event_count DESC, k0 ASC');
      expect(sql).not.toContain('bucket');
    }
  });

  it.each(['MINUTE', 'HOUR', 'DAY', 'WEEK', 'MONTH'] as const)('buckets by %s with date_trunc', (unit) => {
    const { trino: t, duck: d } = stats([{ dimension: 'ACCOUNT' }], unit);
    const want = `GROUP BY tg_account, date_trunc('${unit.toLowerCase()}', tg_time)`;
    expect(line(t.sql, 'GROUP BY')).toBe(want);
    expect(line(d.sql, 'GROUP BY')).toBe(want);
  });

  it('groups by text keys: hour of day zero-padded, ISO day of week, booleans as text, JSON members by path', () => {
    expect(key0(stats([{ dimension: 'HOUR_OF_DAY' }], null).trino.sql)).toBe(`lpad(CAST(hour(tg_time) AS VARCHAR), 2, '0')`);
    expect(key0(stats([{ dimension: 'HOUR_OF_DAY' }], null).duck.sql)).toBe(`lpad(CAST(hour(tg_time) AS VARCHAR), 2, '0')`);
    expect(key0(stats([{ dimension: 'DAY_OF_WEEK' }], null).trino.sql)).toBe('CAST(day_of_week(tg_time) AS VARCHAR)');
    expect(key0(stats([{ dimension: 'DAY_OF_WEEK' }], null).duck.sql)).toBe('CAST(isodow(tg_time) AS VARCHAR)');
    expect(key0(stats([{ dimension: 'READ_ONLY' }], null).trino.sql)).toBe(`CAST(${bool('readonly')} AS VARCHAR)`);
    expect(key0(stats([{ dimension: 'MFA_AUTHENTICATED' }], null).duck.sql)).toBe(
      `CAST(${bool('useridentity.sessioncontext.attributes.mfaauthenticated')} AS VARCHAR)`,
    );
    const rp = stats([{ dimension: 'REQUEST_PARAMETER', path: ['bucketName'] }], null);
    expect(key0(rp.trino.sql)).toBe(
      `coalesce(json_extract_scalar(requestparameters, '$.bucketName'), nullif(json_format(json_extract(requestparameters, '$.bucketName')), 'null'))`,
    );
    expect(key0(rp.duck.sql)).toBe(`json_extract_string(requestparameters, '$.bucketName')`);
    const ae = stats([{ dimension: 'ADDITIONAL_EVENT_DATA', path: ['MFAUsed'] }], null);
    expect(key0(ae.duck.sql)).toBe(`json_extract_string(additionaleventdata, '$.MFAUsed')`);
    expect(key0(stats([{ dimension: 'SOURCE_IP' }], null).trino.sql)).toBe('sourceipaddress');
    expect(key0(stats([{ dimension: 'ERROR_CODE' }], null).duck.sql)).toBe(`nullif(errorcode, '')`);
  });

  it('refuses a JSON dimension without a path', () => {
    expect(() => statsQuery({ range: RANGE }, PLAN, { groupBy: [{ dimension: 'RESPONSE_ELEMENT' }], interval: null, first: 5, order: 'KEYS_ASC' })).toThrow(
      /needs a path/,
    );
  });
});

// ---- values ------------------------------------------------------------------------------------------

describe('values', () => {
  const extra: Pred = and(
    eq(field('eventVersion'), lit("1.0'8")),
    eq(field('readOnly'), lit(true)),
    cmp('>', field('eventTime'), instant(new Date('2024-03-01T01:02:03.004Z'))),
    cmp('<', field('eventVersion'), lit(7)),
    cmp('<', field('eventVersion'), lit(1.5)),
    eq(field('eventVersion'), lit(null)),
    isNull(field('userName')),
  );
  const q = eventsQuery({ range: RANGE }, PLAN, PAGE, extra);

  it('binds every DuckDB value as a typed $n parameter and inlines encoded literals in Trino', () => {
    const { trino: t, duck: d } = both(q);
    expect(ddWhere(d.sql)).toBe(
      `${D_VALID} AND (${D_RANGE} AND (eventversion = $4) AND (${bool('readonly')} = $5) AND (tg_time > CAST($6 AS TIMESTAMPTZ)) AND ` +
        '(eventversion < $7) AND (eventversion < $8) AND (eventversion = NULL) AND (useridentity.username IS NULL))',
    );
    expect(d.params.slice(3)).toEqual([
      v("1.0'8"),
      { type: 'BOOLEAN', value: true },
      v('2024-03-01T01:02:03.004Z'),
      { type: 'BIGINT', value: 7 },
      { type: 'DOUBLE', value: 1.5 },
    ]);
    expect(ddWhere(t.sql)).toBe(
      `${T_VALID} AND (${T_RANGE} AND (eventversion = '1.0''8') AND (${bool('readonly')} = TRUE) AND ` +
        `(tg_time > from_iso8601_timestamp('2024-03-01T01:02:03.004Z')) AND (eventversion < 7) AND (eventversion < DOUBLE '1.5') AND ` +
        '(eventversion = NULL) AND (useridentity.username IS NULL))',
    );
  });

  it('numbers DuckDB parameters in order of appearance with no gaps', () => {
    const d = duck.compile(q);
    const used = [...d.sql.matchAll(/\$(\d+)/g)].map((m) => Number(m[1]));
    expect([...new Set(used)].sort((a, b) => a - b)).toEqual(d.params.map((_, i) => i + 1));
  });

  it('refuses an unsafe integer in Trino rather than rounding it', () => {
    expect(() => trino.compile(eventsQuery({ range: RANGE }, PLAN, PAGE, eq(field('eventVersion'), lit(2 ** 53))))).toThrow(RangeError);
  });

  it('refuses a negative or fractional LIMIT', () => {
    expect(() => trino.compile(eventsQuery({ range: RANGE }, PLAN, { ...PAGE, first: -2 }))).toThrow(/bad limit/);
    expect(() => duck.compile(eventsQuery({ range: RANGE }, PLAN, { ...PAGE, first: 1.5 }))).toThrow(/bad limit/);
  });

  it('starts each compile with fresh parameters', () => {
    const first = duck.compile(q);
    const second = duck.compile(q);
    expect(second.params).toEqual(first.params);
    expect(second.sql).toBe(first.sql);
  });
});

// ---- every generated statement parses in Trino ----------------------------------------------------

describe('Trino grammar', () => {
  const ip4 = parseIpMatch('10.0.0.0/8')!;
  const ip6 = parseIpMatch('2001:db8::/32')!;
  const ONE_EACH: Array<[string, Omit<EventFilterSpec, 'range'>]> = [
    ['accounts', { accounts: ['111122223333', '444455556666'] }],
    ['regions', { regions: ['eu-west-1'] }],
    ['eventSources', { eventSources: ['s3.amazonaws.com'] }],
    ['eventNames', { eventNames: ['GetObject', "O'Brien"] }],
    ['excludeEventNames', { excludeEventNames: ['Decrypt'] }],
    ...IDENTITY_TYPES.map((t): [string, Omit<EventFilterSpec, 'range'>] => [`identityTypes ${t}`, { identityTypes: [t] }]),
    ['principalArns', { principalArns: [ALICE] }],
    ['roleArns', { roleArns: ['arn:aws:iam::1:role/r'] }],
    ['userNames', { userNames: ['alice'] }],
    ['accessKeyIds', { accessKeyIds: ['AKIA'] }],
    ['sourceIps v4', { sourceIps: [ip4] }],
    ['sourceIps v6', { sourceIps: [ip6] }],
    ['sourceIps both', { sourceIps: [ip4, ip6, parseIpMatch('192.0.2.1')!] }],
    ['userAgentContains', { userAgentContains: "it's -- /* x */; \\" }],
    ['errorCodes', { errorCodes: ['AccessDenied'] }],
    ['hasError true', { hasError: true }],
    ['hasError false', { hasError: false }],
    ['readOnly true', { readOnly: true }],
    ['readOnly false', { readOnly: false }],
    ...EVENT_CATEGORIES.map((c): [string, Omit<EventFilterSpec, 'range'>] => [`categories ${c}`, { categories: [c] }]),
    ['crossAccount true', { crossAccount: true }],
    ['crossAccount false', { crossAccount: false }],
    ['resourceArns', { resourceArns: ['arn:aws:s3:::b', 'arn:aws:s3:::c'] }],
    ['eventIds', { eventIds: ['e1'] }],
    ...(['requestParameters', 'responseElements', 'additionalEventData', 'serviceEventDetails'] as const).map(
      (j): [string, Omit<EventFilterSpec, 'range'>] => [
        `json ${j}`,
        { json: { [j]: [{ path: ['a', 'b'], equals: 'v' }, { path: ['c'], contains: '"k":1' }, { path: ['d'], exists: true }, { path: ['e'], exists: false }] } },
      ],
    ),
  ];
  const ALL: Omit<EventFilterSpec, 'range'> = Object.assign({}, ...ONE_EACH.map(([, f]) => f), {
    identityTypes: [...IDENTITY_TYPES],
    categories: [...EVENT_CATEGORIES],
    json: Object.assign({}, ...ONE_EACH.filter(([n]) => n.startsWith('json')).map(([, f]) => f.json)),
  });
  const filter = (f: Omit<EventFilterSpec, 'range'>): EventFilterSpec => ({ range: RANGE, ...f });
  const after: EventPosition = { time: new Date('2024-03-01T05:00:00Z'), id: 'e9', hash: 'h9' };

  const statements: Array<[string, Query]> = [
    ...ONE_EACH.map(([name, f]): [string, Query] => [`events, ${name}`, eventsQuery(filter(f), PLAN, PAGE)]),
    ['events, every filter, newest first after a position', eventsQuery(filter(ALL), PLAN, { first: 50, after, order: 'NEWEST_FIRST' })],
    ['events, every filter, oldest first after a position', eventsQuery(filter(ALL), PLAN, { first: 50, after, order: 'OLDEST_FIRST' })],
    ['events, unfiltered plan', eventsQuery(filter({}), planPartitions({ scope: '*', ...RANGE }), PAGE)],
    ['event by id', eventByIdQuery("e'1", RANGE, PLAN)],
    ['event by id with a scope', eventByIdQuery('e1', RANGE, PLAN, eq(field('account'), lit('111122223333')))],
  ];
  const UNITS = [null, 'MINUTE', 'HOUR', 'DAY', 'WEEK', 'MONTH'] as const;
  const ORDERS: StatsOrder[] = ['COUNT_DESC', 'COUNT_ASC', 'KEYS_ASC', 'BUCKET_ASC'];
  DIMENSIONS.forEach((dim, i) => {
    const key: GroupKeySpec = isJsonDimension(dim) ? { dimension: dim, path: ['a', 'b_1'] } : { dimension: dim };
    for (const unit of UNITS) {
      const order = ORDERS[(i + UNITS.indexOf(unit)) % ORDERS.length];
      statements.push([`stats ${dim} ${unit ?? 'no interval'} ${order}`, statsQuery(filter({}), PLAN, { groupBy: [key], interval: unit, first: 10, order })]);
    }
  });
  for (const order of ORDERS) {
    statements.push([
      `stats three keys, every filter, ${order}`,
      statsQuery(filter(ALL), PLAN, {
        groupBy: [{ dimension: 'ACCOUNT' }, { dimension: 'RESPONSE_ELEMENT', path: ['x'] }, { dimension: 'DAY_OF_WEEK' }],
        interval: 'WEEK',
        first: 100,
        order,
      }),
    ]);
  }
  statements.push(
    ['identities', identitiesQuery(filter({}), PLAN, 10, null)],
    ['identities, every filter, after a position', identitiesQuery(filter(ALL), PLAN, 10, { count: 3, key: "arn:aws:iam::1:user/o'b" })],
    ['identity summaries', identitySummariesQuery([ALICE, 'account:111122223333'], RANGE, PLAN)],
    ['identity summaries with a scope', identitySummariesQuery([ALICE], RANGE, PLAN, eq(field('account'), lit('1')))],
    ['identity events', identityEventsQuery([ALICE], 5, filter({}), PLAN)],
    ['identity events, every filter', identityEventsQuery([ALICE, 'x'], 5, filter(ALL), PLAN)],
  );
  for (const valueField of ['eventName', 'sourceIp', 'userAgent', 'awsRegion', 'errorCode', 'eventSource'] as const) {
    statements.push([`identity top values ${valueField}`, identityTopValuesQuery([ALICE], valueField, 3, filter(ALL), PLAN)]);
  }
  // every field selectable as a top value still renders
  for (const fld of FIELDS) statements.push([`identity top values of ${fld}`, identityTopValuesQuery([ALICE], fld, 2, filter({}), PLAN)]);

  it('generates a broad set of statements', () => {
    expect(statements.length).toBeGreaterThan(250);
  });

  it.each(statements)('parses: %s', (_name, q) => {
    const sql = trino.compile(q).sql;
    const errors = trinoErrors(sql);
    // the SQL rides along in the failure message
    expect({ errors, sql: errors.length ? sql : '' }).toEqual({ errors: [], sql: '' });
  });

  it('rejects broken statements (the grammar check is not vacuous)', () => {
    const sql = trino.compile(eventsQuery(filter({}), PLAN, PAGE)).sql;
    expect(trinoErrors(sql.replace('FROM dd', 'FROM dd WHERE'))).not.toEqual([]);
    expect(trinoErrors(sql.replace('BETWEEN', 'BETWEEN BETWEEN'))).not.toEqual([]);
  });
});
