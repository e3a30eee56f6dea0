import { cmpNullableText, topCounted, type RefEvent } from '../support/reference-lake';

/**
 * Resources recomputed in plain TypeScript over the parsed records (no SQL, nothing from src/):
 * every entry of resources[] names a resource by its ARN, or by its ARNPrefix when it has no ARN;
 * a resource's events are the distinct events naming it.
 */
export interface RefResource {
  arn: string;
  type: string | null;
  accountId: string | null;
  eventCount: number;
  firstSeen: string;
  lastSeen: string;
}

const text = (v: unknown): string | null => (v === null || v === undefined ? null : typeof v === 'string' ? v : String(v));
const nonEmpty = (v: unknown): string | null => {
  const s = text(v);
  return s === '' ? null : s;
};
const maxOf = (vals: Array<string | null>): string | null =>
  vals.filter((x): x is string => x !== null).reduce<string | null>((m, x) => (m === null || x > m ? x : m), null);

interface Entry {
  readonly arn: string;
  readonly type: string | null;
  readonly accountId: string | null;
}

/** The resources an event names. */
export function entriesOf(e: RefEvent): Entry[] {
  const list = Array.isArray(e.raw.resources) ? e.raw.resources : [];
  return list.flatMap((r: any) => {
    if (!r || typeof r !== 'object') return [];
    const arn = nonEmpty(r.ARN) ?? nonEmpty(r.ARNPrefix);
    return arn ? [{ arn, type: text(r.type), accountId: text(r.accountId) }] : [];
  });
}

export interface ResourceIndex {
  /** (eventCount desc, arn asc) */
  readonly ranked: RefResource[];
  readonly byArn: Map<string, RefResource & { events: RefEvent[] }>;
}

/** Resources named by `events` (only those in `only`, when given). */
export function resourceIndex(events: readonly RefEvent[], only?: readonly string[]): ResourceIndex {
  const acc = new Map<string, { entries: Entry[]; events: Set<RefEvent> }>();
  for (const e of events) {
    for (const en of entriesOf(e)) {
      if (only && !only.includes(en.arn)) continue;
      const a = acc.get(en.arn) ?? { entries: [], events: new Set<RefEvent>() };
      a.entries.push(en);
      a.events.add(e);
      acc.set(en.arn, a);
    }
  }
  const byArn = new Map<string, RefResource & { events: RefEvent[] }>();
  for (const [arn, a] of acc) {
    const evs = [...a.events];
    const times = evs.map((e) => e.time);
    byArn.set(arn, {
      arn,
      type: maxOf(a.entries.map((x) => x.type)),
      accountId: maxOf(a.entries.map((x) => x.accountId)),
      eventCount: evs.length,
      firstSeen: new Date(Math.min(...times)).toISOString(),
      lastSeen: new Date(Math.max(...times)).toISOString(),
      events: evs,
    });
  }
  const ranked = [...byArn.values()]
    .map(({ events: _e, ...r }) => r)
    .sort((a, b) => b.eventCount - a.eventCount || (a.arn < b.arn ? -1 : a.arn > b.arn ? 1 : 0));
  return { ranked, byArn };
}

/** A resource's top principals: identity keys by events, count desc then value asc. */
export const topPrincipalsOf = (events: readonly RefEvent[], first: number) => topCounted(events.map((e) => e.identityKey), first);

/** A resource's newest events (eventTime desc, then eventId desc). */
export const newestOf = (events: readonly RefEvent[], first: number) =>
  [...events].sort((a, b) => b.time - a.time || cmpNullableText(b.eventId, a.eventId)).slice(0, first);
