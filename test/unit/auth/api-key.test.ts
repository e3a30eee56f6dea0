import { createHash } from 'node:crypto';
import { apiKeyId, apiKeyMatches, digestOfHash, hashApiKey, mintApiKey } from '../../../src/auth/api-key';

describe('API keys', () => {
  it('mints tg_<10-char base32 id>_<43-char base64url secret> keys whose secret is 256 random bits', () => {
    const { key, id } = mintApiKey();
    const m = /^tg_([0-9a-z]{10})_([A-Za-z0-9_-]{43})$/.exec(key);
    expect(m).not.toBeNull();
    expect(m![1]).toBe(id);
    expect(id).not.toMatch(/[ilou]/); // Crockford base32 leaves out look-alikes
    expect(Buffer.from(m![2], 'base64url')).toHaveLength(32);
  });

  it('draws ids and secrets at random: no repeats, and about half of the secret bits set', () => {
    const keys = Array.from({ length: 200 }, () => mintApiKey());
    expect(new Set(keys.map((k) => k.key)).size).toBe(200);
    expect(new Set(keys.map((k) => k.id)).size).toBe(200);
    let ones = 0;
    for (const k of keys) for (const byte of Buffer.from(k.key.slice(-43), 'base64url')) for (let b = byte; b; b >>= 1) ones += b & 1;
    // 51,200 fair bits: mean 25,600, standard deviation ~113; a constant or biased source lands far outside
    expect(Math.abs(ones - 25_600)).toBeLessThan(1_000);
  });

  it('stores sha256 of the whole key, and the stored hash matches that key only', () => {
    const { key, hash } = mintApiKey();
    expect(hash).toBe(`sha256:${createHash('sha256').update(key).digest('hex')}`);
    expect(hashApiKey(key)).toBe(hash);
    expect(hash).not.toContain(key.slice(-43));
    const digest = digestOfHash(hash);
    expect(apiKeyMatches(key, digest)).toBe(true);
    expect(apiKeyMatches(mintApiKey().key, digest)).toBe(false);
  });

  it('rejects a key with the right id and a different secret, and a key with one character changed', () => {
    const { key, id, hash } = mintApiKey();
    const sameId = `tg_${id}_${mintApiKey().key.slice(-43)}`;
    const last = key.at(-1) === 'A' ? 'B' : 'A';
    const tampered = key.slice(0, -1) + last;
    expect(apiKeyId(sameId)).toBe(id);
    expect(apiKeyMatches(sameId, digestOfHash(hash))).toBe(false);
    expect(apiKeyMatches(tampered, digestOfHash(hash))).toBe(false);
  });

  it.each(['', 'tg_', 'tg_abc_def', 'tg_ABCDEFGHJK_' + 'a'.repeat(43), 'tg_abcdefghjk_' + 'a'.repeat(42), 'xx_abcdefghjk_' + 'a'.repeat(43), 'tg_abcdefghjk_' + 'a'.repeat(43) + ' '])(
    'finds no id in the malformed key %j',
    (key) => expect(apiKeyId(key)).toBeNull(),
  );

  it('refuses a config hash that is not sha256:<64 hex>', () => {
    expect(() => digestOfHash('sha1:abc')).toThrow();
    expect(() => digestOfHash(`sha256:${'A'.repeat(64)}`)).toThrow();
  });
});
