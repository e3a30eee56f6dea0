import type { Config } from '../config/config';
import { variablesFromParams, type QueryParams } from '../persisted/baseline-params';
import type { CatalogOperation, PersistedCatalog } from '../persisted/persisted-catalog';
import { createLogger } from '../server/logger';
import { loadPersistedCatalog } from '../server/persisted-manifest';
import type { CliIo } from './cli-io';
import { csvText, defaultOutputFormat, tableText, type OutputFormat } from './output-format';
import { runOperation } from './run-operation';

export interface BaselinesOptions {
  /** the persisted-query manifest; default schema/persisted/manifest.json */
  readonly manifest?: string;
  readonly format?: OutputFormat;
}

export interface BaselinesRunOptions extends BaselinesOptions {
  readonly from: string;
  readonly to: string;
  /** comma-separated account ids */
  readonly accounts?: string;
  /** more variables, `name=value` each (lists comma-separated), typed as GET /baselines/:name types them */
  readonly param?: readonly string[];
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;
/** `2026-11-01` stands for its midnight UTC; anything else goes to the DateTime scalar as written. */
const instant = (v: string) => (DAY.test(v) ? `${v}T00:00:00Z` : v);

async function catalog(opts: BaselinesOptions): Promise<PersistedCatalog> {
  return loadPersistedCatalog(opts.manifest, createLogger('error'));
}

const describe = (op: CatalogOperation) => ({
  name: op.name,
  id: op.id,
  description: op.description,
  variables: op.variables.map(({ name, type, defaultValue }) => ({ name, type, defaultValue })),
});

/** `trailgate baselines list`: the catalogue, as GET /baselines lists it. */
export async function baselinesList(opts: BaselinesOptions, io: CliIo): Promise<number> {
  const ops = (await catalog(opts)).list().map(describe);
  if (ops.length === 0) {
    io.err('No persisted operations: the manifest is missing or empty (npm run manifest writes schema/persisted/manifest.json).\n');
    return 1;
  }
  const format = opts.format ?? defaultOutputFormat(io.stdoutIsTTY);
  if (format === 'json') io.out(`${JSON.stringify(ops, null, 2)}\n`);
  else if (format === 'ndjson') io.out(ops.map((o) => `${JSON.stringify(o)}\n`).join(''));
  else {
    const signature = (o: ReturnType<typeof describe>) =>
      o.variables.map((v) => `${v.name}: ${v.type}${v.defaultValue !== null ? ` = ${JSON.stringify(v.defaultValue)}` : ''}`).join(', ');
    const rows = {
      columns: ['name', 'variables', 'description'],
      rows: ops.map((o) => [o.name, signature(o), format === 'table' ? (o.description?.split('\n')[0] ?? '') : o.description]),
    };
    io.out(format === 'table' ? tableText(rows) : csvText(rows));
  }
  return 0;
}

/** The query-string form of the flags, so variables are typed exactly as GET /baselines/:name types them. */
function params(opts: BaselinesRunOptions): { params: QueryParams } | { problem: string } {
  const out: Record<string, string | string[]> = { from: instant(opts.from), to: instant(opts.to) };
  if (opts.accounts !== undefined) out.accounts = opts.accounts;
  for (const p of opts.param ?? []) {
    const eq = p.indexOf('=');
    if (eq < 1) return { problem: `--param ${p}: expected name=value` };
    const [key, value] = [p.slice(0, eq), p.slice(eq + 1)];
    if (key in out && (key === 'from' || key === 'to' || key === 'accounts')) return { problem: `--param ${key}: use --${key}` };
    const prev = out[key];
    out[key] = prev === undefined ? value : [...(Array.isArray(prev) ? prev : [prev]), value];
  }
  return { params: out };
}

/** `trailgate baselines run NAME --from --to [--accounts a,b] [--param k=v]...`: one catalogue operation, in-process. */
export async function baselinesRun(config: Config, name: string, opts: BaselinesRunOptions, io: CliIo): Promise<number> {
  const op = (await catalog(opts)).byName(name);
  if (!op) {
    io.err(`No persisted operation named "${name}" (trailgate baselines list shows them).\n`);
    return 2;
  }
  const given = params(opts);
  const typed = 'problem' in given ? given : variablesFromParams(op, given.params);
  if ('problem' in typed) {
    io.err(`${typed.problem}\n`);
    return 2;
  }
  return runOperation(config, { query: op.body, operationName: op.name, variables: typed.variables, label: op.name }, opts.format, io);
}
