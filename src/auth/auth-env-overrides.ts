import path from 'node:path';

/**
 * Environment variables that override fields of the config file's `jwt` section, so one file can
 * serve several deployments (and a secret can stay out of the file). An empty value counts as unset.
 */
export const AUTH_ENV_OVERRIDES = {
  TRAILGATE_JWT_ISSUER: 'issuer',
  TRAILGATE_JWT_AUDIENCE: 'audience',
  TRAILGATE_JWT_JWKS_URL: 'jwksUrl',
  TRAILGATE_JWT_PUBLIC_KEY_FILE: 'publicKeyFile',
  TRAILGATE_JWT_HMAC_SECRET: 'hmacSecret',
} as const;

export type AuthEnvName = keyof typeof AUTH_ENV_OVERRIDES;

/** The fields that say where verification keys come from; a config sets exactly one. */
export const JWT_KEY_SOURCE_FIELDS = ['jwksUrl', 'jwks', 'publicKey', 'publicKeyFile', 'hmacSecret'] as const;

export interface EnvOverridden {
  readonly raw: unknown;
  /** config path (`jwt.issuer`) → the variable that set it, so errors can say where a value came from */
  readonly fromEnv: ReadonlyMap<string, AuthEnvName>;
}

export const authEnvOverridesIn = (env: NodeJS.ProcessEnv): AuthEnvName[] =>
  (Object.keys(AUTH_ENV_OVERRIDES) as AuthEnvName[]).filter((name) => (env[name] ?? '') !== '');

/**
 * Applies the overrides to the parsed file (before validation, so the usual checks cover them).
 * A key-source variable replaces the file's key source as a whole: a JWKS URL from the environment
 * must not end up next to the file's public key. TRAILGATE_JWT_AUDIENCE may list several audiences
 * separated by commas. TRAILGATE_JWT_PUBLIC_KEY_FILE is relative to the working directory.
 */
export function applyAuthEnvOverrides(raw: unknown, env: NodeJS.ProcessEnv, cwd: string): EnvOverridden {
  const names = authEnvOverridesIn(env);
  if (names.length === 0 || !isPlainObject(raw) || (raw.jwt !== undefined && !isPlainObject(raw.jwt))) return { raw, fromEnv: new Map() };
  const jwt: Record<string, unknown> = { ...((raw.jwt as Record<string, unknown> | undefined) ?? {}) };
  const fromEnv = new Map<string, AuthEnvName>();
  if (names.some((n) => (JWT_KEY_SOURCE_FIELDS as readonly string[]).includes(AUTH_ENV_OVERRIDES[n]))) {
    for (const field of JWT_KEY_SOURCE_FIELDS) delete jwt[field];
  }
  for (const name of names) {
    const field = AUTH_ENV_OVERRIDES[name];
    const value = env[name] as string;
    jwt[field] =
      field === 'audience' && value.includes(',')
        ? value.split(',').map((a) => a.trim())
        : field === 'publicKeyFile'
          ? path.resolve(cwd, value)
          : value;
    fromEnv.set(`jwt.${field}`, name);
  }
  return { raw: { ...raw, jwt }, fromEnv };
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
