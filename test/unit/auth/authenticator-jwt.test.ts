import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SignJWT } from 'jose';
import { createAuthenticator, type AuthOutcome, type Authenticator } from '../../../src/auth/authenticator';
import { AUDIENCE, b64url, captureLogger, CLAIM_RULES, ISSUER, nowSeconds, PRINCIPALS, rsaKeys, signRs256, tempDir } from './auth-test-kit';

const keys = rsaKeys('k1');
const otherKeys = rsaKeys('k2');
const tmp = tempDir();
const opened: Authenticator[] = [];
afterAll(() => {
  opened.forEach((a) => a.close());
  tmp.cleanup();
});

async function jwtAuthenticator(jwt: Record<string, unknown>): Promise<Authenticator> {
  const file = tmp.write(`config-${opened.length}.json`, {
    principals: PRINCIPALS,
    jwt: { issuer: ISSUER, audience: AUDIENCE, algorithms: ['RS256'], clockToleranceSeconds: 30, maxAgeSeconds: 3600, requiredClaims: ['sub'], principals: CLAIM_RULES, ...jwt },
  });
  const auth = await createAuthenticator({ file, env: {}, logger: captureLogger().logger, watch: false });
  opened.push(auth);
  return auth;
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const valid = { iss: ISSUER, aud: AUDIENCE, sub: 'alice', groups: ['eng', 'secops'] };

function expectRefused(outcome: AuthOutcome, reason: RegExp): void {
  expect(outcome).toEqual({ ok: false, reason: expect.stringMatching(reason) });
}

describe('JWT bearer tokens against a public key', () => {
  let auth: Authenticator;
  beforeAll(async () => {
    auth = await jwtAuthenticator({ publicKey: keys.publicKeyPem });
  });

  it('maps a valid token to the principal of the first rule its claims satisfy', async () => {
    expect(await auth.authenticate(bearer(await signRs256(keys, valid)))).toMatchObject({ ok: true, credential: 'jwt:alice', principal: { id: 'secops' } });
    const acme = await signRs256(keys, { ...valid, sub: 'bot', groups: 'partners', org: 'acme' });
    expect(await auth.authenticate(bearer(acme))).toMatchObject({ ok: true, credential: 'jwt:bot', principal: { id: 'partner-acme' } });
  });

  it('refuses a valid token that matches no rule', async () => {
    expectRefused(await auth.authenticate(bearer(await signRs256(keys, { ...valid, groups: ['eng'], org: 'other' }))), /no principal rule matches/);
  });

  it('accepts a token expired by less than the clock tolerance', async () => {
    const token = await signRs256(keys, { ...valid, iat: nowSeconds() - 600, exp: nowSeconds() - 10 });
    expect(await auth.authenticate(bearer(token))).toMatchObject({ ok: true });
  });

  it.each([
    ['the wrong audience', () => signRs256(keys, { ...valid, aud: 'another-service' }), /unexpected "aud"/],
    ['the wrong issuer', () => signRs256(keys, { ...valid, iss: 'https://evil.example.com/' }), /unexpected "iss"/],
    ['a token expired beyond the clock tolerance', () => signRs256(keys, { ...valid, iat: nowSeconds() - 600, exp: nowSeconds() - 60 }), /ERR_JWT_EXPIRED/],
    ['a token older than maxAgeSeconds', () => signRs256(keys, { ...valid, iat: nowSeconds() - 7200, exp: nowSeconds() + 600 }), /"iat" claim timestamp check failed/],
    ['a token without iat when maxAgeSeconds is set', () => signRs256(keys, { ...valid, iat: null }), /missing required "iat"/],
    ['a token without the required sub', () => signRs256(keys, { iss: ISSUER, aud: AUDIENCE, groups: ['secops'] }), /missing required "sub"/],
    ['a token signed by another key', () => signRs256(otherKeys, valid), /ERR_JWS_SIGNATURE_VERIFICATION_FAILED/],
    ['an unsigned token (alg: none)', async () => `${b64url({ alg: 'none', typ: 'JWT' })}.${b64url({ ...valid, iat: nowSeconds(), exp: nowSeconds() + 600 })}.`, /ERR_JOSE_ALG_NOT_ALLOWED/],
    [
      'an HS256 token keyed with the public key PEM (algorithm confusion)',
      () =>
        new SignJWT(valid)
          .setProtectedHeader({ alg: 'HS256' })
          .setIssuedAt()
          .setExpirationTime('10m')
          .sign(new TextEncoder().encode(keys.publicKeyPem)),
      /ERR_JOSE_ALG_NOT_ALLOWED/,
    ],
    ['a garbled token', async () => 'not.a.jwt', /ERR_JWS_INVALID/],
  ])('refuses %s', async (_name, token, reason) => {
    expectRefused(await auth.authenticate(bearer(await token())), reason);
  });
});

describe('JWT bearer tokens against a local JWKS', () => {
  it('finds the key by kid and refuses an unknown kid', async () => {
    const auth = await jwtAuthenticator({ jwks: { keys: [keys.publicJwk] } });
    expect(await auth.authenticate(bearer(await signRs256(keys, valid)))).toMatchObject({ ok: true, principal: { id: 'secops' } });
    expectRefused(await auth.authenticate(bearer(await signRs256(otherKeys, valid, { kid: 'k2' }))), /ERR_JWKS_NO_MATCHING_KEY/);
  });
});

describe('JWT bearer tokens against a JWKS URL', () => {
  let server: Server;
  let fetches = 0;
  let jwksUrl: string;
  beforeAll(async () => {
    server = createServer((req, res) => {
      fetches++;
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ keys: [keys.publicJwk] }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    jwksUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/.well-known/jwks.json`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('verifies with the fetched keys, caches them, and refuses an unknown kid and a confused HS256 token', async () => {
    const auth = await jwtAuthenticator({ jwksUrl });
    expect(await auth.authenticate(bearer(await signRs256(keys, valid)))).toMatchObject({ ok: true, principal: { id: 'secops' } });
    expect(await auth.authenticate(bearer(await signRs256(keys, { ...valid, sub: 'bob' })))).toMatchObject({ ok: true, credential: 'jwt:bob' });
    expect(fetches).toBe(1);
    expectRefused(await auth.authenticate(bearer(await signRs256(otherKeys, valid, { kid: 'k2' }))), /ERR_JWKS_NO_MATCHING_KEY/);
    const confused = await new SignJWT(valid).setProtectedHeader({ alg: 'HS256', kid: 'k1' }).setIssuedAt().setExpirationTime('10m').sign(new TextEncoder().encode(keys.publicKeyPem));
    expectRefused(await auth.authenticate(bearer(confused)), /ERR_JOSE_ALG_NOT_ALLOWED/);
  });

  it('refuses tokens, without throwing, when the JWKS cannot be fetched', async () => {
    const auth = await jwtAuthenticator({ jwksUrl: 'http://127.0.0.1:9/jwks.json' });
    expectRefused(await auth.authenticate(bearer(await signRs256(keys, valid))), /ECONNREFUSED/);
  });
});

describe('JWT bearer tokens with an explicit HMAC secret', () => {
  const secret = 'a-shared-secret-of-at-least-32-bytes!!';
  it('accepts HS256 tokens signed with the secret and nothing signed otherwise', async () => {
    const auth = await jwtAuthenticator({ hmacSecret: secret, algorithms: ['HS256'] });
    const sign = (key: string) => new SignJWT(valid).setProtectedHeader({ alg: 'HS256' }).setIssuedAt().setExpirationTime('10m').sign(new TextEncoder().encode(key));
    expect(await auth.authenticate(bearer(await sign(secret)))).toMatchObject({ ok: true, principal: { id: 'secops' } });
    expectRefused(await auth.authenticate(bearer(await sign(`${secret}?`))), /ERR_JWS_SIGNATURE_VERIFICATION_FAILED/);
    expectRefused(await auth.authenticate(bearer(await signRs256(keys, valid))), /ERR_JOSE_ALG_NOT_ALLOWED/);
  });
});
