import { parse } from 'csv-parse/sync';
import fc from 'fast-check';
import pino from 'pino';
import type { AccountScope } from '../../src/domain/principal';
import { TrailgateError } from '../../src/domain/trailgate-error';
import type { Engine, EngineResult, ExplainedQuery, LakeInfo, Row, StreamOptions } from '../../src/engines/engine';
import { EVENT_COLUMNS, eventSelectOf } from '../../src/query/event-columns';
import { eventExportQuery, eventsQuery } from '../../src/query/event-queries';
import type { Query } from '../../src/query/ir';
import { planPartitions } from '../../src/query/partition-planner';
import { resultTypes } from '../../src/query/value-types';
import { encodeExport, guardFormula } from '../../src/server/export-format';
import { exportParams } from '../../src/server/export-params';
import { DuckDbCompiler } from '../../src/sql/duckdb-compiler';
import { TrinoCompiler } from '../../src/sql/trino-compiler';
import { ALL_EXPORT_COLUMNS, EXPORT_COLUMNS } from '../../src/services/export-columns';
import { ExportService, type ExportRequest } from '../../src/services/export.service';
import { DEFAULT_LIMITS } from '../../src/services/limits';
import { partner, principal } from '../support/test-authenticator';

const RANGE = { from: new Date('2024-03-01T00:00:00Z'), to: new Date('2024-03-01T06:00:00Z') };
const PLAN = planPartitions({ scope: ['111122223333'], ...RANGE });
const FILE = '/lake/AWSLogs/111122223333/CloudTrail/eu-west-1/2024/03/01/a.json.gz';
const trino = new TrinoCompiler({ database: 'cloudtrail', table: 'trail', account: { column: 'account' }, regionColumn: 'region', day: { column: 'timestamp', format: 'yyyy/MM/dd' } });
const duck = new DuckDbCompiler({ files: [FILE], maxObjectBytes: 16777216 });

describe('the export statement', () => {
  const filter = { range: RANGE, eventNames: ['ConsoleLogin'] };
  const exported = eventExportQuery(filter, PLAN, 'OLDEST_FIRST', eventSelectOf(['event_time', 'event_name']));
  const page = eventsQuery(filter, PLAN, { first: 50, after: null, order: 'OLDEST_FIRST' });
  /** the de-duplicated, scoped, filtered rows (the `dd` CTE) */
  const dd = (sql: string) => {
    const start = sql.indexOf('dd AS (');
    const end = sql.indexOf('\n)', start);
    if (start < 0 || end < 0) throw new Error(`no dd CTE in:\n${sql}`);
    return sql.slice(start, end + 2);
  };

  it("keeps the events page's scope, filter and de-duplication, and orders every row by (time, id, hash) without a LIMIT", () => {
    const t = trino.compile(exported).sql;
    expect(t.slice(t.indexOf(')\nSELECT') + 2)).toBe(
      [
        "SELECT tg_time AS event_time, coalesce(eventname, coalesce(json_extract_scalar(insightdetails, '$.eventName'), nullif(json_format(json_extract(insightdetails, '$.eventName')), 'null'))) AS event_name",
        'FROM dd',
        "ORDER BY tg_time ASC, coalesce(nullif(eventid, ''), 'tg-' || tg_hash) ASC, tg_hash ASC",
      ].join('\n'),
    );
    const d = duck.compile(exported).sql;
    expect(d.slice(d.indexOf(')\nSELECT') + 2)).toBe(
      [
        "SELECT tg_time AS event_time, coalesce(eventname, json_extract_string(insightdetails, '$.eventName')) AS event_name",
        'FROM dd',
        "ORDER BY tg_time ASC, coalesce(nullif(eventid, ''), 'tg-' || tg_hash) ASC, tg_hash ASC",
      ].join('\n'),
    );
    expect(dd(t)).toContain("(tg_account IN ('111122223333'))");
    expect(dd(t)).toBe(dd(trino.compile(page).sql));
    expect(dd(d)).toBe(dd(duck.compile(page).sql));
    expect(dd(t)).toMatch(/^dd AS \(\n {2}SELECT \* FROM \(\n {4}SELECT ev\.\*, row_number\(\) OVER \(PARTITION BY ev\.eventid, ev\.tg_hash\) AS tg_rn\n[^]*\n {2}\) AS d WHERE tg_rn = 1\n\)$/);
    expect(dd(d)).toMatch(/^dd AS \(\n {2}SELECT DISTINCT ON \(eventid, tg_rawhash\) \* FROM ev\n {2}WHERE [^\n]*\n\)$/);
    expect(`${t}\n${d}`).not.toMatch(/LIMIT/);
  });

  it('reads only the columns an export shows (plus the time)', () => {
    expect(eventSelectOf(['event_name', 'event_time', 'event_name']).map((i) => i.alias)).toEqual(['event_time', 'event_name']);
  });

  it('types every event column for engines that return text', () => {
    const types = resultTypes(eventExportQuery(filter, PLAN, 'OLDEST_FIRST'));
    expect(types.size).toBe(Object.keys(EVENT_COLUMNS).length);
    expect(types.get('event_time')).toBe('timestamp');
    expect(types.get('session_created_at')).toBe('timestamp');
    expect(['read_only', 'management_event', 'mfa_authenticated', 'session_credential_from_console'].map((c) => types.get(c))).toEqual(Array(4).fill('boolean'));
    expect(types.get('request_parameters')).toBe('text');
  });
});

describe('export parameters', () => {
  const FROM = '2024-03-01T00:00:00Z';
  const TO = '2024-03-02T00:00:00Z';
  const ok = async (p: Record<string, string | string[]>) => {
    const r = await exportParams(p);
    if ('problem' in r) throw new Error(r.problem);
    return r;
  };

  it('splits comma lists only where a value cannot hold a comma; repeats always make lists', async () => {
    const r = await ok({ from: FROM, to: TO, accounts: ['111122223333,444455556666', '777788889999'], userNames: ['Smith, J', 'bob'] });
    expect(r.request.filter.accounts).toEqual(['111122223333', '444455556666', '777788889999']);
    expect(r.request.filter.userNames).toEqual(['Smith, J', 'bob']);
  });

  it('coerces a single JSON value to a one-element list, as GraphQL input coercion does', async () => {
    const r = await ok({ filter: JSON.stringify({ range: { from: FROM, to: TO }, eventNames: 'ConsoleLogin', hasError: true }) });
    expect(r.request.filter).toEqual({ range: { from: new Date(FROM), to: new Date(TO) }, eventNames: ['ConsoleLogin'], hasError: true });
  });

  it('defaults to CSV, oldest first, the default columns; * is every top-level field', async () => {
    const r = await ok({ from: FROM, to: TO });
    expect(r.format).toBe('csv');
    expect(r.request.order).toBe('OLDEST_FIRST');
    expect(r.request.columns).toContain('userIdentity.arn');
    expect((await ok({ from: FROM, to: TO, columns: '*' })).request.columns).toEqual(ALL_EXPORT_COLUMNS);
    expect(ALL_EXPORT_COLUMNS).toContain('userIdentity');
  });

  it('names what is wrong', async () => {
    expect(await exportParams({ from: FROM, to: TO, accounts: 'x' })).toEqual({ problem: expect.stringMatching(/^Invalid input: accounts: accounts must be 12-digit/) });
    expect(await exportParams({ from: FROM, to: TO, requestParameters: 'x' })).toEqual({ problem: expect.stringMatching(/inside the filter parameter/) });
    expect(await exportParams({ from: FROM, to: TO, format: ['csv', 'ndjson'] })).toEqual({ problem: 'parameter "format" is given more than once' });
  });
});

describe('CSV cells', () => {
  it('round-trip through an RFC 4180 parser, formulas defused by one leading quote and nothing else changed', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.array(fc.oneof(fc.string(), fc.constantFrom('=1+1', '-x', '@a', '+b', '\tt', '\rr', 'a,b', 'q"q', 'l\nl', 'c\r\nd')), { minLength: 1, maxLength: 3 }), { maxLength: 5 }), async (rows) => {
        const width = Math.max(1, ...rows.map((r) => r.length));
        const table = rows.map((r) => Array.from({ length: width }, (_, i) => r[i] ?? ''));
        const columns = ALL_EXPORT_COLUMNS.filter((c) => !['requestParameters', 'responseElements', 'additionalEventData', 'serviceEventDetails', 'insightDetails', 'tlsDetails', 'resources', 'userIdentity'].includes(c)).slice(0, width);
        let out = '';
        for await (const chunk of encodeExport('csv', columns, (async function* () { yield table; })())) out += chunk;
        const parsed = parse(out) as string[][];
        expect(parsed[0]).toEqual(columns);
        expect(parsed.slice(1)).toEqual(table.map((r) => r.map(guardFormula)));
        for (const cell of parsed.slice(1).flat()) expect(/^[=+\-@\t\r]/.test(cell)).toBe(false);
      }),
    );
  });
});

/** An engine whose stream yields `batches` batches of one row, `delayMs` apart. */
function slowEngine(batches: number, delayMs = 0): Engine & { streams: number; ended: number } {
  const row: Row = { event_time: new Date('2024-03-01T00:00:00Z'), event_id: 'e' };
  return {
    name: 'fake',
    streams: 0,
    ended: 0,
    run: (): Promise<EngineResult> => Promise.reject(new Error('not used')),
    explain: (): Promise<ExplainedQuery> => Promise.reject(new Error('not used')),
    lakeInfo: (_: AccountScope): Promise<LakeInfo> => Promise.reject(new Error('not used')),
    close: async () => {},
    async *stream(_q: Query, opts: StreamOptions) {
      this.streams++;
      try {
        for (let i = 0; i < batches; i++) {
          await new Promise((r) => setTimeout(r, delayMs));
          if (opts.signal?.aborted) throw new TrailgateError('QUERY_TIMEOUT', 'The request was cancelled.');
          yield [row];
        }
      } finally {
        this.ended++;
      }
    },
  };
}

describe('ExportService', () => {
  const limits = { ...DEFAULT_LIMITS, maxRangeDays: 36500 };
  const req: ExportRequest = { filter: { range: RANGE }, columns: ['eventTime', 'eventId'], order: 'OLDEST_FIRST' };
  const ctx = () => ({ requestId: 'r', signal: new AbortController().signal });
  const logger = pino({ level: 'silent' });
  const drain = async (it: AsyncIterable<unknown[][]>) => {
    let n = 0;
    for await (const b of it) n += b.length;
    return n;
  };

  it('refuses persisted-only principals and foreign accounts before any engine call', () => {
    const engine = slowEngine(1);
    const service = new ExportService(engine, limits, logger);
    expect(() => service.open(partner('p', '*'), req, ctx())).toThrow(expect.objectContaining({ code: 'FORBIDDEN' }));
    expect(() => service.open(principal({ id: 's', accounts: ['111122223333'] }), { ...req, filter: { range: RANGE, accounts: ['444455556666'] } }, ctx())).toThrow(
      expect.objectContaining({ code: 'FORBIDDEN' }),
    );
    expect(engine.streams).toBe(0);
  });

  it('stops an export past its deadline with QUERY_TIMEOUT, and ends the engine stream', async () => {
    const engine = slowEngine(1000, 5);
    const service = new ExportService(engine, limits, logger, { maxConcurrent: 2, deadlineMs: 50 });
    await expect(drain(service.open(principal({ id: 'p' }), req, ctx()))).rejects.toMatchObject({ code: 'QUERY_TIMEOUT', message: expect.stringMatching(/export did not finish/) });
    expect(engine.ended).toBe(1);
  });

  it('runs at most maxConcurrent exports; the next is ENGINE_UNAVAILABLE, and a finished one frees its place', async () => {
    const engine = slowEngine(3, 1);
    const service = new ExportService(engine, limits, logger, { maxConcurrent: 1, deadlineMs: 60_000 });
    const first = service.open(principal({ id: 'p' }), req, ctx())[Symbol.asyncIterator]();
    await first.next();
    await expect(drain(service.open(principal({ id: 'p' }), req, ctx()))).rejects.toMatchObject({ code: 'ENGINE_UNAVAILABLE' });
    await first.return?.(undefined);
    expect(await drain(service.open(principal({ id: 'p' }), req, ctx()))).toBe(3);
  });

  it('maps each row like the events query: the asked columns in order', async () => {
    const service = new ExportService(slowEngine(2), limits, logger);
    const rows: unknown[][] = [];
    for await (const b of service.open(principal({ id: 'p' }), req, ctx())) rows.push(...b);
    expect(rows).toEqual([
      [new Date('2024-03-01T00:00:00Z'), 'e'],
      [new Date('2024-03-01T00:00:00Z'), 'e'],
    ]);
  });

  it('knows the engine columns of every export column', () => {
    for (const needs of Object.values(EXPORT_COLUMNS)) for (const c of needs) expect(Object.keys(EVENT_COLUMNS)).toContain(c);
  });
});
