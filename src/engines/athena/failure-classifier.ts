import type { QueryExecutionStatus } from '@aws-sdk/client-athena';
import { TrailgateError } from '../../domain/trailgate-error';

/**
 * What to do with a query execution that ended FAILED or CANCELLED, from Status.AthenaError:
 *   ErrorCategory 1 = SYSTEM, 2 = USER, 3 = OTHER; ErrorType refines it; Retryable says whether
 *   the same query might succeed if resubmitted.
 * https://docs.aws.amazon.com/athena/latest/APIReference/API_AthenaError.html
 * https://docs.aws.amazon.com/athena/latest/ug/error-reference.html (error type reference)
 *
 * Athena's own text (ErrorMessage, StateChangeReason) names tables, columns, S3 paths and SQL
 * fragments: it goes to the log only, never into a client message (STYLE.md habit 7).
 */
export type FailureAction = { readonly kind: 'resubmit' } | { readonly kind: 'fail'; readonly error: TrailgateError };

export const ERROR_CATEGORY = { SYSTEM: 1, USER: 2, OTHER: 3 } as const;

/**
 * The workgroup's BytesScannedCutoffPerQuery cancels a query (engine v3: state CANCELLED) with
 * the reason "Bytes scanned limit was exceeded". The error catalogue has no ErrorType of its own
 * for it, so the reason text (or the same text in AthenaError.ErrorMessage) is what tells it apart
 * from any other cancellation. FAILED with that text is accepted too: older engines and emulators
 * report it that way.
 * https://docs.aws.amazon.com/athena/latest/ug/workgroups-setting-control-limits-cloudwatch.html
 */
const SCAN_CUTOFF = /bytes scanned limit/i;

/** Error types a caller can act on; everything else is masked. Ranges from the error type reference. */
const ACTIONABLE: ReadonlyArray<{ readonly from: number; readonly to: number; readonly error: () => TrailgateError }> = [
  // 0–8 "Query exhausted resources at this scale factor": a narrower time range or filter helps.
  {
    from: 0,
    to: 8,
    error: () =>
      new TrailgateError('BAD_USER_INPUT', 'The query needs more resources than the engine allows. Narrow the time range or add filters.', {
        details: { reason: 'ENGINE_RESOURCE_LIMIT' },
      }),
  },
  // 206, 210 "Query timed out" (Athena's own DML timeout).
  { from: 206, to: 206, error: () => new TrailgateError('QUERY_TIMEOUT', 'The query did not finish in the time the engine allows.') },
  { from: 210, to: 210, error: () => new TrailgateError('QUERY_TIMEOUT', 'The query did not finish in the time the engine allows.') },
  // 1400–1406 throttling (Glue, S3, Athena): trying again later helps.
  { from: 1400, to: 1406, error: () => new TrailgateError('ENGINE_UNAVAILABLE', 'The query engine is busy. Try again shortly.') },
];

const masked = () => new TrailgateError('INTERNAL_SERVER_ERROR', 'The query failed.');

export function isScanCutoff(status: QueryExecutionStatus | undefined): boolean {
  return SCAN_CUTOFF.test(status?.StateChangeReason ?? '') || SCAN_CUTOFF.test(status?.AthenaError?.ErrorMessage ?? '');
}

/**
 * `resubmitted` is true once this request has already resubmitted the query: a retryable system
 * error is resubmitted at most once.
 */
export function classifyFailure(status: QueryExecutionStatus | undefined, resubmitted: boolean): FailureAction {
  if (isScanCutoff(status)) {
    return {
      kind: 'fail',
      error: new TrailgateError('SCAN_LIMIT_EXCEEDED', 'The query would scan more data than allowed. Narrow the time range or add account/region filters.'),
    };
  }
  if (status?.State === 'CANCELLED') return { kind: 'fail', error: masked() };
  const err = status?.AthenaError;
  // USER errors are never retried: the same SQL fails the same way.
  if (err?.ErrorCategory === ERROR_CATEGORY.SYSTEM && err.Retryable === true && !resubmitted) return { kind: 'resubmit' };
  // OTHER has no meaning a caller could act on, whatever its type.
  const type = err?.ErrorCategory === ERROR_CATEGORY.OTHER ? undefined : err?.ErrorType;
  const hit = type === undefined ? undefined : ACTIONABLE.find((a) => type >= a.from && type <= a.to);
  return { kind: 'fail', error: hit ? hit.error() : masked() };
}
