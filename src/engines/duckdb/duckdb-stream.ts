import { TrailgateError } from '../../domain/trailgate-error';
import type { LakeFile } from '../../lake/lake-layout';
import type { CompiledSql } from '../../sql/compiled-sql';
import type { Row } from '../engine';
import type { DuckDbLease } from './duckdb-pool';
import { duckParams, plainRow } from './duckdb-values';

export interface DuckDbStreamSpec {
  readonly files: LakeFile[];
  readonly compile: (files: LakeFile[]) => CompiledSql;
  /** After a failed start: the files to read instead (a bad file set aside), or it throws the error to give up with. */
  readonly recover: (e: unknown, files: LakeFile[], attempt: number, compiled: CompiledSql) => LakeFile[];
  readonly lease: () => Promise<DuckDbLease>;
  /** deadline of the statement's own work: the scan and the sort, all done before the first chunk */
  readonly timeoutMs: number;
  readonly signal?: AbortSignal;
  /** called once the first rows are ready, with the files the statement read */
  readonly started: (files: LakeFile[]) => void;
}

const cancelled = () => new TrailgateError('QUERY_TIMEOUT', 'The request was cancelled.');

/**
 * A statement's rows, one DuckDB chunk (at most 2048 rows, DuckDB's vector size) per pull, over a
 * connection held for the stream's life. DuckDB's streaming result computes the next chunk only
 * when asked, so a reader that stops asking holds the engine at one chunk
 * (https://duckdb.org/docs/stable/clients/node_neo/overview#stream-results).
 *
 * Every export is ordered, and an ORDER BY reads and sorts everything before its first chunk: an
 * unreadable file fails the first pull, so it is set aside and the statement restarted before any
 * row has left (as DuckDbEngine.run does). The deadline covers that work; the chunks after it are
 * paced by the reader. Abort or an early `return()` interrupts the statement.
 */
export async function* streamRows(spec: DuckDbStreamSpec): AsyncGenerator<Row[]> {
  if (spec.signal?.aborted) throw cancelled();
  const lease = await spec.lease();
  let why: 'timeout' | 'aborted' | null = null;
  const interrupt = (reason: 'timeout' | 'aborted') => {
    why = reason;
    lease.connection.interrupt();
  };
  const onAbort = () => interrupt('aborted');
  spec.signal?.addEventListener('abort', onAbort, { once: true });
  const timer = setTimeout(() => interrupt('timeout'), spec.timeoutMs);
  let finished = false;
  try {
    if (spec.signal?.aborted) throw cancelled();
    let files = spec.files;
    let chunks: AsyncIterator<Record<string, unknown>[]>;
    let next: IteratorResult<Record<string, unknown>[]>;
    for (let attempt = 0; ; attempt++) {
      const compiled = spec.compile(files);
      try {
        const { values, types } = duckParams(compiled.params);
        const result = await lease.connection.stream(compiled.sql, values, types);
        chunks = result.yieldRowObjectJs()[Symbol.asyncIterator]();
        next = await chunks.next();
        break;
      } catch (e) {
        if (why) throw e;
        files = spec.recover(e, files, attempt, compiled);
      }
    }
    clearTimeout(timer);
    spec.started(files);
    for (; !next.done; next = await chunks.next()) yield next.value.map(plainRow);
    finished = true;
  } catch (e) {
    if (why === 'timeout') throw new TrailgateError('QUERY_TIMEOUT', `The query did not finish within ${spec.timeoutMs} ms.`, { cause: e });
    if (why === 'aborted') throw cancelled();
    if (e instanceof TrailgateError) throw e;
    throw new TrailgateError('INTERNAL_SERVER_ERROR', 'The query failed.', { internal: (e as Error)?.message ?? String(e), cause: e });
  } finally {
    clearTimeout(timer);
    spec.signal?.removeEventListener('abort', onAbort);
    // Left before the end (the reader stopped or failed): stop the statement; the next statement on
    // this connection starts clean (DuckDB resets the interrupt flag when a query begins).
    if (!finished) lease.connection.interrupt();
    await lease.release();
  }
}
