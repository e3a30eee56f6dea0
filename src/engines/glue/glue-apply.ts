import { CreateTableCommand, GetTableCommand, UpdateTableCommand, type GlueClient, type TableInput } from '@aws-sdk/client-glue';
import { diffTables, mergeForUpdate } from './table-input-diff';

export interface ApplyGlueTableOptions {
  readonly client: GlueClient;
  readonly catalogId?: string;
  readonly database: string;
  readonly input: TableInput;
  /** compute the changes; never call CreateTable or UpdateTable */
  readonly dryRun: boolean;
}

export interface ApplyGlueTableResult {
  /** what the table needs: create it, update it, or nothing */
  readonly action: 'create' | 'update' | 'none';
  /** readable differences from the current table (for create: none) */
  readonly changes: readonly string[];
  /** whether CreateTable/UpdateTable was called */
  readonly applied: boolean;
}

/**
 * Creates or updates one Glue table idempotently: GetTable, then CreateTable when it does not
 * exist, UpdateTable only when the definition differs, nothing otherwise. Running it twice in a
 * row makes the second run a no-op.
 * https://docs.aws.amazon.com/glue/latest/webapi/API_UpdateTable.html
 */
export async function applyGlueTable(opts: ApplyGlueTableOptions): Promise<ApplyGlueTableResult> {
  const { client, catalogId, database, input } = opts;
  let existing;
  try {
    existing = (await client.send(new GetTableCommand({ CatalogId: catalogId, DatabaseName: database, Name: input.Name }))).Table;
  } catch (err) {
    if (!(err instanceof Error && err.name === 'EntityNotFoundException')) throw err;
  }
  if (!existing) {
    if (!opts.dryRun) await client.send(new CreateTableCommand({ CatalogId: catalogId, DatabaseName: database, TableInput: input }));
    return Object.freeze({ action: 'create', changes: [], applied: !opts.dryRun });
  }
  const next = mergeForUpdate(existing, input);
  const changes = diffTables(existing, next);
  if (changes.length === 0) return Object.freeze({ action: 'none', changes, applied: false });
  if (!opts.dryRun) await client.send(new UpdateTableCommand({ CatalogId: catalogId, DatabaseName: database, TableInput: next }));
  return Object.freeze({ action: 'update', changes: Object.freeze(changes), applied: !opts.dryRun });
}
