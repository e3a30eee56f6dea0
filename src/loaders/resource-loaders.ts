import DataLoader from 'dataloader';
import stringify from 'safe-stable-stringify';
import type { EventFilterSpec, TimeRangeSpec } from '../query/event-filter';
import { resourceEventsQuery, resourceSummariesQuery, resourceTopPrincipalsQuery } from '../query/resource-queries';
import { mapEvent } from '../mapping/event.mapper';
import { mapCountedValue } from '../mapping/identity.mapper';
import { mapResource } from '../mapping/resource.mapper';
import { str } from '../mapping/row-values';
import type { CountedValueView, ResourceView } from '../mapping/views';
import type { EventNode } from '../services/event.service';
import type { QueryLimits } from '../services/limits';
import { planFor } from '../services/plan-for';
import type { QueryRunner } from '../services/query-runner';
import { groupBy, groupedBatch } from './grouped-batch';

/** Largest resource list one batched engine query carries. */
const MAX_BATCH = 200;

export interface ResourceSummaryKey {
  readonly arn: string;
  readonly range: TimeRangeSpec;
}
export interface ResourceNestedKey {
  readonly arn: string;
  readonly first: number;
  readonly filter: EventFilterSpec;
}

const keyOf = (k: unknown) => stringify(k) ?? '';

/** Per-request loaders for resource() and the nested Resource fields: one engine query per field per tick. */
export function createResourceLoaders(runner: QueryRunner, limits: QueryLimits) {
  const summary = new DataLoader<ResourceSummaryKey, ResourceView | null, string>(
    (keys) =>
      groupedBatch(
        keys,
        (k) => keyOf(k.range),
        async (group) => {
          const arns = [...new Set(group.map((k) => k.arn))];
          const rows = await runner.rows(resourceSummariesQuery(arns, group[0].range, planFor({ range: group[0].range }, limits, runner.principal)));
          const byArn = new Map(rows.map((r) => [str(r.resource_arn), mapResource(r)]));
          return new Map(group.map((k) => [k, byArn.get(k.arn) ?? null]));
        },
        null,
      ),
    { cacheKeyFn: keyOf, maxBatchSize: MAX_BATCH },
  );

  const topPrincipals = new DataLoader<ResourceNestedKey, CountedValueView[], string>(
    (keys) =>
      groupedBatch(
        keys,
        (k) => keyOf([k.first, k.filter]),
        async (group) => {
          const { first, filter } = group[0];
          const arns = [...new Set(group.map((k) => k.arn))];
          const rows = await runner.rows(resourceTopPrincipalsQuery(arns, first, filter, planFor(filter, limits, runner.principal)));
          const byArn = groupBy(rows, (r) => str(r.resource_arn) ?? '');
          return new Map(group.map((k) => [k, (byArn.get(k.arn) ?? []).map(mapCountedValue)]));
        },
        [],
      ),
    { cacheKeyFn: keyOf, maxBatchSize: MAX_BATCH },
  );

  const events = new DataLoader<ResourceNestedKey, EventNode[], string>(
    (keys) =>
      groupedBatch(
        keys,
        (k) => keyOf([k.first, k.filter]),
        async (group) => {
          const { first, filter } = group[0];
          const arns = [...new Set(group.map((k) => k.arn))];
          const rows = await runner.rows(resourceEventsQuery(arns, first, filter, planFor(filter, limits, runner.principal)));
          const byArn = groupBy(rows, (r) => str(r.resource_arn) ?? '');
          return new Map(group.map((k) => [k, (byArn.get(k.arn) ?? []).map((r) => ({ ...mapEvent(r), range: filter.range }))]));
        },
        [],
      ),
    { cacheKeyFn: keyOf, maxBatchSize: MAX_BATCH },
  );

  return { summary, topPrincipals, events };
}

export type ResourceLoaders = ReturnType<typeof createResourceLoaders>;
