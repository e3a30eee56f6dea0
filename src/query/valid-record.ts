import { field, isNull, not, or } from './ir-builders';
import type { Pred } from './ir';

/**
 * A record the gateway can serve: a parseable eventTime, a source, a name and a region. Anything
 * else is a rejected record: excluded from answers, counted by the lake census and logged.
 *
 * Written as one test, NOT (… IS NULL OR …), rather than four ANDed ones: DuckDB pushed a test of
 * a single field (awsRegion) below the projection that parses each record's JSON, parsing every
 * record a second time there (seen in EXPLAIN; ~12% of a raw scan). The DuckDB compiler now keeps
 * a raw read's whole test as one expression (rawRecordTest in duckdb-compiler.ts), which covers
 * this too; the two forms accept the same records in every dialect.
 */
export const VALID_RECORD: Pred = not(
  or(isNull(field('eventTime')), isNull(field('eventSource')), isNull(field('eventName')), isNull(field('awsRegion'))),
);
