import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { stringify as toYaml } from 'yaml';
import { mintApiKey } from '../../../src/auth/api-key';
import { compileAuthConfig, type AuthConfig } from '../../../src/auth/auth-config';
import { AuthConfigError } from '../../../src/auth/auth-config-error';
import { loadAuthConfig } from '../../../src/auth/load-auth-config';
import { CLAIM_RULES, PRINCIPALS, rsaKeys, tempDir } from './auth-test-kit';

const keys = rsaKeys();
const key = mintApiKey();
const tmp = tempDir();
afterAll(() => tmp.cleanup());

const jwtSection = (extra: Record<string, unknown> = {}) => ({
  issuer: 'https://idp.example.com/',
  audience: 'trailgate',
  jwksUrl: 'https://idp.example.com/.well-known/jwks.json',
  algorithms: ['RS256', 'ES256'],
  clockToleranceSeconds: 30,
  maxAgeSeconds: 3600,
  requiredClaims: ['sub'],
  principals: CLAIM_RULES,
  ...extra,
});
const example = { principals: PRINCIPALS, apiKeys: [{ id: key.id, hash: key.hash, principal: 'partner-acme', note: 'ACME SIEM connector' }], jwt: jwtSection() };

/** A comparable, printable view (Maps, Buffers and URLs compare poorly with toEqual). */
function view(c: AuthConfig) {
  const { keySource, ...jwt } = c.jwt ?? ({} as NonNullable<AuthConfig['jwt']>);
  return {
    principals: Object.fromEntries(c.principals),
    apiKeys: [...c.apiKeys.values()].map((k) => ({ id: k.id, digest: k.digest.toString('hex'), principal: k.principal.id })),
    jwt: c.jwt ? { ...jwt, keySource: keySource.kind === 'jwks-url' ? keySource.url.href : keySource.kind } : null,
    configured: c.configured,
  };
}

describe('loading the auth config', () => {
  it('reads the same config from JSON and from YAML, with principal defaults applied', async () => {
    const fromJson = view(await loadAuthConfig(tmp.write('trailgate.config.json', example), {}));
    const fromYaml = view(await loadAuthConfig(tmp.write('trailgate.config.yaml', toYaml(example)), {}));
    expect(fromYaml).toEqual(fromJson);
    expect(fromJson.principals.secops).toEqual({
      id: 'secops', accounts: '*', mode: 'full', operations: '*', maxRangeDays: null, maxBytesScannedPerQuery: null, introspection: true,
      rateLimit: { requests: 600, perSeconds: 60 },
    });
    expect(fromJson.principals['partner-acme']).toMatchObject({ accounts: ['111111111111', '222222222222'], introspection: false });
    expect(fromJson.apiKeys).toEqual([{ id: key.id, digest: key.hash.slice(7), principal: 'partner-acme' }]);
    expect(fromJson.jwt).toMatchObject({ issuer: 'https://idp.example.com/', keySource: 'https://idp.example.com/.well-known/jwks.json', algorithms: ['RS256', 'ES256'] });
    expect(fromJson.configured).toBe(true);
  });

  it('reads a .yml file written by hand, and refuses an unquoted account id YAML would read as a number', async () => {
    const yml = `principals:\n  ops:\n    accounts: ["012345678901"]\napiKeys:\n  - id: ${key.id}\n    hash: "${key.hash}"\n    principal: ops\n`;
    const config = await loadAuthConfig(tmp.write('hand.yml', yml), {});
    expect(config.principals.get('ops')?.accounts).toEqual(['012345678901']);
    await expect(loadAuthConfig(tmp.write('unquoted.yml', yml.replace('["012345678901"]', '[012345678901]')), {})).rejects.toThrow(
      /principals\.ops\.accounts\[0\]: an account id is a quoted string of 12 digits/,
    );
  });

  it('lets TRAILGATE_JWT_* override the jwt section, the key source replaced as a whole', async () => {
    const file = tmp.write('env.json', { ...example, jwt: jwtSection({ jwksUrl: undefined, publicKey: keys.publicKeyPem, algorithms: ['RS256'] }) });
    const config = view(
      await loadAuthConfig(file, {
        TRAILGATE_JWT_ISSUER: 'https://login.example.org/',
        TRAILGATE_JWT_AUDIENCE: 'trailgate, trailgate-staging',
        TRAILGATE_JWT_JWKS_URL: 'https://login.example.org/keys',
      }),
    );
    expect(config.jwt).toMatchObject({ issuer: 'https://login.example.org/', audience: ['trailgate', 'trailgate-staging'], keySource: 'https://login.example.org/keys' });
  });

  it('reads TRAILGATE_JWT_PUBLIC_KEY_FILE relative to the working directory, and the file field relative to the config', async () => {
    mkdirSync(path.join(tmp.dir, 'keys'), { recursive: true });
    writeFileSync(path.join(tmp.dir, 'keys', 'idp.pem'), keys.publicKeyPem);
    const file = tmp.write('pem.json', { ...example, jwt: jwtSection({ jwksUrl: undefined, publicKeyFile: 'keys/idp.pem', algorithms: ['RS256'] }) });
    expect(view(await loadAuthConfig(file, {})).jwt?.keySource).toBe('public-key');
    const other = path.join(tmp.dir, 'elsewhere');
    mkdirSync(other, { recursive: true });
    await expect(loadAuthConfig(file, { TRAILGATE_JWT_PUBLIC_KEY_FILE: 'keys/idp.pem' }, other)).rejects.toThrow(/jwt\.publicKeyFile: cannot read .*\(set by TRAILGATE_JWT_PUBLIC_KEY_FILE\)/);
    expect(view(await loadAuthConfig(file, { TRAILGATE_JWT_PUBLIC_KEY_FILE: 'keys/idp.pem' }, tmp.dir)).jwt?.keySource).toBe('public-key');
  });

  it('names the variable when an overridden value is invalid', async () => {
    const file = tmp.write('env-bad.json', example);
    await expect(loadAuthConfig(file, { TRAILGATE_JWT_JWKS_URL: 'http://idp.example.com/jwks' })).rejects.toThrow(
      /jwt\.jwksUrl: must be https .*\(set by TRAILGATE_JWT_JWKS_URL\)/,
    );
  });

  it('treats a file with neither keys nor a jwt section as not configured', async () => {
    expect((await compileAuthConfig({ principals: PRINCIPALS }, { source: 't', baseDir: tmp.dir })).configured).toBe(false);
    expect((await compileAuthConfig({}, { source: 't', baseDir: tmp.dir })).configured).toBe(false);
  });
});

describe('refusing an invalid auth config, naming the field', () => {
  const withJwt = (extra: Record<string, unknown>) => ({ principals: PRINCIPALS, jwt: jwtSection(extra) });
  const rsaPem = keys.publicKeyPem;
  const cases: Array<[string, unknown, RegExp]> = [
    ['a key for an unknown principal', { principals: PRINCIPALS, apiKeys: [{ id: key.id, hash: key.hash, principal: 'x' }] }, /apiKeys\[0\]\.principal: unknown principal "x"/],
    ['a duplicate key id', { principals: PRINCIPALS, apiKeys: [{ id: key.id, hash: key.hash, principal: 'secops' }, { id: key.id, hash: mintApiKey().hash, principal: 'secops' }] }, /apiKeys\[1\]\.id: duplicate key id/],
    ['a malformed key hash', { principals: PRINCIPALS, apiKeys: [{ id: key.id, hash: 'sha256:abc', principal: 'secops' }] }, /apiKeys\[0\]\.hash: a key hash is "sha256:"/],
    ['an unknown top-level field', { ...example, apikeys: [] }, /\(top level\): unknown field "apikeys"/],
    ['an unknown principal field', { principals: { p: { accounts: '*', scope: 'all' } } }, /principals\.p: unknown field "scope"/],
    ['a principal without accounts', { principals: { p: { mode: 'full' } } }, /principals\.p\.accounts: must be "\*" or a non-empty list/],
    ['an empty account list', { principals: { p: { accounts: [] } } }, /principals\.p\.accounts: .*>=1/],
    ['an 11-digit account id', { principals: { p: { accounts: ['11111111111'] } } }, /principals\.p\.accounts\[0\]: an account id is a quoted string of 12 digits/],
    ['an unknown mode', { principals: { p: { accounts: '*', mode: 'admin' } } }, /principals\.p\.mode:/],
    ['a zero rate limit', { principals: { p: { accounts: '*', rateLimit: { requests: 0, perSeconds: 60 } } } }, /principals\.p\.rateLimit\.requests:/],
    ['a principal id with a space', { principals: { 'a b': { accounts: '*' } } }, /principals\.a b: a principal id is/],
    ['the reserved principal "anonymous"', { principals: { anonymous: { accounts: '*' } } }, /principals\.anonymous: "anonymous" is reserved/],
    ['a jwt rule for an unknown principal', withJwt({ principals: [...CLAIM_RULES, { when: { org: 'x' }, principal: 'ghost' }] }), /jwt\.principals\[2\]\.principal: unknown principal "ghost"/],
    ['a jwt rule with no claims', withJwt({ principals: [{ when: {}, principal: 'secops' }] }), /jwt\.principals\[0\]\.when: list at least one claim/],
    ['a jwt section without audience', withJwt({ audience: undefined }), /jwt\.audience:/],
    ['a jwt section without algorithms', withJwt({ algorithms: [] }), /jwt\.algorithms:/],
    ['alg none', withJwt({ algorithms: ['RS256', 'none'] }), /jwt\.algorithms\[1\]: "none" \(unsigned tokens\) is never accepted/],
    ['a jwt section with no key source', withJwt({ jwksUrl: undefined }), /jwt: set exactly one of jwksUrl, jwks, publicKey, publicKeyFile, hmacSecret/],
    ['two key sources', withJwt({ publicKey: rsaPem }), /jwt: set exactly one of .*\(found jwksUrl, publicKey\)/],
    ['HS256 with a public key', withJwt({ jwksUrl: undefined, publicKey: rsaPem, algorithms: ['RS256', 'HS256'] }), /jwt\.algorithms: HS256 only go with an explicit hmacSecret/],
    ['HS256 with a JWKS URL', withJwt({ algorithms: ['HS256'] }), /jwt\.algorithms: HS256 only go with an explicit hmacSecret/],
    ['RS256 with an HMAC secret', withJwt({ jwksUrl: undefined, hmacSecret: 'x'.repeat(40), algorithms: ['HS256', 'RS256'] }), /jwt\.algorithms: only HS256, HS384 and HS512 go with hmacSecret \(found RS256\)/],
    ['a short HMAC secret', withJwt({ jwksUrl: undefined, hmacSecret: 'short-SECRETVALUE', algorithms: ['HS256'] }), /jwt\.hmacSecret: must be at least 32 bytes/],
    ['an HS512 secret under 64 bytes', withJwt({ jwksUrl: undefined, hmacSecret: 'x'.repeat(40), algorithms: ['HS512'] }), /jwt\.hmacSecret: must be at least 64 bytes/],
    ['an algorithm the key cannot verify', withJwt({ jwksUrl: undefined, publicKey: rsaPem, algorithms: ['RS256', 'ES256'] }), /jwt\.algorithms: ES256 cannot be verified with this rsa key/],
    ['a private key as the public key', withJwt({ jwksUrl: undefined, publicKey: keys.privateKeyPem, algorithms: ['RS256'] }), /jwt\.publicKey: not a PEM SPKI public key/],
    ['a JWKS holding a private key', withJwt({ jwksUrl: undefined, jwks: { keys: [{ ...keys.publicJwk, d: 'AAAA' }] } }), /jwt\.jwks\.keys\[0\]: holds private key material/],
    ['a JWKS holding a symmetric key', withJwt({ jwksUrl: undefined, jwks: { keys: [{ kty: 'oct', k: 'AAAA' }] } }), /jwt\.jwks\.keys\[0\]: a symmetric key/],
    ['a plain-http JWKS URL', withJwt({ jwksUrl: 'http://idp.example.com/jwks' }), /jwt\.jwksUrl: must be https/],
    ['a missing public key file', withJwt({ jwksUrl: undefined, publicKeyFile: 'nope.pem', algorithms: ['RS256'] }), /jwt\.publicKeyFile: cannot read .*nope\.pem \(ENOENT\)/],
  ];

  it.each(cases)('refuses %s', async (_name, raw, message) => {
    const loading = compileAuthConfig(raw, { source: 'test.json', baseDir: tmp.dir });
    await expect(loading).rejects.toThrow(AuthConfigError);
    await expect(compileAuthConfig(raw, { source: 'test.json', baseDir: tmp.dir })).rejects.toThrow(message);
  });

  it.each([
    ['hash', { principals: PRINCIPALS, apiKeys: [{ id: key.id, hash: 'sha256:SECRETVALUE', principal: 'secops' }] }],
    ['HMAC secret', { principals: PRINCIPALS, jwt: jwtSection({ jwksUrl: undefined, hmacSecret: 'short-SECRETVALUE', algorithms: ['HS256'] }) }],
  ])('never quotes a bad %s in the message', async (_name, raw) => {
    const err = await compileAuthConfig(raw, { source: 't', baseDir: tmp.dir }).then(
      () => new Error('accepted'),
      (e: unknown) => e as AuthConfigError,
    );
    expect(err).toBeInstanceOf(AuthConfigError);
    expect(err.message).not.toContain('SECRETVALUE');
  });

  it.each([
    ['broken.json', `{\n  "apiKeys": [ { "hash": "${key.hash}" ]\n}`, /not valid JSON near line 2/],
    ['broken.yaml', `apiKeys:\n  - hash: "${key.hash}\n    id: [\n`, /not valid YAML/],
  ])('reports a syntax error in %s by position, without quoting the line', async (name, text, message) => {
    const loading = loadAuthConfig(tmp.write(name, text), {});
    await expect(loading).rejects.toThrow(message);
    await expect(loadAuthConfig(tmp.write(name, text), {})).rejects.not.toThrow(key.hash.slice(7, 30));
  });
});
