import { addDays, daysBetween, isDay } from '../../../domain/utc-day';
import { CompactionError } from './compaction-error';
import type { CompactionManifest } from './compaction-manifest';
import { sameSource } from './raw-fingerprint';
import type { PrefixStats } from './s3-prefix';

/**
 * The delivery days a run covers: [from, to], `to` before today (UTC) because a day's folder
 * receives files until the day ends. Defaults: from the raw table's first projected day, to
 * yesterday.
 */
export function dayRange(from: string | undefined, to: string | undefined, firstDay: string | null, today: string): string[] {
  const last = to ?? addDays(today, -1);
  const first = from ?? firstDay;
  if (!first) throw new CompactionError('the raw table states no first day (no projected range): give the first delivery day to compact (--from)');
  for (const [name, d] of [['from', first], ['to', last]] as const) if (!isDay(d)) throw new CompactionError(`--${name} must be a YYYY-MM-DD day (got ${d})`);
  if (last >= today) throw new CompactionError(`--to ${last} is not over yet: a delivery day can be compacted from the day after (today is ${today} UTC)`);
  if (first > last) throw new CompactionError(`--from ${first} is after --to ${last}`);
  return daysBetween(first, last);
}

export interface DayPlan {
  /** days to compact now, in order */
  readonly work: readonly string[];
  /** recorded days to remove from the manifest before their output is dropped (forced or changed) */
  readonly unrecord: readonly string[];
  readonly unchanged: readonly string[];
  readonly skipped: readonly string[];
}

/**
 * What to do with each day: compact what the manifest does not record; with `force`, everything;
 * a recorded day on or after `recheckFrom` whose raw objects no longer match its fingerprint is
 * compacted again (a late delivery); any other recorded day is skipped without a call.
 */
export async function planDays(
  days: readonly string[],
  manifest: CompactionManifest,
  opts: { readonly force: boolean; readonly recheckFrom: string; readonly fingerprint: (day: string) => Promise<PrefixStats | null> },
): Promise<DayPlan> {
  const work: string[] = [];
  const unrecord: string[] = [];
  const unchanged: string[] = [];
  const skipped: string[] = [];
  for (const day of days) {
    const recorded = manifest.days[day];
    if (!recorded) work.push(day);
    else if (opts.force) work.push(day), unrecord.push(day);
    else if (day >= opts.recheckFrom && recorded.source) {
      if (sameSource(await opts.fingerprint(day), recorded.source)) unchanged.push(day);
      else work.push(day), unrecord.push(day);
    } else skipped.push(day);
  }
  return { work, unrecord, unchanged, skipped };
}
