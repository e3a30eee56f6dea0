import path from 'node:path';
import type { Logger } from 'pino';
import type { LakeFile, LakePartition } from '../../lake/lake-layout';
import type { LocalLake } from '../../lake/local-lake';
import type { CompiledSql } from '../../sql/compiled-sql';
import type { Row } from '../engine';

interface FileCensus {
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

const CHUNK = 2000;
const num = (v: unknown) => (typeof v === 'number' ? v : Number(v ?? 0));

/**
 * Counts, once per file (and again when a file's size changes), the records each file holds and
 * the ones that cannot be served, so `lake` reports them and the log says why.
 */
export class LakeCensus {
  private readonly byFile = new Map<string, FileCensus>();
  /** censuses run one at a time (a later one finds the files an earlier one counted) */
  private chain: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly lake: LocalLake,
    private readonly sql: (files: readonly LakeFile[]) => CompiledSql,
    private readonly execute: (files: LakeFile[], make: (files: LakeFile[]) => CompiledSql) => Promise<{ rows: Row[] }>,
    private readonly logger: Logger,
  ) {}

  /** The totals of the given partitions (a principal's view of the lake), counting new files first. */
  async update(partitions: readonly LakePartition[]): Promise<CensusTotals> {
    const files = await this.lake.files(partitions);
    const run = this.chain.then(() => this.count(files));
    this.chain = run.catch(() => undefined);
    await run;
    return this.totals(files, partitions);
  }

  private async count(files: readonly LakeFile[]): Promise<void> {
    const todo = files.filter((f) => this.byFile.get(f.path)?.bytes !== f.bytes);
    for (let i = 0; i < todo.length; i += CHUNK) {
      const chunk = todo.slice(i, i + CHUNK);
      const { rows } = await this.execute(chunk, (fs) => this.sql(fs));
      const seen = new Map(rows.map((r) => [String(r.file), r]));
      for (const f of chunk) {
        const r = seen.get(f.path);
        if (!r) continue; // set aside by execute() as unreadable
        const c: FileCensus = { bytes: f.bytes, records: num(r.records), rejected: num(r.rejected), noRecords: r.no_records === true };
        this.byFile.set(f.path, c);
        if (c.noRecords) this.logger.warn({ file: this.lake.relative(f.path) }, 'lake file has no Records array');
        if (c.rejected > 0) {
          const reasons = { noTime: r.no_time, badTime: r.bad_time, noSource: r.no_source, noName: r.no_name, noRegion: r.no_region };
          this.logger.warn({ file: this.lake.relative(f.path), rejected: c.rejected, reasons }, 'rejected lake records');
        }
      }
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
