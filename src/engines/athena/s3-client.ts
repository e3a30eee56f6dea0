import { S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';

export interface S3ClientOptions {
  /** AWS region; undefined lets the SDK resolve it (AWS_REGION, shared config) */
  readonly region?: string;
  /** SDK attempts per call, the first included (default 3) */
  readonly maxAttempts?: number;
  /** for tests: the HTTP handler the SDK sends through */
  readonly requestHandler?: S3ClientConfig['requestHandler'];
}

/**
 * The S3 client of compaction and of the manifest reader, with its retry settings stated (standard
 * mode), credentials from the SDK's default chain and endpoints from AWS_ENDPOINT_URL_S3 /
 * AWS_ENDPOINT_URL, which the SDK reads itself. https://docs.aws.amazon.com/sdkref/latest/guide/feature-retry-behavior.html
 */
export function createS3Client(opts: S3ClientOptions = {}): S3Client {
  return new S3Client({
    ...(opts.region ? { region: opts.region } : {}),
    maxAttempts: opts.maxAttempts ?? 3,
    retryMode: 'standard',
    ...(opts.requestHandler ? { requestHandler: opts.requestHandler } : {}),
  });
}
