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
  private running: Promise<CensusTotals> | null = null;

  constructor(
    private readonly lake: LocalLake,
    private readonly sql: (files: readonly LakeFile[]) => CompiledSql,
    private readonly execute: (files: LakeFile[], make: (files: LakeFile[]) => CompiledSql) => Promise<{ rows: Row[] }>,
    private readonly logger: Logger,
  ) {}

  update(partitions: readonly LakePartition[]): Promise<CensusTotals> {
    // One census at a time; callers arriving meanwhile share it.
    this.running ??= this.run(partitions).finally(() => (this.running = null));
    return this.running;
  }

  private async run(partitions: readonly LakePartition[]): Promise<CensusTotals> {
    const files = await this.lake.files(partitions);
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
    const live = new Set(files.map((f) => f.path));
    let records = 0;
    let rejectedRecords = 0;
    let noRecordFiles = 0;
    for (const [p, c] of this.byFile) {
      if (!live.has(p)) continue;
      records += c.records;
      rejectedRecords += c.rejected;
      if (c.noRecords) noRecordFiles++;
    }
    const unreadable = this.lake.rejectedFiles().size;
    return { files: files.length + unreadable, records, rejectedRecords, rejectedFiles: unreadable + noRecordFiles };
  }
}
