const SIZE = /^(\d+(?:\.\d+)?)\s*(KB|MB|GB|TB|KiB|MiB|GiB|TiB)$/i;
const UNITS: Readonly<Record<string, number>> = { kb: 1e3, mb: 1e6, gb: 1e9, tb: 1e12, kib: 2 ** 10, mib: 2 ** 20, gib: 2 ** 30, tib: 2 ** 40 };

/**
 * A size as DuckDB's `memory_limit` takes it, in bytes (`4GB`: 10^9 bytes a GB; `4GiB`: 2^30 a
 * GiB); null when it is not one.
 */
export function sizeInBytes(size: string): number | null {
  const m = SIZE.exec(size);
  return m ? Math.floor(Number(m[1]) * UNITS[m[2].toLowerCase()]) : null;
}
