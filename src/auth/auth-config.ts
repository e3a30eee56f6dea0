import type { Principal } from '../domain/principal';
import { ANONYMOUS_PRINCIPAL } from '../domain/principal';
import { digestOfHash } from './api-key';
import { AuthConfigError, formatIssues } from './auth-config-error';
import { authConfigSchema, type JwtAlgorithm, type RawPrincipal } from './auth-config.schema';
import type { AuthEnvName } from './auth-env-overrides';
import { resolveJwtKeySource, type JwtKeySource } from './jwt-key-source';
import type { ClaimRule } from './principal-from-claims';

/** A validated auth config, with defaults applied and key material loaded. */
export interface AuthConfig {
  readonly principals: ReadonlyMap<string, Principal>;
  /** by public key id */
  readonly apiKeys: ReadonlyMap<string, ApiKeyEntry>;
  readonly jwt: JwtSettings | null;
  /** at least one API key or a jwt section: authentication is on */
  readonly configured: boolean;
}

export interface ApiKeyEntry {
  readonly id: string;
  /** sha256 of the whole key */
  readonly digest: Buffer;
  readonly principal: Principal;
}

export interface JwtSettings {
  readonly issuer: string;
  readonly audience: string | readonly string[];
  readonly algorithms: readonly JwtAlgorithm[];
  readonly clockToleranceSeconds: number;
  readonly maxAgeSeconds: number | null;
  readonly requiredClaims: readonly string[];
  readonly keySource: JwtKeySource;
  readonly rules: readonly ClaimRule[];
}

export interface CompileOptions {
  /** for messages: the file path */
  readonly source: string;
  /** relative key file paths resolve against it (the config file's directory) */
  readonly baseDir: string;
  readonly fromEnv?: ReadonlyMap<string, AuthEnvName>;
}

/** Validates a parsed config file; throws AuthConfigError listing every problem by path. */
export async function compileAuthConfig(raw: unknown, opts: CompileOptions): Promise<AuthConfig> {
  const fromEnv = opts.fromEnv ?? new Map<string, AuthEnvName>();
  const fail = (problems: string[]) =>
    new AuthConfigError(
      opts.source,
      problems.map((p) => {
        const name = [...fromEnv].find(([path]) => p.startsWith(`${path}:`) || p.startsWith(`${path}[`) || p.startsWith(`${path}.`))?.[1];
        return name ? `${p} (set by ${name})` : p;
      }),
    );
  const parsed = authConfigSchema.safeParse(raw ?? {});
  if (!parsed.success) throw fail(formatIssues(parsed.error.issues));
  const cfg = parsed.data;
  const problems: string[] = [];

  const principals = new Map<string, Principal>();
  for (const [id, p] of Object.entries(cfg.principals)) {
    // `anonymous` is what dev mode runs as; a configured principal by that name would be indistinguishable in logs.
    if (id === ANONYMOUS_PRINCIPAL.id) problems.push(`principals.${id}: "${id}" is reserved for dev mode`);
    principals.set(id, toPrincipal(id, p));
  }
  const principalAt = (path: string, id: string) => {
    const p = principals.get(id);
    if (!p) problems.push(`${path}: unknown principal "${id}"`);
    return p;
  };

  const apiKeys = new Map<string, ApiKeyEntry>();
  cfg.apiKeys.forEach((k, i) => {
    if (apiKeys.has(k.id)) problems.push(`apiKeys[${i}].id: duplicate key id "${k.id}"`);
    const principal = principalAt(`apiKeys[${i}].principal`, k.principal);
    if (principal) apiKeys.set(k.id, Object.freeze({ id: k.id, digest: digestOfHash(k.hash), principal }));
  });

  let jwt: JwtSettings | null = null;
  if (cfg.jwt) {
    const j = cfg.jwt;
    const rules: ClaimRule[] = [];
    j.principals.forEach((r, i) => {
      const principal = principalAt(`jwt.principals[${i}].principal`, r.principal);
      if (principal) rules.push(Object.freeze({ when: Object.freeze({ ...r.when }), principal }));
    });
    const keySource = await resolveJwtKeySource(j, opts.baseDir, problems);
    if (keySource) {
      jwt = Object.freeze({
        issuer: j.issuer,
        audience: typeof j.audience === 'string' ? j.audience : Object.freeze([...j.audience]),
        algorithms: Object.freeze([...new Set(j.algorithms)]),
        clockToleranceSeconds: j.clockToleranceSeconds,
        maxAgeSeconds: j.maxAgeSeconds,
        requiredClaims: Object.freeze([...new Set(j.requiredClaims)]),
        keySource,
        rules: Object.freeze(rules),
      });
    }
  }
  if (problems.length) throw fail(problems);
  return Object.freeze({ principals, apiKeys, jwt, configured: apiKeys.size > 0 || jwt !== null });
}

const sortedUnique = (xs: readonly string[]) => Object.freeze([...new Set(xs)].sort());

function toPrincipal(id: string, p: RawPrincipal): Principal {
  return Object.freeze({
    id,
    accounts: p.accounts === '*' ? '*' : sortedUnique(p.accounts),
    mode: p.mode,
    operations: p.operations === '*' ? '*' : sortedUnique(p.operations),
    maxRangeDays: p.maxRangeDays,
    maxBytesScannedPerQuery: p.maxBytesScannedPerQuery,
    // persisted-only principals run a fixed catalogue, so the schema is none of their business unless granted
    introspection: p.introspection ?? p.mode === 'full',
    rateLimit: p.rateLimit ? Object.freeze({ ...p.rateLimit }) : null,
  });
}
