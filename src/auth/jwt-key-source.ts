import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { createPublicKey, type JsonWebKey, type KeyObject } from 'node:crypto';
import type { JSONWebKeySet, JWK } from 'jose';
import type { JwtAlgorithm, RawJwtConfig } from './auth-config.schema';
import { JWT_KEY_SOURCE_FIELDS } from './auth-env-overrides';

/** Where token signatures are checked against. */
export type JwtKeySource =
  | { readonly kind: 'jwks-url'; readonly url: URL }
  | { readonly kind: 'jwks'; readonly jwks: JSONWebKeySet }
  | { readonly kind: 'public-key'; readonly key: KeyObject }
  | { readonly kind: 'hmac'; readonly secret: Uint8Array };

const isHmac = (alg: JwtAlgorithm) => alg.startsWith('HS');
// RFC 7518 §3.2: an HMAC key at least as long as the hash output.
const HMAC_MIN_BYTES: Record<string, number> = { HS256: 32, HS384: 48, HS512: 64 };
const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * Builds the key source of a validated `jwt` section, pushing `jwt.<field>: ...` problems for a
 * combination that cannot be used safely. The rule that matters most: HS* algorithms only with an
 * explicit `hmacSecret`, never with a public key or JWKS — otherwise a public key's bytes could be
 * used as an HMAC secret to forge tokens (the algorithm-confusion attack).
 */
export async function resolveJwtKeySource(jwt: RawJwtConfig, baseDir: string, problems: string[]): Promise<JwtKeySource | null> {
  const given = JWT_KEY_SOURCE_FIELDS.filter((f) => jwt[f] !== undefined);
  if (given.length !== 1) {
    problems.push(`jwt: set exactly one of ${JWT_KEY_SOURCE_FIELDS.join(', ')}${given.length ? ` (found ${given.join(', ')})` : ''}`);
    return null;
  }
  const hmacAlgs = jwt.algorithms.filter(isHmac);
  if (jwt.hmacSecret !== undefined) {
    const others = jwt.algorithms.filter((a) => !isHmac(a));
    if (others.length) problems.push(`jwt.algorithms: only HS256, HS384 and HS512 go with hmacSecret (found ${others.join(', ')})`);
    const secret = new TextEncoder().encode(jwt.hmacSecret);
    const need = Math.max(...hmacAlgs.map((a) => HMAC_MIN_BYTES[a]), 32);
    if (secret.length < need) problems.push(`jwt.hmacSecret: must be at least ${need} bytes for ${hmacAlgs.join(', ')}`);
    return { kind: 'hmac', secret };
  }
  if (hmacAlgs.length) {
    problems.push(`jwt.algorithms: ${hmacAlgs.join(', ')} only go with an explicit hmacSecret, never with a public key or JWKS`);
    return null;
  }
  if (jwt.jwksUrl !== undefined) return jwksUrl(jwt.jwksUrl, problems);
  if (jwt.jwks !== undefined) return localJwks(jwt.jwks as unknown as JSONWebKeySet, problems);
  const file = jwt.publicKeyFile === undefined ? null : path.resolve(baseDir, jwt.publicKeyFile);
  let pem: string;
  try {
    pem = file === null ? (jwt.publicKey as string) : await readFile(file, 'utf8');
  } catch (err) {
    problems.push(`jwt.publicKeyFile: cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
    return null;
  }
  return publicKey(pem, jwt.algorithms, file === null ? 'jwt.publicKey' : 'jwt.publicKeyFile', problems);
}

function jwksUrl(raw: string, problems: string[]): JwtKeySource | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    problems.push('jwt.jwksUrl: not a URL');
    return null;
  }
  // Keys fetched over plain HTTP could be swapped in transit; loopback is allowed for local IdPs and tests.
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname))) {
    problems.push('jwt.jwksUrl: must be https (plain http only on a loopback address)');
    return null;
  }
  return { kind: 'jwks-url', url };
}

function localJwks(jwks: JSONWebKeySet, problems: string[]): JwtKeySource | null {
  const before = problems.length;
  jwks.keys.forEach((k, i) => {
    if (k.kty === 'oct') problems.push(`jwt.jwks.keys[${i}]: a symmetric key; shared secrets go in hmacSecret`);
    else if (k.d !== undefined) problems.push(`jwt.jwks.keys[${i}]: holds private key material; list public keys only`);
    else if (!importsAsPublicKey(k)) problems.push(`jwt.jwks.keys[${i}]: not a usable public key`);
  });
  return problems.length === before ? { kind: 'jwks', jwks } : null;
}

function importsAsPublicKey(jwk: JWK): boolean {
  try {
    createPublicKey({ key: jwk as JsonWebKey, format: 'jwk' });
    return true;
  } catch {
    return false;
  }
}

function publicKey(pem: string, algorithms: readonly JwtAlgorithm[], field: string, problems: string[]): JwtKeySource | null {
  // createPublicKey would also derive a public key from a private one; a private key in the config is a mistake to stop.
  if (!pem.includes('-----BEGIN PUBLIC KEY-----')) {
    problems.push(`${field}: not a PEM SPKI public key (-----BEGIN PUBLIC KEY-----)`);
    return null;
  }
  let key: KeyObject;
  try {
    key = createPublicKey(pem);
  } catch {
    problems.push(`${field}: cannot parse the public key`);
    return null;
  }
  const misfits = algorithms.filter((a) => !keyFits(a, key));
  if (misfits.length) problems.push(`jwt.algorithms: ${misfits.join(', ')} cannot be verified with this ${key.asymmetricKeyType} key`);
  return { kind: 'public-key', key };
}

const EC_CURVES: Record<string, string> = { ES256: 'prime256v1', ES384: 'secp384r1', ES512: 'secp521r1' };

function keyFits(alg: JwtAlgorithm, key: KeyObject): boolean {
  const type = key.asymmetricKeyType;
  if (alg.startsWith('RS')) return type === 'rsa';
  if (alg.startsWith('PS')) return type === 'rsa' || type === 'rsa-pss';
  if (alg.startsWith('ES')) return type === 'ec' && key.asymmetricKeyDetails?.namedCurve === EC_CURVES[alg];
  if (alg === 'EdDSA') return type === 'ed25519' || type === 'ed448';
  return false;
}
