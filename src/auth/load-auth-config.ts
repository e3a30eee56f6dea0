import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import { AuthConfigError } from './auth-config-error';
import { compileAuthConfig, type AuthConfig } from './auth-config';
import { applyAuthEnvOverrides } from './auth-env-overrides';

/** Reads, parses (JSON, or YAML for .yaml/.yml), applies env overrides and validates a config file. */
export async function loadAuthConfig(file: string, env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): Promise<AuthConfig> {
  return authConfigFromText(await readAuthConfigFile(file), file, env, cwd);
}

export async function readAuthConfigFile(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    throw new AuthConfigError(file, [`cannot read the file (${(err as NodeJS.ErrnoException).code ?? 'error'})`]);
  }
}

export async function authConfigFromText(text: string, file: string, env: NodeJS.ProcessEnv, cwd: string): Promise<AuthConfig> {
  const { raw, fromEnv } = applyAuthEnvOverrides(parseConfigText(text, file), env, cwd);
  return compileAuthConfig(raw, { source: file, baseDir: path.dirname(file), fromEnv });
}

/**
 * Parser messages quote the offending source line, which may hold a key hash or a secret; the
 * error keeps only the position.
 */
export function parseConfigText(text: string, file: string): unknown {
  if (/\.ya?ml$/i.test(file)) {
    try {
      // YAML 1.2 core schema: no `yes`/`no` booleans or sexagesimal numbers; duplicate keys are errors
      return parseYaml(text, { schema: 'core', uniqueKeys: true });
    } catch (err) {
      const pos = err instanceof YAMLParseError && err.linePos ? ` at line ${err.linePos[0].line}, column ${err.linePos[0].col}` : '';
      throw new AuthConfigError(file, [`not valid YAML${pos}${err instanceof YAMLParseError ? ` (${err.code})` : ''}`]);
    }
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new AuthConfigError(file, [`not valid JSON${jsonErrorPosition(text)}`]);
  }
}

/**
 * V8's JSON.parse message quotes the text around the error and, in Node 20+, no longer gives a
 * position; the YAML parser (JSON is nearly a subset of YAML 1.2) usually locates the same fault.
 */
function jsonErrorPosition(text: string): string {
  try {
    parseYaml(text, { schema: 'core' });
  } catch (err) {
    if (err instanceof YAMLParseError && err.linePos) return ` near line ${err.linePos[0].line}, column ${err.linePos[0].col}`;
  }
  return '';
}
