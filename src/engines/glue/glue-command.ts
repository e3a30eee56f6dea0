import { parseArgs } from 'node:util';
import type { GlueClient } from '@aws-sdk/client-glue';
import { applyGlueTable } from './glue-apply';
import { tableDdl } from './table-ddl';
import { tableInput } from './table-definitions';
import { DEFAULT_TABLE_NAMES, TABLE_KINDS, TableParamsError, type TableKind } from './table-params';

export interface GlueCommandDeps {
  /** makes the Glue client; called only by `apply` */
  readonly glueClient: (opts: { region?: string }) => GlueClient;
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
}

export const GLUE_USAGE = `Usage: trailgate glue <apply|ddl> [options]

  ddl     print the Athena DDL of a table definition
  apply   create the Glue table, or update it when it differs (GetTable, then CreateTable/UpdateTable)

Options:
  --kind KIND          ${TABLE_KINDS.join(' | ')} (default single)
  --bucket NAME        the trail's S3 bucket (required)
  --prefix PREFIX      key prefix before AWSLogs/ (default none)
  --org-id O-ID        organization id (organization kinds)
  --accounts A,B       account ids: single needs one; organization lists the enum; parquet: unused (no projection)
  --regions R1,R2      regions the trail delivers (default: the 17 regions enabled by default)
  --start-date DAY     first day of the projected range, YYYY-MM-DD (default 2020-01-01)
  --database NAME      Glue database (required for apply; qualifies the table in ddl)
  --table NAME         table name (default ${Object.entries(DEFAULT_TABLE_NAMES).map(([k, v]) => `${v} for ${k}`).join(', ')})
  --catalog-id ID      Glue catalog id (default: the caller's account)
  --region REGION      AWS region of the Glue catalog (default: the SDK's, e.g. AWS_REGION)
  --dry-run            apply: print the changes and the DDL, change nothing
`;

const list = (s: string | undefined) => (s === undefined ? undefined : s.split(',').map((x) => x.trim()).filter(Boolean));

/** `trailgate glue apply|ddl ...`; resolves to the process exit code (0 ok, 1 failed, 2 usage). */
export async function glueCommand(argv: readonly string[], deps: GlueCommandDeps): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        kind: { type: 'string', default: 'single' },
        bucket: { type: 'string' },
        prefix: { type: 'string', default: '' },
        'org-id': { type: 'string' },
        accounts: { type: 'string' },
        regions: { type: 'string' },
        'start-date': { type: 'string', default: '2020-01-01' },
        database: { type: 'string' },
        table: { type: 'string' },
        'catalog-id': { type: 'string' },
        region: { type: 'string' },
        'dry-run': { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (e) {
    deps.err(`${(e as Error).message}\n\n${GLUE_USAGE}`);
    return 2;
  }
  const { values: v, positionals } = parsed;
  const [action] = positionals;
  if (v.help) {
    deps.out(GLUE_USAGE);
    return 0;
  }
  if ((action !== 'apply' && action !== 'ddl') || positionals.length !== 1) return usage(deps, 'expected one action: apply or ddl');
  if (!(TABLE_KINDS as readonly string[]).includes(v.kind!)) return usage(deps, `--kind must be one of ${TABLE_KINDS.join(', ')}`);
  if (!v.bucket) return usage(deps, '--bucket is required');
  if (action === 'apply' && !v.database) return usage(deps, '--database is required for apply');
  if (v['dry-run'] && action !== 'apply') return usage(deps, '--dry-run goes with apply');
  const kind = v.kind as TableKind;

  let input;
  try {
    input = tableInput(kind, {
      bucket: v.bucket,
      prefix: v.prefix,
      orgId: v['org-id'],
      accounts: list(v.accounts),
      regions: list(v.regions),
      startDate: v['start-date']!,
      table: v.table,
    });
  } catch (e) {
    if (e instanceof TableParamsError) return usage(deps, e.message);
    throw e;
  }
  const ddl = tableDdl(input, v.database);
  if (action === 'ddl') {
    deps.out(`${ddl}\n`);
    return 0;
  }

  const name = `${v.database}.${input.Name}`;
  try {
    const client = deps.glueClient({ region: v.region });
    const r = await applyGlueTable({ client, catalogId: v['catalog-id'], database: v.database!, input, dryRun: v['dry-run']! });
    const dry = v['dry-run'];
    const changes = r.changes.map((c) => `  ${c}`).join('\n');
    if (r.action === 'create') deps.out(`${dry ? 'Would create' : 'Created'} Glue table ${name}.\n`);
    else if (r.action === 'update') deps.out(`${dry ? 'Would update' : 'Updated'} Glue table ${name}:\n${changes}\n`);
    else deps.out(`Glue table ${name} is up to date.\n`);
    if (dry) deps.out(`\n${ddl}\n`);
    return 0;
  } catch (e) {
    deps.err(`glue apply failed for ${name}: ${(e as Error).name}: ${(e as Error).message}\n`);
    return 1;
  }
}

function usage(deps: GlueCommandDeps, message: string): number {
  deps.err(`${message}\n\n${GLUE_USAGE}`);
  return 2;
}
