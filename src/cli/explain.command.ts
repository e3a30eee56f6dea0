import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { Config } from '../config/config';
import { createAthenaClient } from '../engines/athena/athena-client';
import { AthenaEngine } from '../engines/athena/athena-engine';
import type { Engine } from '../engines/engine';
import { DEFAULT_GLUE_TABLE_FILE, readGlueTableFile } from '../engines/glue/glue-table-file';
import { mapExplained, type ExplainView } from '../mapping/explain.mapper';
import { createGateway, openEngine } from '../server/gateway';
import { createLogger } from '../server/logger';
import { resolveLake } from './serve.command';

export interface ExplainOptions {
  readonly vars?: string;
  readonly glueTable?: string;
  readonly json?: boolean;
}

/**
 * Offline Athena: the table layout comes from a Glue definition file and the client is never
 * called (AthenaEngine.explain makes no AWS call).
 */
async function offlineAthena(config: Config, glueTable: string | undefined, logger: ReturnType<typeof createLogger>): Promise<Engine> {
  const file = path.resolve(glueTable ?? path.join(__dirname, '..', '..', '..', DEFAULT_GLUE_TABLE_FILE));
  const info = await readGlueTableFile(file, { database: config.athena?.database ?? 'cloudtrail', catalog: config.athena?.catalog });
  return new AthenaEngine({
    client: createAthenaClient({ region: config.athena?.region ?? 'us-east-1' }),
    workgroup: config.athena?.workgroup ?? 'primary',
    database: config.athena?.database ?? 'cloudtrail',
    catalog: config.athena?.catalog,
    binding: () => info.binding,
    requireAccounts: () => info.requireAccounts,
    location: file,
    logger,
  });
}

function render(views: readonly ExplainView[]): string {
  if (views.length === 0) return 'No engine query: the operation needs none.\n';
  return views
    .map((v, i) =>
      [
        `-- query ${i + 1} of ${views.length} (${v.engine})`,
        `-- partitions: ${v.partitions.length ? v.partitions.join(', ') : '(none)'}${v.files !== null ? ` -- files: ${v.files}` : ''}`,
        ...v.parameters.map((p, j) => `-- $${j + 1} ${p.type} = ${JSON.stringify(p.value)}`),
        v.sql,
        '',
      ].join('\n'),
    )
    .join('\n');
}

/** Prints the SQL, parameters and partitions of every engine query an operation runs, running none. */
export async function explainFile(config: Config, file: string, opts: ExplainOptions): Promise<number> {
  const query = await fs.readFile(file, 'utf8');
  const variables = opts.vars ? JSON.parse(opts.vars) : undefined;
  const logger = createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel);
  const engine =
    config.engine === 'athena' ? await offlineAthena(config, opts.glueTable, logger) : await openEngine(config, await resolveLake(config), logger);
  const gateway = await createGateway(config, engine, logger);
  try {
    const ctx = gateway.context({ explain: true });
    const res = await gateway.apollo.executeOperation({ query, variables }, { contextValue: ctx });
    if (res.body.kind !== 'single') throw new Error('incremental delivery is not supported');
    const errors = res.body.singleResult.errors ?? [];
    const views = ctx.runner.explained.map(mapExplained);
    if (opts.json) process.stdout.write(`${JSON.stringify({ queries: views, ...(errors.length ? { errors } : {}) }, null, 2)}\n`);
    else {
      process.stdout.write(render(views));
      for (const e of errors) process.stderr.write(`error: ${e.message}\n`);
    }
    return errors.length ? 1 : 0;
  } finally {
    await gateway.close();
  }
}
