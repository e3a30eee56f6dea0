import {
  AthenaClient,
  type ColumnInfo,
  GetQueryExecutionCommand,
  type GetQueryExecutionOutput,
  GetQueryResultsCommand,
  type GetQueryResultsOutput,
  type QueryExecutionStatistics,
  type QueryExecutionStatus,
  StartQueryExecutionCommand,
  type StartQueryExecutionInput,
  StopQueryExecutionCommand,
} from '@aws-sdk/client-athena';
import { mockClient } from 'aws-sdk-client-mock';
import pino from 'pino';
import { AthenaEngine } from '../../src/engines/athena/athena-engine';
import type { AthenaEngineOptions } from '../../src/engines/athena/athena-engine-options';
import type { EventFilterSpec } from '../../src/query/event-filter';
import { eventsQuery } from '../../src/query/event-queries';
import type { Query } from '../../src/query/ir';
import { planPartitions } from '../../src/query/partition-planner';
import { statsQuery } from '../../src/query/stats-query';
import type { TrinoTableBinding } from '../../src/sql/trino-compiler';

/** An organization-trail table: account and region partitions, delivery day as yyyy/MM/dd. */
export const ORG_BINDING: TrinoTableBinding = {
  database: 'cloudtrail',
  table: 'trail',
  account: { column: 'account' },
  regionColumn: 'region',
  day: { column: 'timestamp', format: 'yyyy/MM/dd' },
};

export const FAKE_CREDENTIALS = { accessKeyId: 'AKIDTRAILGATETEST', secretAccessKey: 'not-a-real-secret' };

// ---- queries built with the real builders -------------------------------------------------------

export function statsOver(from: string, to: string, accounts?: string[]): Query {
  const range = { from: new Date(from), to: new Date(to) };
  const filter: EventFilterSpec = { range, ...(accounts ? { accounts } : {}) };
  const plan = planPartitions({ scope: '*', ...range, accounts });
  return statsQuery(filter, plan, { groupBy: [{ dimension: 'EVENT_NAME' }], interval: 'HOUR', first: 50, order: 'COUNT_DESC' });
}

export function eventsOver(from: string, to: string, accounts?: string[], regions?: string[]): Query {
  const range = { from: new Date(from), to: new Date(to) };
  const filter: EventFilterSpec = { range, eventNames: ["O'Brien", 'ConsoleLogin'], ...(accounts ? { accounts } : {}), ...(regions ? { regions } : {}) };
  const plan = planPartitions({ scope: '*', ...range, accounts, regions });
  return eventsQuery(filter, plan, { first: 25, after: null, order: 'NEWEST_FIRST' });
}

// ---- a fake clock: sleeping advances it at once -------------------------------------------------

export interface FakeClock {
  readonly now: () => Date;
  readonly sleep: (ms: number) => Promise<void>;
  /** every wait asked for, in order */
  readonly waits: number[];
  advance(ms: number): void;
}

/** `frozen`: sleeping yields to the event loop but does not move time (for many concurrent runs). */
export function fakeClock(startIso: string, frozen = false): FakeClock {
  let t = Date.parse(startIso);
  const waits: number[] = [];
  return {
    now: () => new Date(t),
    sleep: async (ms: number) => {
      waits.push(ms);
      if (!frozen) t += ms;
      await new Promise((resolve) => setImmediate(resolve));
    },
    waits,
    advance: (ms: number) => {
      t += ms;
    },
  };
}

// ---- result pages as Athena sends them ----------------------------------------------------------

/** Pages of `rows` (text cells; undefined = SQL NULL): the header row first on page 1 only. */
export function resultPages(columns: ColumnInfo[], rows: ReadonlyArray<ReadonlyArray<string | undefined>>, pageSize = 1000): GetQueryResultsOutput[] {
  const header = { Data: columns.map((c) => ({ VarCharValue: c.Name })) };
  const data = rows.map((r) => ({ Data: r.map((v) => (v === undefined ? {} : { VarCharValue: v })) }));
  const all = [header, ...data];
  const pages: GetQueryResultsOutput[] = [];
  for (let i = 0, p = 0; i < all.length || p === 0; i += pageSize, p++) {
    const last = i + pageSize >= all.length;
    pages.push({
      ResultSet: { ResultSetMetadata: { ColumnInfo: columns }, Rows: all.slice(i, i + pageSize) },
      ...(last ? {} : { NextToken: `page-${p + 1}` }),
    });
  }
  return pages;
}

// ---- a scripted Athena behind aws-sdk-client-mock -----------------------------------------------

export interface Script {
  /** statuses returned by successive polls of one execution; the last one repeats */
  readonly statuses: readonly QueryExecutionStatus[];
  readonly statistics?: QueryExecutionStatistics;
  readonly pages?: readonly GetQueryResultsOutput[];
}

export const running: QueryExecutionStatus = { State: 'RUNNING' };
export const succeeded: QueryExecutionStatus = { State: 'SUCCEEDED' };
export const STATS: QueryExecutionStatistics = {
  EngineExecutionTimeInMillis: 1234,
  DataScannedInBytes: 5_678_901,
  QueryQueueTimeInMillis: 45,
  TotalExecutionTimeInMillis: 1400,
  ResultReuseInformation: { ReusedPreviousResult: false },
};
const EMPTY_PAGES = resultPages([{ Name: 'n', Type: 'bigint' }], []);

/**
 * Each StartQueryExecution takes the next script (the last one repeats) and gets id q-1, q-2, ...
 * `active` counts executions started and not yet finished (final result page served, a terminal
 * failure polled, or stopped); `maxActive` is its high-water mark.
 */
export class FakeAthena {
  readonly mock = mockClient(AthenaClient);
  readonly started: StartQueryExecutionInput[] = [];
  readonly stopped: string[] = [];
  active = 0;
  maxActive = 0;
  /** StartQueryExecution calls so far, refused ones included */
  startCalls = 0;
  /** an error to refuse StartQueryExecution call `n` (1-based) with, or undefined to accept it */
  failStart: (n: number) => Error | undefined = () => undefined;
  /** called on every poll with the execution id and the poll number (1-based) */
  onPoll: (id: string, n: number) => void = () => {};
  private readonly byId = new Map<string, { script: Script; polls: number; done: boolean }>();

  constructor(private readonly scripts: readonly Script[]) {
    this.mock.on(StartQueryExecutionCommand).callsFake((input: StartQueryExecutionInput) => {
      const refusal = this.failStart(++this.startCalls);
      if (refusal) throw refusal;
      this.started.push(input);
      const id = `q-${this.started.length}`;
      const script = this.scripts[Math.min(this.started.length - 1, this.scripts.length - 1)];
      this.byId.set(id, { script, polls: 0, done: false });
      this.active++;
      this.maxActive = Math.max(this.maxActive, this.active);
      return { QueryExecutionId: id };
    });
    this.mock.on(GetQueryExecutionCommand).callsFake((input: { QueryExecutionId: string }): GetQueryExecutionOutput => {
      const q = this.byId.get(input.QueryExecutionId)!;
      q.polls++;
      this.onPoll(input.QueryExecutionId, q.polls);
      const status = q.script.statuses[Math.min(q.polls - 1, q.script.statuses.length - 1)];
      if (status.State === 'FAILED' || status.State === 'CANCELLED') this.finish(input.QueryExecutionId);
      return {
        QueryExecution: { QueryExecutionId: input.QueryExecutionId, Status: status, Statistics: q.script.statistics ?? STATS },
      };
    });
    this.mock.on(GetQueryResultsCommand).callsFake((input: { QueryExecutionId: string; NextToken?: string }) => {
      const q = this.byId.get(input.QueryExecutionId)!;
      const pages = q.script.pages ?? EMPTY_PAGES;
      const page = pages[input.NextToken ? Number(input.NextToken.replace('page-', '')) : 0];
      if (!page.NextToken) this.finish(input.QueryExecutionId);
      return page;
    });
    this.mock.on(StopQueryExecutionCommand).callsFake((input: { QueryExecutionId: string }) => {
      this.stopped.push(input.QueryExecutionId);
      this.finish(input.QueryExecutionId);
      return {};
    });
  }

  /** Every AWS call the mock received, by command name. */
  calls(): string[] {
    return this.mock.calls().map((c) => (c.args[0] as { constructor: { name: string } }).constructor.name);
  }

  polls(id: string): number {
    return this.byId.get(id)?.polls ?? 0;
  }

  restore(): void {
    this.mock.restore();
  }

  private finish(id: string): void {
    const q = this.byId.get(id);
    if (q && !q.done) {
      q.done = true;
      this.active--;
    }
  }
}

export const silentLogger = () => pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });

export function athenaEngine(clock: FakeClock, overrides: Partial<AthenaEngineOptions> = {}): AthenaEngine {
  return new AthenaEngine({
    client: new AthenaClient({ region: 'us-east-1', credentials: FAKE_CREDENTIALS }),
    workgroup: 'trailgate',
    database: 'cloudtrail',
    binding: () => ORG_BINDING,
    location: 'cloudtrail.trail',
    logger: silentLogger(),
    now: clock.now,
    sleep: clock.sleep,
    random: () => 0.5,
    ...overrides,
  });
}
