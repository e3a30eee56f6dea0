import { EVENT_SELECT } from './event-columns';
import type { EventFilterSpec, TimeRangeSpec } from './event-filter';
import { filterPredicate, rangePredicate } from './filter-predicate';
import type { EventSelect, OrderItem, PartitionPlan, Pred, SelectItem } from './ir';
import { and, asc, cmp, desc, eq, field, instant, lit, or, select } from './ir-builders';

export type EventOrder = 'NEWEST_FIRST' | 'OLDEST_FIRST';

/** A keyset position: (eventTime, eventId, content hash) is a total order over de-duplicated events. */
export interface EventPosition {
  readonly time: Date;
  readonly id: string;
  readonly hash: string;
}

export function eventOrder(order: EventOrder): OrderItem[] {
  const dir = order === 'NEWEST_FIRST' ? desc : asc;
  return [dir(field('eventTime')), dir(field('eventId')), dir(field('rowHash'))];
}

/** Rows strictly after `pos` in `order`. */
export function afterPosition(pos: EventPosition, order: EventOrder): Pred {
  const op = order === 'NEWEST_FIRST' ? '<' : '>';
  const t = field('eventTime');
  const id = field('eventId');
  return or(
    cmp(op, t, instant(pos.time)),
    and(eq(t, instant(pos.time)), cmp(op, id, lit(pos.id))),
    and(eq(t, instant(pos.time)), eq(id, lit(pos.id)), cmp(op, field('rowHash'), lit(pos.hash))),
  );
}

export interface EventPage {
  readonly first: number;
  readonly after: EventPosition | null;
  readonly order: EventOrder;
}

/** One page of events; it asks for one row more than the page to learn whether another follows. */
export function eventsQuery(filter: EventFilterSpec, plan: PartitionPlan, page: EventPage, extra: Pred = and()): EventSelect {
  return select({
    plan,
    where: and(filterPredicate(filter), extra, page.after ? afterPosition(page.after, page.order) : and()),
    select: EVENT_SELECT,
    orderBy: eventOrder(page.order),
    limit: page.first + 1,
  });
}

/** An event by id (curated data may reuse an id: the newest wins). */
export function eventByIdQuery(eventId: string, range: TimeRangeSpec, plan: PartitionPlan, scope: Pred = and()): EventSelect {
  return select({
    plan,
    where: and(rangePredicate(range), scope, eq(field('eventId'), lit(eventId))),
    select: EVENT_SELECT,
    orderBy: eventOrder('NEWEST_FIRST'),
    limit: 1,
  });
}

/**
 * Every event of a filter in a total order, with no page cut (exports stream it): the same
 * predicate, scope and de-duplication as eventsQuery, the columns the caller shows.
 */
export function eventExportQuery(filter: EventFilterSpec, plan: PartitionPlan, order: EventOrder, columns: readonly SelectItem[] = EVENT_SELECT): EventSelect {
  return select({ plan, where: filterPredicate(filter), select: columns, orderBy: eventOrder(order), limit: null });
}
