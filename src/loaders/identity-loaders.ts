import DataLoader from 'dataloader';
import stringify from 'safe-stable-stringify';
import type { EventFilterSpec, TimeRangeSpec } from '../query/event-filter';
import type { FieldName } from '../query/fields';
import { identityEventsQuery, identitySummariesQuery, identityTopValuesQuery } from '../query/identity-queries';
import { mapEvent } from '../mapping/event.mapper';
import { mapCountedValue, mapIdentity } from '../mapping/identity.mapper';
import { str } from '../mapping/row-values';
import type { CountedValueView, IdentityView } from '../mapping/views';
import type { EventNode } from '../services/event.service';
import type { QueryLimits } from '../services/limits';
import { planFor } from '../services/plan-for';
import type { QueryRunner } from '../services/query-runner';
import { groupBy, groupedBatch } from './grouped-batch';

/** Largest key list one batched engine query carries. */
const MAX_BATCH = 200;

export interface SummaryKey {
  readonly arn: string;
  readonly range: TimeRangeSpec;
}
export interface TopValuesKey {
  readonly arn: string;
  readonly field: FieldName;
  readonly first: number;
  readonly filter: EventFilterSpec;
}
export interface EventsKey {
  readonly arn: string;
  readonly first: number;
  readonly filter: EventFilterSpec;
}

const keyOf = (k: unknown) => stringify(k) ?? '';

/** Per-request identity loaders: one engine query per nested field per tick, whatever the page size. */
export function createIdentityLoaders(runner: QueryRunner, limits: QueryLimits) {
  const summary = new DataLoader<SummaryKey, IdentityView | null, string>(
    (keys) =>
      groupedBatch(
        keys,
        (k) => keyOf(k.range),
        async (group) => {
          const arns = [...new Set(group.map((k) => k.arn))];
          const rows = await runner.rows(identitySummariesQuery(arns, group[0].range, planFor({ range: group[0].range }, limits, runner.principal)));
          const byArn = new Map(rows.map((r) => [str(r.identity_key), mapIdentity(r)]));
          return new Map(group.map((k) => [k, byArn.get(k.arn) ?? null]));
        },
        null,
      ),
    { cacheKeyFn: keyOf, maxBatchSize: MAX_BATCH },
  );

  const topValues = new DataLoader<TopValuesKey, CountedValueView[], string>(
    (keys) =>
      groupedBatch(
        keys,
        (k) => keyOf([k.field, k.first, k.filter]),
        async (group) => {
          const { field, first, filter } = group[0];
          const arns = [...new Set(group.map((k) => k.arn))];
          const rows = await runner.rows(identityTopValuesQuery(arns, field, first, filter, planFor(filter, limits, runner.principal)));
          const byArn = groupBy(rows, (r) => str(r.identity_key) ?? '');
          return new Map(group.map((k) => [k, (byArn.get(k.arn) ?? []).map(mapCountedValue)]));
        },
        [],
      ),
    { cacheKeyFn: keyOf, maxBatchSize: MAX_BATCH },
  );

  const events = new DataLoader<EventsKey, EventNode[], string>(
    (keys) =>
      groupedBatch(
        keys,
        (k) => keyOf([k.first, k.filter]),
        async (group) => {
          const { first, filter } = group[0];
          const arns = [...new Set(group.map((k) => k.arn))];
          const rows = await runner.rows(identityEventsQuery(arns, first, filter, planFor(filter, limits, runner.principal)));
          const byArn = groupBy(
            rows.map((r): EventNode => ({ ...mapEvent(r), range: filter.range })),
            (node) => node.identityKey,
          );
          return new Map(group.map((k) => [k, byArn.get(k.arn) ?? []]));
        },
        [],
      ),
    { cacheKeyFn: keyOf, maxBatchSize: MAX_BATCH },
  );

  return { summary, topValues, events };
}
