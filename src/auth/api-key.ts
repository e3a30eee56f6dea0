import { createHash, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';

/**
 * API key format: `tg_<id>_<secret>`.
 * - `<id>`: 10 characters of lowercase Crockford base32 (50 bits). Public: it names the config
 *   entry, shows up in logs, and lets us find the entry without comparing against every hash.
 * - `<secret>`: 32 random bytes (256 bits) in base64url, 43 characters (may contain `_` and `-`,
 *   so the key is parsed by position, not split on `_`).
 *
 * The config keeps only `sha256:<hex>` of the whole key. A fast hash is enough here: a slow KDF
 * exists to resist guessing low-entropy passwords, and guessing a 256-bit random secret is out of
 * reach whatever the hash costs.
 */
export const API_KEY_PREFIX = 'tg_';
const ID_ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';
const ID_LENGTH = 10;
const SECRET_BYTES = 32;
const API_KEY_PATTERN = /^tg_([0-9a-hjkmnp-tv-z]{10})_([A-Za-z0-9_-]{43})$/;
export const API_KEY_ID_PATTERN = /^[0-9a-hjkmnp-tv-z]{10}$/;
export const API_KEY_HASH_PATTERN = /^sha256:[0-9a-f]{64}$/;

export interface MintedApiKey {
  /** shown once to whoever minted it; never stored */
  readonly key: string;
  readonly id: string;
  /** `sha256:<hex>`: what the config stores */
  readonly hash: string;
}

export function mintApiKey(): MintedApiKey {
  let id = '';
  for (let i = 0; i < ID_LENGTH; i++) id += ID_ALPHABET[randomInt(ID_ALPHABET.length)];
  const key = `${API_KEY_PREFIX}${id}_${randomBytes(SECRET_BYTES).toString('base64url')}`;
  return { key, id, hash: hashApiKey(key) };
}

/** The public id of a well-formed key; null for anything else. */
export function apiKeyId(key: string): string | null {
  return API_KEY_PATTERN.exec(key)?.[1] ?? null;
}

export function hashApiKey(key: string): string {
  return `sha256:${createHash('sha256').update(key, 'utf8').digest('hex')}`;
}

/** The 32-byte digest a `sha256:<hex>` config hash names. */
export function digestOfHash(hash: string): Buffer {
  if (!API_KEY_HASH_PATTERN.test(hash)) throw new Error('not a sha256:<64 hex> key hash');
  return Buffer.from(hash.slice('sha256:'.length), 'hex');
}

/** Constant-time: both sides are 32-byte digests, so timingSafeEqual never sees unequal lengths. */
export function apiKeyMatches(key: string, digest: Buffer): boolean {
  return timingSafeEqual(createHash('sha256').update(key, 'utf8').digest(), digest);
}
