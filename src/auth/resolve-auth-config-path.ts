import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { AuthConfigError } from './auth-config-error';

export const DEFAULT_AUTH_CONFIG_FILES = ['trailgate.config.json', 'trailgate.config.yaml', 'trailgate.config.yml'] as const;

/**
 * The auth config file to load: the explicit path (`--config`), else TRAILGATE_CONFIG, else the
 * first default name present in cwd, else null (no file: dev mode). A path someone named must
 * exist — silently falling back to dev mode would turn a typo into an unauthenticated server.
 */
export function resolveAuthConfigPath(explicit: string | undefined, env: NodeJS.ProcessEnv, cwd: string): string | null {
  const named = explicit || env.TRAILGATE_CONFIG;
  if (named) {
    const file = path.resolve(cwd, named);
    if (!existsSync(file) || !statSync(file).isFile()) {
      throw new AuthConfigError(file, [`no such file (named by ${explicit ? '--config' : 'TRAILGATE_CONFIG'})`]);
    }
    return file;
  }
  for (const name of DEFAULT_AUTH_CONFIG_FILES) {
    const file = path.join(cwd, name);
    if (existsSync(file)) return file;
  }
  return null;
}
