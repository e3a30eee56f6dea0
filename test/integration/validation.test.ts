import { openHarness, type Harness, type TestResult } from '../support/gateway-harness';
import { REAL_DATA_DIR } from '../support/reference-lake';

/**
 * Bad input is a BAD_USER_INPUT answer, decided before any engine call (no cost facts), with a
 * message that shows no SQL, path or stack.
 */
const RANGE = { from: '2023-07-10T00:00:00Z', to: '2023-07-11T00:00:00Z' };
const STATS = 'query($f: EventFilter!, $g: [GroupKey!]!) { eventStats(filter: $f, groupBy: $g) { totalEvents } }';
const EVENTS = 'query($f: EventFilter!, $first: Int, $after: String) { events(filter: $f, first: $first, after: $after) { nodes { eventId } pageInfo { endCursor } } }';
const IDENTITIES = 'query($f: EventFilter!, $first: Int, $after: String) { identities(filter: $f, first: $first, after: $after) { nodes { arn } } }';

const stats = (f: Record<string, unknown>, g: unknown[] = []) => [STATS, { f: { range: RANGE, ...f }, g }] as const;
const events = (f: Record<string, unknown>, more: Record<string, unknown> = {}) => [EVENTS, { f: { range: RANGE, ...f }, ...more }] as const;

let h: Harness;
let narrow: Harness;
/** The response as a client receives it (JSON on the wire). */
const run = async (x: Harness, q: string, v?: Record<string, unknown>): Promise<TestResult> => JSON.parse(JSON.stringify(await x.exec(q, v)));

beforeAll(async () => {
  h = await openHarness(REAL_DATA_DIR);
  narrow = await openHarness(REAL_DATA_DIR, { TRAILGATE_MAX_RANGE_DAYS: '7' });
});
afterAll(async () => {
  await h?.close();
  await narrow?.close();
});

function expectBadInput(r: TestResult): void {
  expect(r.errors?.length).toBeGreaterThan(0);
  expect(r.errors![0].extensions?.code).toBe('BAD_USER_INPUT');
  expect(r.extensions?.trailgate?.queries).toEqual([]);
  for (const e of r.errors!) {
    expect(e.message).not.toMatch(/SELECT/i);
    expect(e.message).not.toContain('/work/');
    expect(e.message).not.toContain('read_json');
    expect(e.message).not.toMatch(/\n\s+at /);
    expect(JSON.stringify(e.extensions ?? {})).not.toMatch(/SELECT |\/work\/|read_json|\n\s+at /);
  }
}

type Case = [name: string, query: string, variables: Record<string, unknown>];

const CASES: Case[] = [
  ['an account id of 5 digits', ...stats({ accounts: ['12345'] })],
  ['a region with a space and capitals', ...stats({ regions: ['US EAST'] })],
  ['an eventSource with a space', ...stats({ eventSources: ['iam amazonaws.com'] })],
  ['a v4 CIDR with prefix 33', ...stats({ sourceIps: ['10.0.0.0/33'] })],
  ['a three-part address', ...stats({ sourceIps: ['1.2.3'] })],
  ['from equal to to', ...stats({ range: { from: RANGE.from, to: RANGE.from } })],
  ['from after to', ...stats({ range: { from: RANGE.to, to: RANGE.from } })],
  ['a date-only time (variables)', ...stats({ range: { from: '2024-01-01', to: '2024-01-02T00:00:00Z' } })],
  ['a date-only time (inline literal)', '{ eventStats(filter: { range: { from: "2024-01-01", to: "2024-01-02T00:00:00Z" } }, groupBy: []) { totalEvents } }', {}],
  ['first 0', ...events({}, { first: 0 })],
  ['first 1001', ...events({}, { first: 1001 })],
  ['identities first 1001', IDENTITIES, { f: { range: RANGE }, first: 1001 }],
  ['groupBy REQUEST_PARAMETER without a path', ...stats({}, [{ dimension: 'REQUEST_PARAMETER' }])],
  ['a path on a non-JSON dimension', ...stats({}, [{ dimension: 'EVENT_NAME', path: 'roleArn' }])],
  ['a JsonMatch with both equals and contains', ...stats({ requestParameters: [{ path: 'roleArn', equals: 'x', contains: 'y' }] })],
  ['a JsonMatch with none of equals/contains/exists', ...stats({ requestParameters: [{ path: 'roleArn' }] })],
  ['a JsonMatch path a..b', ...stats({ requestParameters: [{ path: 'a..b', exists: true }] })],
  ['a JsonMatch path with a space', ...stats({ responseElements: [{ path: 'a b', exists: true }] })],
  ['a groupBy path with a space', ...stats({}, [{ dimension: 'ADDITIONAL_EVENT_DATA', path: 'MFA Used' }])],
  ['101 accounts', ...stats({ accounts: Array.from({ length: 101 }, (_, i) => String(100000000000 + i)) })],
  ['a garbage cursor', ...events({}, { first: 5, after: 'garbage' })],
  ['a garbage identities cursor', IDENTITIES, { f: { range: RANGE }, first: 5, after: 'bm9wZQ.bm9wZQ' }],
  ['a GraphQL syntax error', '{ events(filter: { range: { from: "2023-07-10T00:00:00Z" } ', {}],
  ['an unknown field', '{ lake { engine noSuchField } }', {}],
  ['a missing required range', '{ eventStats(filter: {}, groupBy: []) { totalEvents } }', {}],
  ['an unknown enum value', ...stats({}, [{ dimension: 'NOT_A_DIMENSION' }])],
];

describe('bad input', () => {
  it('(control) a valid query reports its engine call', async () => {
    const r = await run(h, STATS, { f: { range: RANGE }, g: [] });
    expect(r.errors).toBeUndefined();
    expect(r.extensions?.trailgate?.queries).toHaveLength(1);
  });

  it.each(CASES)('%s → BAD_USER_INPUT, no engine call', async (_name, query, variables) => {
    expectBadInput(await run(h, query, variables));
  });

  it('a range wider than maxRangeDays (7) → BAD_USER_INPUT, no engine call', async () => {
    const r = await run(narrow, STATS, { f: { range: { from: '2023-07-01T00:00:00Z', to: '2023-07-08T00:00:01Z' } }, g: [] });
    expectBadInput(r);
    // ...and exactly 7 days is allowed (a week around the Invictus hour).
    const ok = await run(narrow, STATS, { f: { range: { from: '2023-07-05T00:00:00Z', to: '2023-07-12T00:00:00Z' } }, g: [] });
    expect(ok.errors).toBeUndefined();
    expect(ok.data!.eventStats.totalEvents).toBeGreaterThan(0);
  });

  it('a range wider than maxRangeDays on event(eventId, range) and identity(arn, range)', async () => {
    const wide = { from: '2023-07-01T00:00:00Z', to: '2023-08-01T00:00:00Z' };
    expectBadInput(await run(narrow, 'query($r: TimeRange!) { event(eventId: "x", range: $r) { eventId } }', { r: wide }));
    expectBadInput(await run(narrow, 'query($r: TimeRange!) { identity(arn: "arn:aws:iam::123456789012:user/x", range: $r) { arn } }', { r: wide }));
  });

  it('a cursor minted for a different filter', async () => {
    const first = await run(h, EVENTS, { f: { range: RANGE }, first: 2 });
    expect(first.errors).toBeUndefined();
    const cursor = first.data!.events.pageInfo.endCursor;
    expect(typeof cursor).toBe('string');
    // Same cursor, same filter: accepted.
    expect((await run(h, EVENTS, { f: { range: RANGE }, first: 2, after: cursor })).errors).toBeUndefined();
    // Another filter, another order, or another query kind: refused.
    expectBadInput(await run(h, EVENTS, { f: { range: RANGE, accounts: ['123837392027'] }, first: 2, after: cursor }));
    expectBadInput(await run(h, IDENTITIES, { f: { range: RANGE }, first: 2, after: cursor }));
    expectBadInput(
      await run(h, 'query($f: EventFilter!, $after: String) { events(filter: $f, first: 2, after: $after, order: OLDEST_FIRST) { nodes { eventId } } }', {
        f: { range: RANGE },
        after: cursor,
      }),
    );
  });
});
