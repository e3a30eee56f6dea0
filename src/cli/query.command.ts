import { promises as fs } from 'node:fs';
import type { Config } from '../config/config';
import { createGateway, openEngine } from '../server/gateway';
import { createLogger } from '../server/logger';
import { resolveLake } from './serve.command';

/** Runs one GraphQL operation in-process (no server) and prints the JSON result. */
export async function runQueryFile(config: Config, file: string, varsJson: string | undefined): Promise<number> {
  const query = await fs.readFile(file, 'utf8');
  let variables: Record<string, unknown> | undefined;
  if (varsJson) {
    try {
      variables = JSON.parse(varsJson);
    } catch {
      process.stderr.write('--vars must be a JSON object\n');
      return 2;
    }
  }
  const logger = createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel);
  const engine = await openEngine(config, await resolveLake(config), logger);
  const gateway = await createGateway(config, engine, logger);
  try {
    const res = await gateway.apollo.executeOperation({ query, variables }, { contextValue: gateway.context() });
    if (res.body.kind !== 'single') throw new Error('incremental delivery is not supported');
    process.stdout.write(`${JSON.stringify(res.body.singleResult, null, 2)}\n`);
    return res.body.singleResult.errors?.length ? 1 : 0;
  } finally {
    await gateway.close();
  }
}
