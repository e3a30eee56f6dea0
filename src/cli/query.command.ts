import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { Config } from '../config/config';
import type { CliIo } from './cli-io';
import type { OutputFormat } from './output-format';
import { runOperation } from './run-operation';

export interface QueryOptions {
  /** variables as a JSON object */
  readonly vars?: string;
  /** default: a table on a terminal, JSON otherwise */
  readonly format?: OutputFormat;
}

/** `trailgate query FILE [--vars JSON] [--format table|json|csv|ndjson]`: one operation in-process. */
export async function runQueryFile(config: Config, file: string, opts: QueryOptions, io: CliIo): Promise<number> {
  const query = await fs.readFile(file, 'utf8');
  let variables: Record<string, unknown> | undefined;
  if (opts.vars) {
    try {
      variables = JSON.parse(opts.vars);
    } catch {
      variables = undefined;
    }
    if (typeof variables !== 'object' || variables === null || Array.isArray(variables)) {
      io.err('--vars must be a JSON object\n');
      return 2;
    }
  }
  return runOperation(config, { query, variables, label: path.basename(file) }, opts.format, io);
}
