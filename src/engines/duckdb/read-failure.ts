import path from 'node:path';
import type { LakeFile } from '../../lake/lake-layout';
import { NOT_IN_CENSUS, NO_RECORDS_IN_LINES } from '../../sql/duckdb-compiler';

/** Files a failing read names are set aside and the statement re-run, this many times at most. */
export const MAX_QUARANTINE_RETRIES = 25;

/** Folders found not to be line-delimited one by one in a statement before all of its folders are marked. */
export const MAX_FORMAT_RETRIES = 4;

/** What a failed read of raw files says about them. */
export type ReadFailure =
  /** `file` is not one JSON value per line: the files whose folders to read with layout detection */
  | { readonly kind: 'layout'; readonly file: string; readonly files: readonly string[] }
  /** a file the census had not counted was read where the statement skipped the census's copies */
  | { readonly kind: 'uncounted'; readonly file: string }
  /** a file to set aside as unreadable */
  | { readonly kind: 'unreadable'; readonly file: LakeFile }
  /** nothing about the files (or too many retries): the statement fails */
  | { readonly kind: 'other' };

// "in line N": the file was read as newline-delimited (a read with layout detection says "record/value N")
const MALFORMED_LINE = /Malformed JSON in file "([^"]+)", at byte \d+ in line \d+/;
const NO_RECORDS = new RegExp(`${NO_RECORDS_IN_LINES} "([^"]+)"`);
const UNCOUNTED = new RegExp(`${NOT_IN_CENSUS} "([^"]+)"`);

/**
 * Reads DuckDB's error for a statement over `current` (the raw files it read, attempt `attempt`
 * of it): a file read as line-delimited that is not (its folder is then read with layout
 * detection; after MAX_FORMAT_RETRIES, every folder of the statement: a lake of pretty-printed
 * copies), a file the lake census had not counted (delivered since, to a folder read by pattern),
 * or a file it cannot read at all (listed, or delivered to a folder read by pattern since
 * the listing: see LocalLake.wholeFolders).
 */
export function readFailure(message: string, current: readonly LakeFile[], attempt: number, isUnstructured: (file: string) => boolean): ReadFailure {
  const uncounted = UNCOUNTED.exec(message)?.[1];
  if (uncounted && attempt < MAX_QUARANTINE_RETRIES) return { kind: 'uncounted', file: uncounted };
  const malformed = (MALFORMED_LINE.exec(message) ?? NO_RECORDS.exec(message))?.[1];
  if (malformed && current.some((f) => path.dirname(f.path) === path.dirname(malformed)) && !isUnstructured(malformed)) {
    return { kind: 'layout', file: malformed, files: attempt < MAX_FORMAT_RETRIES ? [malformed] : current.map((f) => f.path) };
  }
  if (attempt >= MAX_QUARANTINE_RETRIES) return { kind: 'other' };
  const bad = current.find((f) => message.includes(f.path)) ?? unlistedFile(message, current);
  return bad ? { kind: 'unreadable', file: bad } : { kind: 'other' };
}

/** A file the error names in the folder of one of `files`, though not one of them. */
function unlistedFile(message: string, files: readonly LakeFile[]): LakeFile | undefined {
  for (const dir of new Set(files.map((f) => path.dirname(f.path)))) {
    const at = message.indexOf(`${dir}/`);
    if (at < 0) continue;
    const name = /^[^/"'\s]+/.exec(message.slice(at + dir.length + 1))?.[0];
    if (name) return { path: `${dir}/${name}`, bytes: 0 };
  }
  return undefined;
}
