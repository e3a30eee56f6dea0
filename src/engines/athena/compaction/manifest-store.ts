import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { emptyManifest, manifestText, parseManifest, type CompactionManifest, ManifestError } from './compaction-manifest';
import { s3Url, type S3Location } from './s3-url';

/** A manifest as read, with the ETag a conditional write compares against (null: no object yet). */
export interface ReadManifest {
  readonly manifest: CompactionManifest;
  readonly etag: string | null;
}

const CONFLICT_RETRIES = 5;
const errorName = (e: unknown) => (e as { name?: string })?.name ?? '';
const httpStatus = (e: unknown) => (e as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode;

/** Reads the manifest object; a missing object is an empty manifest (nothing compacted yet). */
export async function readManifest(s3: S3Client, at: S3Location, tables: { raw: string; parquet: string }, signal?: AbortSignal): Promise<ReadManifest> {
  try {
    const out = await s3.send(new GetObjectCommand({ Bucket: at.bucket, Key: at.key }), { abortSignal: signal });
    const text = (await out.Body?.transformToString('utf-8')) ?? '';
    return { manifest: parseManifest(text, s3Url(at)), etag: out.ETag ?? null };
  } catch (e) {
    if (errorName(e) === 'NoSuchKey' || httpStatus(e) === 404) return { manifest: emptyManifest(tables.raw, tables.parquet), etag: null };
    throw e;
  }
}

/**
 * Applies `change` to the stored manifest with a conditional write: If-Match the ETag read (or
 * If-None-Match * when there was no object), so a concurrent writer's update is never lost; on
 * 412 (changed meanwhile) or 409 (a conflicting write in flight) it reads again and re-applies.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/conditional-writes.html
 */
export async function updateManifest(
  s3: S3Client,
  at: S3Location,
  tables: { raw: string; parquet: string },
  change: (m: CompactionManifest) => CompactionManifest,
  signal?: AbortSignal,
): Promise<CompactionManifest> {
  for (let attempt = 0; ; attempt++) {
    const { manifest, etag } = await readManifest(s3, at, tables, signal);
    checkTables(manifest, tables, at);
    const next = change(manifest);
    try {
      await s3.send(
        new PutObjectCommand({
          Bucket: at.bucket,
          Key: at.key,
          Body: manifestText(next),
          ContentType: 'application/json',
          ...(etag ? { IfMatch: etag } : { IfNoneMatch: '*' }),
        }),
        { abortSignal: signal },
      );
      return next;
    } catch (e) {
      const status = httpStatus(e);
      const conflict = status === 412 || status === 409 || errorName(e) === 'PreconditionFailed' || errorName(e) === 'ConditionalRequestConflict';
      if (!conflict || attempt >= CONFLICT_RETRIES) throw e;
    }
  }
}

/** A manifest kept for other tables must not be mixed with this pair's days. */
export function checkTables(m: CompactionManifest, tables: { raw: string; parquet: string }, at: S3Location): void {
  if (m.raw !== tables.raw || m.parquet !== tables.parquet) {
    throw new ManifestError(`${s3Url(at)} records compaction of ${m.raw} into ${m.parquet}, not of ${tables.raw} into ${tables.parquet}`);
  }
}
