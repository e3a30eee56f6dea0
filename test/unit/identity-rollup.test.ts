import type { EventFilterSpec } from '../../src/query/event-filter';
import { identitiesQuery, identityEventsQuery, identitySummariesQuery, identityTopValuesQuery } from '../../src/query/identity-queries';
import { matchFacetRollup, matchIdentityRollup, ROLLUP_MEASURES } from '../../src/query/identity-rollup';
import { and, count, eq, field, lit } from '../../src/query/ir-builders';
import { planPartitions } from '../../src/query/partition-planner';
import { statsQuery } from '../../src/query/stats-query';

const range = (from: string, to: string) => ({ from: new Date(from), to: new Date(to) });
const DAYS = range('2026-10-01T00:00:00Z', '2026-11-01T00:00:00Z');
const plan = planPartitions({ ...DAYS, scope: '*' });
const filter = (more: Partial<EventFilterSpec> = {}): EventFilterSpec => ({ range: DAYS, ...more });

describe('which queries the identity rollup answers', () => {
  it('merges every summary aggregate by the rule that keeps it exact', () => {
    expect(Object.fromEntries(ROLLUP_MEASURES.map((m) => [m.alias, m.merge]))).toEqual({
      identity_type: 'max', account_id: 'max', user_name: 'max', role_arn: 'max', event_count: 'sum', error_count: 'sum', first_seen: 'min', last_seen: 'max',
    });
  });

  it('answers the principal ranking over whole hours, with accounts, regions and a cursor', () => {
    const m = matchIdentityRollup(identitiesQuery(filter({ accounts: ['111111111111'], regions: ['eu-west-1'] }), plan, 25, { count: 7, key: 'arn:x' }));
    expect(m).not.toBeNull();
    expect(m!.from.toISOString()).toBe('2026-10-01T00:00:00.000Z');
    expect(m!.to.toISOString()).toBe('2026-11-01T00:00:00.000Z');
    expect(m!.edges).toEqual([]);
    expect(m!.filters.map((p) => (p.kind === 'in' && p.expr.kind === 'field' ? [p.expr.name, p.values] : null))).toEqual([
      ['account', ['111111111111']],
      ['awsRegion', ['eu-west-1']],
    ]);
    expect(matchIdentityRollup(identitiesQuery(filter({ range: range('2026-10-01T05:00:00Z', '2026-10-01T06:00:00Z') }), plan, 10, null))).not.toBeNull();
  });

  it('reads the partial hours at either end of a range from the events', () => {
    const m = matchIdentityRollup(identitiesQuery(filter({ range: range('2026-10-01T05:17:00Z', '2026-10-03T08:00:00.5Z') }), plan, 10, null))!;
    expect([m.from, m.to].map((d) => d.toISOString())).toEqual(['2026-10-01T06:00:00.000Z', '2026-10-03T08:00:00.000Z']);
    expect(m.edges.map((e) => [e.from.toISOString(), e.to.toISOString()])).toEqual([
      ['2026-10-01T05:17:00.000Z', '2026-10-01T06:00:00.000Z'],
      ['2026-10-03T08:00:00.000Z', '2026-10-03T08:00:00.500Z'],
    ]);
  });

  it('answers summaries of given principals (identity lookups)', () => {
    const m = matchIdentityRollup(identitySummariesQuery(['arn:a', 'arn:b'], DAYS, plan));
    expect(m?.filters).toHaveLength(1);
  });

  it.each<[string, EventFilterSpec]>([
    ['a range holding no whole hour', filter({ range: range('2026-10-01T00:30:00Z', '2026-10-01T01:29:00Z') })],
    ['an event-name filter', filter({ eventNames: ['AssumeRole'] })],
    ['an error filter', filter({ hasError: true })],
    ['a principal-ARN filter (a field of the record, not the key)', filter({ principalArns: ['arn:a'] })],
    ['an excluded region', filter({ excludeRegions: ['us-east-1'] })],
  ])('leaves %s to the events', (_name, f) => {
    expect(matchIdentityRollup(identitiesQuery(f, plan, 10, null))).toBeNull();
  });

  it('leaves other shapes to the events: per-principal top values, events, statistics, other aggregates', () => {
    expect(matchIdentityRollup(identityTopValuesQuery(['arn:a'], 'sourceIp', 5, filter(), plan))).toBeNull();
    expect(matchIdentityRollup(identityEventsQuery(['arn:a'], 5, filter(), plan))).toBeNull();
    expect(matchIdentityRollup(statsQuery(filter(), plan, { groupBy: [{ dimension: 'PRINCIPAL_ARN' }], interval: null, first: 10, order: 'COUNT_DESC' }))).toBeNull();
    const q = identitiesQuery(filter(), plan, 10, null);
    expect(matchIdentityRollup({ ...q, having: eq(count(eq(field('eventName'), lit('x'))), lit(1)) })).toBeNull();
    expect(matchIdentityRollup({ ...q, where: and(q.where, eq(field('eventName'), lit('x'))) })).toBeNull();
  });
});

describe('which queries the facet rollup answers', () => {
  it.each(['sourceIp', 'userAgent', 'eventName', 'awsRegion'] as const)('answers the top values of %s per principal over whole days', (f) => {
    const m = matchFacetRollup(identityTopValuesQuery(['arn:a', 'arn:b'], f, 5, filter({ accounts: ['111111111111'] }), plan));
    expect(m?.facet).toBe(f);
    expect(m!.edges).toEqual([]);
    expect(m!.filters).toHaveLength(2); // the accounts, and the principals asked for
  });

  it('reads the partial days at either end from the events', () => {
    const m = matchFacetRollup(identityTopValuesQuery(['arn:a'], 'sourceIp', 5, filter({ range: range('2026-10-01T05:00:00Z', '2026-10-04T00:00:00Z') }), plan))!;
    expect([m.from, m.to].map((d) => d.toISOString())).toEqual(['2026-10-02T00:00:00.000Z', '2026-10-04T00:00:00.000Z']);
    expect(m.edges.map((e) => [e.from.toISOString(), e.to.toISOString()])).toEqual([['2026-10-01T05:00:00.000Z', '2026-10-02T00:00:00.000Z']]);
  });

  it('leaves other fields, filters, ranges and shapes to the events', () => {
    expect(matchFacetRollup(identityTopValuesQuery(['arn:a'], 'errorCode', 5, filter(), plan))).toBeNull();
    expect(matchFacetRollup(identityTopValuesQuery(['arn:a'], 'sourceIp', 5, filter({ eventNames: ['AssumeRole'] }), plan))).toBeNull();
    expect(matchFacetRollup(identityTopValuesQuery(['arn:a'], 'sourceIp', 5, filter({ range: range('2026-10-01T05:00:00Z', '2026-10-02T04:00:00Z') }), plan))).toBeNull();
    expect(matchFacetRollup(identityEventsQuery(['arn:a'], 5, filter(), plan))).toBeNull();
    expect(matchFacetRollup(identitiesQuery(filter(), plan, 10, null))).toBeNull();
  });
});
