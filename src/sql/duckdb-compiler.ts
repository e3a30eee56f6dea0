import { CLOUDTRAIL_COLUMNS } from '../domain/column-catalogue';
import type { LiteralValue, PartitionPlan, Query } from '../query/ir';
import { VALID_RECORD } from '../query/valid-record';
import type { CompiledSql } from './compiled-sql';
import { censusTable } from './duckdb-census-sql';
import type { RecordCopyPlan } from './record-copy-plan';
import { recordStructure } from './duckdb-struct-type';
import { jsonPath } from './json-path';
import { encodeString } from './literal-encoder';
import { SqlCompiler } from './sql-compiler';
import type { UnnestColumn } from './unnest-sql';

/**
 * The columns the Parquet tier stores typed: what filters, groupings and identities read most.
 * The rest (and every JSON member) is re-read from the stored record text when a statement uses
 * it: writing every column typed would cost the compaction more than the whole raw read.
 */
export const PARQUET_TYPED_COLUMNS: ReadonlySet<string> = new Set([
  'eventtime', 'eventsource', 'eventname', 'awsregion', 'recipientaccountid', 'eventid', 'useridentity', 'sourceipaddress',
  'useragent', 'errorcode', 'errormessage', 'readonly', 'eventtype', 'eventcategory', 'managementevent',
  // JSON, but every validity test reads it (Insights events) and it is almost always absent: cheap to store
  'insightdetails',
]);

/** The account folder a file was delivered to (the account of records without recipientAccountId). */
const FOLDER_ACCOUNT = (file: string): string => `nullif(regexp_extract(${file}, '/AWSLogs/(?:o-[^/]+/)?([0-9]{12})/CloudTrail/', 1), '')`;

/**
 * zstd at level 1: the record text is most of what a compaction writes, and level 1 writes it
 * 15-25% faster than the default level 3 for ~5% more bytes (measured on a 10 M-event lake).
 * Row groups of 32,768 rows instead of DuckDB's 122,880: the partitioned COPY then flushes each
 * folder's rows while it reads instead of at its end, and a batch of tier folders wrote ~25%
 * faster (1.8 s -> 1.37 s for 16 folders, 260 k rows, on the 1 M-event lake, whose folders stay
 * one row group either way); 16,384 was no faster. The cost: a folder of the 10 M-event lake
 * (~330 k rows) has 10 row groups instead of 3, and a full scan of its typed columns took ~13%
 * longer (157 -> 178 ms for 20 folders). Rankings over whole hours read the rollups instead.
 */
const TIER_COMPRESSION = 'FORMAT parquet, COMPRESSION zstd, COMPRESSION_LEVEL 1, ROW_GROUP_SIZE 32768';

/** The error a line-delimited read raises for a file without Records (see readJson). */
export const NO_RECORDS_IN_LINES = 'no Records array read as line-delimited JSON in file';

/** The error a read skipping census-known copies raises for a file the census has not counted (see skipCopies). */
export const NOT_IN_CENSUS = 'a file the lake census has not counted was read:';

/** Bumped whenever what compileCompaction writes changes: a tier in another format is not read. */
export const PARQUET_FORMAT = 6;

export interface DuckDbSourceBinding {
  /** The raw files the engine resolved for the plan's partitions (those not served from Parquet). */
  readonly files: readonly string[];
  /** The Parquet files of the delivery days holding the plan's compacted partitions (see src/lake/parquet-manifest.ts). */
  readonly parquetFiles?: readonly string[];
  /**
   * When those files also hold rows of partitions the plan does not read from them: the
   * `account/region/day` partitions to keep (ParquetTier.route). Null or absent: every row.
   */
  readonly parquetPartitions?: readonly string[] | null;
  /**
   * Of `files`, those that may not hold one JSON value per line (a pretty-printed file, or one of a
   * folder where such a file was found: LocalLake.unstructured). They are read with format auto;
   * the rest as newline-delimited JSON, as CloudTrail writes them: ~25% faster, and a file that is
   * not fails the read naming it (never a silent loss: see readJson), so it can be read again.
   */
  readonly unstructuredFiles?: ReadonlySet<string>;
  /**
   * Folders every log file of which is in `files` (LocalLake.wholeFolders): read by pattern
   * (`<folder>/*.json.gz`), so a file delivered there since the listing is read too.
   */
  readonly wholeFolders?: ReadonlySet<string>;
  /**
   * The redundant copies among the raw files' records, as the lake census counted them: a
   * statement over raw files only (none of them read with format detection) then skips them by
   * position in each file's `Records` instead of de-duplicating every row (see skipCopies).
   */
  readonly copies?: RecordCopyPlan | null;
  /** read_json's per-file object limit (a delivery file is one JSON object). */
  readonly maxObjectBytes: number;
}

/**
 * DuckDB dialect: values are bound parameters; the source is read_json over the planned files.
 * Each record is read as JSON text (cheap: no per-field parsing) and json_transform extracts only
 * the columns the statement uses; the record text itself is the duplicate key (a re-delivered
 * record is the same record).
 *
 * Compacted partitions are read from Parquet instead (their typed columns, the record text and its
 * hash as written by compileCompaction), combined with the raw files by UNION ALL BY NAME; the
 * de-duplication that follows is the same, so the answers are the ones raw files give.
 */
export class DuckDbCompiler extends SqlCompiler {
  readonly dialect = 'duckdb' as const;

  constructor(private readonly binding: DuckDbSourceBinding) {
    super();
  }

  /** the raw files read as newline-delimited JSON, and the others (see unstructuredFiles): their parameters */
  private lineFiles = '';
  private otherFiles = '';
  /** whether the statement's first ordering is ascending (see parquetBranch) */
  private ascending = false;
  /** whether rows keep their record text (a late page re-reads its rows' columns from it) */
  private keepRecord = false;

  override compile(query: Query): CompiledSql {
    this.ascending = query.orderBy[0]?.dir === 'asc';
    return super.compile(query);
  }

  /** The raw file lists are the first parameters. */
  protected override prologue(): void {
    this.bindRawFiles();
  }

  private bindRawFiles(): void {
    const other = this.binding.unstructuredFiles;
    const { files } = this.binding;
    const lines = other ? files.filter((f) => !other.has(f)) : files;
    const rest = other ? files.filter((f) => other.has(f)) : [];
    this.lineFiles = lines.length ? this.bindFiles(this.readList(lines), `${lines.length} log files`) : '';
    this.otherFiles = rest.length ? this.bindFiles(this.readList(rest), `${rest.length} log files read with format detection`) : '';
  }

  /**
   * What read_json is given for `files`: the files of a whole folder (see wholeFolders) as the
   * folder's pattern, DuckDB listing it (far faster than being handed each path), others as paths.
   */
  private readList(files: readonly string[]): string[] {
    const whole = this.binding.wholeFolders;
    if (!whole || whole.size === 0) return [...files];
    const out: string[] = [];
    const patterns = new Set<string>();
    for (const f of files) {
      const dir = f.slice(0, f.lastIndexOf('/'));
      if (!whole.has(dir)) out.push(f);
      else patterns.add(`${dir}/${f.endsWith('.gz') ? '*.json.gz' : '*.json'}`);
    }
    return [...out, ...patterns];
  }

  /** The raw files' `Records` and `filename`: one read_json per format (see unstructuredFiles). */
  private readJson(): string {
    if (!this.lineFiles && !this.otherFiles) this.bindRawFiles();
    // records = true: each line must be an object; a line that is not yields NULL Records for its
    // own file (with detection, one such line can leave every file of the read without Records)
    const read = (files: string, format: string) =>
      `read_json(${files}, columns = {'Records': 'JSON[]'}, format = '${format}'${format === 'newline_delimited' ? ', records = true' : ''}, filename = true, ignore_errors = true, ` +
      `maximum_object_size = ${Math.trunc(this.binding.maxObjectBytes)})`;
    // A line-delimited read never yields a file without Records silently (objects back to back on
    // one line, a truncated line, a JSON array: what CloudTrail does not write): it fails naming
    // the file, and the engine reads that file's folder with format detection (readFailure).
    const lines = (files: string) =>
      `(SELECT CASE WHEN Records IS NULL THEN error(concat('${NO_RECORDS_IN_LINES} "', filename, '"')) ELSE Records END AS Records, filename FROM ${read(files, 'newline_delimited')})`;
    if (!this.otherFiles) return this.skipsCopies ? this.skipCopies(lines(this.lineFiles)) : lines(this.lineFiles);
    if (!this.lineFiles) return read(this.otherFiles, 'auto');
    return `(SELECT * FROM ${lines(this.lineFiles)} UNION ALL SELECT Records, filename FROM ${read(this.otherFiles, 'auto')})`;
  }

  protected override latePageColumns(): boolean {
    return true;
  }

  /**
   * DISTINCT ON keeps one row per key without a window (faster in DuckDB; duplicates are
   * identical), keyed on the record text's hash as a number (tg_hash, its text, costs more). A
   * statement that reads only the Parquet tier needs none: compaction keeps each record once
   * across the whole tier (see compileCompaction and LakeCompactor).
   */
  protected override dedup(eventId: string, where: string): string {
    if (this.tierOnly || this.skipsCopies) return `dd AS (\n  SELECT * FROM ev\n  WHERE ${where}\n)`;
    return `dd AS (\n  SELECT DISTINCT ON (${eventId}, tg_rawhash) * FROM ev\n  WHERE ${where}\n)`;
  }

  /**
   * Whether the raw records are read without the census's redundant copies (see skipCopies), so no
   * de-duplication follows: raw files only, each read as line-delimited JSON (a file read with
   * format detection may yield several `Records` arrays, and positions in them are not the
   * census's). Compaction and the census bind no copies.
   */
  private get skipsCopies(): boolean {
    return !!this.binding.copies && !this.tiered && this.binding.files.length > 0 && !this.otherFiles;
  }

  /**
   * One row per raw file with the census's redundant copies left out of its `Records` (by their
   * 1-based position): a join of the files (a few per thousand records) and a filter of the few
   * that hold copies, instead of DISTINCT ON over every record (~12% of a raw scan). When the plan
   * lists the counted files (RecordCopyPlan.censused), a file the census has not counted (delivered
   * since into a folder read by pattern) fails the read naming it: the engine then reads that
   * folder with DISTINCT ON until the census counts it.
   */
  private skipCopies(lines: string): string {
    const { censused, skip } = this.binding.copies as RecordCopyPlan;
    const entries = [...skip].map(([f, i]) => ({ f, i }));
    // one JSON text per list: binding 80,000 paths as a list costs DuckDB's client ~1 s, as one text ~50 ms
    const copies = this.bind({ type: 'VARCHAR', value: JSON.stringify(entries), files: `record copies to skip in ${entries.length} log files` });
    const skipped = `LEFT JOIN (SELECT c.f, c.i FROM (SELECT unnest(from_json(${copies}, '[{"f":"VARCHAR","i":["INTEGER"]}]')) AS c) AS c) AS s ON s.f = j.filename`;
    const filtered = 'WHEN s.i IS NULL THEN j.Records ELSE list_filter(j.Records, lambda r, n: NOT list_contains(s.i, n)) END AS Records, j.filename';
    if (!censused) return `(SELECT CASE ${filtered} FROM ${lines} AS j ${skipped})`;
    const known = this.bind({ type: 'VARCHAR', value: JSON.stringify(censused), files: `${censused.length} counted log files` });
    return (
      `(SELECT CASE WHEN k.f IS NULL THEN error(concat('${NOT_IN_CENSUS} "', j.filename, '"')) ${filtered} FROM ${lines} AS j ` +
      `LEFT JOIN (SELECT unnest(from_json(${known}, '["VARCHAR"]')) AS f) AS k ON k.f = j.filename ${skipped})`
    );
  }

  /** Whether every planned partition is served from the Parquet tier (no raw file is read). */
  private get tierOnly(): boolean {
    return this.binding.files.length === 0 && (this.binding.parquetFiles ?? []).length > 0;
  }

  /**
   * The record text is re-read only by late pages (rematerialize): raw rows carry it only for
   * them (its hash is taken where it is read), Parquet rows drop it here.
   */
  protected override sourceColumns(keepRecord: boolean): string {
    this.keepRecord = keepRecord;
    return keepRecord || !this.tiered ? 'src.*' : 'src.* EXCLUDE (tg_raw)';
  }

  /** The page's rows with their full columns parsed again from the record text, for those rows only. */
  protected override rematerialize(page: string, paths: ReadonlySet<string>): string {
    return (
      `(SELECT ${page}.tg_time, ${page}.tg_account, ${page}.tg_hash, ${page}.tg_file, ` +
      `unnest(json_transform(${page}.tg_raw, ${encodeString(recordStructure(paths))})) FROM ${page}) AS dd`
    );
  }

  /** Several unnest() in one select list expand in parallel. */
  protected unnestRelation(columns: readonly UnnestColumn[]): string {
    return `(SELECT dd.*, ${columns.map((c) => `unnest(${c.array}) AS ${c.alias}`).join(', ')} FROM dd) AS ux`;
  }

  protected sourceRelation(_plan: PartitionPlan, columns: ReadonlySet<string>): string {
    const paths = this.usedPaths();
    const shape = encodeString(recordStructure(paths));
    const parquet = this.binding.parquetFiles ?? [];
    if (parquet.length > 0) {
      const branches = [this.parquetBranch(columns, paths, parquet)];
      if (this.binding.files.length > 0) branches.unshift(this.rawBranch(shape, true));
      return `(${branches.join('\nUNION ALL BY NAME\n')}) AS src`;
    }
    const record = this.keepRecord ? 'r AS tg_raw, ' : '';
    if (this.binding.files.length === 0) {
      return `(SELECT unnest(json_transform(r, ${shape})), hash(r) AS tg_rawhash, ${record}CAST(NULL AS VARCHAR) AS tg_file FROM (SELECT CAST(NULL AS JSON) AS r) AS x WHERE FALSE) AS src`;
    }
    return `(${this.rawBranch(shape, false)}) AS src`;
  }

  /**
   * Raw records: the members the statement reads, parsed from each record's text, and the text's
   * hash (the duplicate key). The text itself is carried on only when something re-reads it:
   * carrying every record's text through the scan costs ~10% of it.
   */
  private rawBranch(shape: string, tiered: boolean): string {
    const rows =
      `SELECT unnest(json_transform(r, ${shape})), hash(r) AS tg_rawhash, ${tiered || this.keepRecord ? 'r AS tg_raw, ' : ''}filename AS tg_file ` +
      `FROM (SELECT unnest(Records) AS r, filename FROM ${this.readJson()}) AS x`;
    // Next to the Parquet tier, raw rows compute what the tier stores (see compileCompaction).
    return tiered ? `SELECT *, ${this.parseTime('"eventTime"')} AS tg_ts, ${FOLDER_ACCOUNT('tg_file')} AS tg_folder_account FROM (${rows}) AS rw` : rows;
  }

  /**
   * Compacted records: the stored typed columns, and any other column re-read from the record text
   * with the same json_transform the raw branch uses (see PARQUET_TYPED_COLUMNS).
   */
  private parquetBranch(columns: ReadonlySet<string>, paths: ReadonlySet<string>, files: readonly string[]): string {
    const used = CLOUDTRAIL_COLUMNS.filter((c) => columns.has(c.name));
    const typed = used.filter((c) => PARQUET_TYPED_COLUMNS.has(c.name)).map((c) => `"${c.key}"`);
    const rest = new Set([...paths].filter((p) => !PARQUET_TYPED_COLUMNS.has(p.split('.')[0])));
    const parts = [
      ...typed,
      ...(rest.size ? [`unnest(json_transform(tg_raw, ${encodeString(recordStructure(rest))}))`] : []),
      'tg_raw', 'tg_rawhash', 'tg_file', 'tg_ts', 'tg_folder_account',
    ];
    const keep = this.binding.parquetPartitions;
    const restrict = keep ? ` WHERE list_contains(${this.bind({ type: 'VARCHAR[]', value: [...keep] })}, concat_ws('/', tg_folder_account, tg_folder_region, tg_delivery))` : '';
    // Files in the statement's order (their paths start with the event day): a newest-first page
    // meets the newest rows first, so DuckDB's top-N filter then skips the older files by their
    // time statistics instead of reading every record's text (10x on a month of events).
    const ordered = [...files].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0) * (this.ascending ? 1 : -1));
    return `SELECT ${parts.join(', ')} FROM read_parquet(${this.bindFiles(ordered, `${ordered.length} Parquet files`)}, hive_partitioning = false)${restrict}`;
  }

  /** Whether the statement reads both tiers (its hash then comes from the source: see rowHash). */
  private get tiered(): boolean {
    return (this.binding.parquetFiles ?? []).length > 0;
  }

  /**
   * Compaction of the bound raw files (whole delivery days) into `outDir`: every record with a
   * parseable eventTime, its most-read columns typed (PARQUET_TYPED_COLUMNS), the record text
   * (everything else is read from it), its hash (the duplicate key, so Parquet and raw copies of a
   * record stay one), the file it came from and its account, region and day folder, partitioned by
   * EVENT day and delivery day (from the record and the file's folder: one statement may hold
   * several days). A delivery day's partitions share files: a few large files read far faster
   * than one small file per account and region (each file costs its footer and a scan task).
   *
   * De-duplicated on (eventID, record hash): of the copies of a record the statement reads, the one
   * of the earliest delivery day is kept (LakeCompactor removes the copies earlier days already
   * hold, see compileTierAntiJoin). Copies are rare (~0.5%), so the rows are held once (a
   * materialized CTE, which spills past the memory limit), the keys seen more than once found by
   * a narrow aggregate, and only those keys' rows ranked: ranking every row (a window over the
   * whole read, record text included) cost a quarter of the statement, and shuffled the rows out
   * of file order, which compressed ~20% worse.
   */
  compileCompaction(outDir: string): CompiledSql {
    if (this.binding.files.length === 0) throw new Error('compaction needs files');
    this.lineFiles = this.otherFiles = '';
    const shape = encodeString(recordStructure(PARQUET_TYPED_COLUMNS));
    const folder = `regexp_extract(tg_file, '/AWSLogs/(?:o-[^/]+/)?([0-9]{12})/CloudTrail/([a-z0-9-]+)/([0-9]{4})/([0-9]{2})/([0-9]{2})/', ['account', 'region', 'y', 'm', 'd'])`;
    const same = `k."eventID" IS NOT DISTINCT FROM rec."eventID" AND k.tg_rawhash = rec.tg_rawhash`;
    const sql =
      `COPY (\n  WITH rec AS MATERIALIZED (\n` +
      `    SELECT * EXCLUDE (tg_folder, tg_time), tg_time AS tg_ts, tg_folder.account AS tg_folder_account, tg_folder.region AS tg_folder_region,\n` +
      `      concat_ws('-', tg_folder.y, tg_folder.m, tg_folder.d) AS tg_delivery, strftime(tg_time AT TIME ZONE 'UTC', '%Y-%m-%d') AS date, concat_ws('-', tg_folder.y, tg_folder.m, tg_folder.d) AS delivery\n` +
      `    FROM (\n      SELECT *, ${this.parseTime('"eventTime"')} AS tg_time, ${folder} AS tg_folder FROM (\n` +
      `        SELECT unnest(json_transform(r, ${shape})), r AS tg_raw, hash(r) AS tg_rawhash, filename AS tg_file\n` +
      `        FROM (SELECT unnest(Records) AS r, filename FROM ${this.readJson()}) AS x\n      ) AS t\n    ) AS u\n` +
      `    WHERE tg_time IS NOT NULL\n  ),\n` +
      `  copied AS (SELECT "eventID", tg_rawhash FROM rec GROUP BY ALL HAVING count(*) > 1)\n` +
      `  SELECT rec.* FROM rec ANTI JOIN copied AS k ON ${same}\n` +
      `  UNION ALL\n` +
      `  SELECT * FROM (SELECT rec.* FROM rec SEMI JOIN copied AS k ON ${same}) AS c\n` +
      `  QUALIFY row_number() OVER (PARTITION BY "eventID", tg_rawhash ORDER BY tg_delivery, tg_file) = 1\n` +
      `) TO ${encodeString(outDir)} (${TIER_COMPRESSION}, PARTITION_BY (date, delivery))`;
    return Object.freeze({ dialect: this.dialect, sql, params: Object.freeze([...this.takeParams()]) });
  }

  /**
   * One compacted output rewritten without the records that `earlier` Parquet files (of earlier
   * delivery days, the same event day) already hold: across the tier each record is kept once,
   * in the earliest delivery day compacted with it. Reads the files as written (no partition
   * columns from their paths) so the rewritten file has the same columns.
   */
  compileTierAntiJoin(target: readonly string[], earlier: readonly string[], outFile: string): CompiledSql {
    const files = (list: readonly string[]) => `read_parquet(${this.bindFiles(list, `${list.length} Parquet files`)}, hive_partitioning = false)`;
    const sql =
      `COPY (\n  SELECT t.* FROM ${files(target)} AS t\n` +
      `  ANTI JOIN (SELECT "eventID", tg_rawhash FROM ${files(earlier)}) AS e\n` +
      `  ON e."eventID" IS NOT DISTINCT FROM t."eventID" AND e.tg_rawhash = t.tg_rawhash\n` +
      `) TO ${encodeString(outFile)} (${TIER_COMPRESSION})`;
    return Object.freeze({ dialect: this.dialect, sql, params: Object.freeze([...this.takeParams()]) });
  }

  /**
   * Census of the bound files into the new table `table`, one row per record (a file without
   * records: one placeholder row, so it shows up): its file, its 1-based position in the file's
   * `Records`, its duplicate key (hashes of eventID and of the record text, what DISTINCT ON
   * de-duplicates on) and, under the same parsing and validity rules as queries, whether it is
   * rejected and why. duckdb-census-sql.ts sums it per file and keeps the keys.
   */
  compileCensus(table: string): CompiledSql {
    if (this.binding.files.length === 0) throw new Error('census needs files');
    this.lineFiles = this.otherFiles = '';
    const reasons =
      `NOT ${this.pred(VALID_RECORD)} AS tg_rejected, ${this.col('eventtime')} IS NULL AS no_time, (${this.col('eventtime')} IS NOT NULL AND tg_time IS NULL) AS bad_time, ` +
      `${this.field('eventSource')} IS NULL AS no_source, ${this.field('eventName')} IS NULL AS no_name, ${this.field('awsRegion')} IS NULL AS no_region`;
    const eventId = this.col('eventid');
    const shape = encodeString(recordStructure(this.usedColumns()));
    const sql =
      `CREATE TABLE ${censusTable(table)} AS\n` +
      `WITH f AS (\n  SELECT filename AS tg_file, Records IS NULL AS tg_norec, coalesce(len(Records), 0) = 0 AS tg_placeholder, ` +
      `CASE WHEN coalesce(len(Records), 0) = 0 THEN [CAST(NULL AS JSON)] ELSE Records END AS tg_records\n  FROM ${this.readJson()}\n),\n` +
      `u AS (SELECT tg_file, tg_norec, tg_placeholder, unnest(tg_records) AS r, generate_subscripts(tg_records, 1) AS tg_idx FROM f),\n` +
      `src AS (SELECT tg_file, tg_norec, tg_placeholder, tg_idx, hash(r) AS tg_rawhash, unnest(json_transform(r, ${shape})) FROM u),\n` +
      `ev AS (SELECT src.*, ${this.parseTime('src.eventtime')} AS tg_time FROM src)\n` +
      `SELECT tg_file, tg_norec, tg_placeholder, CAST(tg_idx AS INTEGER) AS tg_idx, hash(${eventId}) AS tg_eid, tg_rawhash, ${reasons}\nFROM ev`;
    return Object.freeze({ dialect: this.dialect, sql, params: Object.freeze([...this.takeParams()]) });
  }

  protected partitionPredicate(): string | null {
    return null; // the engine read only the planned partitions' files
  }

  protected partitionAccount(): string {
    return this.tiered ? 'src.tg_folder_account' : FOLDER_ACCOUNT('src.tg_file');
  }

  /** Both tiers carry the parsed time (the Parquet tier stores it: no per-row parsing). */
  protected override eventTime(): string {
    if (!this.tiered) return super.eventTime();
    this.col('eventtime');
    return 'src.tg_ts';
  }

  protected value(v: LiteralValue | Date): string {
    if (v === null) return 'NULL';
    if (v instanceof Date) return `CAST(${this.bind({ type: 'VARCHAR', value: v.toISOString() })} AS TIMESTAMPTZ)`;
    switch (typeof v) {
      case 'string':
        return this.bind({ type: 'VARCHAR', value: v });
      case 'boolean':
        return this.bind({ type: 'BOOLEAN', value: v });
      case 'number':
        return this.bind({ type: Number.isSafeInteger(v) ? 'BIGINT' : 'DOUBLE', value: v });
      default:
        throw new TypeError(`unsupported value ${typeof v}`);
    }
  }

  protected stringList(values: readonly string[]): string {
    return `CAST(${this.bind({ type: 'VARCHAR[]', value: [...values] })} AS VARCHAR[])`;
  }

  parseTime(text: string): string {
    return `TRY_CAST(${text} AS TIMESTAMPTZ)`;
  }

  jsonText(json: string, path: readonly string[]): string {
    return `json_extract_string(${json}, ${encodeString(jsonPath(path))})`;
  }

  jsonSubtree(json: string, path: readonly string[]): string {
    return `CAST(json_extract(${json}, ${encodeString(jsonPath(path))}) AS VARCHAR)`;
  }

  toJsonText(complex: string): string {
    return `CAST(to_json(${complex}) AS VARCHAR)`;
  }

  /** The record's own text: byte-identical re-deliveries collapse, distinct records never do. */
  rowHash(_columns: readonly string[]): string {
    return 'CAST(src.tg_rawhash AS VARCHAR)';
  }

  dayOfWeek(ts: string): string {
    return `isodow(${ts})`;
  }

  anyValue(arg: string): string {
    return `any_value(${arg})`;
  }

  ipHex(ip: string, family: 'ipv4' | 'ipv6'): string {
    return family === 'ipv4' ? `tg_ipv4_hex(${ip})` : `tg_ipv6_hex(${ip})`;
  }

  arrayOf(items: readonly string[]): string {
    return `[${items.join(', ')}]`;
  }

  arrayMember(array: string, member: string): string {
    return `list_transform(${array}, lambda x: x.${member})`;
  }

  regexFull(text: string, pattern: string): string {
    return `regexp_full_match(${text}, ${encodeString(pattern)})`;
  }

  anyResourceArn(arnList: string): string {
    const resources = this.col('resources');
    return (
      `(list_has_any(list_transform(${resources}, lambda x: x.arn), ${arnList}) OR ` +
      `list_has_any(list_transform(${resources}, lambda x: x.arnprefix), ${arnList}))`
    );
  }
}
