import { createLocalJWKSet, createRemoteJWKSet, errors, jwtVerify, type JWTPayload, type JWTVerifyGetKey, type JWTVerifyOptions } from 'jose';
import type { JwtSettings } from './auth-config';
import type { JwtKeySource } from './jwt-key-source';

export type JwtVerification = { readonly ok: true; readonly claims: JWTPayload } | { readonly ok: false; readonly reason: string };

export interface JwtVerifier {
  verify(token: string): Promise<JwtVerification>;
}

// A slow IdP must not hold requests for long; after a fetch (e.g. for an unknown kid) wait before
// fetching again, so tokens with random kids cannot make us hammer the IdP.
const JWKS_TIMEOUT_MS = 5_000;
const JWKS_COOLDOWN_MS = 30_000;
const JWKS_CACHE_MAX_AGE_MS = 10 * 60_000;

/**
 * Signature, `iss`, `aud`, `exp`/`nbf` (with the clock tolerance), `iat` age and required claims,
 * with the algorithm allow-list passed to jose, which also refuses `alg: none` and a key of the
 * wrong type for the token's algorithm (an HS256 token against an RSA key).
 */
export function createJwtVerifier(settings: JwtSettings): JwtVerifier {
  const getKey = keyResolver(settings.keySource);
  const options: JWTVerifyOptions = {
    issuer: settings.issuer,
    audience: typeof settings.audience === 'string' ? settings.audience : [...settings.audience],
    algorithms: [...settings.algorithms],
    clockTolerance: settings.clockToleranceSeconds,
    maxTokenAge: settings.maxAgeSeconds ?? undefined,
    requiredClaims: [...settings.requiredClaims],
  };
  return {
    async verify(token) {
      try {
        const { payload } = await jwtVerify(token, getKey, options);
        return { ok: true, claims: payload };
      } catch (err) {
        return { ok: false, reason: reasonOf(err) };
      }
    },
  };
}

function keyResolver(source: JwtKeySource): JWTVerifyGetKey {
  switch (source.kind) {
    case 'jwks-url':
      return createRemoteJWKSet(source.url, { timeoutDuration: JWKS_TIMEOUT_MS, cooldownDuration: JWKS_COOLDOWN_MS, cacheMaxAge: JWKS_CACHE_MAX_AGE_MS });
    case 'jwks':
      return createLocalJWKSet(source.jwks);
    case 'public-key':
      return async () => source.key;
    case 'hmac':
      return async () => source.secret;
    default: {
      const never: never = source;
      throw new Error(`unknown key source ${JSON.stringify(never)}`);
    }
  }
}

/** For the log only: jose's messages name the failed check, never the token's values. */
function reasonOf(err: unknown): string {
  if (err instanceof errors.JOSEError) return `jwt: ${err.code}: ${err.message}`;
  return `jwt: ${err instanceof Error ? err.message : String(err)}`;
}
