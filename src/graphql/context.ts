import type { Principal } from '../domain/principal';
import type { RequestLoaders } from '../loaders/request-loaders';
import type { EventService } from '../services/event.service';
import type { IdentityService } from '../services/identity.service';
import type { LakeService } from '../services/lake.service';
import type { QueryRunner } from '../services/query-runner';
import type { ResourceService } from '../services/resource.service';
import type { StatsService } from '../services/stats.service';

export interface Services {
  readonly events: EventService;
  readonly stats: StatsService;
  readonly identities: IdentityService;
  readonly resources: ResourceService;
  readonly lake: LakeService;
}

/** Per-request context: the request id, a query runner (cost facts), loaders, the services. */
export interface GraphQLContext {
  readonly requestId: string;
  readonly runner: QueryRunner;
  readonly loaders: RequestLoaders;
  readonly services: Services;
  /** who the request runs as: its scope and budgets reach every query through the runner */
  readonly principal: Principal;
  /** set by the persisted plugin when the request is a catalogue operation (its name) */
  readonly catalogue: { operation: string | null };
}
