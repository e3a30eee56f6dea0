import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import type { LakeFile, LakePartition } from '../../lake/lake-layout';
import type { LocalLake } from '../../lake/local-lake';
import { utcDay } from '../../domain/utc-day';
import type { Query } from '../../query/ir';
import { matchFacetRollup, matchIdentityRollup, ROLLUP_DIGEST, type FacetMatch, type RollupMatch } from '../../query/identity-rollup';
import { eventDayOf, MANIFEST_FILE, parquetRoot, partitionKey, rawFingerprint, readManifest, rollupKindOf, type ParquetManifest } from '../../lake/parquet-manifest';

export interface RoutedFiles {
  /** raw files of the partitions not (or no longer) compacted */
  readonly raw: LakeFile[];
  /** Parquet files of the delivery days with compacted partitions */
  readonly parquet: LakeFile[];
  /**
   * When those files also hold rows the plan must not read from them (partitions outside the
   * plan, or no longer compacted and read raw instead): the partitions to keep, as
   * `account/region/day` keys. Null: every row of the files belongs to the plan.
   */
  readonly parquetPartitions: string[] | null;
  /**
   * The rollup files of those days (every kind: see ROLLUP_FILES), when every planned partition is
   * served from Parquet and every day read has rollups of the current definition (ROLLUP_DIGEST);
   * null otherwise. Bytes are the day's rollup bytes apportioned evenly over its files.
   */
  readonly rollups: LakeFile[] | null;
}

/** The rollup that answers a query (src/query/identity-rollup.ts). */
export type RollupRead = { readonly kind: 'identities'; readonly match: RollupMatch } | { readonly kind: 'facets'; readonly match: FacetMatch };

/** What a query reads from each tier (ParquetTier.reads). */
export interface TierReads {
  /** raw files of the partitions not served from Parquet */
  readonly raw: LakeFile[];
  /** Parquet files of the tier (with `rollup`: only those of the event days of its partial hours or days) */
  readonly parquet: LakeFile[];
  /** the rollup files read when `rollup` is set (of its kind) */
  readonly rollups: LakeFile[];
  readonly parquetPartitions: string[] | null;
  readonly rollup: RollupRead | null;
}

function rollupFor(query: Query): RollupRead | null {
  const identities = matchIdentityRollup(query);
  if (identities) return { kind: 'identities', match: identities };
  const facets = matchFacetRollup(query);
  return facets && { kind: 'facets', match: facets };
}

/** A partition group's readable raw files and their fingerprint. */
interface GroupFiles {
  /** the folder lists the group was computed from (LocalLake keeps them while folders are unchanged) */
  readonly lists: readonly LakeFile[][];
  readonly rejected: number;
  readonly files: LakeFile[];
  readonly fingerprint: string;
}

/**
 * Which tier serves each planned partition: Parquet when the manifest records it compacted from
 * exactly the raw files it holds now (names and sizes), the raw files otherwise (recent days,
 * late deliveries, a lake never compacted, a manifest written by another DuckDB version).
 * A delivery day's Parquet files hold all its partitions: they are read when any planned
 * partition of the day is served from them, restricted to those when the plan reads fewer.
 */
export class ParquetTier {
  private cached: { mtimeMs: number; manifest: ParquetManifest | null } | null = null;
  /** per account/region/day: its readable files and their fingerprint, memoised on the folder lists */
  private readonly groups = new Map<string, GroupFiles>();

  constructor(
    private readonly lake: LocalLake,
    private readonly writer: string,
    private readonly enabled: boolean,
    private readonly logger: Logger,
  ) {}

  /**
   * What `query` reads over `partitions`: raw files, Parquet files, or (a principal summary, or a
   * principal's top values of a facet field, over compacted days: src/query/identity-rollup.ts)
   * the rollups of those days plus the events of the partial hours or days at the range's ends.
   */
  async reads(query: Query, partitions: readonly LakePartition[]): Promise<TierReads> {
    const { raw, parquet, parquetPartitions, rollups } = await this.route(partitions);
    const rollup = rollups ? rollupFor(query) : null;
    if (!rollup || !rollups) return { raw, parquet, rollups: [], parquetPartitions, rollup: null };
    // the partial hours or days at the range's ends are read from the events of their event days only
    const edgeDays = new Set(rollup.match.edges.map((e) => utcDay(e.from)));
    return {
      raw: [],
      parquet: parquet.filter((f) => edgeDays.has(eventDayOf(f.path) ?? '')),
      rollups: rollups.filter((f) => rollupKindOf(f.path) === rollup.kind),
      parquetPartitions,
      rollup,
    };
  }

  async route(partitions: readonly LakePartition[]): Promise<RoutedFiles> {
    const manifest = this.enabled ? await this.manifest() : null;
    if (!manifest) return { raw: await this.lake.files(partitions), parquet: [], parquetPartitions: null, rollups: null };
    const groups = new Map<string, LakePartition[]>();
    for (const p of partitions) {
      const key = `${p.day}|${partitionKey(p)}`;
      groups.set(key, [...(groups.get(key) ?? []), p]);
    }
    const raw: LakeFile[] = [];
    /** by delivery day: the planned partitions served from its Parquet files */
    const served = new Map<string, string[]>();
    for (const [key, parts] of groups) {
      const { files, fingerprint } = await this.groupFiles(key, parts);
      const day = parts[0].day;
      const done = manifest.days[day]?.partitions[partitionKey(parts[0])];
      if (done && done.fingerprint === fingerprint) served.set(day, [...(served.get(day) ?? []), partitionKey(parts[0])]);
      else raw.push(...files);
    }
    const root = parquetRoot(this.lake.root);
    const parquet: LakeFile[] = [];
    let restricted = false;
    for (const [day, keys] of served) {
      const done = manifest.days[day];
      // bytes are apportioned evenly: budgets and cost facts need the total, not each file's
      const each = done.outputs.length ? done.outputBytes / done.outputs.length : 0;
      parquet.push(...done.outputs.map((f) => ({ path: path.join(root, f), bytes: each })));
      if (keys.length < Object.keys(done.partitions).length) restricted = true;
    }
    const parquetPartitions = restricted ? [...served].flatMap(([day, keys]) => keys.map((k) => `${k}/${day}`)).sort() : null;
    const days = [...served.keys()].map((d) => manifest.days[d]);
    const rollups =
      raw.length === 0 && days.length > 0 && days.every((d) => d.rollups?.digest === ROLLUP_DIGEST)
        ? days.flatMap(({ rollups: r }) => r!.files.map((f) => ({ path: path.join(root, f), bytes: r!.files.length ? r!.bytes / r!.files.length : 0 })))
        : null;
    return { raw, parquet, parquetPartitions, rollups };
  }

  /**
   * A partition's readable files and fingerprint. Recomputed only when one of its folders was
   * re-listed or a file was set aside: a query over a month of folders would otherwise hash tens
   * of thousands of names on every request (cached answers included).
   */
  private async groupFiles(key: string, parts: readonly LakePartition[]): Promise<GroupFiles> {
    const lists = await this.lake.fileLists(parts);
    const rejected = this.lake.rejectedFiles();
    const hit = this.groups.get(key);
    if (hit && hit.rejected === rejected.size && hit.lists.length === lists.length && hit.lists.every((l, i) => l === lists[i])) return hit;
    const files = lists.flat().filter((f) => !rejected.has(f.path));
    const group = { lists, rejected: rejected.size, files, fingerprint: rawFingerprint(files) };
    this.groups.set(key, group);
    return group;
  }

  /** The manifest, re-read when its file changes. */
  private async manifest(): Promise<ParquetManifest | null> {
    const file = path.join(parquetRoot(this.lake.root), MANIFEST_FILE);
    const st = await fs.stat(file).catch(() => null);
    if (!st) return (this.cached = null);
    if (this.cached?.mtimeMs === st.mtimeMs) return this.cached.manifest;
    let manifest: ParquetManifest | null = null;
    try {
      manifest = await readManifest(this.lake.root);
    } catch (err) {
      this.logger.warn({ err: (err as Error).message }, 'unreadable Parquet manifest: serving raw files');
    }
    if (manifest && manifest.writer !== this.writer) {
      this.logger.warn({ writer: manifest.writer, reader: this.writer }, 'Parquet tier written by another DuckDB version: serving raw files until `trailgate compact` rewrites it');
      manifest = null;
    }
    this.cached = { mtimeMs: st.mtimeMs, manifest };
    return manifest;
  }
}
