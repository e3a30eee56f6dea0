import type { Config } from '../config/config';
import { createGateway, openEngine } from '../server/gateway';
import { createLogger } from '../server/logger';
import type { CliIo } from './cli-io';
import { elapsedSpinner } from './elapsed-spinner';
import { defaultOutputFormat, renderResult, type GraphQLResultLike, type OutputFormat } from './output-format';
import { resolveLake } from './serve.command';

export interface OperationRequest {
  readonly query: string;
  readonly variables?: Record<string, unknown>;
  readonly operationName?: string;
  /** what the spinner says is running */
  readonly label: string;
}

/** 1.2 MB, 340 KB, 12 GB: decimal units, as Athena bills. */
function bytes(n: number): string {
  const [value, unit] = [...(['TB', 'GB', 'MB', 'KB'] as const).map((u, i) => [n / 1000 ** (4 - i), u] as const), [n, 'B'] as const].find(([v]) => v >= 1) ?? [n, 'B'];
  return `${value < 10 && unit !== 'B' ? value.toFixed(1) : Math.round(value)} ${unit}`;
}

/** `2 engine queries, 1.3 s engine, 45.1 MB scanned, 1 cached (request 5f0c…)`: what a table answer cost. */
function costLine(extensions: GraphQLResultLike['extensions']): string {
  const t = extensions?.trailgate as { requestId?: string; queries?: Array<{ engineMs: number; bytesScanned: number; cache: string }> } | undefined;
  const qs = t?.queries ?? [];
  const hits = qs.filter((q) => q.cache === 'hit').length;
  const engineMs = qs.reduce((n, q) => n + q.engineMs, 0);
  const parts = [`${qs.length} engine quer${qs.length === 1 ? 'y' : 'ies'}`, `${(engineMs / 1000).toFixed(1)} s engine`, `${bytes(qs.reduce((n, q) => n + q.bytesScanned, 0))} scanned`];
  if (hits) parts.push(`${hits} cached`);
  return `${parts.join(', ')} (request ${t?.requestId ?? '?'})\n`;
}

/**
 * Runs one GraphQL operation in-process (no server, the anonymous full principal of dev mode) and
 * prints it in `format` (default: a table on a terminal, JSON otherwise), with a spinner on
 * stderr while it runs. Errors go to stderr in every format but JSON, which carries them.
 * Returns the exit code: 1 when the answer has errors.
 */
export async function runOperation(config: Config, req: OperationRequest, format: OutputFormat | undefined, io: CliIo): Promise<number> {
  const fmt = format ?? defaultOutputFormat(io.stdoutIsTTY);
  const logger = createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel);
  const engine = await openEngine(config, await resolveLake(config), logger);
  const gateway = await createGateway(config, engine, logger);
  const spinner = elapsedSpinner(`Running ${req.label}`, io.err, io.stderrIsTTY);
  try {
    const res = await gateway.apollo.executeOperation(
      { query: req.query, variables: req.variables, operationName: req.operationName },
      { contextValue: gateway.context() },
    );
    spinner.stop();
    if (res.body.kind !== 'single') throw new Error('incremental delivery is not supported');
    // As a client would receive it: DateTimes and other scalars in their JSON form.
    const result = JSON.parse(JSON.stringify(res.body.singleResult)) as GraphQLResultLike;
    const rendered = renderResult(result, fmt);
    io.out(rendered.text);
    for (const note of rendered.notes) io.err(`note: ${note}\n`);
    const errors = result.errors ?? [];
    if (fmt !== 'json') for (const e of errors) io.err(`error: ${String(e.extensions?.code ?? 'ERROR')}: ${e.message}\n`);
    if (fmt === 'table') io.err(costLine(result.extensions));
    return errors.length ? 1 : 0;
  } finally {
    spinner.stop();
    await gateway.close();
  }
}
