import { createHash, randomUUID } from 'node:crypto';
import { constants as fsConstants, promises as fs } from 'node:fs';
import path from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { Logger } from 'pino';
import type { AccountScope } from '../../domain/principal';
import { sizeInBytes } from '../../domain/size-in-bytes';
import { TrailgateError } from '../../domain/trailgate-error';
import type { Query } from '../../query/ir';
import { selectPartitions } from '../../query/partition-planner';
import type { CompiledSql } from '../../sql/compiled-sql';
import { DuckDbCompiler, PARQUET_FORMAT } from '../../sql/duckdb-compiler';
import { DuckDbRollupCompiler } from '../../sql/duckdb-rollup-compiler';
import type { LakeFile } from '../../lake/lake-layout';
import { LocalLake } from '../../lake/local-lake';
import type { Engine, EngineResult, ExplainedQuery, LakeInfo, StreamOptions, ReadinessCheck, Row, RunOptions } from '../engine';
import { DuckDbPool } from './duckdb-pool';
import { duckParams, plainRow } from './duckdb-values';
import { streamRows } from './duckdb-stream';
import { LakeCensus } from './lake-census';
import { readFailure } from './read-failure';
import { LakeCompactor, type CompactOptions, type CompactProgress, type CompactSummary } from './lake-compactor';
import { ParquetTier, type TierReads } from './parquet-tier';

export interface DuckDbEngineOptions {
  readonly lakeDir: string;
  readonly threads: number;
  readonly memoryLimit: string;
  readonly connections: number;
  readonly queryTimeoutMs: number;
  readonly maxObjectBytes: number;
  readonly inventoryTtlMs: number;
  readonly logger: Logger;
  /** serve compacted partitions from the Parquet tier (default true) */
  readonly parquet?: boolean;
  /**
   * Opened to compact (`trailgate compact`): DuckDB keeps up to half its memory limit of block
   * memory once touched (see compactionKeptBytes). Not for a server: that memory is never returned.
   */
  readonly forCompaction?: boolean;
}

/** DuckDB's memory limit in bytes (config has checked it reads as a size; 4 GB, its default, otherwise). */
const limitBytes = (memoryLimit: string): number => sizeInBytes(memoryLimit) ?? 4e9;

/**
 * Raw bytes per compaction statement: a 32nd of DuckDB's memory limit (125 MB of gzip at the
 * default 4 GB; on the 10 M-event lake 60 MB and 120 MB batches took ~120 s, 250 MB ones 197 s
 * and 470 MB ones 238 s, spilling).
 */
const compactionBatchBytes = (memoryLimit: string): number => Math.max(8 * 2 ** 20, Math.floor(limitBytes(memoryLimit) / 32));

/**
 * Block memory a compacting DuckDB keeps instead of returning it to the OS: half its memory limit.
 * Each compaction statement holds a batch's rows (~2 GB at the default limit) and frees them; given
 * back, every next batch faulted its pages in anew: on the 1 M-event lake 2.1 M page faults and
 * ~12 s of system time in a ~30 s compaction; with 2 GB kept 0.9 M (its first touch) and ~7 s,
 * the compaction ~17% faster. Raw queries showed no difference (same b/c ratio), so a server
 * keeps none.
 */
const compactionKeptBytes = (memoryLimit: string): number => Math.floor(limitBytes(memoryLimit) / 2);

/** DuckDB's default maximum_object_size. */
const INITIAL_OBJECT_BYTES = 16 * 1024 * 1024;

const queryRoot = (q: Query) => (q.kind === 'select' ? q : q.inner);

/** Every Parquet file a plan reads (tier outputs and rollups): what it costs. */
const columnarFiles = (p: Planned): LakeFile[] => [...p.parquet, ...p.rollups];

/** How a statement over raw files treats the census's record copies (see DuckDbEngine.compile). */
type CopyMode = 'none' | 'guarded' | 'checked';

interface EngineStatement {
  readonly compiled: CompiledSql;
  /** folders read by pattern whose listing must still hold once the statement has run (copies 'checked') */
  readonly recheck: ReadonlySet<string>;
}

const NONE: ReadonlySet<string> = new Set();

/** The files a query reads (see DuckDbEngine.filesFor). */
interface Planned extends Omit<TierReads, 'raw'> {
  /** raw files */
  readonly files: LakeFile[];
  readonly partitions: string[];
}

/** The files' paths and sizes: a file rewritten with more records changes it, the SQL does not. */
const filesFingerprint = (files: readonly LakeFile[]): string =>
  createHash('sha256').update(files.map((f) => `${f.path}\t${f.bytes}`).join('\n')).digest('base64url');

/** The embedded engine: reads exactly the files of the planned partitions with read_json. */
export class DuckDbEngine implements Engine {
  readonly name = 'duckdb';
  private readonly census: LakeCensus;
  /**
   * read_json's buffer per file: small by default (a large buffer per file slows lakes of many
   * small files), grown on demand up to maxObjectBytes when a file is larger.
   */
  private objectLimit: number;

  private readonly tier: ParquetTier;

  private constructor(
    private readonly pool: DuckDbPool,
    readonly lake: LocalLake,
    private readonly opts: DuckDbEngineOptions,
    /** the DuckDB library version: the Parquet tier stores its hash() of each record */
    private readonly writer: string,
  ) {
    this.objectLimit = Math.min(INITIAL_OBJECT_BYTES, opts.maxObjectBytes);
    this.census = new LakeCensus(
      lake,
      { sql: (files, table) => this.censusSql(files, table), execute: (files, make) => this.execute(files, make, {}), run: (compiled) => this.runSql(compiled, {}) },
      opts.logger,
    );
    this.tier = new ParquetTier(lake, writer, opts.parquet ?? true, opts.logger);
  }

  static async open(opts: DuckDbEngineOptions): Promise<DuckDbEngine> {
    const keptBlockBytes = opts.forCompaction ? compactionKeptBytes(opts.memoryLimit) : undefined;
    const pool = await DuckDbPool.open({ ...opts, allowedDirectories: [opts.lakeDir], keptBlockBytes });
    const version = await pool.use(async (c) => String((await c.runAndReadAll('SELECT library_version FROM pragma_version()')).getRows()[0][0]));
    return new DuckDbEngine(pool, new LocalLake(opts.lakeDir, opts.inventoryTtlMs), opts, `duckdb ${version}, format ${PARQUET_FORMAT}`);
  }

  /**
   * What a query reads: raw files, Parquet files, or (a principal summary, or a principal's top
   * values of a facet field, over compacted days: src/query/identity-rollup.ts) the rollups of
   * those days plus the events of the partial hours or days at the range's ends.
   */
  private async filesFor(query: Query): Promise<Planned> {
    const plan = queryRoot(query).plan;
    const parts = selectPartitions(plan, await this.lake.partitions());
    const { raw, ...reads } = await this.tier.reads(query, parts);
    // Several bucket prefixes may hold the same account/region/day: list each once.
    return { ...reads, files: raw, partitions: [...new Set(parts.map((p) => `${p.account}/${p.region}/${p.day}`))] };
  }

  /**
   * The statement of a query over its files. `copies`: whether raw files only (none read with
   * format detection) skip the census's record copies when it has counted them all (see
   * LakeCensus.copyPlan): 'none' (the result cache's key), 'guarded' (the read fails on a file the
   * census has not counted: streams) or 'checked' (`recheck` names the folders read by pattern,
   * whose listing the caller checks still holds after the statement: run).
   */
  private compile(query: Query, files: readonly LakeFile[], planned: Omit<Planned, 'files' | 'partitions'>, copies: CopyMode): EngineStatement {
    const { parquet, parquetPartitions, rollup, rollups } = planned;
    if (rollup) {
      const compiler = new DuckDbRollupCompiler({ parquetFiles: parquet.map((f) => f.path), parquetPartitions, maxObjectBytes: this.objectLimit });
      const paths = rollups.map((f) => f.path);
      if (rollup.kind === 'identities' && query.kind === 'select') return { compiled: compiler.compileQuery(query, rollup.match, paths), recheck: NONE };
      if (rollup.kind === 'facets' && query.kind === 'topPerGroup') return { compiled: compiler.compileFacetQuery(query, rollup.match, paths), recheck: NONE };
    }
    const raw = this.rawFiles(files);
    const skips = copies !== 'none' && parquet.length === 0 && files.length > 0 && raw.unstructuredFiles.size === 0;
    const plan = skips ? this.census.copyPlan(files, raw.wholeFolders, copies === 'guarded') : null;
    const compiled = new DuckDbCompiler({ ...raw, copies: plan, parquetFiles: parquet.map((f) => f.path), parquetPartitions, maxObjectBytes: this.objectLimit }).compile(query);
    return { compiled, recheck: plan && copies === 'checked' ? raw.wholeFolders : NONE };
  }

  /** Raw files as a compiler reads them: paths, those needing JSON format detection, whole folders. */
  private rawFiles(files: readonly LakeFile[]): { files: string[]; unstructuredFiles: ReadonlySet<string>; wholeFolders: ReadonlySet<string> } {
    const paths = files.map((f) => f.path);
    return { files: paths, unstructuredFiles: this.lake.unstructured(paths), wholeFolders: this.lake.wholeFolders(files) };
  }

  /** `trailgate compact`: the raw delivery days of the lake into its Parquet tier. */
  compact(opts: CompactOptions, progress?: CompactProgress): Promise<CompactSummary> {
    return new LakeCompactor({
      lake: this.lake,
      logger: this.opts.logger,
      writer: this.writer,
      execute: (files, make) => this.execute(files, make, {}),
      statement: (files, outDir) => new DuckDbCompiler({ ...this.rawFiles(files), maxObjectBytes: this.objectLimit }).compileCompaction(outDir),
      antiJoin: (target, earlier, outFile) => new DuckDbCompiler({ files: [], maxObjectBytes: this.objectLimit }).compileTierAntiJoin(target, earlier, outFile),
      rollup: (kind, dataFiles, outFile) => {
        const compiler = new DuckDbRollupCompiler({ maxObjectBytes: this.objectLimit });
        return kind === 'identities' ? compiler.compileBuild(dataFiles, outFile) : compiler.compileFacetBuild(dataFiles, outFile);
      },
      write: async (compiled) => Number((await this.runSql(compiled, {}))[0]?.Count ?? 0),
      batchBytes: compactionBatchBytes(this.opts.memoryLimit),
    }).run(opts, progress);
  }

  private censusSql(files: readonly LakeFile[], table: string): CompiledSql {
    return new DuckDbCompiler({ ...this.rawFiles(files), maxObjectBytes: this.objectLimit }).compileCensus(table);
  }

  async explain(query: Query, purpose: 'explain' | 'key' = 'explain'): Promise<ExplainedQuery> {
    const planned = await this.filesFor(query);
    const { files, partitions } = planned;
    const parquet = columnarFiles(planned);
    return {
      engine: this.name,
      compiled: this.compile(query, files, planned, purpose === 'explain' ? 'checked' : 'none').compiled,
      partitions,
      files: files.length + parquet.length,
      fingerprint: filesFingerprint([...files, ...parquet]),
    };
  }

  async run(query: Query, opts: RunOptions): Promise<EngineResult> {
    const id = randomUUID();
    const { planned, files, parquet, parquetBytes } = await this.prepare(query, opts.maxBytesScanned);
    const started = performance.now();
    const { rows, files: read } = await this.executeChecked(query, files, planned, opts, id);
    const engineMs = Math.round(performance.now() - started);
    const bytesScanned = read.reduce((n, f) => n + f.bytes, 0) + parquetBytes;
    const filesRead = read.length + parquet.length;
    this.opts.logger.debug({ requestId: opts.requestId, queryId: id, engineMs, files: filesRead, parquetFiles: parquet.length, bytesScanned }, 'duckdb query');
    return { rows, facts: { id, engineMs, bytesScanned, filesRead, cache: 'miss' } };
  }

  /**
   * execute() of a query's statement skipping the census's copies unguarded ('checked'), then the
   * check that makes that exact: a folder read by pattern that changed since it was listed may
   * have held a file the census has not counted, so the statement runs again de-duplicating every
   * row there (until the census counts the folder's new files).
   */
  private async executeChecked(query: Query, files: LakeFile[], planned: Planned, opts: RunOptions, id: string): Promise<{ rows: Row[]; files: LakeFile[] }> {
    let recheck = NONE;
    const make = (fs: LakeFile[]) => {
      const statement = this.compile(query, fs, planned, 'checked');
      recheck = statement.recheck;
      return statement.compiled;
    };
    const first = await this.execute(files, make, opts, id);
    const changed = await this.lake.changedSinceListing(recheck);
    if (changed.length === 0) return first;
    for (const dir of changed) this.census.unseen(dir);
    this.opts.logger.info({ requestId: opts.requestId, folders: changed.map((d) => this.lake.relative(d)) }, 'lake folders changed while read: reading again, de-duplicating every row there until the census counts them');
    return this.execute(first.files, make, opts, id);
  }

  /**
   * What a run or a stream reads, once refused over the scan budget, and with the census having
   * counted a few newly delivered raw files first (LakeCensus.admit).
   */
  private async prepare(query: Query, maxBytesScanned: number | undefined): Promise<{ planned: Planned; files: LakeFile[]; parquet: LakeFile[]; parquetBytes: number }> {
    const planned = await this.filesFor(query);
    const files = planned.files;
    const parquet = columnarFiles(planned);
    const parquetBytes = parquet.reduce((n, f) => n + f.bytes, 0);
    this.refuseOverBudget(files.reduce((n, f) => n + f.bytes, 0) + parquetBytes, maxBytesScanned);
    if (parquet.length === 0) await this.census.admit(files);
    return { planned, files, parquet, parquetBytes };
  }

  /** The embedded engine knows what it will read before reading it: over the budget, it refuses up front. */
  private refuseOverBudget(planned: number, maxBytesScanned: number | undefined): void {
    if (maxBytesScanned === undefined || planned <= maxBytesScanned) return;
    throw new TrailgateError('SCAN_LIMIT_EXCEEDED', 'The query would scan more data than this caller may scan per query; narrow the range, accounts or regions.', {
      details: { bytesToScan: planned, maxBytesScannedPerQuery: maxBytesScanned },
    });
  }

  /**
   * Exports: the rows chunk by chunk over one held connection (duckdb-stream.ts), under the same
   * file plan, scan budget and unreadable-file handling as run().
   */
  async *stream(query: Query, opts: StreamOptions): AsyncGenerator<Row[]> {
    const id = randomUUID();
    const { planned, files, parquet, parquetBytes } = await this.prepare(query, opts.maxBytesScanned);
    const t0 = performance.now();
    yield* streamRows({
      files,
      compile: (fs) => this.compile(query, fs, planned, 'guarded').compiled,
      recover: (e, current, attempt, compiled) => this.recover(e, current, attempt, compiled, opts, id),
      lease: () => this.pool.lease(),
      timeoutMs: opts.timeoutMs ?? this.opts.queryTimeoutMs,
      signal: opts.signal,
      started: (read) => {
        const facts = { id, engineMs: Math.round(performance.now() - t0), bytesScanned: read.reduce((n, f) => n + f.bytes, 0) + parquetBytes, filesRead: read.length + parquet.length, cache: 'miss' as const };
        this.opts.logger.debug({ requestId: opts.requestId, queryId: id, ...facts }, 'duckdb stream started');
        opts.onFacts?.(facts);
      },
    });
  }

  /**
   * Runs a statement over a file set. A file that is not valid gzip JSON fails the whole read;
   * DuckDB names it in the error, so it is set aside (reported by `lake`) and the statement re-run.
   */
  private async execute(
    files: LakeFile[],
    make: (files: LakeFile[]) => CompiledSql,
    opts: Partial<RunOptions>,
    id: string = randomUUID(),
  ): Promise<{ rows: Row[]; files: LakeFile[] }> {
    let current = files;
    for (let attempt = 0; ; attempt++) {
      const compiled = make(current);
      try {
        return { rows: await this.runSql(compiled, opts), files: current };
      } catch (e) {
        current = this.recover(e, current, attempt, compiled, opts, id);
      }
    }
  }

  /**
   * After a failed read, the files to read again: the same with a larger buffer, the same with the
   * folder of a file that is not line-delimited JSON read with format detection, the same without
   * skipping copies in the folder of a file the census has not counted, or without the
   * unreadable file the error names (set aside, reported by `lake`). Otherwise it throws.
   */
  private recover(e: unknown, current: LakeFile[], attempt: number, compiled: CompiledSql, opts: Partial<RunOptions>, id: string): LakeFile[] {
    if (e instanceof TrailgateError) throw e;
    const message = (e as Error).message ?? String(e);
    if (message.includes('"maximum_object_size"') && this.objectLimit < this.opts.maxObjectBytes) {
      this.objectLimit = Math.min(this.objectLimit * 4, this.opts.maxObjectBytes);
      this.opts.logger.info({ requestId: opts.requestId, maxObjectBytes: this.objectLimit }, 'a lake file is large: reading with a larger buffer');
      return current;
    }
    const failure = readFailure(message, current, attempt, (f) => this.lake.unstructured([f]).size > 0);
    if (failure.kind === 'uncounted') {
      this.census.unseen(path.dirname(failure.file));
      this.opts.logger.info({ requestId: opts.requestId, file: this.lake.relative(failure.file) }, 'a lake file delivered since the census was read: de-duplicating every row of its folder until it is counted');
      return current;
    }
    if (failure.kind === 'layout') {
      this.lake.markUnstructured(failure.files);
      this.opts.logger.info({ requestId: opts.requestId, file: this.lake.relative(failure.file) }, 'a lake file is not one JSON value per line: reading its folder with format detection');
      return current;
    }
    if (failure.kind === 'other') {
      this.opts.logger.error({ requestId: opts.requestId, queryId: id, err: message, sql: compiled.sql }, 'duckdb query failed');
      throw new TrailgateError('INTERNAL_SERVER_ERROR', 'The query failed.', { internal: message, cause: e });
    }
    const bad = failure.file;
    const reason = message.split('\n')[0].replace(bad.path, this.lake.relative(bad.path));
    this.lake.reject(bad.path, reason);
    this.opts.logger.warn({ requestId: opts.requestId, file: this.lake.relative(bad.path), reason }, 'rejected unreadable lake file');
    return current.filter((f) => f.path !== bad.path);
  }

  private runSql(compiled: CompiledSql, opts: Partial<RunOptions>): Promise<Row[]> {
    const timeoutMs = opts.timeoutMs ?? this.opts.queryTimeoutMs;
    return this.pool.use(async (conn: DuckDBConnection) => {
      let why: 'timeout' | 'aborted' | null = null;
      const interrupt = (reason: 'timeout' | 'aborted') => {
        why = reason;
        conn.interrupt();
      };
      if (opts.signal?.aborted) throw new TrailgateError('QUERY_TIMEOUT', 'The request was cancelled.');
      const timer = setTimeout(() => interrupt('timeout'), timeoutMs);
      const onAbort = () => interrupt('aborted');
      opts.signal?.addEventListener('abort', onAbort, { once: true });
      try {
        const { values, types } = duckParams(compiled.params);
        const reader = await conn.runAndReadAll(compiled.sql, values, types);
        return reader.getRowObjectsJS().map((r) => plainRow(r as Record<string, unknown>));
      } catch (e) {
        if (why === 'timeout') throw new TrailgateError('QUERY_TIMEOUT', `The query did not finish within ${timeoutMs} ms.`, { cause: e });
        if (why === 'aborted') throw new TrailgateError('QUERY_TIMEOUT', 'The request was cancelled.', { cause: e });
        throw e;
      } finally {
        clearTimeout(timer);
        opts.signal?.removeEventListener('abort', onAbort);
      }
    });
  }

  async lakeInfo(scope: AccountScope): Promise<LakeInfo> {
    const visible = scope === '*' ? null : new Set(scope);
    const partitions = (await this.lake.partitions()).filter((p) => !visible || visible.has(p.account));
    const census = await this.census.update(partitions);
    const days = partitions.map((p) => p.day).sort();
    return {
      engine: this.name,
      location: this.opts.lakeDir,
      firstDay: days[0] ?? null,
      lastDay: days[days.length - 1] ?? null,
      accounts: [...new Set(partitions.map((p) => p.account))].sort(),
      regions: [...new Set(partitions.map((p) => p.region))].sort(),
      files: census.files,
      rejectedRecords: census.rejectedRecords,
      rejectedFiles: census.rejectedFiles,
    };
  }

  queueDepth(): number {
    return this.pool.pending;
  }

  /** The lake folder is readable and a connection answers `SELECT 1` (it waits its turn behind running queries). */
  async ready(): Promise<readonly ReadinessCheck[]> {
    const lake = await fs.access(this.opts.lakeDir, fsConstants.R_OK).then(
      () => ({ name: 'lake', ok: true }),
      () => ({ name: 'lake', ok: false, detail: 'the lake directory is not readable' }),
    );
    const duckdb = await this.pool.use((c) => c.run('SELECT 1')).then(
      () => ({ name: 'duckdb', ok: true }),
      () => ({ name: 'duckdb', ok: false, detail: 'DuckDB did not answer SELECT 1' }),
    );
    return [lake, duckdb];
  }

  async close(): Promise<void> {
    await this.pool.close();
  }
}
