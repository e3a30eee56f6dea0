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
  const groups = new Map<string, K[]>();
  for (const k of keys) {
    const g = groupOf(k);
    const list = groups.get(g);
    if (list) list.push(k);
    else groups.set(g, [k]);
  }
  const results = await Promise.all([...groups.values()].map(run));
  const merged = new Map<K, V>();
  for (const r of results) for (const [k, v] of r) merged.set(k, v);
  return keys.map((k) => (merged.has(k) ? (merged.get(k) as V) : missing));
}
