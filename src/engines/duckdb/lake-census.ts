import path from 'node:path';
import type { Logger } from 'pino';
import type { LakeFile, LakePartition } from '../../lake/lake-layout';
import type { LocalLake } from '../../lake/local-lake';
import type { CompiledSql } from '../../sql/compiled-sql';
import { censusTotalsSql, createKeysTableSql, deleteKeysSql, dropTableSql, insertKeysSql, newCopiesSql } from '../../sql/duckdb-census-sql';
import type { RecordCopyPlan } from '../../sql/record-copy-plan';
import type { Row } from '../engine';
import { RecordCopies } from './record-copies';

interface FileCensus {
  readonly id: number;
  readonly bytes: number;
  readonly records: number;
  readonly rejected: number;
  readonly noRecords: boolean;
}

export interface CensusTotals {
  readonly files: number;
  readonly records: number;
  readonly rejectedRecords: number;
  readonly rejectedFiles: number;
}

/** How the census reads files and runs its other statements (DuckDbEngine's). */
export interface CensusIo {
  /** the census of some files into a new table (DuckDbCompiler.compileCensus) */
  readonly sql: (files: readonly LakeFile[], table: string) => CompiledSql;
  /** runs a statement over files, setting aside unreadable ones (DuckDbEngine.execute) */
  readonly execute: (files: LakeFile[], make: (files: LakeFile[]) => CompiledSql) => Promise<{ rows: Row[]; files: LakeFile[] }>;
  readonly run: (compiled: CompiledSql) => Promise<Row[]>;
}

const CHUNK = 2000;
/** Copies of records held at most (~100 bytes each): past that, statements de-duplicate every row. */
const MAX_COPIES = 1_000_000;
/** A query counts the files the census has not seen first when they are at most this many, or this share of its files. */
const ADMIT_FILES = 64;
const ADMIT_SHARE = 0.05;
const num = (v: unknown) => (typeof v === 'number' ? v : Number(v ?? 0));

/**
 * Counts, once per file (and again when a file's size changes), the records each file holds and
 * the ones that cannot be served, so `lake` reports them and the log says why. It also keeps each
 * record's duplicate key, so it knows every record held more than once (RecordCopies): a
 * statement over counted files skips the redundant copies by position (copyPlan) instead of
 * de-duplicating every row.
 */
export class LakeCensus {
  private readonly byFile = new Map<string, FileCensus>();
  /** current file ids (a file counted again gets a new one) */
  private readonly pathOf = new Map<number, string>();
  /** counted files by folder: what a folder read by pattern may return */
  private readonly byDir = new Map<string, Set<string>>();
  /** folders where a read met a file the census had not counted, until it counts one there */
  private readonly unseenIn = new Set<string>();
  private readonly copies = new RecordCopies(MAX_COPIES);
  private nextId = 1;
  private tables = 0;
  private keysTable: Promise<unknown> | null = null;
  /** censuses run one at a time (a later one finds the files an earlier one counted) */
  private chain: Promise<unknown> = Promise.resolve();
  private pending = 0;

  constructor(
    private readonly lake: LocalLake,
    private readonly io: CensusIo,
    private readonly logger: Logger,
  ) {}

  /** The totals of the given partitions (a principal's view of the lake), counting new files first. */
  async update(partitions: readonly LakePartition[]): Promise<CensusTotals> {
    const files = await this.lake.files(partitions);
    await this.enqueue(files);
    return this.totals(files, partitions);
  }

  /**
   * Before a statement over raw files: counts those the census has not seen when they are few
   * (a late delivery), so the statement can skip copies. Many (a census still running, a lake
   * grown a lot): it does not wait, and the statement de-duplicates every row. Never fails.
   */
  async admit(files: readonly LakeFile[]): Promise<void> {
    if (this.pending > 0) return;
    const missing = files.filter((f) => this.byFile.get(f.path)?.bytes !== f.bytes);
    if (missing.length === 0 || missing.length > Math.max(ADMIT_FILES, files.length * ADMIT_SHARE)) return;
    await this.enqueue(missing).catch((err) => this.logger.warn({ err }, 'lake census of newly delivered files failed'));
  }

  /**
   * The redundant copies to skip when reading `files` (and, for folders read by pattern, whatever
   * else of those folders the census counted). Null when the census has not counted every file
   * at its current size, or holds too many copies: the statement then de-duplicates every row.
   * `guarded`: the plan lists every counted file the read may return (RecordCopyPlan.censused).
   */
  copyPlan(files: readonly LakeFile[], wholeFolders: ReadonlySet<string>, guarded: boolean): RecordCopyPlan | null {
    if (this.copies.full) return null;
    const censused = new Set<string>();
    for (const f of files) {
      if (this.byFile.get(f.path)?.bytes !== f.bytes || this.unseenIn.has(path.dirname(f.path))) return null;
      censused.add(f.path);
    }
    for (const dir of wholeFolders) for (const p of this.byDir.get(dir) ?? []) censused.add(p);
    const skip = this.copies.skip((id) => {
      const p = this.pathOf.get(id);
      return p !== undefined && censused.has(p) ? p : null;
    });
    if (!skip) return null;
    return guarded ? { censused: [...censused], skip } : { skip };
  }

  /**
   * A read may have met a file of `dir` the census has not counted (delivered since the folder was
   * listed): the folder is listed again, and its rows de-duplicated one by one until the census
   * counts a file there.
   */
  unseen(dir: string): void {
    this.unseenIn.add(dir);
    this.lake.relist(dir);
  }

  private enqueue(files: readonly LakeFile[]): Promise<void> {
    this.pending++;
    const run = this.chain.then(() => this.count(files));
    this.chain = run.catch(() => undefined).finally(() => this.pending--);
    return run;
  }

  private async count(files: readonly LakeFile[]): Promise<void> {
    this.keysTable ??= this.io.run(createKeysTableSql()).catch((e) => {
      this.keysTable = null;
      throw e;
    });
    await this.keysTable;
    const todo = files.filter((f) => this.byFile.get(f.path)?.bytes !== f.bytes);
    for (let i = 0; i < todo.length; i += CHUNK) await this.countChunk(todo.slice(i, i + CHUNK));
  }

  private async countChunk(chunk: LakeFile[]): Promise<void> {
    const table = `tg_census_${++this.tables}`;
    await this.io.execute(chunk, (fs) => this.io.sql(fs, table));
    try {
      const rows = await this.io.run(censusTotalsSql(table));
      const seen = new Map(rows.map((r) => [String(r.file), r]));
      const firstId = this.nextId;
      const counted = new Map<string, FileCensus>();
      for (const f of chunk) {
        const r = seen.get(f.path);
        if (!r) continue; // set aside by execute() as unreadable
        counted.set(f.path, { id: this.nextId++, bytes: f.bytes, records: num(r.records), rejected: num(r.rejected), noRecords: r.no_records === true });
        this.logFile(f.path, r);
      }
      // keys first, then the files: a statement never sees a file counted without its copies
      const retired = [...counted.keys()].flatMap((p) => this.byFile.get(p)?.id ?? []);
      if (retired.length > 0) await this.io.run(deleteKeysSql(retired));
      await this.io.run(insertKeysSql(table, new Map([...counted].map(([p, c]) => [p, c.id]))));
      const copies = await this.io.run(newCopiesSql(firstId));
      const full = this.copies.full;
      this.copies.record(copies.map((r) => ({ key: String(r.key), file: num(r.file_id), idx: num(r.idx) })));
      if (this.copies.full && !full) this.logger.warn({ copies: MAX_COPIES }, 'the lake holds too many duplicate records to skip them by position: queries over raw files de-duplicate every row');
      for (const id of retired) this.pathOf.delete(id);
      for (const [p, c] of counted) {
        this.byFile.set(p, c);
        this.pathOf.set(c.id, p);
        const dir = path.dirname(p);
        this.byDir.set(dir, (this.byDir.get(dir) ?? new Set()).add(p));
        this.unseenIn.delete(dir);
      }
    } finally {
      await this.io.run(dropTableSql(table));
    }
  }

  private logFile(file: string, r: Row): void {
    if (r.no_records === true) this.logger.warn({ file: this.lake.relative(file) }, 'lake file has no Records array');
    const rejected = num(r.rejected);
    if (rejected > 0) {
      const reasons = { noTime: r.no_time, badTime: r.bad_time, noSource: r.no_source, noName: r.no_name, noRegion: r.no_region };
      this.logger.warn({ file: this.lake.relative(file), rejected, reasons }, 'rejected lake records');
    }
  }

  private totals(files: readonly LakeFile[], partitions: readonly LakePartition[]): CensusTotals {
    let records = 0;
    let rejectedRecords = 0;
    let noRecordFiles = 0;
    for (const f of files) {
      const c = this.byFile.get(f.path);
      if (!c) continue;
      records += c.records;
      rejectedRecords += c.rejected;
      if (c.noRecords) noRecordFiles++;
    }
    const dirs = partitions.map((p) => p.dir + path.sep);
    const unreadable = [...this.lake.rejectedFiles().keys()].filter((f) => dirs.some((d) => f.startsWith(d))).length;
    // files set aside while this census ran are counted once, as unreadable
    const readable = files.filter((f) => !this.lake.rejectedFiles().has(f.path)).length;
    return { files: readable + unreadable, records, rejectedRecords, rejectedFiles: unreadable + noRecordFiles };
  }
}
