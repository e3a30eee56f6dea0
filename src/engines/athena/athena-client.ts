import { AthenaClient, type AthenaClientConfig } from '@aws-sdk/client-athena';

export interface AthenaClientSettings {
  /** undefined lets the SDK resolve it (AWS_REGION, shared config) */
  readonly region?: string;
  /** total HTTP attempts per API call, first one included (default 3) */
  readonly maxAttempts?: number;
  /** an explicit endpoint; without it the SDK's AWS_ENDPOINT_URL_ATHENA / AWS_ENDPOINT_URL apply */
  readonly endpoint?: string;
  /** for tests: a custom HTTP handler (fault injection) */
  readonly requestHandler?: AthenaClientConfig['requestHandler'];
  /** for tests and fakes; production uses the SDK's default credential chain */
  readonly credentials?: AthenaClientConfig['credentials'];
}

export const DEFAULT_SDK_MAX_ATTEMPTS = 3;

/**
 * The Athena client with its retry behaviour set explicitly rather than left to environment
 * defaults (AWS_RETRY_MODE / AWS_MAX_ATTEMPTS would otherwise change it silently).
 *
 * 'standard' mode: jittered exponential backoff on throttling, 5xx and transport errors, with a
 * retry quota that stops retry storms during an outage. Not 'adaptive': AWS marks it for
 * single-resource, latency-tolerant clients and not for multi-tenant services, and its client-side
 * rate limiter can delay a first attempt, which would eat into a request's deadline and hold up
 * StopQueryExecution. Concurrency against Athena's quota is the gateway queue's job.
 * https://docs.aws.amazon.com/sdkref/latest/guide/feature-retry-behavior.html
 *
 * Endpoint overrides: the SDK itself reads AWS_ENDPOINT_URL_ATHENA and AWS_ENDPOINT_URL (service-
 * specific endpoints), so this function does not read the environment (src/config is the only
 * reader). https://docs.aws.amazon.com/sdkref/latest/guide/feature-ss-endpoints.html
 */
export function createAthenaClient(settings: AthenaClientSettings): AthenaClient {
  const maxAttempts = settings.maxAttempts ?? DEFAULT_SDK_MAX_ATTEMPTS;
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1) throw new RangeError(`athena: maxAttempts must be a positive integer (got ${maxAttempts})`);
  return new AthenaClient({
    ...(settings.region ? { region: settings.region } : {}),
    maxAttempts,
    retryMode: 'standard',
    ...(settings.endpoint ? { endpoint: settings.endpoint } : {}),
    ...(settings.requestHandler ? { requestHandler: settings.requestHandler } : {}),
    ...(settings.credentials ? { credentials: settings.credentials } : {}),
  });
}
