import { createAuthenticator } from '../auth/authenticator';
import { assertBindAllowed, type Config } from '../config/config';
import { ensureSampleLake } from '../lake/ensure-sample-lake';
import { openEngine } from '../server/gateway';
import { startHttpServer } from '../server/http-server';
import { createLogger } from '../server/logger';
import { exampleQuery } from './example-query';
import { progressBar } from './progress';

/** Resolves the lake to serve: the configured one, or the sample lake (generated on first use). */
export async function resolveLake(config: Config): Promise<string | null> {
  if (config.engine !== 'duckdb') return null;
  if (config.lake) return config.lake;
  const bar = progressBar('Generating the sample lake');
  const { created } = await ensureSampleLake(config.sampleLakeDir, bar.update);
  bar.stop();
  if (created) process.stderr.write(`Sample lake written to ${config.sampleLakeDir}\n`);
  return config.sampleLakeDir;
}

export async function serve(config: Config, authFile: string | null): Promise<void> {
  const logger = createLogger(config.logLevel);
  // A bad auth config stops the start before anything else opens.
  const authenticator = await createAuthenticator({ file: authFile, logger });
  assertBindAllowed(config.host, authenticator.enabled);
  const lake = await resolveLake(config);
  const engine = await openEngine(config, lake, logger);
  const server = await startHttpServer(config, engine, logger, { authenticator });
  if (authenticator.enabled) logger.info({ host: config.host, config: authFile }, 'authentication is on: API keys and bearer tokens from the config file');
  else {
    logger.warn(
      { host: config.host },
      'dev mode: no authentication is configured; every request runs as an anonymous full principal, and only loopback addresses are served',
    );
  }
  process.stdout.write(`trailgate is serving ${lake ?? (await engine.lakeInfo('*')).location} (${engine.name}) at ${server.url}\n`);
  engine
    .lakeInfo('*')
    .then((info) => {
      const auth = authenticator.enabled ? ` -H 'authorization: Bearer <your API key>'` : '';
      process.stdout.write(`Try:\n  ${exampleQuery(server.url, info.lastDay, auth)}\n`);
    })
    .catch((err) => logger.error({ err }, 'lake census failed'));
  const stop = async () => {
    process.stderr.write('Shutting down...\n');
    await server.close();
    authenticator.close();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
