import { Readable } from 'node:stream';
import {
  AthenaClient,
  GetQueryExecutionCommand,
  GetQueryResultsCommand,
  type QueryExecutionStatus,
  StartQueryExecutionCommand,
  StopQueryExecutionCommand,
} from '@aws-sdk/client-athena';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { CachedEngine } from '../../src/engines/cached-engine';
import type { Row } from '../../src/engines/engine';
import { eventSelectOf } from '../../src/query/event-columns';
import type { EventFilterSpec } from '../../src/query/event-filter';
import { eventExportQuery } from '../../src/query/event-queries';
import type { EventSelect } from '../../src/query/ir';
import { planPartitions } from '../../src/query/partition-planner';
import { columnsNeeded, type ExportColumn } from '../../src/services/export-columns';
import { ExportService } from '../../src/services/export.service';
import { DEFAULT_LIMITS } from '../../src/services/limits';
import { athenaEngine, FAKE_CREDENTIALS, fakeClock, silentLogger } from '../support/athena-fakes';
import { principal } from '../support/test-authenticator';
import { failure } from '../support/expect-failure';

/**
 * Exports on Athena: the query runs as any other (start → poll → stop on abort or budget), then
 * its result is read from the CSV object Athena wrote (OutputLocation), as a stream, never through
 * GetQueryResults. The SDK clients are mocked (aws-sdk-client-mock); the object body is a Node
 * stream made by the test, which counts what the reader pulled.
 */
const NOW = '2024-03-10T12:00:00Z';
const RANGE = { from: new Date('2024-03-01T00:00:00Z'), to: new Date('2024-03-08T00:00:00Z') };
const OUTPUT = 's3://athena-results/trailgate/q-1.csv';
const COLUMNS: ExportColumn[] = ['eventTime', 'eventId', 'eventName', 'readOnly', 'errorMessage', 'userIdentity.sessionCreatedAt', 'requestParameters'];

function exportQuery(filter: Partial<EventFilterSpec> = {}): EventSelect {
  const f: EventFilterSpec = { range: RANGE, ...filter };
  return eventExportQuery(f, planPartitions({ scope: '*', ...RANGE }), 'OLDEST_FIRST', eventSelectOf(columnsNeeded(COLUMNS)));
}

/** A CSV as Athena writes results: a header, every value quoted (quotes doubled), NULL as an empty unquoted field. */
const cell = (v: string | null) => (v === null ? '' : `"${v.replace(/"/g, '""')}"`);
const line = (cells: Array<string | null>) => `${cells.map(cell).join(',')}\n`;

const pad = (n: number) => String(n).padStart(2, '0');
/** Row i of the fake result, by alias, as Athena renders it. */
function athenaCells(i: number): Record<string, string | null> {
  return {
    event_time: `2024-03-0${1 + (i % 7)} ${pad(i % 24)}:${pad(i % 60)}:00.000 UTC`,
    event_id: `id-${String(i).padStart(6, '0')}`,
    event_name: i % 5 === 0 ? 'Say "hi", then\nleave' : 'ListUsers',
    read_only: i % 3 === 0 ? null : i % 3 === 1 ? 'true' : 'false',
    error_message: i % 4 === 0 ? '' : i % 4 === 1 ? null : 'denied',
    session_created_at: i % 2 === 0 ? null : '2024-03-01 08:00:00.000 UTC',
    request_parameters: i % 2 === 0 ? null : `{"n":${i}}`,
  };
}

/** What the reader must decode row i into. */
function decoded(i: number): Row {
  const c = athenaCells(i);
  return {
    event_time: new Date(c.event_time!.replace(' ', 'T').replace(' UTC', 'Z')),
    event_id: c.event_id,
    event_name: c.event_name,
    read_only: c.read_only === null ? null : c.read_only === 'true',
    error_message: c.error_message,
    session_created_at: c.session_created_at === null ? null : new Date('2024-03-01T08:00:00.000Z'),
    request_parameters: c.request_parameters,
  };
}

interface FakeBody {
  readonly stream: Readable;
  /** chunks the reader has pulled from the body so far */
  pulled: number;
}

/** The result object, made lazily in chunks of 100 rows (so what was pulled is countable). */
function resultBody(aliases: readonly string[], rows: number): FakeBody {
  const body: FakeBody = { pulled: 0, stream: undefined as unknown as Readable };
  function* chunks() {
    yield line([...aliases]);
    for (let i = 0; i < rows; i += 100) {
      body.pulled++;
      let text = '';
      for (let j = i; j < Math.min(rows, i + 100); j++) text += line(aliases.map((a) => athenaCells(j)[a]));
      yield text;
    }
  }
  (body as { stream: Readable }).stream = Readable.from(chunks(), { objectMode: false, highWaterMark: 1024 });
  return body;
}

interface Fake {
  readonly athena: ReturnType<typeof mockClient>;
  readonly s3: ReturnType<typeof mockClient>;
  readonly calls: string[];
  bodies: FakeBody[];
}

let fake: Fake | undefined;
afterEach(() => {
  fake?.athena.restore();
  fake?.s3.restore();
  fake = undefined;
});

function fakeAws(opts: { statuses?: QueryExecutionStatus[]; rows?: number; bytes?: number; aliases?: readonly string[]; body?: () => Readable } = {}): Fake {
  const statuses = opts.statuses ?? [{ State: 'RUNNING' }, { State: 'SUCCEEDED' }];
  const athena = mockClient(AthenaClient);
  const s3 = mockClient(S3Client);
  const f: Fake = { athena, s3, calls: [], bodies: [] };
  let started = 0;
  const polls = new Map<string, number>();
  athena.on(StartQueryExecutionCommand).callsFake(() => {
    f.calls.push('StartQueryExecution');
    return { QueryExecutionId: `q-${++started}` };
  });
  athena.on(GetQueryExecutionCommand).callsFake((input: { QueryExecutionId: string }) => {
    f.calls.push('GetQueryExecution');
    const n = (polls.get(input.QueryExecutionId) ?? 0) + 1;
    polls.set(input.QueryExecutionId, n);
    return {
      QueryExecution: {
        QueryExecutionId: input.QueryExecutionId,
        Status: statuses[Math.min(n - 1, statuses.length - 1)],
        Statistics: { DataScannedInBytes: opts.bytes ?? 1_000, EngineExecutionTimeInMillis: 900 },
        ResultConfiguration: { OutputLocation: OUTPUT.replace('q-1', input.QueryExecutionId) },
      },
    };
  });
  athena.on(GetQueryResultsCommand).callsFake(() => {
    f.calls.push('GetQueryResults');
    throw new Error('exports must not page GetQueryResults');
  });
  athena.on(StopQueryExecutionCommand).callsFake(() => {
    f.calls.push('StopQueryExecution');
    return {};
  });
  s3.on(GetObjectCommand).callsFake((input: { Bucket: string; Key: string }) => {
    f.calls.push(`GetObject ${input.Bucket}/${input.Key}`);
    if (opts.body) return { Body: opts.body() };
    const body = resultBody(opts.aliases ?? exportQuery().select.map((i) => i.alias), opts.rows ?? 0);
    f.bodies.push(body);
    return { Body: body.stream };
  });
  return (fake = f);
}

/** `frozen`: polling does not move the clock (a test that aborts a running query in real time). */
const engine = (frozen = false) =>
  athenaEngine(fakeClock(NOW, frozen), {
    client: new AthenaClient({ region: 'us-east-1', credentials: FAKE_CREDENTIALS }),
    resultsS3: new S3Client({ region: 'us-east-1', credentials: FAKE_CREDENTIALS }),
  });

async function collect(batches: AsyncIterable<readonly Row[]>): Promise<Row[][]> {
  const out: Row[][] = [];
  for await (const b of batches) out.push([...b]);
  return out;
}


describe('AthenaEngine.stream', () => {
  it('reads the result object from OutputLocation, decoded by the query column types, in batches; never GetQueryResults', async () => {
    const f = fakeAws({ rows: 2500 });
    const batches = await collect(engine().stream(exportQuery(), { requestId: 'r1' }));
    expect(batches.map((b) => b.length)).toEqual([1000, 1000, 500]);
    expect(batches.flat()).toEqual(Array.from({ length: 2500 }, (_, i) => decoded(i)));
    expect(f.calls.filter((c) => c !== 'GetQueryExecution')).toEqual(['StartQueryExecution', 'GetObject athena-results/trailgate/q-1.csv']);
  });

  it('tells apart NULL (empty, unquoted) and the empty string ("")', async () => {
    fakeAws({ rows: 8 });
    const rows = (await collect(engine().stream(exportQuery(), { requestId: 'r1' }))).flat();
    expect(rows[0].error_message).toBe('');
    expect(rows[1].error_message).toBeNull();
    expect(rows[0].read_only).toBeNull();
  });

  it('pulls the object only as fast as the reader asks, and closes it when the reader stops', async () => {
    const f = fakeAws({ rows: 100_000 });
    const it = engine().stream(exportQuery(), { requestId: 'r1' })[Symbol.asyncIterator]();
    const first = await it.next();
    expect(first.value).toHaveLength(1000);
    // Let the body's and the parser's buffers fill; the reader does not ask for more.
    await new Promise((r) => setTimeout(r, 100));
    const body = f.bodies[0];
    expect(body.pulled).toBeLessThan(100);
    await it.return?.(undefined);
    expect(body.stream.destroyed).toBe(true);
    expect(body.pulled).toBeLessThan(100);
  });

  it('stops reading (the body destroyed) when the request is aborted mid-object: QUERY_TIMEOUT', async () => {
    const f = fakeAws({ rows: 100_000 });
    const ctl = new AbortController();
    const it = engine().stream(exportQuery(), { requestId: 'r1', signal: ctl.signal })[Symbol.asyncIterator]();
    await it.next();
    ctl.abort();
    const e = await failure(it.next());
    expect(e.code).toBe('QUERY_TIMEOUT');
    expect(f.bodies[0].stream.destroyed).toBe(true);
  });

  it('stops the Athena query when the request is aborted while it runs; the object is never read', async () => {
    const f = fakeAws({ statuses: [{ State: 'RUNNING' }] });
    const ctl = new AbortController();
    const it = engine(true).stream(exportQuery(), { requestId: 'r1', signal: ctl.signal })[Symbol.asyncIterator]();
    const pending = it.next();
    await new Promise((r) => setTimeout(r, 20));
    ctl.abort();
    expect((await failure(pending)).code).toBe('QUERY_TIMEOUT');
    expect(f.calls).toContain('StopQueryExecution');
    expect(f.calls.some((c) => c.startsWith('GetObject'))).toBe(false);
  });

  it("stops a query scanning past the caller's budget (SCAN_LIMIT_EXCEEDED) before any row", async () => {
    const f = fakeAws({ statuses: [{ State: 'RUNNING' }], bytes: 5_000_000 });
    const e = await failure(collect(engine().stream(exportQuery(), { requestId: 'r1', maxBytesScanned: 1_000_000 })));
    expect(e.code).toBe('SCAN_LIMIT_EXCEEDED');
    expect(f.calls).toContain('StopQueryExecution');
    expect(f.calls.some((c) => c.startsWith('GetObject'))).toBe(false);
  });

  it('fails before any row when the query fails, and reads no object', async () => {
    const f = fakeAws({ statuses: [{ State: 'FAILED', StateChangeReason: 'SYNTAX_ERROR: line 1:8', AthenaError: { ErrorCategory: 2, ErrorType: 1001 } }] });
    const e = await failure(collect(engine().stream(exportQuery(), { requestId: 'r1' })));
    expect(e.fault).toBe('server');
    expect(e.message).not.toMatch(/SYNTAX/);
    expect(f.calls.some((c) => c.startsWith('GetObject'))).toBe(false);
  });

  it('refuses a result object whose columns are not the query’s (masked)', async () => {
    fakeAws({ rows: 3, aliases: ['event_time', 'surprise'] });
    const e = await failure(collect(engine().stream(exportQuery(), { requestId: 'r1' })));
    expect(e.code).toBe('INTERNAL_SERVER_ERROR');
  });

  it('fails (masked) when the object breaks off mid-download', async () => {
    const aliases = exportQuery().select.map((i) => i.alias);
    fakeAws({
      body: () =>
        Readable.from(
          (async function* () {
            yield line(aliases);
            yield line(aliases.map((a) => athenaCells(1)[a]));
            throw Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
          })(),
        ),
    });
    const e = await failure(collect(engine().stream(exportQuery(), { requestId: 'r1' })));
    expect(e.code).toBe('INTERNAL_SERVER_ERROR');
  });

  it('goes past the result cache: every export runs its own query', async () => {
    const f = fakeAws({ rows: 5 });
    const cached = new CachedEngine(engine(), { maxBytes: 1e7, maxEntryBytes: 1e6, ttlMs: 3_600_000, openTtlMs: 60_000 });
    expect(cached.stream).toBeDefined();
    await collect(cached.stream!(exportQuery(), { requestId: 'r1' }));
    await collect(cached.stream!(exportQuery(), { requestId: 'r2' }));
    expect(f.calls.filter((c) => c === 'StartQueryExecution')).toHaveLength(2);
  });
});

describe('ExportService on Athena', () => {
  it('maps streamed rows to the asked columns as the events query would show them', async () => {
    fakeAws({ rows: 1200 });
    const service = new ExportService(engine(), { ...DEFAULT_LIMITS, maxRangeDays: 36500 }, silentLogger());
    const rows = (await collect(service.open(principal({ id: 'p' }), { filter: { range: RANGE }, columns: COLUMNS, order: 'OLDEST_FIRST' }, { requestId: 'r', signal: new AbortController().signal }) as AsyncIterable<Row[]>)).flat() as unknown as unknown[][];
    expect(rows).toHaveLength(1200);
    expect(rows[1]).toEqual([new Date('2024-03-02T01:01:00.000Z'), 'id-000001', 'ListUsers', true, null, new Date('2024-03-01T08:00:00.000Z'), { n: 1 }]);
    expect(rows[0][3]).toBeNull();
  });
});
