import type { EventFilterSpec, TimeRangeSpec } from '../query/event-filter';
import { eventsQuery } from '../query/event-queries';
import type { FieldName } from '../query/fields';
import { identitiesQuery, type IdentityPosition } from '../query/identity-queries';
import { eq, field, lit } from '../query/ir-builders';
import { toConnection } from '../mapping/connection';
import { CursorCodec } from '../mapping/cursor';
import { mapEvent } from '../mapping/event.mapper';
import { mapIdentity } from '../mapping/identity.mapper';
import type { ConnectionView, CountedValueView, IdentityView } from '../mapping/views';
import type { RequestLoaders } from '../loaders/request-loaders';
import type { EventNode, EventService } from './event.service';
import { checkFirst, checkRange, type QueryLimits } from './limits';
import { planFor } from './plan-for';
import type { QueryRunner } from './query-runner';

/** An identity as served: its summary plus the filter its nested fields are computed under. */
export type IdentityNode = IdentityView & { readonly filter: EventFilterSpec };

const isIdentityPosition = (p: unknown): p is { c: number; k: string } =>
  typeof p === 'object' && p !== null && Number.isSafeInteger((p as { c?: unknown }).c) && typeof (p as { k?: unknown }).k === 'string';

export type CountedField = 'sourceIps' | 'userAgents' | 'topEvents' | 'regions';
const COUNTED_FIELD = {
  sourceIps: 'sourceIp',
  userAgents: 'userAgent',
  topEvents: 'eventName',
  regions: 'awsRegion',
} as const satisfies Record<CountedField, FieldName>;

/** Regions are listed whole (there are few); this caps the list. */
const MAX_REGIONS = 100;

export class IdentityService {
  constructor(
    private readonly limits: QueryLimits,
    private readonly cursors: CursorCodec,
    private readonly events: EventService,
  ) {}

  async list(runner: QueryRunner, filter: EventFilterSpec, args: { first: number; after?: string | null }): Promise<ConnectionView<IdentityNode>> {
    checkRange(filter.range, this.limits, runner.principal);
    checkFirst(args.first, this.limits);
    const fp = CursorCodec.fingerprint(runner.principal, 'identities', filter);
    const p = args.after == null ? null : this.cursors.decode(args.after, 'identity', fp, isIdentityPosition);
    const after: IdentityPosition | null = p ? { count: p.c, key: p.k } : null;
    const rows = await runner.rows(identitiesQuery(filter, planFor(filter, this.limits, runner.principal), args.first, after));
    const nodes = rows.map((r) => ({ ...mapIdentity(r), filter }));
    return toConnection(nodes, args.first, (n) => this.cursors.encode('identity', fp, { c: n.eventCount, k: n.arn }));
  }

  async get(runner: QueryRunner, loaders: RequestLoaders, arn: string, range: TimeRangeSpec): Promise<IdentityNode | null> {
    checkRange(range, this.limits, runner.principal);
    const view = await loaders.summary.load({ arn, range });
    return view ? { ...view, filter: { range } } : null;
  }

  async counted(loaders: RequestLoaders, identity: IdentityNode, what: CountedField, first: number): Promise<CountedValueView[]> {
    checkFirst(first, this.limits, what);
    return loaders.topValues.load({ arn: identity.arn, field: COUNTED_FIELD[what], first, filter: identity.filter });
  }

  async regions(loaders: RequestLoaders, identity: IdentityNode): Promise<string[]> {
    const values = await loaders.topValues.load({ arn: identity.arn, field: 'awsRegion', first: MAX_REGIONS, filter: identity.filter });
    return values.flatMap((v) => (v.value === null ? [] : [v.value])).sort();
  }

  /** Principals whose AssumeRole* calls issued the sessions of a role-session principal (RoleChainService). */
  async assumedBy(loaders: RequestLoaders, identity: IdentityNode, first: number): Promise<CountedValueView[]> {
    checkFirst(first, this.limits);
    const chain = await loaders.roleChains.load({ arn: identity.arn, range: identity.filter.range });
    return chain.assumedBy.slice(0, first);
  }

  /** The principal at the start of a role session's chain (RoleChainService); null for other principals. */
  async sourcePrincipal(loaders: RequestLoaders, identity: IdentityNode): Promise<string | null> {
    return (await loaders.roleChains.load({ arn: identity.arn, range: identity.filter.range })).sourcePrincipal;
  }

  async eventsOf(
    runner: QueryRunner,
    loaders: RequestLoaders,
    identity: IdentityNode,
    args: { first: number; after?: string | null },
  ): Promise<ConnectionView<EventNode>> {
    checkFirst(args.first, this.limits);
    const fp = CursorCodec.fingerprint(runner.principal, 'identity-events', identity.arn, identity.filter);
    const after = this.events.decodePosition(args.after, fp);
    const cursorOf = (n: EventNode) => this.events.encodePosition(n.position, fp);
    if (!after) {
      // First pages of many identities batch into one engine query.
      const nodes = await loaders.events.load({ arn: identity.arn, first: args.first, filter: identity.filter });
      return toConnection(nodes, args.first, cursorOf);
    }
    const q = eventsQuery(identity.filter, planFor(identity.filter, this.limits, runner.principal), { first: args.first, after, order: 'NEWEST_FIRST' }, eq(field('identityKey'), lit(identity.arn)));
    const rows = await runner.rows(q);
    return toConnection(rows.map((r) => ({ ...mapEvent(r), range: identity.filter.range })), args.first, cursorOf);
  }
}
