import { useHarness } from '../support/gateway-harness';
import { REAL_DATA_DIR } from '../support/reference-lake';

/** NUL in any text input is one clear BAD_USER_INPUT on every engine, and nothing runs. */
const { exec, harness } = useHarness(REAL_DATA_DIR);
const RANGE = { from: '2017-01-01T00:00:00Z', to: '2017-02-01T00:00:00Z' };

describe('NUL in text inputs', () => {
  it.each([
    ['a variable', 'query($id: String!, $r: TimeRange!) { event(eventId: $id, range: $r) { eventId } }', { id: 'a\u0000b', r: RANGE }],
    ['a nested list variable', 'query($f: EventFilter!) { events(filter: $f, first: 1) { edges { node { eventId } } } }', { f: { range: RANGE, eventNames: ['ok', 'x\u0000'] } }],
    ['an inline literal', `query($r: TimeRange!) { identity(arn: "arn:aws:iam::1:user/\\u0000x", range: $r) { arn } }`, { r: RANGE }],
  ])('is refused in %s', async (_what, query, variables) => {
    const spy = jest.spyOn(harness().engine, 'run');
    try {
      const r = await exec(query, variables);
      expect(r.data ?? null).toBeNull();
      expect(r.errors?.map((e) => e.extensions?.code)).toEqual(['BAD_USER_INPUT']);
      expect(r.errors?.[0].message).toMatch(/NUL/);
      expect(spy).not.toHaveBeenCalled();
    } finally {
      spy.mockRestore();
    }
  });

  it('leaves other control characters to the normal rules (they are encoded, not refused)', async () => {
    const r = await exec('query($id: String!, $r: TimeRange!) { event(eventId: $id, range: $r) { eventId } }', { id: "a\u0001'b", r: RANGE });
    expect(r.errors).toBeUndefined();
    expect(r.data).toEqual({ event: null });
  });
});
