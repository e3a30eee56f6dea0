import type { QueryFacts } from '../engine';
import type { FinishedQuery } from './query-runner';

/**
 * Cost facts of a finished query, from GetQueryExecution's Statistics. A result served by
 * result reuse reports ReusedPreviousResult and (near) zero bytes scanned.
 * https://docs.aws.amazon.com/athena/latest/APIReference/API_QueryExecutionStatistics.html
 */
export function queryFacts(done: FinishedQuery): QueryFacts {
  const stats = done.execution.Statistics ?? {};
  return {
    id: done.id,
    engineMs: stats.EngineExecutionTimeInMillis ?? 0,
    bytesScanned: stats.DataScannedInBytes ?? 0,
    filesRead: null,
    cache: stats.ResultReuseInformation?.ReusedPreviousResult === true ? 'reuse' : 'miss',
    queueMs: stats.QueryQueueTimeInMillis ?? 0,
  };
}

/** The log line of a finished query: where its time went (gateway queue, Athena queue, planning, engine) and what it cost. */
export function costLog(done: FinishedQuery, gatewayQueueMs: number): Record<string, unknown> {
  const stats = done.execution.Statistics ?? {};
  return {
    queryExecutionId: done.id,
    gatewayQueueMs,
    athenaQueueMs: stats.QueryQueueTimeInMillis,
    preProcessingMs: stats.ServicePreProcessingTimeInMillis,
    planningMs: stats.QueryPlanningTimeInMillis,
    engineMs: stats.EngineExecutionTimeInMillis,
    serviceProcessingMs: stats.ServiceProcessingTimeInMillis,
    totalMs: stats.TotalExecutionTimeInMillis,
    bytesScanned: stats.DataScannedInBytes,
    reused: stats.ResultReuseInformation?.ReusedPreviousResult === true,
    submissions: done.submissions,
    pages: done.pages,
    rows: done.rows.length,
  };
}
