import { TrailgateError } from '../../domain/trailgate-error';

/**
 * Reading errors thrown by the SDK. Athena answers a request over its rate or concurrency quota
 * with TooManyRequestsException (Reason CONCURRENT_QUERY_LIMIT_EXCEEDED for StartQueryExecution);
 * the generic AWS throttling names and HTTP 429 mean the same. These are the names the SDK's own
 * retry strategy treats as throttling.
 * https://docs.aws.amazon.com/athena/latest/APIReference/API_StartQueryExecution.html#API_StartQueryExecution_Errors
 */
const THROTTLING_NAMES = new Set([
  'TooManyRequestsException',
  'ThrottlingException',
  'Throttling',
  'ThrottledException',
  'RequestLimitExceeded',
  'RequestThrottled',
  'RequestThrottledException',
  'SlowDown',
]);

interface SdkErrorLike {
  readonly name?: string;
  readonly $fault?: 'client' | 'server';
  readonly $metadata?: { readonly httpStatusCode?: number };
  readonly $retryable?: { readonly throttling?: boolean };
}

const asSdk = (e: unknown): SdkErrorLike => (typeof e === 'object' && e !== null ? (e as SdkErrorLike) : {});

export function isThrottlingError(e: unknown): boolean {
  const err = asSdk(e);
  return THROTTLING_NAMES.has(err.name ?? '') || err.$metadata?.httpStatusCode === 429 || err.$retryable?.throttling === true;
}

/**
 * An SDK error the gateway cannot absorb, as the client sees it. Server faults and transport
 * failures (no HTTP response at all) say "unavailable": waiting helps. Client faults
 * (InvalidRequestException, AccessDenied, a missing workgroup) are the gateway's or the
 * operator's mistake, and are masked. The original goes to the log via `internal`.
 */
export function sdkFailure(e: unknown): TrailgateError {
  if (e instanceof TrailgateError) return e;
  const err = asSdk(e);
  if (isThrottlingError(e)) return new TrailgateError('ENGINE_UNAVAILABLE', 'The query engine is busy. Try again shortly.', { cause: e, internal: err.name });
  if (err.$fault === 'server' || err.$metadata?.httpStatusCode === undefined) {
    return new TrailgateError('ENGINE_UNAVAILABLE', 'The query engine is unavailable. Try again shortly.', { cause: e, internal: err.name });
  }
  return new TrailgateError('INTERNAL_SERVER_ERROR', 'The query failed.', { cause: e, internal: err.name });
}
