import type { TimeRangeSpec, EventFilterSpec } from '../query/event-filter';
import { eventByIdQuery, eventsQuery, type EventOrder, type EventPosition } from '../query/event-queries';
import { toConnection } from '../mapping/connection';
import { CursorCodec } from '../mapping/cursor';
import { mapEvent } from '../mapping/event.mapper';
import type { ConnectionView, EventView } from '../mapping/views';
import { checkFirst, checkRange, type QueryLimits } from './limits';
import { planFor } from './plan-for';
import type { QueryRunner } from './query-runner';

/** An event as served: its view plus the range it was queried over (Event.identity uses it). */
export type EventNode = EventView & { readonly range: TimeRangeSpec };

export const isEventPosition = (p: unknown): p is { t: string; i: string; h: string } =>
  typeof p === 'object' && p !== null && typeof (p as { t?: unknown }).t === 'string' &&
  !Number.isNaN(Date.parse((p as { t: string }).t)) && typeof (p as { i?: unknown }).i === 'string' && typeof (p as { h?: unknown }).h === 'string';

export class EventService {
  constructor(
    private readonly limits: QueryLimits,
    private readonly cursors: CursorCodec,
  ) {}

  /** Cursor helpers shared with the identity service (Identity.events pages). */
  decodePosition(after: string | null | undefined, fingerprint: string): EventPosition | null {
    if (after == null) return null;
    const p = this.cursors.decode(after, 'event', fingerprint, isEventPosition);
    return { time: new Date(p.t), id: p.i, hash: p.h };
  }

  encodePosition(pos: EventPosition, fingerprint: string): string {
    return this.cursors.encode('event', fingerprint, { t: pos.time.toISOString(), i: pos.id, h: pos.hash });
  }

  async list(
    runner: QueryRunner,
    filter: EventFilterSpec,
    args: { first: number; after?: string | null; order: EventOrder },
  ): Promise<ConnectionView<EventNode>> {
    checkRange(filter.range, this.limits, runner.principal);
    checkFirst(args.first, this.limits);
    const fp = CursorCodec.fingerprint(runner.principal, 'events', filter, args.order);
    const after = this.decodePosition(args.after, fp);
    const rows = await runner.rows(eventsQuery(filter, planFor(filter, this.limits, runner.principal), { first: args.first, after, order: args.order }));
    const nodes = rows.map((r) => ({ ...mapEvent(r), range: filter.range }));
    return toConnection(nodes, args.first, (n) => this.encodePosition(n.position, fp));
  }

  async get(runner: QueryRunner, eventId: string, range: TimeRangeSpec): Promise<EventNode | null> {
    checkRange(range, this.limits, runner.principal);
    const rows = await runner.rows(eventByIdQuery(eventId, range, planFor({ range }, this.limits, runner.principal)));
    return rows.length ? { ...mapEvent(rows[0]), range } : null;
  }
}
