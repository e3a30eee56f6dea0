import { stringify as toYaml } from 'yaml';
import { mintApiKey, type MintedApiKey } from '../auth/api-key';
import { AuthConfigError } from '../auth/auth-config-error';
import { PRINCIPAL_ID_PATTERN } from '../auth/auth-config.schema';
import { loadAuthConfig } from '../auth/load-auth-config';
import { resolveAuthConfigPath } from '../auth/resolve-auth-config-path';

export interface KeysNewOptions {
  principal: string;
  note?: string;
  config?: string;
}

export interface KeysIo {
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
  readonly out: (s: string) => void;
  readonly err: (s: string) => void;
}

/**
 * `trailgate keys new`: mints a key and prints it once (stdout) with the config entry holding its
 * hash; the guidance goes to stderr, so `> file` captures only the key and the entry. When a config
 * file is found (--config, TRAILGATE_CONFIG or the default names) the principal must exist in it.
 */
export async function keysNew(opts: KeysNewOptions, io: KeysIo): Promise<number> {
  if (!PRINCIPAL_ID_PATTERN.test(opts.principal)) {
    io.err(`trailgate: "${opts.principal}" is not a principal id (1-64 letters, digits, ".", "_" or "-")\n`);
    return 1;
  }
  let file: string | null;
  let taken = new Set<string>();
  try {
    file = resolveAuthConfigPath(opts.config, io.env, io.cwd);
    if (file) {
      const config = await loadAuthConfig(file, io.env, io.cwd);
      if (!config.principals.has(opts.principal)) {
        const known = [...config.principals.keys()];
        io.err(`trailgate: principal "${opts.principal}" is not defined in ${file} (defined: ${known.length ? known.join(', ') : 'none'})\n`);
        return 1;
      }
      taken = new Set(config.apiKeys.keys());
    }
  } catch (err) {
    if (!(err instanceof AuthConfigError)) throw err;
    io.err(`trailgate: ${err.message}\n`);
    return 1;
  }
  let minted: MintedApiKey;
  do minted = mintApiKey();
  while (taken.has(minted.id));

  const entry = { id: minted.id, hash: minted.hash, principal: opts.principal, ...(opts.note ? { note: opts.note } : {}) };
  const yaml = file !== null && /\.ya?ml$/i.test(file);
  io.err(`New API key for principal "${opts.principal}". It is shown only this once: trailgate stores just its hash.\n`);
  io.out(`${minted.key}\n`);
  io.err(`\nAdd this entry under "apiKeys" in ${file ?? 'trailgate.config.json'}; a running server picks it up on file change or SIGHUP:\n`);
  io.out(yaml ? toYaml([entry]) : `${JSON.stringify(entry, null, 2)}\n`);
  if (file === null) io.err(`(no config file found, so principal "${opts.principal}" was not checked; pass --config FILE to check it)\n`);
  return 0;
}
