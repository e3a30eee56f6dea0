import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * dt-sql-parser ships ESM with directory imports, which jest's CommonJS loader cannot resolve.
 * On first use we bundle the two parsers we need into one CommonJS file with esbuild and require
 * that. Two jest workers may race to build it: each writes its own temp file and renames it into
 * place (rename is atomic on one file system), so a reader never sees a half-written bundle.
 */
const ROOT = join(__dirname, '..', '..');
const CACHE_DIR = join(ROOT, 'node_modules', '.cache', 'trailgate');
const BUNDLE = join(CACHE_DIR, 'dt-sql-parser.cjs');

interface ParseErrorLike {
  readonly message: string;
}
interface TokenLike {
  readonly type: number;
  readonly text: string | undefined;
  readonly channel: number;
}
interface SqlParser {
  validate(sql: string): ParseErrorLike[];
  getAllTokens(sql: string): TokenLike[];
}
interface Bundle {
  TrinoSQL: new () => SqlParser;
  HiveSQL: new () => SqlParser;
}

let bundle: Bundle | null = null;

function buildBundle(): void {
  mkdirSync(CACHE_DIR, { recursive: true });
  const tmp = `${BUNDLE}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const esbuild = require('esbuild') as typeof import('esbuild');
  const result = esbuild.buildSync({
    stdin: { contents: "export { TrinoSQL, HiveSQL } from 'dt-sql-parser';", resolveDir: ROOT, loader: 'js' },
    bundle: true,
    platform: 'node',
    format: 'cjs',
    write: false,
    logLevel: 'silent',
  });
  try {
    writeFileSync(tmp, result.outputFiles[0].contents);
    renameSync(tmp, BUNDLE);
  } finally {
    rmSync(tmp, { force: true });
  }
}

function load(): Bundle {
  if (bundle) return bundle;
  if (!existsSync(BUNDLE)) buildBundle();
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  bundle = require(BUNDLE) as Bundle;
  return bundle;
}

// The Trino grammar is slow to warm: one parser instance per worker.
let trino: SqlParser | null = null;
let hive: SqlParser | null = null;
const trinoParser = () => (trino ??= new (load().TrinoSQL)());
const hiveParser = () => (hive ??= new (load().HiveSQL)());

/** Syntax errors of `sql` under dt-sql-parser's Trino grammar (empty when it parses). */
export function trinoErrors(sql: string): string[] {
  return trinoParser()
    .validate(sql)
    .map((e) => e.message);
}

/** Syntax errors of `sql` under dt-sql-parser's Hive grammar (Athena DDL is Hive). */
export function hiveErrors(sql: string): string[] {
  return hiveParser()
    .validate(sql)
    .map((e) => e.message);
}

/** Every token of `sql` from the Trino lexer, hidden-channel tokens (spaces, comments) included; no EOF. */
export function trinoTokens(sql: string): Array<{ type: number; text: string }> {
  return trinoParser()
    .getAllTokens(sql)
    .map((t) => ({ type: t.type, text: t.text ?? '' }));
}
