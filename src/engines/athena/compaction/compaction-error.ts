/** A compaction job cannot go on; the message is for the operator (tables, days, S3 paths). */
export class CompactionError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'CompactionError';
  }
}
