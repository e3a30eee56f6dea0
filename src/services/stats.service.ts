import type { EventFilterSpec } from '../query/event-filter';
import { statsQuery, type StatsSpec } from '../query/stats-query';
import { mapStatsRow } from '../mapping/identity.mapper';
import { int } from '../mapping/row-values';
import type { StatsRowView } from '../mapping/views';
import { checkFirst, checkRange, type QueryLimits } from './limits';
import { planFor } from './plan-for';
import type { QueryRunner } from './query-runner';

export interface StatsView {
  readonly rows: readonly StatsRowView[];
  readonly totalEvents: number;
}

export class StatsService {
  constructor(private readonly limits: QueryLimits) {}

  async stats(runner: QueryRunner, filter: EventFilterSpec, spec: StatsSpec): Promise<StatsView> {
    checkRange(filter.range, this.limits, runner.principal);
    checkFirst(spec.first, this.limits);
    const rows = await runner.rows(statsQuery(filter, planFor(filter, this.limits, runner.principal), spec));
    return {
      rows: rows.map((r) => mapStatsRow(r, spec.groupBy.length)),
      totalEvents: rows.length ? int(rows[0].total_events) : 0,
    };
  }
}
