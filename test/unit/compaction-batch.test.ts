import type { LakeFile } from '../../src/lake/lake-layout';
import { nextBatch, type DayWork } from '../../src/engines/duckdb/lake-compactor';

/** A delivery day of `files` files of `bytes` bytes each, in one partition. */
const day = (d: string, files: number, bytes: number): DayWork => ({
  day: d,
  files: new Map([['111111111111/us-east-1', Array.from({ length: files }, (_, i): LakeFile => ({ path: `/l/${d}/${i}.json.gz`, bytes }))]]),
});

describe('nextBatch (the delivery days one compaction statement reads)', () => {
  const days = Array.from({ length: 12 }, (_, i) => day(`2026-10-${String(i + 1).padStart(2, '0')}`, 100, 1000)); // 100,000 bytes a day

  it('takes at most 8 days when they are small', () => {
    expect(nextBatch(days, 1e12).map((w) => w.day)).toEqual(days.slice(0, 8).map((w) => w.day));
  });

  it('stops before the day that would pass the byte budget', () => {
    expect(nextBatch(days, 350_000)).toHaveLength(3);
    expect(nextBatch(days, 300_000)).toHaveLength(3);
    expect(nextBatch(days, 299_999)).toHaveLength(2);
  });

  it('takes one day even when it alone is over the budget', () => {
    expect(nextBatch([day('2026-10-01', 10, 10_000), ...days], 5_000).map((w) => w.day)).toEqual(['2026-10-01']);
  });

  it('stops before the day that would pass 25,000 files', () => {
    const big = Array.from({ length: 5 }, (_, i) => day(`2026-11-0${i + 1}`, 10_000, 1));
    expect(nextBatch(big, 1e12)).toHaveLength(2);
  });

  it('counts every partition of a day', () => {
    const twoParts: DayWork = { day: '2026-10-01', files: new Map([...day('2026-10-01', 1, 60_000).files, ['222222222222/eu-west-1', [{ path: '/l/x.json.gz', bytes: 60_000 }]]]) };
    expect(nextBatch([twoParts, day('2026-10-02', 1, 1)], 120_000)).toHaveLength(1);
    expect(nextBatch([twoParts, day('2026-10-02', 1, 1)], 120_001)).toHaveLength(2);
  });
});
