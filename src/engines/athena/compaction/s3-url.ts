/** An S3 object or prefix. `key` is '' for a bucket's root; a prefix ends with '/'. */
export interface S3Location {
  readonly bucket: string;
  readonly key: string;
}

// https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html
const S3_URL = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(?:\/(.*))?$/;

/** Parses `s3://bucket/key...`; throws a RangeError naming the setting for anything else. */
export function parseS3Url(url: string, what = 'S3 location'): S3Location {
  const m = S3_URL.exec(url);
  if (!m) throw new RangeError(`${what} must be an s3://bucket/key URL (got ${url})`);
  return Object.freeze({ bucket: m[1], key: m[2] ?? '' });
}

/** The location as a prefix (a trailing '/'), for listing what is under it. */
export function asPrefix(loc: S3Location): S3Location {
  return loc.key === '' || loc.key.endsWith('/') ? loc : { bucket: loc.bucket, key: `${loc.key}/` };
}

export const s3Url = (loc: S3Location): string => `s3://${loc.bucket}/${loc.key}`;
