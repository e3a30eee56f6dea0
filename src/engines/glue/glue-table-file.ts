import { readFile } from 'node:fs/promises';
import { GlueTableError } from './glue-table-error';
import { readGlueTable, type GlueTableInfo, type ReadGlueTableOptions } from './read-glue-table';

/** The definition `trailgate explain` uses offline when no --glue-table is given (relative to the repo root). */
export const DEFAULT_GLUE_TABLE_FILE = 'glue-tables/cloudtrail-single-account.table.json';

/**
 * Reads a Glue table definition from a file: a TableInput (glue-tables/*.table.json) or a saved
 * GetTable answer (`aws glue get-table ... > t.json`, i.e. `{"Table": {...}}`). For offline use
 * (explain); the gateway itself reads Glue through GlueCatalog.
 */
export async function readGlueTableFile(file: string, opts: ReadGlueTableOptions & { readonly database: string }): Promise<GlueTableInfo> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(file, 'utf8'));
  } catch (e) {
    throw new GlueTableError(`cannot read the Glue table definition ${file}: ${(e as Error).message}`, [], { cause: e });
  }
  const table = json && typeof json === 'object' && 'Table' in json ? (json as { Table: unknown }).Table : json;
  if (!table || typeof table !== 'object') throw new GlueTableError(`${file} holds no Glue table definition`);
  return readGlueTable(table, opts);
}
