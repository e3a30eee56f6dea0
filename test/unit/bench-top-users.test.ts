import { execFileSync } from 'node:child_process';
import { DuckDBInstance } from '@duckdb/node-api';
import { parseBenchOptions } from '../../scripts/bench/bench-options';
import { jqVersion } from '../../scripts/bench/jq';
import { markdownTable } from '../../scripts/bench/report';
import { compareTop, IDENTITY_KEY_JQ, IDENTITY_KEY_SQL, topOf } from '../../scripts/bench/top-list';

/** userIdentity shapes and the key the gateway gives each (README: "An identity's arn is ..."), by hand. */
const CASES: [Record<string, unknown> | null, string][] = [
  [{ type: 'IAMUser', arn: 'arn:aws:iam::111122223333:user/alice', accountId: '111122223333', principalId: 'AIDA1' }, 'arn:aws:iam::111122223333:user/alice'],
  [{ type: 'AWSService', arn: '', invokedBy: 'ec2.amazonaws.com' }, 'ec2.amazonaws.com'],
  [{ type: 'AWSAccount', accountId: '444455556666', principalId: 'AIDA2' }, 'account:444455556666'],
  [{ type: 'Unknown', accountId: '', principalId: 'AROA3:session' }, 'AROA3:session'],
  [{ type: 'Unknown' }, 'unknown'],
  [null, 'unknown'],
];

describe('the benchmark question', () => {
  it('keys principals in the jq pipeline like the gateway does', () => {
    if (!jqVersion()) return; // (a) is skipped without jq, and so is this check
    const input = JSON.stringify({ Records: CASES.map(([u]) => (u ? { userIdentity: u } : {})) });
    const out = execFileSync('jq', ['-r', `.Records[] | ${IDENTITY_KEY_JQ}`], { input, encoding: 'utf8' });
    expect(out.trim().split('\n')).toEqual(CASES.map(([, key]) => key));
  });

  it('keys principals in the hand-written SQL like the gateway does', async () => {
    const instance = await DuckDBInstance.create(':memory:');
    const c = await instance.connect();
    try {
      const rows = JSON.stringify(CASES.map(([u], i) => ({ i, userIdentity: u })));
      const sql =
        `SELECT ${IDENTITY_KEY_SQL('r.userIdentity')} AS key FROM (SELECT unnest(from_json($1, ` +
        `'[{"i":"INTEGER","userIdentity":{"arn":"VARCHAR","invokedBy":"VARCHAR","accountId":"VARCHAR","principalId":"VARCHAR"}}]')) AS r) ORDER BY r.i`;
      const keys = (await c.runAndReadAll(sql, [rows])).getRowObjects().map((r) => r.key);
      expect(keys).toEqual(CASES.map(([, key]) => key));
    } finally {
      c.closeSync();
      instance.closeSync();
    }
  });

  it('orders a top list by count, then key, and says how another list differs', () => {
    const gateway = topOf([{ key: 'b', count: 5 }, { key: 'a', count: 5 }, { key: 'c', count: 9 }], 3);
    expect(gateway.map((e) => e.key)).toEqual(['c', 'a', 'b']);
    expect(compareTop(gateway, [{ key: 'c', count: 9 }, { key: 'a', count: 5 }, { key: 'b', count: 5 }]).sameOrder).toBe(true);
    const swapped = compareTop(gateway, [{ key: 'c', count: 10 }, { key: 'b', count: 6 }, { key: 'a', count: 5 }]);
    expect(swapped).toMatchObject({ sameKeys: true, sameOrder: false });
    expect(swapped.maxCountDelta).toBeCloseTo(0.2);
    expect(compareTop(gateway, [{ key: 'c', count: 9 }, { key: 'a', count: 5 }, { key: 'z', count: 5 }]).note).toContain('missing b');
  });
});

describe('the benchmark report', () => {
  it('escapes pipes so a shell pipeline stays in its table cell', () => {
    const table = markdownTable([{ row: 'a', lake: '1m', what: '`zcat | jq`', measured: '1 s', ratio: '', target: '', met: null }]);
    expect(table.split('\n')[2]).toBe('| a | 1m | `zcat \\| jq` | 1 s |  |  |  |');
  });

  it('refuses phases it does not know, and a lake size without its days', () => {
    expect(() => parseBenchOptions(['--only', 'a,z'])).toThrow(/unknown phase z/);
    expect(() => parseBenchOptions(['--events', '1000'])).toThrow(/go together/);
    expect(parseBenchOptions(['--only', 'b,c', '--runs', '5']).only).toEqual(new Set(['b', 'c']));
  });
});
