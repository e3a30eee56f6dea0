/** The benchmark's question: the most active principals of the whole lake, keyed like Identity.arn. */

export interface TopEntry {
  readonly key: string;
  readonly count: number;
}

export type TopList = readonly TopEntry[];

export const TOP_N = 10;

/** Count descending, then key ascending by code unit (the gateway's and DuckDB's order). */
export function topOf(entries: Iterable<TopEntry>, n = TOP_N): TopList {
  return [...entries].sort((a, b) => b.count - a.count || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)).slice(0, n);
}

export interface Agreement {
  readonly sameKeys: boolean;
  readonly sameOrder: boolean;
  /** the largest |count - reference count| / reference count over the shared keys */
  readonly maxCountDelta: number;
  readonly note: string;
}

/** How `other` compares with the reference list (the gateway's, which de-duplicates). */
export function compareTop(reference: TopList, other: TopList): Agreement {
  const ref = new Map(reference.map((e) => [e.key, e.count]));
  const sameKeys = other.length === reference.length && other.every((e) => ref.has(e.key));
  const sameOrder = sameKeys && other.every((e, i) => e.key === reference[i].key);
  let maxCountDelta = 0;
  for (const e of other) {
    const r = ref.get(e.key);
    if (r) maxCountDelta = Math.max(maxCountDelta, Math.abs(e.count - r) / r);
  }
  const missing = reference.filter((e) => !other.some((o) => o.key === e.key)).map((e) => e.key);
  const note = sameOrder
    ? `same top ${reference.length}, counts within ${(maxCountDelta * 100).toFixed(2)}%`
    : sameKeys
      ? `same top ${reference.length} keys in another order, counts within ${(maxCountDelta * 100).toFixed(2)}%`
      : `top ${reference.length} differs: missing ${missing.join(', ')}`;
  return { sameKeys, sameOrder, maxCountDelta, note };
}

/** The identity key as the gateway computes it (userIdentity.arn, else invokedBy, else account:<id>, else principalId). */
export const IDENTITY_KEY_SQL = (ui: string) =>
  `coalesce(nullif(${ui}.arn, ''), nullif(${ui}.invokedBy, ''), 'account:' || nullif(${ui}.accountId, ''), nullif(${ui}.principalId, ''), 'unknown')`;

/** The same key in jq (`//` skips null and false; empty strings are mapped to null first). */
export const IDENTITY_KEY_JQ =
  '.userIdentity as $u | def nz: if . == "" then null else . end; ' +
  '(($u.arn | nz) // ($u.invokedBy | nz) // (($u.accountId | nz) | if . == null then null else "account:" + . end) // ($u.principalId | nz) // "unknown")';
