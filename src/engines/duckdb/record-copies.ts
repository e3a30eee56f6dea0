/** One copy of a record: the id the census gave its file, and its 1-based position in the file's `Records`. */
export interface RecordCopy {
  readonly file: number;
  readonly idx: number;
}

/**
 * The records the lake census found more than once (a re-delivered record is the same record), by
 * key, with every copy. Kept to at most `maxCopies` copies: past that, `skip` answers null and
 * statements de-duplicate every row again (a lake of mostly duplicates would otherwise hold its
 * census in memory).
 */
export class RecordCopies {
  private readonly byKey = new Map<string, RecordCopy[]>();
  private held = 0;

  constructor(private readonly maxCopies: number) {}

  /** Every copy of the given keys (each found more than once), replacing what was known of those keys. */
  record(copies: Iterable<{ readonly key: string } & RecordCopy>): void {
    const fresh = new Map<string, RecordCopy[]>();
    for (const c of copies) {
      const list = fresh.get(c.key) ?? [];
      list.push({ file: c.file, idx: c.idx });
      fresh.set(c.key, list);
    }
    for (const [key, list] of fresh) {
      this.held += list.length - (this.byKey.get(key)?.length ?? 0);
      this.byKey.set(key, list);
    }
  }

  get full(): boolean {
    return this.held > this.maxCopies;
  }

  /**
   * For a read of some files: per file, the positions of the copies to skip so that each record is
   * read once (of its copies in the read, the first by path and position is kept). `inRead` gives
   * the path of a file id when that file is read (null otherwise: not read, or a file id no longer
   * current). Null when more copies are held than allowed.
   */
  skip(inRead: (file: number) => string | null): Map<string, number[]> | null {
    if (this.full) return null;
    const out = new Map<string, number[]>();
    for (const copies of this.byKey.values()) {
      const read: { path: string; idx: number }[] = [];
      for (const c of copies) {
        const path = inRead(c.file);
        if (path !== null) read.push({ path, idx: c.idx });
      }
      if (read.length < 2) continue;
      read.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : a.idx - b.idx));
      for (const { path, idx } of read.slice(1)) {
        const list = out.get(path) ?? [];
        list.push(idx);
        out.set(path, list);
      }
    }
    return out;
  }
}
