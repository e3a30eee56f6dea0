import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import fc from 'fast-check';
import { EVENT_CATEGORIES } from '../../src/domain/event-category';
import { IDENTITY_TYPES } from '../../src/domain/identity-type';
import { parseIpMatch } from '../../src/domain/ip-match';
import { DIMENSIONS, isJsonDimension } from '../../src/query/dimensions';
import { duckParams } from '../../src/engines/duckdb/duckdb-values';
import { eventByIdQuery, eventsQuery } from '../../src/query/event-queries';
import type { EventFilterSpec } from '../../src/query/event-filter';
import { identitiesQuery, identityEventsQuery, identitySummariesQuery, identityTopValuesQuery } from '../../src/query/identity-queries';
import type { Query } from '../../src/query/ir';
import { planPartitions } from '../../src/query/partition-planner';
import { statsQuery } from '../../src/query/stats-query';
import { DuckDbCompiler } from '../../src/sql/duckdb-compiler';
import { DUCKDB_MACROS } from '../../src/sql/duckdb-macros';

let instance: DuckDBInstance;
let conn: DuckDBConnection;

beforeAll(async () => {
  instance = await DuckDBInstance.create(':memory:', { threads: '1' });
  conn = await instance.connect();
  await conn.run(`SET TimeZone = 'UTC'`);
  for (const m of DUCKDB_MACROS) await conn.run(m);
});

afterAll(() => {
  conn?.closeSync();
  instance?.closeSync();
});

const ipv4Hex = async (ip: string | null) =>
  (await conn.runAndReadAll('SELECT tg_ipv4_hex($1) AS h', [ip])).getRowObjectsJS()[0].h as string | null;
const ipv6Hex = async (ip: string | null) =>
  (await conn.runAndReadAll('SELECT tg_ipv6_hex($1) AS h', [ip])).getRowObjectsJS()[0].h as string | null;

describe('tg_ipv4_hex', () => {
  it('renders a dotted quad as 8 lower-case hex digits', async () => {
    expect(await ipv4Hex('10.1.2.3')).toBe('0a010203');
    expect(await ipv4Hex('0.0.0.0')).toBe('00000000');
    expect(await ipv4Hex('255.255.255.255')).toBe('ffffffff');
    expect(await ipv4Hex('192.168.100.254')).toBe('c0a864fe');
  });

  it('is NULL for anything that is not a plain dotted quad', async () => {
    for (const bad of ['256.1.1.1', '10.1.2', '1.2.3.4.5', '010.1.2.3', ' 1.2.3.4', '1.2.3.4/8', '', 'AWS Internal', 's3.amazonaws.com', '::1']) {
      expect({ ip: bad, hex: await ipv4Hex(bad) }).toEqual({ ip: bad, hex: null });
    }
    expect(await ipv4Hex(null)).toBeNull();
  });

  it('agrees with parseIpMatch on any IPv4 address (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.ipV4(), async (ip) => {
        expect(await ipv4Hex(ip)).toBe(parseIpMatch(ip)!.lo);
      }),
      { numRuns: 200 },
    );
  });
});

describe('tg_ipv6_hex', () => {
  it('expands compressed and full forms to 32 lower-case hex digits', async () => {
    const cases: Array<[string, string]> = [
      ['2001:db8::1', '20010db8000000000000000000000001'],
      ['::1', '00000000000000000000000000000001'],
      ['::', '00000000000000000000000000000000'],
      ['fe80::1:2', 'fe800000000000000000000000010002'],
      ['2001:db8::', '20010db8000000000000000000000000'],
      ['2001:0db8:0000:0000:0000:ff00:0042:8329', '20010db8000000000000ff0000428329'],
      ['1:2:3:4:5:6:7:8', '00010002000300040005000600070008'],
      ['2001:DB8::ABCD', '20010db800000000000000000000abcd'],
      ['Fe80::Aa:bB', 'fe800000000000000000000000aa00bb'],
    ];
    for (const [ip, hex] of cases) expect({ ip, hex: await ipv6Hex(ip) }).toEqual({ ip, hex });
  });

  it('is NULL for malformed addresses', async () => {
    for (const bad of ['1::2::3', 'zz::1', '1:2:3', '1:2:3:4:5:6:7:8:9', '12345::1', '10.1.2.3', '', 'AWS Internal', '2001:db8::/32']) {
      expect({ ip: bad, hex: await ipv6Hex(bad) }).toEqual({ ip: bad, hex: null });
    }
    expect(await ipv6Hex(null)).toBeNull();
  });

  // BUG (src/sql/duckdb-macros.ts): the shape regex allows at most 7 colons, but "::" standing for
  // a single zero group at either end needs 8.
  it('expands an address whose "::" stands for one zero group at either end', async () => {
    expect(await ipv6Hex('1:2:3:4:5:6:7::')).toBe('00010002000300040005000600070000');
    expect(await ipv6Hex('::2:3:4:5:6:7:8')).toBe('00000002000300040005000600070008');
  });

  // BUG (src/sql/duckdb-macros.ts): dotted-quad tails (RFC 4291 section 2.2 form 3) give NULL,
  // while Trino's IPADDRESS cast reads them.
  it('expands an address with an embedded dotted-quad tail', async () => {
    expect(await ipv6Hex('::ffff:10.1.2.3')).toBe('00000000000000000000ffff0a010203');
    expect(await ipv6Hex('64:ff9b::192.0.2.33')).toBe('0064ff9b0000000000000000c0000221');
  });

  // BUG (src/sql/duckdb-macros.ts): stray colons are accepted and read as zero groups.
  it('is NULL for stray leading, trailing or tripled colons', async () => {
    for (const bad of [':::', ':1:2:3:4:5:6:7', '1:2:3:4:5:6:7:', '1:::2']) {
      expect({ ip: bad, hex: await ipv6Hex(bad) }).toEqual({ ip: bad, hex: null });
    }
  });

  // ipaddr.js deliberately reads the deprecated IPv4-compatible form "::a.b.c.d" as IPv4-mapped
  // (::ffff:a.b.c.d), unlike RFC 4291 section 2.2; parseIpMatch is no oracle for that one form.
  const ipv4Compatible = (ip: string) => /^::\d+\.\d+\.\d+\.\d+$/.test(ip);

  it('agrees with parseIpMatch on any IPv6 address (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.ipV6(), async (ip) => {
        fc.pre(!ipv4Compatible(ip));
        expect({ ip, hex: await ipv6Hex(ip) }).toEqual({ ip, hex: parseIpMatch(ip)!.lo });
      }),
      { numRuns: 300 },
    );
  });

  it('agrees with parseIpMatch on IPv6 addresses of at most 7 colons and no dotted quad (property)', async () => {
    const plain = fc.ipV6().filter((ip) => !ip.includes('.') && ip.split(':').length <= 8);
    await fc.assert(
      fc.asyncProperty(plain, fc.boolean(), async (ip, upper) => {
        const text = upper ? ip.toUpperCase() : ip;
        expect({ ip: text, hex: await ipv6Hex(text) }).toEqual({ ip: text, hex: parseIpMatch(text)!.lo });
      }),
      { numRuns: 150 },
    );
  });
});

describe('parseIpMatch', () => {
  it.each([
    ['0.0.0.0/0', 'ipv4', '00000000', 'ffffffff'],
    ['10.0.0.0/8', 'ipv4', '0a000000', '0affffff'],
    ['172.20.5.6/13', 'ipv4', 'ac100000', 'ac17ffff'],
    ['203.0.113.7/32', 'ipv4', 'cb007107', 'cb007107'],
    ['203.0.113.7', 'ipv4', 'cb007107', 'cb007107'],
    ['::/0', 'ipv6', '00000000000000000000000000000000', 'ffffffffffffffffffffffffffffffff'],
    ['2001:db8:1:2::/64', 'ipv6', '20010db8000100020000000000000000', '20010db800010002ffffffffffffffff'],
    ['2001:db8:1:2:3:4:5:6/64', 'ipv6', '20010db8000100020000000000000000', '20010db800010002ffffffffffffffff'],
    ['2001:db8::1/128', 'ipv6', '20010db8000000000000000000000001', '20010db8000000000000000000000001'],
    ['2001:DB8::1', 'ipv6', '20010db8000000000000000000000001', '20010db8000000000000000000000001'],
  ])('reads %s as the %s range %s..%s', (text, family, lo, hi) => {
    expect(parseIpMatch(text)).toEqual({ text, family, lo, hi });
  });

  it('trims surrounding space from the text it keeps', () => {
    expect(parseIpMatch('  10.1.2.3 ')).toEqual({ text: '10.1.2.3', family: 'ipv4', lo: '0a010203', hi: '0a010203' });
  });

  it('rejects shorthand, out-of-range prefixes and non-addresses', () => {
    for (const bad of ['10.1', '10.1.2', '1.2.3.4/33', '2001:db8::/129', '1.2.3.4/', '/8', '1.2.3.4/-1', 'x', '', '256.1.1.1', '1::2::3']) {
      expect({ bad, m: parseIpMatch(bad) }).toEqual({ bad, m: null });
    }
  });

  // BUG (src/domain/ip-match.ts): ipaddr.js reads a leading-zero octet as octal, so "010.1.2.3"
  // becomes 8.1.2.3 and a filter on it silently matches another address. DuckDB's macro and
  // Trino's IPADDRESS cast both refuse leading zeros.
  it('does not read a leading-zero octet as octal', () => {
    expect(parseIpMatch('010.1.2.3')).toBeNull();
    expect(parseIpMatch('010.0.0.0/8')).toBeNull();
  });
});

// ---- compiled statements run on DuckDB -----------------------------------------------------------

describe('compiled DuckDB statements over a tiny lake', () => {
  const ACCOUNT = '111122223333';
  const ALICE = `arn:aws:iam::${ACCOUNT}:user/alice`;
  const BOB = `arn:aws:iam::${ACCOUNT}:user/bob`;
  let dir: string;
  let file: string;

  const rec = (id: string, time: string, arn: string, ip: string, extra: Record<string, unknown> = {}) => ({
    eventVersion: '1.08',
    eventID: id,
    eventTime: time,
    eventSource: 's3.amazonaws.com',
    eventName: 'GetObject',
    awsRegion: 'eu-west-1',
    sourceIPAddress: ip,
    userAgent: 'Boto3/1.34 Python/3.12',
    readOnly: true,
    recipientAccountId: ACCOUNT,
    userIdentity: { type: 'IAMUser', arn, accountId: ACCOUNT, userName: arn.split('/')[1] },
    requestParameters: { bucketName: 'logs', key: 'a.txt' },
    resources: [{ ARN: 'arn:aws:s3:::logs', type: 'AWS::S3::Bucket' }],
    ...extra,
  });

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'tg-duckdb-sql-'));
    file = join(dir, 'AWSLogs', ACCOUNT, 'CloudTrail', 'eu-west-1', '2024', '03', '01', 'a.json');
    mkdirSync(dirname(file), { recursive: true });
    const e1 = rec('e1', '2024-03-01T10:00:00Z', ALICE, '10.1.2.3');
    writeFileSync(
      file,
      JSON.stringify({
        Records: [
          e1,
          e1, // a duplicate delivery: counts once
          rec('e2', '2024-03-01T10:30:00Z', ALICE, '2001:db8::5', { errorCode: 'AccessDenied', eventName: 'PutObject', readOnly: false }),
          rec('e3', '2024-03-01T11:15:00Z', BOB, '192.0.2.7', { userAgent: 'aws-cli/2.15', recipientAccountId: undefined }),
          rec('e4', '2024-03-02T09:00:00Z', BOB, '10.200.0.1'), // outside the range
          { eventID: 'bad', eventTime: 'not a time', eventSource: 's', eventName: 'n', awsRegion: 'r' }, // rejected record
        ],
      }),
    );
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const RANGE = { from: new Date('2024-03-01T00:00:00Z'), to: new Date('2024-03-02T00:00:00Z') };
  const PLAN = planPartitions({ scope: '*', ...RANGE });

  async function run(q: Query, files: readonly string[] = [file]): Promise<Record<string, unknown>[]> {
    const compiled = new DuckDbCompiler({ files, maxObjectBytes: 1 << 24 }).compile(q);
    const { values, types } = duckParams(compiled.params);
    const reader = await conn.runAndReadAll(compiled.sql, values, types);
    return reader.getRowObjectsJS() as Record<string, unknown>[];
  }

  const ids = (rows: Record<string, unknown>[]) => rows.map((r) => r.event_id);
  const page = { first: 10, after: null, order: 'OLDEST_FIRST' } as const;
  const f = (extra: Partial<EventFilterSpec> = {}): EventFilterSpec => ({ range: RANGE, ...extra });

  it('lists the de-duplicated valid events of the range in order', async () => {
    expect(ids(await run(eventsQuery(f(), PLAN, page)))).toEqual(['e1', 'e2', 'e3']);
    expect(ids(await run(eventsQuery(f(), PLAN, { ...page, order: 'NEWEST_FIRST' })))).toEqual(['e3', 'e2', 'e1']);
  });

  it('reads the account from the file path when the record has no recipient account', async () => {
    const rows = await run(eventsQuery(f({ accounts: [ACCOUNT] }), PLAN, page));
    expect(rows.map((r) => [r.event_id, r.recipient_account_id, r.account])).toEqual([
      ['e1', ACCOUNT, ACCOUNT],
      ['e2', ACCOUNT, ACCOUNT],
      ['e3', null, ACCOUNT],
    ]);
  });

  it('matches source IP CIDR blocks of both families', async () => {
    const v4 = parseIpMatch('10.0.0.0/8')!;
    const v6 = parseIpMatch('2001:db8::/32')!;
    expect(ids(await run(eventsQuery(f({ sourceIps: [v4] }), PLAN, page)))).toEqual(['e1']);
    expect(ids(await run(eventsQuery(f({ sourceIps: [v6] }), PLAN, page)))).toEqual(['e2']);
    expect(ids(await run(eventsQuery(f({ sourceIps: [v4, v6] }), PLAN, page)))).toEqual(['e1', 'e2']);
  });

  it('applies the other filters as the API describes them', async () => {
    expect(ids(await run(eventsQuery(f({ userAgentContains: 'BOTO3' }), PLAN, page)))).toEqual(['e1', 'e2']);
    expect(ids(await run(eventsQuery(f({ hasError: true }), PLAN, page)))).toEqual(['e2']);
    expect(ids(await run(eventsQuery(f({ readOnly: false }), PLAN, page)))).toEqual(['e2']);
    expect(ids(await run(eventsQuery(f({ excludeEventNames: ['PutObject'] }), PLAN, page)))).toEqual(['e1', 'e3']);
    expect(ids(await run(eventsQuery(f({ resourceArns: ['arn:aws:s3:::logs'] }), PLAN, page)))).toEqual(['e1', 'e2', 'e3']);
    expect(ids(await run(eventsQuery(f({ crossAccount: true }), PLAN, page)))).toEqual([]);
    expect(ids(await run(eventsQuery(f({ json: { requestParameters: [{ path: ['bucketName'], equals: 'logs' }] } }), PLAN, page)))).toEqual([
      'e1',
      'e2',
      'e3',
    ]);
  });

  it('pages with a keyset position', async () => {
    const all = await run(eventsQuery(f(), PLAN, page));
    const e1 = all[0];
    const after = { time: e1.event_time as Date, id: e1.event_id as string, hash: e1.row_hash as string };
    expect(after.time).toEqual(new Date('2024-03-01T10:00:00Z'));
    expect(ids(await run(eventsQuery(f(), PLAN, { ...page, after })))).toEqual(['e2', 'e3']);
  });

  it('counts per group and hour with the grand total', async () => {
    const rows = await run(statsQuery(f(), PLAN, { groupBy: [{ dimension: 'USER_NAME' }], interval: 'HOUR', first: 10, order: 'KEYS_ASC' }));
    expect(rows.map((r) => [r.k0, (r.bucket as Date).toISOString(), Number(r.event_count), Number(r.error_count), Number(r.total_events)])).toEqual([
      ['alice', '2024-03-01T10:00:00.000Z', 2, 1, 3],
      ['bob', '2024-03-01T11:00:00.000Z', 1, 0, 3],
    ]);
  });

  it('ranks principals and their top values', async () => {
    const people = await run(identitiesQuery(f(), PLAN, 10, null));
    expect(people.map((r) => [r.identity_key, Number(r.event_count), Number(r.error_count)])).toEqual([
      [ALICE, 2, 1],
      [BOB, 1, 0],
    ]);
    const top = await run(identityTopValuesQuery([ALICE, BOB], 'eventName', 1, f(), PLAN));
    expect(top.map((r) => [r.identity_key, r.value, Number(r.value_count)])).toEqual([
      [ALICE, 'GetObject', 1],
      [BOB, 'GetObject', 1],
    ]);
  });

  it('finds an event by id', async () => {
    expect(ids(await run(eventByIdQuery('e3', RANGE, PLAN)))).toEqual(['e3']);
  });

  it('accepts every filter field at once, every dimension and every bucket', async () => {
    const json = [{ path: ['bucketName'], equals: 'logs' }, { path: ['key'], contains: 'a' }, { path: ['x'], exists: false }];
    const every = f({
      accounts: [ACCOUNT],
      regions: ['eu-west-1'],
      eventSources: ['s3.amazonaws.com'],
      eventNames: ['GetObject', 'PutObject'],
      excludeEventNames: ['Decrypt'],
      identityTypes: [...IDENTITY_TYPES],
      principalArns: [ALICE],
      roleArns: ['arn:aws:iam::1:role/r'],
      userNames: ['alice'],
      accessKeyIds: ['AKIA'],
      sourceIps: [parseIpMatch('10.0.0.0/8')!, parseIpMatch('2001:db8::/32')!],
      userAgentContains: 'boto',
      errorCodes: ['AccessDenied'],
      hasError: true,
      readOnly: false,
      categories: [...EVENT_CATEGORIES],
      crossAccount: false,
      resourceArns: ['arn:aws:s3:::logs'],
      eventIds: ['e2'],
      json: { requestParameters: json, responseElements: json, additionalEventData: json, serviceEventDetails: json },
    });
    // e2 only lacks the access key and role: drop those two and it is the one match
    const { accessKeyIds: _k, roleArns: _r, ...matching } = every;
    expect(ids(await run(eventsQuery(every, PLAN, page)))).toEqual([]);
    expect(ids(await run(eventsQuery({ ...matching, json: { requestParameters: json } }, PLAN, page)))).toEqual(['e2']);
    const units = [null, 'MINUTE', 'HOUR', 'DAY', 'WEEK', 'MONTH'] as const;
    for (const [i, dimension] of DIMENSIONS.entries()) {
      const key = isJsonDimension(dimension) ? { dimension, path: ['bucketName'] } : { dimension };
      const rows = await run(statsQuery(f(), PLAN, { groupBy: [key], interval: units[i % units.length], first: 50, order: 'KEYS_ASC' }));
      expect({ dimension, total: rows.reduce((n, r) => n + Number(r.event_count), 0) }).toEqual({ dimension, total: 3 });
    }
    expect((await run(identitySummariesQuery([ALICE, BOB], RANGE, PLAN))).map((r) => r.identity_key)).toEqual([ALICE, BOB]);
    expect((await run(identityEventsQuery([ALICE, BOB], 1, every, PLAN))).length).toBe(0);
    expect((await run(identityEventsQuery([ALICE, BOB], 1, f(), PLAN))).map((r) => [r.identity_key, r.event_id])).toEqual([
      [ALICE, 'e2'],
      [ALICE, 'e1'],
      [BOB, 'e3'],
    ]);
  });

  it('runs every statement over an empty file list and returns no rows', async () => {
    expect(await run(eventsQuery(f({ accounts: [ACCOUNT] }), PLAN, page), [])).toEqual([]);
    expect(await run(statsQuery(f(), PLAN, { groupBy: [{ dimension: 'ACCOUNT' }], interval: 'DAY', first: 5, order: 'COUNT_DESC' }), [])).toEqual([]);
    expect(await run(identitiesQuery(f(), PLAN, 10, { count: 5, key: 'k' }), [])).toEqual([]);
  });
});
