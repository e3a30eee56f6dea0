/**
 * How one delivery day is cut into INSERT INTO statements. Athena's INSERT INTO can write at most
 * 100 partitions (HIVE_TOO_MANY_OPEN_PARTITIONS beyond).
 * https://docs.aws.amazon.com/athena/latest/ug/ctas-insert-into.html
 *
 * A statement reads one delivery day of a rectangle of raw partitions (accounts × regions) and
 * writes Parquet partitions (delivery, account, region, date). Its event days are clamped to the
 * delivery day ± 1 (insert-statement.ts), so it writes at most accounts × regions × 3 partitions:
 * the bound holds by construction, whatever late or skewed events the day holds.
 */
export const MAX_PARTITIONS_PER_INSERT = 100;
/** the event days a delivery day's rows are filed under: D-1, D, D+1 */
export const EVENT_DAYS_PER_DELIVERY = 3;
const MAX_PAIRS = Math.floor(MAX_PARTITIONS_PER_INSERT / EVENT_DAYS_PER_DELIVERY);

export interface Chunk {
  /** null: the raw table's one account (no account partition to filter) */
  readonly accounts: readonly string[] | null;
  readonly regions: readonly string[];
}

export const maxPartitions = (c: Chunk): number => (c.accounts?.length ?? 1) * c.regions.length * EVENT_DAYS_PER_DELIVERY;

/**
 * Cuts account/region pairs into as few rectangles as the bound allows: accounts with the same
 * regions share statements; an account with more than 33 regions is split by region.
 * `accountColumn` false: the table has one account, and no statement names it.
 */
export function chunkPairs(pairs: ReadonlyArray<{ readonly account: string; readonly region: string }>, accountColumn: boolean): Chunk[] {
  const regionsOf = new Map<string, Set<string>>();
  for (const p of pairs) regionsOf.set(p.account, (regionsOf.get(p.account) ?? new Set()).add(p.region));
  const byRegions = new Map<string, string[]>();
  for (const [account, regions] of [...regionsOf].sort(([a], [b]) => a.localeCompare(b))) {
    const key = [...regions].sort().join(',');
    byRegions.set(key, [...(byRegions.get(key) ?? []), account]);
  }
  const chunks: Chunk[] = [];
  for (const [key, accounts] of byRegions) {
    const regions = key.split(',');
    const accountsPer = accountColumn ? Math.max(1, Math.floor(MAX_PAIRS / regions.length)) : 1;
    for (let i = 0; i < accounts.length; i += accountsPer) {
      const group = accounts.slice(i, i + accountsPer);
      for (let j = 0; j < regions.length; j += MAX_PAIRS) chunks.push({ accounts: accountColumn ? group : null, regions: regions.slice(j, j + MAX_PAIRS) });
    }
  }
  return chunks;
}
