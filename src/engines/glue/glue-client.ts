import { GlueClient, type GlueClientConfig } from '@aws-sdk/client-glue';

export interface GlueClientOptions {
  /** AWS region; undefined lets the SDK resolve it (AWS_REGION, shared config) */
  readonly region?: string;
  /** SDK attempts per call, the first included (default 3) */
  readonly maxAttempts?: number;
  /** for tests: the HTTP handler the SDK sends through */
  readonly requestHandler?: GlueClientConfig['requestHandler'];
}

/**
 * The Glue client with its retry settings stated, not inherited: standard mode retries throttling
 * and transient errors with backoff. Credentials come from the SDK's default chain, and the SDK
 * itself honours AWS_ENDPOINT_URL_GLUE / AWS_ENDPOINT_URL (service-specific endpoints), so this
 * module reads no environment.
 * https://docs.aws.amazon.com/sdkref/latest/guide/feature-retry-behavior.html
 * https://docs.aws.amazon.com/sdkref/latest/guide/feature-ss-endpoints.html
 */
export function createGlueClient(opts: GlueClientOptions = {}): GlueClient {
  return new GlueClient({
    ...(opts.region ? { region: opts.region } : {}),
    maxAttempts: opts.maxAttempts ?? 3,
    retryMode: 'standard',
    ...(opts.requestHandler ? { requestHandler: opts.requestHandler } : {}),
  });
}
