import { EVENT_CATEGORIES } from '../../src/domain/event-category';
import { IDENTITY_TYPES } from '../../src/domain/identity-type';
import { parseIpMatch } from '../../src/domain/ip-match';
import type { EventFilterSpec } from '../../src/query/event-filter';
import { eventsQuery } from '../../src/query/event-queries';
import { rangePredicate } from '../../src/query/filter-predicate';
import { agg, and, anyResourceArn, eq, field, isNull, item, lit, not, select, unnest, unnested } from '../../src/query/ir-builders';
import type { Query } from '../../src/query/ir';
import { planPartitions } from '../../src/query/partition-planner';
import { resourceEventsQuery, resourcesQuery, resourceSummariesQuery, resourceTopPrincipalsQuery } from '../../src/query/resource-queries';
import { credentialIssuersQuery, sessionCredentialsQuery } from '../../src/query/role-chain-queries';
import type { SqlParam } from '../../src/sql/compiled-sql';
import { DuckDbCompiler } from '../../src/sql/duckdb-compiler';
import { recordStructure } from '../../src/sql/duckdb-struct-type';
import { TrinoCompiler, type TrinoTableBinding } from '../../src/sql/trino-compiler';
import { D_READ_RAW } from '../support/duckdb-read-raw';
import { trinoErrors } from '../support/trino-parser';

/**
 * Golden SQL of the unnest shape (EventSelect.unnest): each de-duplicated event expanded into one
 * row per element, after the `ev` and `dd` CTEs, which stay exactly as every other statement has
 * them. Bindings and fixtures as in sql-compiler.test.ts.
 */

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
const both = (q: Query) => ({ t: trino.compile(q), d: duck.compile(q) });

const RANGE = { from: new Date('2024-03-01T00:00:00Z'), to: new Date('2024-03-01T06:00:00Z') };
const PLAN = planPartitions({ scope: '*', ...RANGE, accounts: ['111122223333'], regions: ['eu-west-1'] });
const BUCKET = 'arn:aws:s3:::data-lake';
const SESSION = 'arn:aws:sts::111122223333:assumed-role/ProdDataRole/prod-data-export';

const v = (value: string): SqlParam => ({ type: 'VARCHAR', value });
const FILES_PARAM: SqlParam = { type: 'VARCHAR[]', value: [FILE], files: '1 log files' };
const RANGE_PARAMS = [v('2024-03-01T00:00:00.000Z'), v('2024-03-01T06:00:00.000Z')];

// ---- the fixed head of every statement (as in sql-compiler.test.ts) ---------------------------------

const DEDUP =
  'src.eventid, src.eventtime, src.eventsource, src.eventname, src.awsregion, src.recipientaccountid, src.sourceipaddress, ' +
  'src.useragent, src.errorcode, src.errormessage, src.requestparameters, src.responseelements, src.additionaleventdata, ' +
  'src.useridentity, src.requestid, src.eventtype, src.resources';
const BASE_COLUMNS = ['eventtime', 'recipientaccountid', 'eventid', 'eventsource', 'insightdetails', 'eventname', 'awsregion'];

const T_EV = [
  'WITH ev AS (',
  `  SELECT src.*, try(from_iso8601_timestamp(src.eventtime)) AS tg_time, coalesce(nullif(src.recipientaccountid, ''), src."account") AS tg_account, to_hex(xxhash64(to_utf8(json_format(CAST(ROW(${DEDUP}) AS JSON))))) AS tg_hash`,
  '  FROM "cloudtrail"."trail" AS src',
  `  WHERE src."timestamp" BETWEEN '2024/03/01' AND '2024/03/02' AND src."account" IN ('111122223333') AND src."region" IN ('eu-west-1', 'us-east-1')`,
  '),',
].join('\n');
const D_EV = (columns: string[]) =>
  [
    'WITH ev AS (',
    `  SELECT src.*, TRY_CAST(src.eventtime AS TIMESTAMPTZ) AS tg_time, coalesce(nullif(src.recipientaccountid, ''), nullif(regexp_extract(src.tg_file, '/AWSLogs/(?:o-[^/]+/)?([0-9]{12})/CloudTrail/', 1), '')) AS tg_account, CAST(src.tg_rawhash AS VARCHAR) AS tg_hash`,
    `  FROM (SELECT unnest(json_transform(r, '${recordStructure(new Set(columns))}')), hash(r) AS tg_rawhash, filename AS tg_file FROM (SELECT unnest(Records) AS r, filename FROM ${D_READ_RAW}) AS x) AS src`,
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
const T_VALID = `(NOT ((tg_time IS NULL) OR (coalesce(eventsource, ${T_INSIGHT('eventSource')}) IS NULL) OR (coalesce(eventname, ${T_INSIGHT('eventName')}) IS NULL) OR (awsregion IS NULL)))`;
const D_VALID =
  `(NOT ((tg_time IS NULL) OR (coalesce(eventsource, json_extract_string(insightdetails, '$.eventSource')) IS NULL) ` +
  `OR (coalesce(eventname, json_extract_string(insightdetails, '$.eventName')) IS NULL) OR (awsregion IS NULL)))`;
const T_RANGE = `(tg_time >= from_iso8601_timestamp('2024-03-01T00:00:00.000Z')) AND (tg_time < from_iso8601_timestamp('2024-03-01T06:00:00.000Z'))`;
const D_RANGE = `(tg_time >= CAST($2 AS TIMESTAMPTZ)) AND (tg_time < CAST($3 AS TIMESTAMPTZ))`;

const RESOURCE_ARN = `coalesce(nullif(tg_res_arn, ''), nullif(tg_res_arn_prefix, ''))`;
const RESOURCE_SUMMARY =
  `${RESOURCE_ARN} AS resource_arn, max(tg_res_type) AS resource_type, max(tg_res_account_id) AS account_id, ` +
  'count(DISTINCT tg_hash) AS event_count, min(tg_time) AS first_seen, max(tg_time) AS last_seen';

const line = (sql: string, prefix: string) => {
  const hit = sql.split('\n').find((l) => l.startsWith(prefix));
  if (hit === undefined) throw new Error(`no line starting ${prefix} in:\n${sql}`);
  return hit;
};

describe('unnesting resources[]', () => {
  it('ranks resources by expanding resources[] after de-duplication: unnest() in DuckDB, CROSS JOIN UNNEST in Trino', () => {
    const { t, d } = both(resourcesQuery({ range: RANGE }, PLAN, 5, null));
    const tail = [`WHERE (NOT (${RESOURCE_ARN} IS NULL))`, `GROUP BY ${RESOURCE_ARN}`, 'ORDER BY event_count DESC, resource_arn ASC', 'LIMIT 6'];
    expect(t.sql).toBe(
      [
        T_EV,
        dd(`${T_VALID} AND (${T_RANGE})`),
        `SELECT ${RESOURCE_SUMMARY}`,
        'FROM dd CROSS JOIN UNNEST(transform(resources, x -> x.arn), transform(resources, x -> x.arnprefix), transform(resources, x -> x.accountid), ' +
          'transform(resources, x -> x.type)) AS ux (tg_res_arn, tg_res_arn_prefix, tg_res_account_id, tg_res_type)',
        ...tail,
      ].join('\n'),
    );
    expect(d.sql).toBe(
      [
        D_EV([...BASE_COLUMNS, 'resources']),
        dDd(`${D_VALID} AND (${D_RANGE})`),
        `SELECT ${RESOURCE_SUMMARY}`,
        'FROM (SELECT dd.*, unnest(list_transform(resources, lambda x: x.arn)) AS tg_res_arn, unnest(list_transform(resources, lambda x: x.arnprefix)) AS tg_res_arn_prefix, ' +
          'unnest(list_transform(resources, lambda x: x.accountid)) AS tg_res_account_id, unnest(list_transform(resources, lambda x: x.type)) AS tg_res_type FROM dd) AS ux',
        ...tail,
      ].join('\n'),
    );
    expect(d.params).toEqual([FILES_PARAM, ...RANGE_PARAMS]);
    expect(t.params).toEqual([]);
  });

  it('continues a ranking after (count, arn) in HAVING, and keeps only the filtered resources when resourceArns is given', () => {
    const { t, d } = both(resourcesQuery({ range: RANGE, resourceArns: [BUCKET] }, PLAN, 5, { count: 7, arn: BUCKET }));
    const having = (n: string, a: string, b: string) =>
      `HAVING ((count(DISTINCT tg_hash) < ${n}) OR ((count(DISTINCT tg_hash) = ${a}) AND (${RESOURCE_ARN} > ${b})))`;
    expect(line(t.sql, 'WHERE')).toBe(`WHERE ((NOT (${RESOURCE_ARN} IS NULL)) AND (${RESOURCE_ARN} IN ('${BUCKET}')))`);
    expect(line(t.sql, 'HAVING')).toBe(having('7', '7', `'${BUCKET}'`));
    // $4 is the resourceArns filter on whole events (in dd), $5 the same list on the expanded rows
    expect(line(d.sql, 'WHERE')).toBe(`WHERE ((NOT (${RESOURCE_ARN} IS NULL)) AND (${RESOURCE_ARN} IN ($5)))`);
    expect(line(d.sql, 'HAVING')).toBe(having('$6', '$7', '$8'));
    expect(d.params).toEqual([
      FILES_PARAM,
      ...RANGE_PARAMS,
      { type: 'VARCHAR[]', value: [BUCKET] },
      v(BUCKET),
      { type: 'BIGINT', value: 7 },
      { type: 'BIGINT', value: 7 },
      v(BUCKET),
    ]);
  });

  it('ranks each resource’s principals in a window over the expanded, grouped rows', () => {
    const { t } = both(resourceTopPrincipalsQuery([BUCKET], 3, { range: RANGE }, PLAN));
    const g = t.sql.slice(t.sql.indexOf('\ng AS ('));
    expect(g).toBe(
      [
        '',
        'g AS (',
        `SELECT ${RESOURCE_ARN} AS resource_arn, coalesce(nullif(useridentity.arn, ''), nullif(useridentity.invokedby, ''), 'account:' || nullif(useridentity.accountid, ''), ` +
          `nullif(useridentity.principalid, ''), 'unknown') AS value, count(DISTINCT tg_hash) AS value_count`,
        'FROM dd CROSS JOIN UNNEST(transform(resources, x -> x.arn), transform(resources, x -> x.arnprefix), transform(resources, x -> x.accountid), ' +
          'transform(resources, x -> x.type)) AS ux (tg_res_arn, tg_res_arn_prefix, tg_res_account_id, tg_res_type)',
        `WHERE ((NOT (${RESOURCE_ARN} IS NULL)) AND (${RESOURCE_ARN} IN ('${BUCKET}')))`,
        `GROUP BY ${RESOURCE_ARN}, coalesce(nullif(useridentity.arn, ''), nullif(useridentity.invokedby, ''), 'account:' || nullif(useridentity.accountid, ''), nullif(useridentity.principalid, ''), 'unknown')`,
        ')',
        'SELECT * FROM (',
        '  SELECT g.*, row_number() OVER (PARTITION BY resource_arn ORDER BY value_count DESC, value ASC) AS tg_rank FROM g',
        ') AS r',
        'WHERE tg_rank <= 3',
        'ORDER BY resource_arn, tg_rank',
      ].join('\n'),
    );
  });
});

describe('unnesting credentials', () => {
  it('expands each event into the key it signed with and the key it issued, side by side', () => {
    const { t, d } = both(sessionCredentialsQuery([SESSION], RANGE, new Date('2024-02-29T12:00:00Z'), PLAN));
    expect(line(t.sql, 'FROM dd')).toBe(
      `FROM dd CROSS JOIN UNNEST(ARRAY[nullif(useridentity.accesskeyid, ''), coalesce(json_extract_scalar(responseelements, '$.credentials.accessKeyId'), ` +
        `nullif(json_format(json_extract(responseelements, '$.credentials.accessKeyId')), 'null'))], ARRAY['used', 'issued']) AS ux (tg_cred_key, tg_cred_use)`,
    );
    expect(line(d.sql, 'FROM (SELECT dd.*')).toBe(
      `FROM (SELECT dd.*, unnest([nullif(useridentity.accesskeyid, ''), json_extract_string(responseelements, '$.credentials.accessKeyId')]) AS tg_cred_key, ` +
        `unnest(['used', 'issued']) AS tg_cred_use FROM dd) AS ux`,
    );
    expect(line(t.sql, 'GROUP BY')).toBe('GROUP BY tg_cred_key');
    expect(line(t.sql, 'HAVING')).toBe(`HAVING (count(*) FILTER (WHERE (tg_cred_use = 'used')) > 0)`);
  });

  it('finds further links with a plain select on the issued key (no unnest)', () => {
    const { t } = both(credentialIssuersQuery(['ASIAEXAMPLE'], RANGE, PLAN));
    const issued = `coalesce(json_extract_scalar(responseelements, '$.credentials.accessKeyId'), nullif(json_format(json_extract(responseelements, '$.credentials.accessKeyId')), 'null'))`;
    expect(line(t.sql, 'FROM')).toBe('FROM dd');
    expect(line(t.sql, 'GROUP BY')).toBe(`GROUP BY ${issued}`);
    expect(line(t.sql, '    WHERE')).toContain(`(${issued} IN ('ASIAEXAMPLE'))`);
  });
});

describe('scope of unnested fields', () => {
  const arn = unnested('resourceArn');
  it('refuses an unnested field in the event filter (it is tested before expansion)', () => {
    const q = select({ plan: PLAN, where: and(rangePredicate(RANGE), not(isNull(arn))), unnest: unnest('resources'), select: [item('a', arn)] });
    expect(() => trino.compile(q)).toThrow(/only in scope in a select that unnests resources/);
    expect(() => duck.compile(q)).toThrow(/only in scope/);
  });

  it('refuses an unnested field of another source, or without any unnest', () => {
    const other = select({ plan: PLAN, where: rangePredicate(RANGE), unnest: unnest('credentials'), select: [item('a', arn)] });
    const none = select({ plan: PLAN, where: rangePredicate(RANGE), select: [item('a', agg('max', arn))] });
    for (const q of [other, none]) {
      expect(() => trino.compile(q)).toThrow(/only in scope/);
      expect(() => duck.compile(q)).toThrow(/only in scope/);
    }
  });

  it('leaves a select without unnest as it was: FROM dd, no second WHERE', () => {
    const q = select({ plan: PLAN, where: rangePredicate(RANGE), select: [item('n', agg('count'))], groupBy: [field('awsRegion')] });
    const { t, d } = both(q);
    for (const sql of [t.sql, d.sql]) expect(sql.split('\n').slice(-3)).toEqual(['SELECT count(*) AS n', 'FROM dd', 'GROUP BY awsregion']);
  });
});

describe('Trino grammar of the resource and role-chain statements', () => {
  const ip4 = parseIpMatch('10.0.0.0/8')!;
  const EVERY: EventFilterSpec = {
    range: RANGE,
    accounts: ['111122223333'],
    regions: ['eu-west-1'],
    eventSources: ['s3.amazonaws.com'],
    eventNames: ['GetObject', "O'Brien"],
    excludeEventNames: ['Decrypt'],
    identityTypes: [...IDENTITY_TYPES],
    principalArns: [SESSION],
    roleArns: ['arn:aws:iam::1:role/r'],
    userNames: ['alice'],
    accessKeyIds: ['AKIA'],
    sourceIps: [ip4],
    excludeSourceIps: [parseIpMatch('2001:db8::/32')!],
    userAgentContains: "it's",
    errorCodes: ['AccessDenied'],
    hasError: true,
    readOnly: false,
    categories: [...EVENT_CATEGORIES],
    crossAccount: true,
    resourceArns: [BUCKET, `${BUCKET}/`],
    eventIds: ['e1'],
    json: { requestParameters: [{ path: ['bucketName'], equals: 'data-lake' }] },
  };
  const statements: Array<[string, Query]> = [
    ['resources', resourcesQuery({ range: RANGE }, PLAN, 50, null)],
    ['resources, every filter, after a position', resourcesQuery(EVERY, PLAN, 50, { count: 3, arn: "arn:aws:s3:::o'b" })],
    ['resource summaries', resourceSummariesQuery([BUCKET, `${BUCKET}/`], RANGE, PLAN)],
    ['resource summaries with a scope', resourceSummariesQuery([BUCKET], RANGE, PLAN, eq(field('account'), lit('111122223333')))],
    ['resource top principals', resourceTopPrincipalsQuery([BUCKET, `${BUCKET}/x`], 10, { range: RANGE }, PLAN)],
    ['resource top principals, every filter', resourceTopPrincipalsQuery([BUCKET], 10, EVERY, PLAN)],
    ['resource events', resourceEventsQuery([BUCKET], 5, { range: RANGE }, PLAN)],
    ['resource events, every filter', resourceEventsQuery([BUCKET, 'x'], 5, EVERY, PLAN)],
    ['resource events after a cursor', eventsQuery(EVERY, PLAN, { first: 5, after: { time: RANGE.from, id: 'e', hash: 'h' }, order: 'NEWEST_FIRST' }, anyResourceArn([BUCKET]))],
    ['session credentials (level 0)', sessionCredentialsQuery([SESSION, 'arn:aws:sts::1:assumed-role/r/s'], RANGE, new Date('2024-02-29T12:00:00Z'), PLAN)],
    ['credential issuers (further levels)', credentialIssuersQuery(['ASIA1', "ASIA'2"], RANGE, PLAN)],
  ];

  it.each(statements)('parses: %s', (_name, q) => {
    const sql = trino.compile(q).sql;
    const errors = trinoErrors(sql);
    expect({ errors, sql: errors.length ? sql : '' }).toEqual({ errors: [], sql: '' });
  });

  it('rejects a broken unnest (the grammar check is not vacuous)', () => {
    const sql = trino.compile(resourcesQuery({ range: RANGE }, PLAN, 5, null)).sql;
    expect(trinoErrors(sql.replace('CROSS JOIN UNNEST(', 'CROSS JOIN UNNEST(('))).not.toEqual([]);
  });
});
