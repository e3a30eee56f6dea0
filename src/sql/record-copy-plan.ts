/**
 * Which records of a statement's raw files are redundant copies, as the lake census found them
 * (RecordCopies, src/engines/duckdb/record-copies.ts): the statement then skips them by position
 * instead of de-duplicating every row it reads.
 */
export interface RecordCopyPlan {
  /**
   * When set (a stream, whose rows leave as they are read): every file the read may return whose
   * records the census knows (the statement's files, and the census's other files of the folders
   * it reads by pattern). A file not among them (delivered since) fails the read, naming it
   * (NOT_IN_CENSUS). Unset, the engine checks after the statement that no folder it read by
   * pattern changed since it was listed (a join of every file costs ~7% of a raw scan).
   */
  readonly censused?: readonly string[];
  /** per file, the 1-based positions in its `Records` of the copies to skip (every copy of a record but one) */
  readonly skip: ReadonlyMap<string, readonly number[]>;
}
