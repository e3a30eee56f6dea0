import type { AccountScope } from '../domain/principal';
import type { Query } from '../query/ir';
import type { CompiledSql } from '../sql/compiled-sql';

/** The narrow port every engine implements (STYLE.md habit 9). */
export type RowValue = string | number | boolean | Date | null | RowValue[];
export type Row = Readonly<Record<string, RowValue>>;

export interface QueryFacts {
  readonly id: string;
  readonly engineMs: number;
  readonly bytesScanned: number;
  readonly filesRead: number | null;
  readonly cache: 'hit' | 'miss' | 'reuse';
  /** time spent queued inside the engine service (Athena's QueryQueueTimeInMillis), where known */
  readonly queueMs?: number;
}

export interface EngineResult {
  readonly rows: readonly Row[];
  readonly facts: QueryFacts;
}

export interface RunOptions {
  readonly requestId: string;
  readonly signal?: AbortSignal;
  /** overrides the engine's default deadline */
  readonly timeoutMs?: number;
  /** the caller's scan budget for this query: over it, SCAN_LIMIT_EXCEEDED (and nothing more is read) */
  readonly maxBytesScanned?: number;
}

export interface StreamOptions extends RunOptions {
  /**
   * Called once, when the engine knows what the query cost (before the first batch on DuckDB,
   * once the query has finished on Athena); for logs.
   */
  readonly onFacts?: (facts: QueryFacts) => void;
}

export interface ExplainedQuery {
  readonly engine: string;
  readonly compiled: CompiledSql;
  /** partitions the query reads, as account/region/day */
  readonly partitions: readonly string[];
  readonly files: number | null;
  /**
   * A digest of what the statement reads beyond its text, where the engine knows it (DuckDB: the
   * files' paths and sizes): the result cache keys on it, so a file that grows changes the key.
   */
  readonly fingerprint?: string;
}

export interface LakeInfo {
  readonly engine: string;
  readonly location: string;
  readonly firstDay: string | null;
  readonly lastDay: string | null;
  readonly accounts: readonly string[];
  readonly regions: readonly string[];
  readonly files: number | null;
  readonly rejectedRecords: number;
  readonly rejectedFiles: number;
}

/** One part of an engine's readiness (GET /readyz). `detail` is fixed text: the probe is unauthenticated. */
export interface ReadinessCheck {
  readonly name: string;
  readonly ok: boolean;
  readonly detail?: string;
}

export interface Engine {
  readonly name: string;
  run(query: Query, opts: RunOptions): Promise<EngineResult>;
  /**
   * The rows of a query in batches, pulled as the consumer asks (backpressure: an engine holds at
   * most about one batch ahead). Refusals (scan budget, scope, deadline) surface on the first pull.
   * Stopping the iteration (`return()`) or aborting `signal` stops the engine's work. Optional:
   * engines that cannot stream leave it out. Never cached.
   */
  stream?(query: Query, opts: StreamOptions): AsyncIterable<readonly Row[]>;
  /**
   * The statement a query would run, running nothing. `purpose` 'key': only for the result
   * cache's key, which must not change with how an engine gets the same rows (DuckDB then
   * compiles without the lake census's copy plan: skipping copies by position or de-duplicating
   * every row gives the same answer).
   */
  explain(query: Query, purpose?: 'explain' | 'key'): Promise<ExplainedQuery>;
  /** What the lake holds within a principal's account scope. */
  lakeInfo(scope: AccountScope): Promise<LakeInfo>;
  close(): Promise<void>;
  /** Runs waiting for the engine (a DuckDB connection, an Athena slot): the queue-depth gauge. */
  queueDepth?(): number;
  /** Whether the engine can answer now, from cheap local checks (no paid or remote query). */
  ready?(): Promise<readonly ReadinessCheck[]>;
}
