import { DeleteObjectsCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { asPrefix, type S3Location } from './s3-url';

/** What a prefix holds: the cheap fingerprint of a raw partition (a late delivery changes it). */
export interface PrefixStats {
  readonly objects: number;
  readonly bytes: number;
}

/**
 * Counts the objects under a prefix, following ListObjectsV2's continuation tokens (at most 1000
 * keys a page). https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListObjectsV2.html
 */
export async function prefixStats(s3: S3Client, location: S3Location, signal?: AbortSignal): Promise<PrefixStats> {
  let objects = 0;
  let bytes = 0;
  for await (const key of listKeys(s3, location, signal)) {
    objects++;
    bytes += key.size;
  }
  return { objects, bytes };
}

/** The child "folders" directly under a prefix (CommonPrefixes with delimiter '/'), as their last segment. */
export async function childFolders(s3: S3Client, location: S3Location, signal?: AbortSignal): Promise<string[]> {
  const prefix = asPrefix(location);
  const out: string[] = [];
  let token: string | undefined;
  do {
    const page = await s3.send(
      new ListObjectsV2Command({ Bucket: prefix.bucket, Prefix: prefix.key, Delimiter: '/', ContinuationToken: token }),
      { abortSignal: signal },
    );
    for (const p of page.CommonPrefixes ?? []) if (p.Prefix) out.push(p.Prefix.slice(prefix.key.length).replace(/\/$/, ''));
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return out;
}

/**
 * Deletes every object under a prefix, 1000 keys a DeleteObjects call (its limit); a key S3
 * reports as not deleted fails the whole operation. Returns how many were deleted.
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_DeleteObjects.html
 */
export async function deletePrefix(s3: S3Client, location: S3Location, signal?: AbortSignal): Promise<number> {
  const prefix = asPrefix(location);
  if (prefix.key === '') throw new Error(`refusing to delete the whole bucket ${prefix.bucket}`);
  let deleted = 0;
  let batch: string[] = [];
  const flush = async () => {
    if (batch.length === 0) return;
    const out = await s3.send(
      new DeleteObjectsCommand({ Bucket: prefix.bucket, Delete: { Objects: batch.map((Key) => ({ Key })), Quiet: true } }),
      { abortSignal: signal },
    );
    const failed = out.Errors ?? [];
    if (failed.length > 0) throw new Error(`S3 did not delete ${failed.length} object(s) under s3://${prefix.bucket}/${prefix.key}: ${failed[0].Key}: ${failed[0].Code}`);
    deleted += batch.length;
    batch = [];
  };
  // Keys are collected before deleting: deleting while paging would shift the listing under us.
  const keys: string[] = [];
  for await (const key of listKeys(s3, prefix, signal)) keys.push(key.key);
  for (const key of keys) {
    batch.push(key);
    if (batch.length === 1000) await flush();
  }
  await flush();
  return deleted;
}

async function* listKeys(s3: S3Client, location: S3Location, signal?: AbortSignal): AsyncGenerator<{ key: string; size: number }> {
  const prefix = asPrefix(location);
  let token: string | undefined;
  do {
    const page = await s3.send(new ListObjectsV2Command({ Bucket: prefix.bucket, Prefix: prefix.key, ContinuationToken: token }), { abortSignal: signal });
    for (const o of page.Contents ?? []) if (o.Key) yield { key: o.Key, size: o.Size ?? 0 };
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
}
