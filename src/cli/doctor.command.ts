import { existsSync } from 'node:fs';
import pino from 'pino';
import { ConfigError, loadConfig, type AthenaConfig, type Config, type ConfigFlags } from '../config/config';
import { createAthenaClient } from '../engines/athena/athena-client';
import { createS3Client } from '../engines/athena/s3-client';
import { createGlueClient } from '../engines/glue/glue-client';
import { loadPersistedCatalog } from '../server/persisted-manifest';
import type { CliIo } from './cli-io';
import type { AthenaDoctorClients } from './doctor/athena-check-options';
import { athenaChecks } from './doctor/athena-checks';
import { authCheck } from './doctor/auth-check';
import { check, counted, exitCode, renderChecks, type DoctorCheck } from './doctor/doctor-check';
import { lakeChecks } from './doctor/lake-checks';
import { progressBar } from './progress';

export interface DoctorOptions {
  /** print {"checks": [...]} instead of the text report */
  readonly json?: boolean;
  /** Athena: also run SELECT 1 (the one check that is not read-only) */
  readonly query?: boolean;
}

export interface DoctorDeps {
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
  readonly io: CliIo;
  /** the AWS clients of the Athena checks (tests pass mocked ones) */
  readonly athenaClients?: (a: AthenaConfig) => AthenaDoctorClients;
  /** YYYY-MM-DD, UTC (tests pin it) */
  readonly today?: string;
}

const awsClients = (a: AthenaConfig): AthenaDoctorClients => ({
  athena: createAthenaClient({ region: a.region, maxAttempts: a.sdkMaxAttempts }),
  glue: createGlueClient({ region: a.region, maxAttempts: a.sdkMaxAttempts }),
  s3: createS3Client({ region: a.region, maxAttempts: a.sdkMaxAttempts }),
});

function configChecks(flags: ConfigFlags, env: NodeJS.ProcessEnv, cwd: string): { config: Config | null; checks: DoctorCheck[] } {
  let config: Config;
  try {
    config = loadConfig(flags, env, cwd);
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    return { config: null, checks: [check('config', 'fail', e.message, 'correct the setting named (README: Configuration)')] };
  }
  const where = config.engine === 'athena' ? `${config.athena!.database}.${config.athena!.table} via workgroup ${config.athena!.workgroup}` : (config.lake ?? `the sample lake (${config.sampleLakeDir})`);
  const checks = [check('config', 'ok', `engine ${config.engine} over ${where}; serves ${config.host}:${config.port}`)];
  if (!env.TRAILGATE_CURSOR_SECRET) {
    checks.push(
      check('cursors', 'warn', 'TRAILGATE_CURSOR_SECRET is not set: page cursors are signed with a per-process key, so they break on restart and across replicas', 'set TRAILGATE_CURSOR_SECRET to a random secret (openssl rand -hex 32)'),
    );
  }
  return { config, checks };
}

async function catalogueCheck(): Promise<DoctorCheck> {
  try {
    const catalog = await loadPersistedCatalog(undefined, pino({ level: 'silent' }));
    if (catalog.size === 0) return check('catalogue', 'warn', 'no persisted-query manifest: /baselines serves nothing', 'npm run manifest (writes schema/persisted/manifest.json)');
    return check('catalogue', 'ok', counted(catalog.size, 'persisted operation'));
  } catch (e) {
    return check('catalogue', 'fail', (e as Error).message, 'npm run manifest to regenerate schema/persisted/manifest.json; serve does not start with this one');
  }
}

/**
 * `trailgate doctor`: the configuration, the auth config, the persisted catalogue, and the engine's
 * world (a local lake, DuckDB and the Parquet tier; or Athena, Glue and S3), each finding with
 * its fix. Exit code 1 when a check failed; warnings alone pass.
 */
export async function doctor(flags: ConfigFlags, opts: DoctorOptions, deps: DoctorDeps): Promise<number> {
  const { config, checks } = configChecks(flags, deps.env, deps.cwd);
  checks.push(await authCheck(flags.config, config?.host ?? flags.host ?? deps.env.HOST ?? '127.0.0.1', deps.env, deps.cwd));
  checks.push(await catalogueCheck());
  if (config?.engine === 'duckdb') {
    const lake = config.lake ?? config.sampleLakeDir;
    if (!config.lake && !existsSync(lake)) {
      checks.push(check('lake', 'skip', `no lake configured: serve generates the sample lake in ${lake} on first start`));
    } else {
      const bar = deps.io.stderrIsTTY ? progressBar('Checking the Parquet tier') : null;
      try {
        checks.push(...(await lakeChecks({ lake, duckdb: config.duckdb, onProgress: bar?.update, today: deps.today })));
      } finally {
        bar?.stop();
      }
    }
  } else if (config?.engine === 'athena') {
    const clients = (deps.athenaClients ?? awsClients)(config.athena!);
    try {
      checks.push(...(await athenaChecks({ config: config.athena!, clients, runQuery: opts.query === true })));
    } finally {
      for (const c of Object.values(clients)) c.destroy();
    }
  }
  if (opts.json) {
    const count = (s: string) => checks.filter((c) => c.status === s).length;
    deps.io.out(`${JSON.stringify({ engine: config?.engine ?? null, checks, problems: count('fail'), warnings: count('warn') }, null, 2)}\n`);
  } else {
    deps.io.out(renderChecks(`trailgate doctor${config ? ` (engine ${config.engine})` : ''}`, checks));
  }
  return exitCode(checks);
}
