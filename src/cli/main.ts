import 'reflect-metadata';
import path from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { resolveAuthConfigPath } from '../auth/resolve-auth-config-path';
import { ConfigError, loadConfig, type ConfigFlags } from '../config/config';
import type { BaselinesOptions, BaselinesRunOptions } from './baselines.command';
import { processIo } from './cli-io';
import type { CompactFlags } from './compact.command';
import type { DoctorOptions } from './doctor.command';
import type { ExplainOptions } from './explain.command';
import type { KeysNewOptions } from './keys.command';
import { isOutputFormat, OUTPUT_FORMATS, type OutputFormat } from './output-format';
import type { QueryOptions } from './query.command';

// Each command loads its module when it runs: the server's (Apollo, type-graphql, the schema)
// alone takes ~0.4 s to load, which `compact`, `sample` or `keys` would otherwise pay on every run.

const intArg = (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('not a non-negative integer');
  return n;
};

const serverOptions = (cmd: Command) =>
  cmd
    .option('--lake <dir>', 'lake directory (CloudTrail S3 layout); env TRAILGATE_LAKE; default: the sample lake')
    .option('--port <n>', 'port; env PORT (default 4000)')
    .option('--host <host>', 'bind address; env HOST (default 127.0.0.1)')
    .option('--max-range-days <n>', 'widest query range in days; env TRAILGATE_MAX_RANGE_DAYS (default 90)')
    .option('--engine <name>', 'query engine; env TRAILGATE_ENGINE (default duckdb)');

const formatArg = (v: string): OutputFormat => {
  if (!isOutputFormat(v)) throw new InvalidArgumentError(`one of ${OUTPUT_FORMATS.join(', ')}`);
  return v;
};
const FORMAT_HELP = `${OUTPUT_FORMATS.join('|')} (default: table on a terminal, json otherwise)`;
const collect = (v: string, prev: string[]) => [...prev, v];

/** Offline explain for Athena needs no Athena settings: defaults stand in for them. */
function explainEnv(opts: ConfigFlags): NodeJS.ProcessEnv {
  const engine = opts.engine ?? process.env.TRAILGATE_ENGINE;
  if (engine !== 'athena') return process.env;
  return { ATHENA_WORKGROUP: 'primary', ATHENA_DATABASE: 'cloudtrail', ATHENA_TABLE: 'cloudtrail', ...process.env };
}

async function main(argv: string[]): Promise<number> {
  const program = new Command('trailgate').description('GraphQL query gateway over CloudTrail archives').showHelpAfterError();

  serverOptions(program.command('serve').description('serve GraphQL at http://HOST:PORT/graphql'))
    .option('--config <file>', 'auth config (API keys, JWT, principals); env TRAILGATE_CONFIG; default ./trailgate.config.{json,yaml,yml} if present')
    .action(async (opts: ConfigFlags) => {
    const { serve } = await import('./serve.command');
    await serve(loadConfig(opts), resolveAuthConfigPath(opts.config, process.env, process.cwd()));
  });

  program
    .command('sample')
    .description('generate a deterministic sample lake in the real CloudTrail S3 layout')
    .option('--events <n>', 'distinct events', intArg, 50_000)
    .option('--days <n>', 'days of activity', intArg, 14)
    .option('--accounts <n>', 'AWS accounts', intArg, 3)
    .option('--seed <n>', 'random seed', intArg, 42)
    .option('--end <YYYY-MM-DD>', 'first day after the activity (UTC)')
    .option('--org-id <id>', 'write the organization-trail layout AWSLogs/o-<id>/...')
    .requiredOption('--out <dir>', 'output directory')
    .action(async (o: { events: number; days: number; accounts: number; seed: number; end?: string; orgId?: string; out: string }) => {
      const { progressBar } = await import('./progress');
      const { generateSampleLake } = await import('../lake/sample-generator');
      const bar = progressBar('Generating');
      const summary = await generateSampleLake({ ...o, out: path.resolve(o.out) }, bar.update);
      bar.stop();
      process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
    });

  serverOptions(
    program
      .command('query')
      .description('run a GraphQL operation in-process and print the result (a table of its first list, or json, csv, ndjson)')
      .argument('<file>', 'a .graphql file')
      .option('--vars <json>', 'variables as a JSON object')
      .option('--format <format>', FORMAT_HELP, formatArg),
  ).action(async (file: string, opts: ConfigFlags & QueryOptions) => {
    const { runQueryFile } = await import('./query.command');
    process.exitCode = await runQueryFile(loadConfig(opts), file, opts, processIo());
  });

  const baselines = program.command('baselines').description('the catalogue of persisted operations (schema/persisted), as GET /baselines serves it');
  baselines
    .command('list')
    .description('list the persisted operations and their variables')
    .option('--manifest <file>', 'persisted-query manifest (default: schema/persisted/manifest.json)')
    .option('--format <format>', FORMAT_HELP, formatArg)
    .action(async (opts: BaselinesOptions) => {
      const { baselinesList } = await import('./baselines.command');
      process.exitCode = await baselinesList(opts, processIo());
    });
  serverOptions(
    baselines
      .command('run')
      .description('run one persisted operation in-process over [--from, --to)')
      .argument('<name>', 'operation name (trailgate baselines list)')
      .requiredOption('--from <time>', 'start of the range, RFC 3339 or YYYY-MM-DD (midnight UTC)')
      .requiredOption('--to <time>', 'end of the range (excluded), RFC 3339 or YYYY-MM-DD')
      .option('--accounts <ids>', 'comma-separated account ids')
      .option('--param <name=value>', 'another variable of the operation (repeatable; lists comma-separated)', collect, [])
      .option('--manifest <file>', 'persisted-query manifest (default: schema/persisted/manifest.json)')
      .option('--format <format>', FORMAT_HELP, formatArg),
  ).action(async (name: string, opts: ConfigFlags & BaselinesRunOptions) => {
    const { baselinesRun } = await import('./baselines.command');
    process.exitCode = await baselinesRun(loadConfig(opts), name, opts, processIo());
  });

  serverOptions(
    program
      .command('doctor')
      .description('check the configuration, the auth config, the lake (or Athena, Glue and S3) and print a fix for each problem; exit 1 on problems')
      .option('--config <file>', 'auth config to check; env TRAILGATE_CONFIG; default ./trailgate.config.{json,yaml,yml} if present')
      .option('--query', 'athena: also run SELECT 1 (not read-only: proves StartQueryExecution and the results write; billed at the 10 MB minimum)')
      .option('--json', 'print {"checks": [...]}'),
  ).action(async (opts: ConfigFlags & DoctorOptions) => {
    const { doctor } = await import('./doctor.command');
    process.exitCode = await doctor(opts, opts, { env: process.env, cwd: process.cwd(), io: processIo() });
  });

  serverOptions(
    program
      .command('explain')
      .description('print the SQL, parameters and partitions of every engine query an operation runs, running none')
      .argument('<file>', 'a .graphql file')
      .option('--vars <json>', 'variables as a JSON object')
      .option('--glue-table <file>', 'Glue table definition for --engine athena (default: glue-tables/cloudtrail-single-account.table.json)')
      .option('--json', 'print {"queries":[{engine, sql, parameters, partitions}]}'),
  ).action(async (file: string, opts: ConfigFlags & ExplainOptions) => {
    const { explainFile } = await import('./explain.command');
    process.exitCode = await explainFile(loadConfig(opts, explainEnv(opts)), file, opts);
  });

  program
    .command('compact')
    .description('turn raw delivery days into the Parquet tier, incrementally: <lake>/parquet, or the Athena Parquet table')
    .option('--lake <dir>', 'lake directory; env TRAILGATE_LAKE')
    .option('--engine <name>', 'duckdb (a local lake) or athena (INSERT INTO the Parquet table; ATHENA_* settings); env TRAILGATE_ENGINE')
    .option('--from <day>', 'first delivery day, YYYY-MM-DD (default: the first in the lake)')
    .option('--to <day>', 'last delivery day, YYYY-MM-DD (default: yesterday, UTC)')
    .option('--force', 'compact days again even when their files are unchanged')
    .action(async (opts: ConfigFlags & CompactFlags) => {
      const { compact } = await import('./compact.command');
      await compact(loadConfig(opts), opts);
    });

  program
    .command('glue')
    .description('Glue tables for the trail: `glue ddl|apply --kind single|organization|organization-injected|parquet ...` (see glue-tables/README.md)')
    .allowUnknownOption()
    .helpOption(false)
    .argument('[args...]')
    .action(async (args: string[]) => {
      const { glueCommand } = await import('../engines/glue/glue-command');
      const { createGlueClient } = await import('../engines/glue/glue-client');
      process.exitCode = await glueCommand(args, {
        glueClient: ({ region }: { region?: string }) => createGlueClient({ region }),
        out: (s: string) => process.stdout.write(s),
        err: (s: string) => process.stderr.write(s),
      });
    });

  program
    .command('keys')
    .description('API keys for the auth config file')
    .command('new')
    .description('mint an API key: prints the key once and the config entry (its hash) to add under "apiKeys"')
    .requiredOption('--principal <id>', 'the principal the key runs as')
    .option('--note <text>', 'a note stored with the entry (who holds the key)')
    .option('--config <file>', 'auth config to check the principal against; env TRAILGATE_CONFIG; default: ./trailgate.config.{json,yaml,yml}')
    .action(async (opts: KeysNewOptions) => {
      const { keysNew } = await import('./keys.command');
      process.exitCode = await keysNew(opts, { env: process.env, cwd: process.cwd(), out: (s) => process.stdout.write(s), err: (s) => process.stderr.write(s) });
    });

  await program.parseAsync(argv);
  return typeof process.exitCode === 'number' ? process.exitCode : 0;
}

main(process.argv).catch((err: unknown) => {
  if (err instanceof ConfigError) process.stderr.write(`trailgate: ${err.message}\n`);
  else process.stderr.write(`trailgate: ${(err as Error)?.stack ?? String(err)}\n`);
  process.exit(1);
});
