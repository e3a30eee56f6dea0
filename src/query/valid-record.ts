import { and, field, isNull, not } from './ir-builders';
import type { Pred } from './ir';

/**
 * A record the gateway can serve: a parseable eventTime, a source, a name and a region. Anything
 * else is a rejected record: excluded from answers, counted by the lake census and logged.
 */
export const VALID_RECORD: Pred = and(
  not(isNull(field('eventTime'))),
  not(isNull(field('eventSource'))),
  not(isNull(field('eventName'))),
  not(isNull(field('awsRegion'))),
);
