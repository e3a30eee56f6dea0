import path from 'node:path';
import { availableParallelism } from 'node:os';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { PARQUET_DIR, TIER_DATA_GLOB } from '../../src/lake/parquet-manifest';
import { measure, withDeadline, type Timings } from './timing';
import { IDENTITY_KEY_SQL, TOP_N, type TopList } from './top-list';

/**
 * (b) and (e): the question as a person would write it in DuckDB, straight over the files: only
 * the fields it needs, no de-duplication of re-delivered records (the gateway de-duplicates on
 * eventID plus content, so over raw files its counts are ~0.5% lower on generated lakes; the
 * Parquet tier is de-duplicated when compacted), the same range.
 * Same threads as the gateway (one per core).
 */
export type HandTier = 'raw' | 'parquet';

export function handSql(tier: HandTier, lakeDir: string, range: { from: string; to: string }): string {
  const q = (s: string) => `'${s.replace(/'/g, "''")}'`;
  // the single-account layout the generator writes: AWSLogs/<account>/CloudTrail/<region>/YYYY/MM/DD/*.json.gz
  const rawGlob = path.join(lakeDir, 'AWSLogs/*/CloudTrail/*/*/*/*/*.json.gz');
  const records =
    tier === 'raw'
      ? `(SELECT unnest(Records) AS r FROM read_json(${q(rawGlob)}, ` +
        `columns = {Records: 'STRUCT("eventTime" VARCHAR, "userIdentity" STRUCT("arn" VARCHAR, "invokedBy" VARCHAR, "accountId" VARCHAR, "principalId" VARCHAR))[]'}))`
      : `read_parquet(${q(path.join(lakeDir, PARQUET_DIR, TIER_DATA_GLOB))})`;
  const col = (name: string) => (tier === 'raw' ? `r.${name}` : name);
  return (
    `SELECT ${IDENTITY_KEY_SQL(col('userIdentity'))} AS key, count(*) AS n FROM ${records} ` +
    `WHERE ${col('eventTime')} >= ${q(range.from)} AND ${col('eventTime')} < ${q(range.to)} GROUP BY 1 ORDER BY n DESC, key LIMIT ${TOP_N}`
  );
}

export interface HandResult {
  readonly timings: Timings;
  readonly top: TopList;
  readonly sql: string;
}

/** The hand-written question on its own DuckDB instance, run once per call (see pairedRuns in lake-bench.ts). */
export interface HandSession {
  readonly sql: string;
  /** one run: its duration in ms, and the answer */
  once(deadlineMs: number): Promise<{ ms: number; top: TopList }>;
  close(): void;
}

export async function openHand(tier: HandTier, lakeDir: string, range: { from: string; to: string }): Promise<HandSession> {
  const instance = await DuckDBInstance.create(':memory:', { threads: String(availableParallelism()) });
  const connection = await instance.connect();
  const sql = handSql(tier, lakeDir, range);
  return {
    sql,
    async once(deadlineMs) {
      const started = performance.now();
      const top = await withDeadline(`hand-written DuckDB over ${tier}`, deadlineMs, run(connection, sql), () => connection.interrupt());
      return { ms: performance.now() - started, top };
    },
    close() {
      connection.closeSync();
      instance.closeSync();
    },
  };
}

export async function handTopUsers(tier: HandTier, lakeDir: string, range: { from: string; to: string }, runs: number, deadlineMs: number): Promise<HandResult> {
  const hand = await openHand(tier, lakeDir, range);
  let top: TopList = [];
  try {
    const timings = await measure(runs, 1, async () => {
      const r = await hand.once(deadlineMs);
      top = r.top;
      return r.ms;
    });
    return { timings, top, sql: hand.sql };
  } finally {
    hand.close();
  }
}

async function run(connection: DuckDBConnection, sql: string): Promise<TopList> {
  const reader = await connection.runAndReadAll(sql);
  return reader.getRowObjects().map((r) => ({ key: String(r.key), count: Number(r.n) }));
}
