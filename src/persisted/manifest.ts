import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * The persisted-query manifest of the baseline catalogue (schema/persisted/*.graphql), in Apollo's
 * manifest format: https://www.apollographql.com/docs/graphos/platform/security/persisted-queries
 *
 * `body` is the whole file exactly as committed, its leading description comment included, and
 * `id` is the SHA-256 of exactly that text (UTF-8, hex). Nothing is normalised or re-printed: a
 * partner can recompute an id with `sha256sum Name.graphql`, the comment travels with the
 * operation, and any edit to a file (even to its comment) is a new id. Comments are ignored by the
 * GraphQL parser, so executing `body` runs the operation unchanged. schema/persisted/.gitattributes
 * pins LF line endings so a checkout never changes the ids.
 */

export const MANIFEST_FORMAT = 'apollo-persisted-query-manifest';
export const MANIFEST_VERSION = 1;

/** One baseline file: its name without `.graphql` (= the operation name) and its text. */
export interface BaselineFile {
  readonly name: string;
  readonly body: string;
}

export interface PersistedOperation {
  readonly id: string;
  readonly name: string;
  readonly type: 'query';
  readonly body: string;
}

export interface PersistedQueryManifest {
  readonly format: typeof MANIFEST_FORMAT;
  readonly version: typeof MANIFEST_VERSION;
  readonly operations: readonly PersistedOperation[];
}

/** Lower-case hex SHA-256 of a text's UTF-8 bytes. */
export const sha256Hex = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');

const byName = (a: BaselineFile, b: BaselineFile): number => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

/** The manifest of some baseline files, operations sorted by name. Pure: no I/O. */
export function buildManifest(files: readonly BaselineFile[]): PersistedQueryManifest {
  const sorted = [...files].sort(byName);
  sorted.forEach((f, i) => {
    if (i > 0 && sorted[i - 1].name === f.name) throw new Error(`Two baselines are named ${f.name}.`);
  });
  return {
    format: MANIFEST_FORMAT,
    version: MANIFEST_VERSION,
    operations: sorted.map((f) => ({ id: sha256Hex(f.body), name: f.name, type: 'query', body: f.body })),
  };
}

/** The manifest file's text: 2-space JSON and a final newline. */
export const renderManifest = (m: PersistedQueryManifest): string => `${JSON.stringify(m, null, 2)}\n`;

/** The catalogue's directory in a checkout (schema/persisted). */
export const BASELINE_DIR = path.resolve(__dirname, '../../schema/persisted');

/** Every `<Name>.graphql` of a directory, with its text as stored, sorted by name. */
export function readBaselineFiles(dir: string = BASELINE_DIR): BaselineFile[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.graphql'))
    .map((f) => ({ name: f.slice(0, -'.graphql'.length), body: readFileSync(path.join(dir, f), 'utf8') }))
    .sort(byName);
}
