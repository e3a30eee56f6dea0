import type { Principal } from '../../src/domain/principal';
import type { Engine } from '../../src/engines/engine';
import { useHarness, type TestResult } from '../support/gateway-harness';
import {
  REAL_DATA_DIR,
  filterEvents,
  groupStats,
  identitySummaries,
  loadReferenceLake,
  type FilterInput,
  type RefEvent,
} from '../support/reference-lake';
import { principal } from '../support/test-authenticator';
import { entriesOf } from './resource-reference';

/**
 * Tenant isolation over the real sets: every query × every scoped principal × every foreign
 * account, reached through arguments, aliases, nested fields, cursors and repeated (cacheable)
 * requests. A scoped principal's answer must equal the reference reduction over the records of
 * its own accounts (scope ∩ requested); asking only for foreign accounts is FORBIDDEN with no
 * engine call. Persisted operations and HTTP-level checks: persisted-tenants.test.ts.
 */
const ref = loadReferenceLake(REAL_DATA_DIR);
const ALL = { from: '2000-01-01T00:00:00Z', to: '2090-01-01T00:00:00Z' };

const byAccount = new Map<string, RefEvent[]>();
for (const e of ref.served) byAccount.set(e.account, [...(byAccount.get(e.account) ?? []), e]);
/** the accounts with the most served events first */
const ACCOUNTS = [...byAccount.keys()].sort((a, b) => byAccount.get(b)!.length - byAccount.get(a)!.length || (a < b ? -1 : 1));

const scoped = (id: string, accounts: string[]): Principal => principal({ id, accounts });
/** Scoped principals: the three largest accounts alone, a pair, and an account the lake does not hold. */
const PRINCIPALS: Principal[] = [
  scoped('one-a', [ACCOUNTS[0]]),
  scoped('one-b', [ACCOUNTS[1]]),
  scoped('one-c', [ACCOUNTS[2]]),
  scoped('pair', [ACCOUNTS[1], ACCOUNTS[3]]),
  scoped('absent', ['000000000000']),
];
const scopeOf = (p: Principal): string[] => p.accounts as string[];
const foreignTo = (p: Principal): string[] => ACCOUNTS.filter((a) => !scopeOf(p).includes(a));
/** The largest foreign accounts (the engine-running checks take these; the FORBIDDEN ones take all). */
const SAMPLED = (p: Principal): string[] => foreignTo(p).slice(0, 4);

/** The reference answer for a principal: the filter with its accounts cut to the scope. */
const refFilter = (p: Principal, f: FilterInput): FilterInput => ({
  ...f,
  accounts: f.accounts ? f.accounts.filter((a) => scopeOf(p).includes(a)) : scopeOf(p),
});
const refEvents = (p: Principal, f: FilterInput): RefEvent[] => filterEvents(ref, refFilter(p, f));

const { exec, harness } = useHarness(REAL_DATA_DIR);

/** Counts engine runs while `f` runs. */
async function engineCalls(f: () => Promise<void>): Promise<number> {
  const engine = harness().engine as Engine & { run: Engine['run'] };
  const spy = jest.spyOn(engine, 'run');
  try {
    await f();
    return spy.mock.calls.length;
  } finally {
    spy.mockRestore();
  }
}

const ok = (r: TestResult) => {
  expect(r.errors).toBeUndefined();
  return r.data!;
};
const codes = (r: TestResult) => (r.errors ?? []).map((e) => e.extensions?.code);

const STATS = `query($f: EventFilter!) { eventStats(filter: $f, groupBy: [{ dimension: ACCOUNT }], first: 1000) { totalEvents rows { keys count } } }`;
const EVENTS = `query($f: EventFilter!, $after: String) { events(filter: $f, first: 1000, after: $after) { edges { node { eventId recipientAccountId } } pageInfo { hasNextPage endCursor } } }`;
const IDENTITIES = `query($f: EventFilter!) { identities(filter: $f, first: 1000) { edges { node { arn eventCount } } } }`;
const RESOURCES = `query($f: EventFilter!) { resources(filter: $f, first: 1000) { edges { node { arn eventCount } } } }`;

/** Every list query, as (document, the variable holding the filter). */
const LIST_QUERIES = { STATS, EVENTS, IDENTITIES, RESOURCES };

const expectedStats = (p: Principal, f: FilterInput) => {
  const events = refEvents(p, f);
  return { totalEvents: events.length, rows: groupStats(events, ['ACCOUNT']).map((r) => ({ keys: r.keys, count: r.count })).sort((a, b) => b.count - a.count || (a.keys[0]! < b.keys[0]! ? -1 : 1)) };
};

async function allEvents(f: FilterInput, p: Principal): Promise<string[]> {
  const ids: string[] = [];
  let after: string | null = null;
  for (let page = 0; page < 20; page++) {
    const d = ok(await exec(EVENTS, { f, after }, p));
    ids.push(...d.events.edges.map((e: any) => e.node.eventId));
    if (!d.events.pageInfo.hasNextPage) return ids;
    after = d.events.pageInfo.endCursor;
  }
  throw new Error('too many pages');
}

const resourceArns = (events: readonly RefEvent[]) => new Set(events.flatMap((e) => entriesOf(e).map((x) => x.arn)));

describe('the real sets hold several accounts (the matrix below needs them)', () => {
  it('has at least four accounts with events', () => {
    expect(ACCOUNTS.length).toBeGreaterThanOrEqual(4);
  });
});

describe.each(PRINCIPALS.map((p) => [p.id, p] as const))('principal %s', (_id, p) => {
  const mine: FilterInput = { range: ALL };

  it('eventStats: exactly the records of its own accounts', async () => {
    const r = ok(await exec(STATS, { f: mine }, p));
    expect(r.eventStats.totalEvents).toBe(expectedStats(p, mine).totalEvents);
    expect(r.eventStats.rows).toEqual(expectedStats(p, mine).rows);
    for (const row of r.eventStats.rows) expect(scopeOf(p)).toContain(row.keys[0]);
  });

  it('events: every page holds exactly its own events (cursor pages included)', async () => {
    const ids = await allEvents(mine, p);
    const want = refEvents(p, mine).map((e) => e.eventId ?? '');
    expect(ids.length).toBe(want.length);
    // records without an eventID are served as tg-<hash>
    expect(new Set(ids.filter((id) => !id.startsWith('tg-')))).toEqual(new Set(want.filter((id) => id !== '')));
  });

  it('identities and resources: exactly those of its own accounts', async () => {
    const events = refEvents(p, mine);
    const ids = ok(await exec(IDENTITIES, { f: mine }, p)).identities.edges.map((e: any) => e.node.arn);
    expect(new Set(ids)).toEqual(new Set(identitySummaries(events).keys()));
    const res = ok(await exec(RESOURCES, { f: mine }, p)).resources.edges.map((e: any) => e.node.arn);
    expect(new Set(res)).toEqual(resourceArns(events));
  });

  it('lake: only its own accounts, no location', async () => {
    const d = ok(await exec('{ lake { location accounts } }', {}, p));
    expect(d.lake.accounts).toEqual(ref.folderAccounts.filter((a) => scopeOf(p).includes(a)));
    expect(d.lake.location).not.toContain('/');
  });

  it('every foreign account asked for alone, by every list query: FORBIDDEN, no engine call', async () => {
    const seen: string[] = [];
    const calls = await engineCalls(async () => {
      for (const foreign of foreignTo(p)) {
        for (const [name, q] of Object.entries(LIST_QUERIES)) {
          const r = await exec(q, { f: { range: ALL, accounts: [foreign] } }, p);
          expect({ foreign, name, codes: codes(r) }).toEqual({ foreign, name, codes: ['FORBIDDEN'] });
          seen.push(foreign);
        }
      }
    });
    expect(calls).toBe(0);
    expect(new Set(seen).size).toBe(foreignTo(p).length);
  });

  it('every foreign account asked for with its own: only its own rows', async () => {
    const f: FilterInput = { range: ALL, accounts: [...foreignTo(p), ...scopeOf(p)] };
    expect(ok(await exec(STATS, { f }, p)).eventStats).toEqual(expectedStats(p, f));
    for (const foreign of SAMPLED(p)) {
      const one: FilterInput = { range: ALL, accounts: [foreign, ...scopeOf(p)] };
      expect(ok(await exec(STATS, { f: one }, p)).eventStats).toEqual(expectedStats(p, one));
    }
  });

  describe.each(SAMPLED(p).map((a) => [a] as const))('foreign account %s', (foreign) => {
    it('its records looked up by id, arn or resource: nothing', async () => {
      const foreignOnly = byAccount.get(foreign)!;
      const mineIds = new Set(refEvents(p, mine).map((e) => e.eventId));
      const event = foreignOnly.find((e) => e.eventId && !mineIds.has(e.eventId));
      const myIdentities = identitySummaries(refEvents(p, mine));
      const identity = foreignOnly.find((e) => !myIdentities.has(e.identityKey));
      const myResources = resourceArns(refEvents(p, mine));
      const resource = foreignOnly.flatMap((e) => entriesOf(e).map((x) => x.arn)).find((a) => !myResources.has(a));
      const d = ok(
        await exec(
          `query($id: String!, $arn: String!, $res: String!, $r: TimeRange!) {
            event(eventId: $id, range: $r) { eventId }
            identity(arn: $arn, range: $r) { arn eventCount }
            resource(arn: $res, range: $r) { arn eventCount }
          }`,
          { id: event?.eventId ?? 'none', arn: identity?.identityKey ?? 'none', res: resource ?? 'none', r: ALL },
          p,
        ),
      );
      expect(d).toEqual({ event: null, identity: null, resource: null });
    });

    it('through aliases: the foreign alias is FORBIDDEN, and (non-null fields) no data comes back at all', async () => {
      const r = await exec(
        `query($mine: EventFilter!, $theirs: EventFilter!) {
          a: eventStats(filter: $mine, groupBy: [{ dimension: ACCOUNT }], first: 1000) { totalEvents rows { keys count } }
          b: eventStats(filter: $theirs, groupBy: [{ dimension: ACCOUNT }], first: 1000) { totalEvents rows { keys count } }
          c: events(filter: $theirs, first: 5) { edges { node { eventId } } }
        }`,
        { mine, theirs: { range: ALL, accounts: [foreign] } },
        p,
      );
      expect(r.data ?? null).toBeNull();
      expect(codes(r).length).toBeGreaterThan(0);
      expect(new Set(codes(r))).toEqual(new Set(['FORBIDDEN']));
      // and the in-scope alias alone answers within scope
      const alone = ok(await exec(`query($mine: EventFilter!) { a: eventStats(filter: $mine, groupBy: [{ dimension: ACCOUNT }], first: 1000) { totalEvents rows { keys count } } }`, { mine }, p));
      expect(alone.a).toEqual(expectedStats(p, mine));
    });
  });

  it('nested fields stay within scope: Event.identity and Identity.events', async () => {
    const d = ok(
      await exec(
        `query($f: EventFilter!) {
          events(filter: $f, first: 50) { edges { node { recipientAccountId identity { arn eventCount events(first: 100) { edges { node { eventId recipientAccountId } } } } } } }
          identities(filter: $f, first: 20) { edges { node { arn eventCount events(first: 100) { edges { node { eventId recipientAccountId } } } } } }
        }`,
        { f: mine },
        p,
      ),
    );
    const mineEvents = refEvents(p, mine);
    const summaries = identitySummaries(mineEvents);
    const myIds = new Set(mineEvents.map((e) => e.eventId));
    const nested = [
      ...d.events.edges.map((e: any) => e.node.identity),
      ...d.identities.edges.map((e: any) => e.node),
    ].filter((x) => x !== null);
    for (const identity of nested) {
      // counted over its own accounts only
      expect(identity.eventCount).toBe(summaries.get(identity.arn)?.eventCount);
      for (const e of identity.events.edges) {
        // (records without an eventID are served as tg-<hash>; their account still shows)
        if (!e.node.eventId.startsWith('tg-')) expect(myIds.has(e.node.eventId)).toBe(true);
        if (e.node.recipientAccountId !== null) expect(scopeOf(p)).toContain(e.node.recipientAccountId);
      }
    }
  });

  it('a cursor minted for another principal (or for everyone) is refused', async () => {
    const other = PRINCIPALS.find((q) => q.id !== p.id && q.id !== 'absent')!;
    for (const minter of [other, principal({ id: 'everyone', accounts: '*' })]) {
      const d = ok(await exec(`query($f: EventFilter!) { events(filter: $f, first: 1) { pageInfo { endCursor } } }`, { f: { range: ALL } }, minter));
      const cursor = d.events.pageInfo.endCursor;
      expect(cursor).toEqual(expect.any(String));
      let r!: TestResult;
      const calls = await engineCalls(async () => {
        r = await exec(EVENTS, { f: { range: ALL }, after: cursor }, p);
      });
      expect({ codes: codes(r), calls }).toEqual({ codes: ['BAD_USER_INPUT'], calls: 0 });
    }
  });
});

describe('the same request by different principals (nothing is shared between them)', () => {
  it('answers each within its own scope, in either order', async () => {
    const everyone = principal({ id: 'everyone', accounts: '*' });
    const f = { range: ALL };
    const order = [everyone, PRINCIPALS[0], everyone, PRINCIPALS[1], PRINCIPALS[0]];
    for (const p of order) {
      const r = ok(await exec(STATS, { f }, p));
      const want = p === everyone ? filterEvents(ref, f).length : refEvents(p, f).length;
      expect({ id: p.id, total: r.eventStats.totalEvents }).toEqual({ id: p.id, total: want });
    }
  });
});
