/**
 * Runs a DataLoader batch as one call per group of compatible keys (same range, same page size,
 * ...), and returns results in key order (STYLE.md habit 8).
 */
export async function groupedBatch<K, V>(
  keys: readonly K[],
  groupOf: (key: K) => string,
  run: (group: readonly K[]) => Promise<ReadonlyMap<K, V>>,
  missing: V,
): Promise<V[]> {
  const results = await Promise.all([...groupBy(keys, groupOf).values()].map(run));
  const merged = new Map<K, V>();
  for (const r of results) for (const [k, v] of r) merged.set(k, v);
  return keys.map((k) => (merged.has(k) ? (merged.get(k) as V) : missing));
}

/** Items grouped by a key, each group in input order (one pass, no copying per item). */
export function groupBy<T>(items: readonly T[], keyOf: (item: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    const list = out.get(key);
    if (list) list.push(item);
    else out.set(key, [item]);
  }
  return out;
}
