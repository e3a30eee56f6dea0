import { RecordCopies } from '../../src/engines/duckdb/record-copies';

/** Which copies a read skips: of each record's copies in the read, all but the first by path and position. */
const PATHS = new Map([
  [1, '/lake/a/1.json.gz'],
  [2, '/lake/a/2.json.gz'],
  [3, '/lake/b/3.json.gz'],
]);
const reading = (...ids: number[]) => (id: number) => (ids.includes(id) ? (PATHS.get(id) ?? null) : null);

describe('RecordCopies', () => {
  it('skips every copy of a record but the first by path, then position, and none of a record read once', () => {
    const copies = new RecordCopies(100);
    copies.record([
      { key: 'x', file: 3, idx: 1 },
      { key: 'x', file: 1, idx: 4 },
      { key: 'x', file: 1, idx: 2 },
      { key: 'y', file: 2, idx: 1 },
      { key: 'y', file: 3, idx: 5 },
    ]);
    expect(copies.skip(reading(1, 2, 3))).toEqual(new Map([['/lake/a/1.json.gz', [4]], ['/lake/b/3.json.gz', [1, 5]]]));
    // a read without file 1 keeps x's copy in file 3; a read of file 2 alone skips nothing
    expect(copies.skip(reading(2, 3))).toEqual(new Map([['/lake/b/3.json.gz', [5]]]));
    expect(copies.skip(reading(2))).toEqual(new Map());
  });

  it('replaces what it knew of a key when the census finds it again', () => {
    const copies = new RecordCopies(100);
    copies.record([
      { key: 'x', file: 1, idx: 1 },
      { key: 'x', file: 2, idx: 1 },
    ]);
    copies.record([
      { key: 'x', file: 2, idx: 1 },
      { key: 'x', file: 3, idx: 2 },
    ]);
    expect(copies.skip(reading(1, 2, 3))).toEqual(new Map([['/lake/b/3.json.gz', [2]]]));
  });

  it('answers null once it holds more copies than allowed', () => {
    const copies = new RecordCopies(3);
    copies.record([
      { key: 'x', file: 1, idx: 1 },
      { key: 'x', file: 2, idx: 1 },
    ]);
    expect(copies.full).toBe(false);
    copies.record([
      { key: 'y', file: 1, idx: 2 },
      { key: 'y', file: 2, idx: 2 },
    ]);
    expect(copies.full).toBe(true);
    expect(copies.skip(reading(1, 2))).toBeNull();
  });
});
