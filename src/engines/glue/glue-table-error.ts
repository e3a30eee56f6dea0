/**
 * The Glue table cannot serve trailgate's queries (missing or mistyped columns, a partition layout
 * the planner cannot prune, unreadable from Glue). A startup error: the message names the
 * database, the table and every problem found, so one fix-and-retry is enough.
 */
export class GlueTableError extends Error {
  readonly problems: readonly string[];

  constructor(message: string, problems: readonly string[] = [], options?: { cause?: unknown }) {
    super(problems.length ? `${message}:\n${problems.map((p) => `  - ${p}`).join('\n')}` : message, options);
    this.name = 'GlueTableError';
    this.problems = Object.freeze([...problems]);
  }
}
