import { sizeInBytes } from '../../src/domain/size-in-bytes';

describe('sizeInBytes (a DuckDB memory_limit)', () => {
  it.each([
    ['4GB', 4_000_000_000],
    ['4gb', 4_000_000_000],
    ['512MB', 512_000_000],
    ['1.5 GB', 1_500_000_000],
    ['4GiB', 4 * 1024 * 1024 * 1024],
    ['100KiB', 102_400],
    ['2TB', 2_000_000_000_000],
  ])('%s is %d bytes', (size, bytes) => {
    expect(sizeInBytes(size)).toBe(bytes);
  });

  it.each(['lots', '4', 'GB', '4 G', '-1GB', ' 4GB', '4GB;'])('%j is not a size', (size) => {
    expect(sizeInBytes(size)).toBeNull();
  });
});
