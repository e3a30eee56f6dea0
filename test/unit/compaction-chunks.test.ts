import fc from 'fast-check';
import { chunkPairs, maxPartitions, MAX_PARTITIONS_PER_INSERT } from '../../src/engines/athena/compaction/compaction-chunks';

const ACCOUNT = fc.integer({ min: 0, max: 60 }).map((n) => String(100000000000 + n));
const REGION = fc.integer({ min: 0, max: 40 }).map((n) => `xx-test-${n}`);
const PAIRS = fc.uniqueArray(fc.record({ account: ACCOUNT, region: REGION }), { selector: (p) => `${p.account}/${p.region}`, maxLength: 400 });

describe('cutting a delivery day into INSERT INTO chunks', () => {
  it('covers every pair exactly once with rectangles that can write at most 100 partitions', () => {
    fc.assert(
      fc.property(PAIRS, (pairs) => {
        const chunks = chunkPairs(pairs, true);
        const covered = chunks.flatMap((c) => c.accounts!.flatMap((a) => c.regions.map((r) => `${a}/${r}`)));
        // a rectangle's every pair is a real pair, and no pair is written twice or left out
        expect(covered.sort()).toEqual(pairs.map((p) => `${p.account}/${p.region}`).sort());
        for (const c of chunks) {
          // hand count: accounts × regions × the three event days (delivery − 1 .. delivery + 1)
          expect(c.accounts!.length * c.regions.length * 3).toBe(maxPartitions(c));
          expect(maxPartitions(c)).toBeLessThanOrEqual(MAX_PARTITIONS_PER_INSERT);
        }
      }),
    );
  });

  it('names no account for a table with one account, and splits more than 33 regions', () => {
    const regions = Array.from({ length: 40 }, (_, i) => `xx-test-${String(i).padStart(2, '0')}`);
    const chunks = chunkPairs(regions.map((region) => ({ account: '111122223333', region })), false);
    expect(chunks.map((c) => [c.accounts, c.regions.length])).toEqual([
      [null, 33],
      [null, 7],
    ]);
  });

  it('puts accounts with the same regions together while the bound allows', () => {
    const pairs = ['a', 'b', 'c'].flatMap((account) => ['r1', 'r2', 'r3', 'r4', 'r5', 'r6', 'r7', 'r8', 'r9', 'r10', 'r11'].map((region) => ({ account, region })));
    expect(chunkPairs(pairs, true).map((c) => [c.accounts, c.regions.length, maxPartitions(c)])).toEqual([[['a', 'b', 'c'], 11, 99]]);
  });
});
