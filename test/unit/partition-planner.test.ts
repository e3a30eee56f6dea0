import { planPartitions, selectPartitions, type PartitionRef } from '../../src/query/partition-planner';

const at = (iso: string) => new Date(iso);

describe('planPartitions', () => {
  it('reads the day of a range within one day and the next day (delivery lag)', () => {
    expect(planPartitions({ scope: '*', from: at('2024-03-05T10:00:00Z'), to: at('2024-03-05T11:00:00Z') })).toEqual({
      kind: 'partitions',
      firstDay: '2024-03-05',
      lastDay: '2024-03-06',
      scope: '*',
      accounts: null,
      regions: null,
    });
  });

  it('pads a whole-day range ending exactly at midnight by one day only (its last instant is to - 1 ms)', () => {
    const plan = planPartitions({ scope: '*', from: at('2024-03-05T00:00:00Z'), to: at('2024-03-06T00:00:00Z') });
    expect([plan.firstDay, plan.lastDay]).toEqual(['2024-03-05', '2024-03-06']);
  });

  it('reaches the day after the day of `to` when the range ends one millisecond past midnight', () => {
    const plan = planPartitions({ scope: '*', from: at('2024-03-05T00:00:00Z'), to: at('2024-03-06T00:00:00.001Z') });
    expect([plan.firstDay, plan.lastDay]).toEqual(['2024-03-05', '2024-03-07']);
  });

  it('covers every day of a multi-day range across a month and a year boundary', () => {
    expect(planPartitions({ scope: '*', from: at('2024-02-27T23:59:00Z'), to: at('2024-03-02T08:00:00Z') })).toMatchObject({
      firstDay: '2024-02-27',
      lastDay: '2024-03-03',
    });
    expect(planPartitions({ scope: '*', from: at('2023-12-31T12:00:00Z'), to: at('2024-01-01T00:00:00Z') })).toMatchObject({
      firstDay: '2023-12-31',
      lastDay: '2024-01-01',
    });
    // 2024 is a leap year
    expect(planPartitions({ scope: '*', from: at('2024-02-28T00:00:00Z'), to: at('2024-02-29T12:00:00Z') })).toMatchObject({
      firstDay: '2024-02-28',
      lastDay: '2024-03-01',
    });
  });

  it('uses UTC days whatever offset the instants were written with', () => {
    const plan = planPartitions({ scope: '*', from: at('2024-03-05T01:00:00+02:00'), to: at('2024-03-05T02:00:00+02:00') });
    expect([plan.firstDay, plan.lastDay]).toEqual(['2024-03-04', '2024-03-05']);
  });

  it('pads by lagDays after the last day (0 reads only the range, 3 reads three more days)', () => {
    const from = at('2024-03-05T10:00:00Z');
    const to = at('2024-03-06T10:00:00Z');
    expect(planPartitions({ scope: '*', from, to, lagDays: 0 })).toMatchObject({ firstDay: '2024-03-05', lastDay: '2024-03-06' });
    expect(planPartitions({ scope: '*', from, to, lagDays: 3 })).toMatchObject({ firstDay: '2024-03-05', lastDay: '2024-03-09' });
  });

  it('de-duplicates and sorts the accounts', () => {
    const plan = planPartitions({
      scope: '*',
      from: at('2024-03-05T10:00:00Z'),
      to: at('2024-03-05T11:00:00Z'),
      accounts: ['444455556666', '111122223333', '444455556666'],
    });
    expect(plan.accounts).toEqual(['111122223333', '444455556666']);
    expect(plan.regions).toBeNull();
  });

  it('adds us-east-1 to a region filter (global services record there) and keeps the list sorted and unique', () => {
    const base = { from: at('2024-03-05T10:00:00Z'), to: at('2024-03-05T11:00:00Z') };
    expect(planPartitions({ scope: '*', ...base, regions: ['eu-west-1'] }).regions).toEqual(['eu-west-1', 'us-east-1']);
    expect(planPartitions({ scope: '*', ...base, regions: ['us-west-2', 'ap-south-1', 'us-west-2'] }).regions).toEqual([
      'ap-south-1',
      'us-east-1',
      'us-west-2',
    ]);
    expect(planPartitions({ scope: '*', ...base, regions: ['us-east-1'] }).regions).toEqual(['us-east-1']);
  });

  it('treats empty or null account and region lists as no filter', () => {
    const base = { from: at('2024-03-05T10:00:00Z'), to: at('2024-03-05T11:00:00Z') };
    expect(planPartitions({ scope: '*', ...base, accounts: [], regions: [] })).toMatchObject({ accounts: null, regions: null });
    expect(planPartitions({ scope: '*', ...base, accounts: null, regions: null })).toMatchObject({ accounts: null, regions: null });
  });

  it('returns a frozen plan that does not alias the caller’s arrays', () => {
    const accounts = ['111122223333'];
    const plan = planPartitions({ scope: '*', from: at('2024-03-05T10:00:00Z'), to: at('2024-03-05T11:00:00Z'), accounts });
    accounts.push('999999999999');
    expect(plan.accounts).toEqual(['111122223333']);
    expect(Object.isFrozen(plan)).toBe(true);
    expect(Object.isFrozen(plan.accounts)).toBe(true);
  });

  it('rejects an empty or inverted range', () => {
    const t = at('2024-03-05T10:00:00Z');
    expect(() => planPartitions({ scope: '*', from: t, to: t })).toThrow(/from must be before to/);
    expect(() => planPartitions({ scope: '*', from: at('2024-03-06T00:00:00Z'), to: t })).toThrow(/from must be before to/);
    expect(() => planPartitions({ scope: '*', from: at('nope'), to: t })).toThrow(/from must be before to/);
  });
});

describe('selectPartitions', () => {
  const p = (account: string, region: string, day: string, file = `${account}/${region}/${day}`) => ({ account, region, day, file });
  const inventory = [
    p('111122223333', 'us-east-1', '2024-03-04'),
    p('111122223333', 'us-east-1', '2024-03-05'),
    p('111122223333', 'eu-west-1', '2024-03-05'),
    p('111122223333', 'ap-south-1', '2024-03-06'),
    p('444455556666', 'eu-west-1', '2024-03-06'),
    p('444455556666', 'us-east-1', '2024-03-07'),
    p('777788889999', 'eu-west-1', '2024-03-05'),
  ];
  const files = (xs: Array<PartitionRef & { file: string }>) => xs.map((x) => x.file);

  it('keeps the partitions whose delivery day lies within the plan, both ends inclusive', () => {
    const plan = planPartitions({ scope: '*', from: at('2024-03-05T06:00:00Z'), to: at('2024-03-05T07:00:00Z') });
    expect(files(selectPartitions(plan, inventory))).toEqual([
      '111122223333/us-east-1/2024-03-05',
      '111122223333/eu-west-1/2024-03-05',
      '111122223333/ap-south-1/2024-03-06',
      '444455556666/eu-west-1/2024-03-06',
      '777788889999/eu-west-1/2024-03-05',
    ]);
  });

  it('keeps only the planned accounts', () => {
    const plan = planPartitions({
      scope: '*',
      from: at('2024-03-04T00:00:00Z'),
      to: at('2024-03-07T00:00:00Z'),
      accounts: ['444455556666', '777788889999'],
    });
    expect(files(selectPartitions(plan, inventory))).toEqual([
      '444455556666/eu-west-1/2024-03-06',
      '444455556666/us-east-1/2024-03-07',
      '777788889999/eu-west-1/2024-03-05',
    ]);
  });

  it('keeps the planned regions plus us-east-1', () => {
    const plan = planPartitions({ scope: '*', from: at('2024-03-04T00:00:00Z'), to: at('2024-03-07T00:00:00Z'), regions: ['ap-south-1'] });
    expect(files(selectPartitions(plan, inventory))).toEqual([
      '111122223333/us-east-1/2024-03-04',
      '111122223333/us-east-1/2024-03-05',
      '111122223333/ap-south-1/2024-03-06',
      '444455556666/us-east-1/2024-03-07',
    ]);
  });

  it('combines day, account and region filters', () => {
    const plan = planPartitions({
      scope: '*',
      from: at('2024-03-05T00:00:00Z'),
      to: at('2024-03-05T12:00:00Z'),
      accounts: ['111122223333'],
      regions: ['eu-west-1'],
    });
    expect(files(selectPartitions(plan, inventory))).toEqual(['111122223333/us-east-1/2024-03-05', '111122223333/eu-west-1/2024-03-05']);
  });

  it('returns nothing when no partition matches, and never mutates the inventory', () => {
    const copy = inventory.map((x) => ({ ...x }));
    const plan = planPartitions({ scope: '*', from: at('2025-01-01T00:00:00Z'), to: at('2025-01-02T00:00:00Z') });
    expect(selectPartitions(plan, inventory)).toEqual([]);
    expect(inventory).toEqual(copy);
  });
});
