import type { EventFilterSpec, TimeRangeSpec } from '../query/event-filter';
import { eventsQuery } from '../query/event-queries';
import { anyResourceArn } from '../query/ir-builders';
import { resourcesQuery, type ResourcePosition } from '../query/resource-queries';
import { toConnection } from '../mapping/connection';
import { CursorCodec } from '../mapping/cursor';
import { mapEvent } from '../mapping/event.mapper';
import { mapResource } from '../mapping/resource.mapper';
import type { ConnectionView, CountedValueView, ResourceView } from '../mapping/views';
import type { ResourceLoaders } from '../loaders/resource-loaders';
import type { EventNode, EventService } from './event.service';
import { checkFirst, checkRange, type QueryLimits } from './limits';
import { planFor } from './plan-for';
import type { QueryRunner } from './query-runner';

/** A resource as served: its summary plus the filter its nested fields are computed under. */
export type ResourceNode = ResourceView & { readonly filter: EventFilterSpec };

const isResourcePosition = (p: unknown): p is { c: number; a: string } =>
  typeof p === 'object' && p !== null && Number.isSafeInteger((p as { c?: unknown }).c) && typeof (p as { a?: unknown }).a === 'string';

/** Resources named in resources[] (ARN, or ARNPrefix when an entry has no ARN): rankings, summaries, nested fields. */
export class ResourceService {
  constructor(
    private readonly limits: QueryLimits,
    private readonly cursors: CursorCodec,
    private readonly events: EventService,
  ) {}

  async list(runner: QueryRunner, filter: EventFilterSpec, args: { first: number; after?: string | null }): Promise<ConnectionView<ResourceNode>> {
    checkRange(filter.range, this.limits, runner.principal);
    checkFirst(args.first, this.limits);
    const fp = CursorCodec.fingerprint(runner.principal, 'resources', filter);
    const p = args.after == null ? null : this.cursors.decode(args.after, 'resource', fp, isResourcePosition);
    const after: ResourcePosition | null = p ? { count: p.c, arn: p.a } : null;
    const rows = await runner.rows(resourcesQuery(filter, planFor(filter, this.limits, runner.principal), args.first, after));
    const nodes = rows.map((r) => ({ ...mapResource(r), filter }));
    return toConnection(nodes, args.first, (n) => this.cursors.encode('resource', fp, { c: n.eventCount, a: n.arn }));
  }

  async get(runner: QueryRunner, loaders: ResourceLoaders, arn: string, range: TimeRangeSpec): Promise<ResourceNode | null> {
    checkRange(range, this.limits, runner.principal);
    const view = await loaders.summary.load({ arn, range });
    return view ? { ...view, filter: { range } } : null;
  }

  async topPrincipals(loaders: ResourceLoaders, resource: ResourceNode, first: number): Promise<CountedValueView[]> {
    checkFirst(first, this.limits);
    return loaders.topPrincipals.load({ arn: resource.arn, first, filter: resource.filter });
  }

  async eventsOf(
    runner: QueryRunner,
    loaders: ResourceLoaders,
    resource: ResourceNode,
    args: { first: number; after?: string | null },
  ): Promise<ConnectionView<EventNode>> {
    checkFirst(args.first, this.limits);
    const fp = CursorCodec.fingerprint(runner.principal, 'resource-events', resource.arn, resource.filter);
    const after = this.events.decodePosition(args.after, fp);
    const cursorOf = (n: EventNode) => this.events.encodePosition(n.position, fp);
    if (!after) {
      // First pages of many resources batch into one engine query.
      const nodes = await loaders.events.load({ arn: resource.arn, first: args.first, filter: resource.filter });
      return toConnection(nodes, args.first, cursorOf);
    }
    const q = eventsQuery(resource.filter, planFor(resource.filter, this.limits, runner.principal), { first: args.first, after, order: 'NEWEST_FIRST' }, anyResourceArn([resource.arn]));
    const rows = await runner.rows(q);
    return toConnection(rows.map((r) => ({ ...mapEvent(r), range: resource.filter.range })), args.first, cursorOf);
  }
}
