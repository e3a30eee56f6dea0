import { AuthConfigError } from '../../auth/auth-config-error';
import { loadAuthConfig } from '../../auth/load-auth-config';
import { resolveAuthConfigPath } from '../../auth/resolve-auth-config-path';
import { isLoopback } from '../../config/config';
import { check, counted, type DoctorCheck } from './doctor-check';

const MINT = 'mint a key with `trailgate keys new --principal NAME` and add its entry and principal to trailgate.config.json (README: Security model)';

/**
 * The auth config `serve` would load (--config, TRAILGATE_CONFIG, or ./trailgate.config.*), checked
 * as `serve` checks it. No file is dev mode: a warning, and a failure when the bind address is not
 * loopback (serve refuses to start then).
 */
export async function authCheck(explicit: string | undefined, host: string | null, env: NodeJS.ProcessEnv, cwd: string): Promise<DoctorCheck> {
  let file: string | null;
  try {
    file = resolveAuthConfigPath(explicit, env, cwd);
  } catch (e) {
    if (!(e instanceof AuthConfigError)) throw e;
    return check('auth', 'fail', e.message.replace(/\n\s*-\s*/g, ': '), 'correct the path, or unset --config / TRAILGATE_CONFIG for dev mode');
  }
  const devMode = (why: string) =>
    host !== null && !isLoopback(host)
      ? check('auth', 'fail', `${why}: dev mode, and serve refuses to listen on ${host} without authentication`, `${MINT}, or bind 127.0.0.1`)
      : check('auth', 'warn', `${why}: dev mode (every request runs as the anonymous full principal; loopback binds only)`, MINT);
  if (file === null) return devMode('no auth config (./trailgate.config.{json,yaml,yml}, --config, TRAILGATE_CONFIG)');
  try {
    const config = await loadAuthConfig(file, env, cwd);
    if (!config.configured) return devMode(`${file} has no API keys and no jwt section`);
    const jwt = config.jwt ? `JWTs from ${config.jwt.issuer}` : 'no JWTs';
    return check('auth', 'ok', `${file}: ${counted(config.principals.size, 'principal')}, ${counted(config.apiKeys.size, 'API key')}, ${jwt}`);
  } catch (e) {
    if (!(e instanceof AuthConfigError)) throw e;
    return check('auth', 'fail', `${file}: ${e.problems.join('; ')}`, 'correct the fields named (README: Security model); serve does not start with this file');
  }
}
