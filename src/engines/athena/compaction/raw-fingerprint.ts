import type { S3Client } from '@aws-sdk/client-s3';
import type { RawPair } from './raw-source';
import { prefixStats, type PrefixStats } from './s3-prefix';

export interface DayFingerprint {
  /** the day's raw objects and bytes; null when a partition's folder is unknown */
  readonly source: PrefixStats | null;
  /** the partitions holding objects (all of them when the folders are unknown) */
  readonly nonEmpty: readonly RawPair[];
}

/**
 * Lists each raw partition folder of a delivery day: the totals are the day's fingerprint (a late
 * delivery changes it), and empty partitions need no statement.
 */
export async function fingerprintDay(s3: S3Client, pairs: readonly RawPair[], concurrency: number, signal?: AbortSignal): Promise<DayFingerprint> {
  if (pairs.some((p) => p.folder === null)) return { source: null, nonEmpty: pairs };
  const stats = await mapLimit(pairs, concurrency, (p) => prefixStats(s3, p.folder!, signal));
  return {
    source: stats.reduce((a, s) => ({ objects: a.objects + s.objects, bytes: a.bytes + s.bytes }), { objects: 0, bytes: 0 }),
    nonEmpty: pairs.filter((_, i) => stats[i].objects > 0),
  };
}

export const sameSource = (a: PrefixStats | null, b: PrefixStats | null): boolean => !!a && !!b && a.objects === b.objects && a.bytes === b.bytes;

/** `f` over `items` with at most `limit` calls in flight; results in input order. */
async function mapLimit<T, R>(items: readonly T[], limit: number, f: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await f(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(Math.max(1, limit), items.length) }, worker));
  return out;
}
