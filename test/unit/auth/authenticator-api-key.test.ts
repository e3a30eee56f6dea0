import { readFileSync } from 'node:fs';
import { mintApiKey } from '../../../src/auth/api-key';
import { createAuthenticator, type Authenticator } from '../../../src/auth/authenticator';
import { unauthenticatedError } from '../../../src/auth/unauthenticated-error';
import { ANONYMOUS_PRINCIPAL } from '../../../src/domain/principal';
import { captureLogger, PRINCIPALS, tempDir } from './auth-test-kit';

describe('authenticating API keys', () => {
  const tmp = tempDir();
  const acme = mintApiKey();
  const secops = mintApiKey();
  let auth: Authenticator;
  let file: string;

  beforeAll(async () => {
    file = tmp.write('trailgate.config.json', {
      principals: PRINCIPALS,
      apiKeys: [
        { id: acme.id, hash: acme.hash, principal: 'partner-acme', note: 'ACME SIEM connector' },
        { id: secops.id, hash: secops.hash, principal: 'secops' },
      ],
    });
    auth = await createAuthenticator({ file, env: {}, logger: captureLogger().logger, watch: false });
  });
  afterAll(() => {
    auth.close();
    tmp.cleanup();
  });

  it('keeps only hashes in the config file, never a key or its secret', () => {
    const text = readFileSync(file, 'utf8');
    for (const k of [acme, secops]) {
      expect(text).not.toContain(k.key);
      expect(text).not.toContain(k.key.slice(-43));
    }
  });

  it('maps a key to its principal, from Authorization: Bearer and from X-API-Key', async () => {
    expect(auth.enabled).toBe(true);
    const viaBearer = await auth.authenticate({ authorization: `Bearer ${acme.key}` });
    expect(viaBearer).toMatchObject({ ok: true, credential: acme.id, principal: { id: 'partner-acme', mode: 'persisted-only' } });
    const viaHeader = await auth.authenticate({ 'x-api-key': secops.key });
    expect(viaHeader).toMatchObject({ ok: true, credential: secops.id, principal: { id: 'secops', accounts: '*' } });
    // header names as a non-Node caller might spell them, and the scheme in any case (RFC 9110 §11.1)
    expect(await auth.authenticate({ Authorization: `BEARER ${acme.key}` })).toMatchObject({ ok: true, credential: acme.id });
  });

  it('applies the principal defaults and stores accounts sorted and unique', async () => {
    const outcome = await auth.authenticate({ authorization: `bearer ${acme.key}` });
    expect(outcome.ok && outcome.principal).toEqual({
      id: 'partner-acme',
      accounts: ['111111111111', '222222222222'],
      mode: 'persisted-only',
      operations: ['TopUsers'],
      maxRangeDays: 31,
      maxBytesScannedPerQuery: 10737418240,
      introspection: false,
      rateLimit: { requests: 60, perSeconds: 60 },
    });
  });

  it.each([
    ['a key with a listed id and another secret', () => ({ authorization: `Bearer tg_${acme.id}_${mintApiKey().key.slice(-43)}` }), /secret does not match/],
    ['a tampered key', () => ({ 'x-api-key': acme.key.slice(0, 20) + (acme.key[20] === 'x' ? 'y' : 'x') + acme.key.slice(21) }), /secret does not match/],
    ['a key whose id is not listed', () => ({ 'x-api-key': mintApiKey().key }), /unknown API key id/],
    ['a malformed key', () => ({ authorization: 'Bearer tg_short' }), /malformed API key/],
    ['no credentials', () => ({}), /^no credentials$/],
    ['two credentials', () => ({ authorization: `Bearer ${acme.key}`, 'x-api-key': acme.key }), /both/],
    ['a repeated header', () => ({ 'x-api-key': [acme.key, secops.key] }), /repeated/],
    ['a JWT when no jwt section is configured', () => ({ authorization: 'Bearer eyJhbGciOiJSUzI1NiJ9.e30.sig' }), /no jwt section is configured/],
    ['another auth scheme', () => ({ authorization: `Basic ${Buffer.from(`u:${acme.key}`).toString('base64')}` }), /unsupported Authorization scheme/],
  ])('refuses %s, with a reason for the log', async (_name, headers, reason) => {
    const outcome = await auth.authenticate(headers());
    expect(outcome.ok).toBe(false);
    if (!outcome.ok) expect(outcome.reason).toMatch(reason);
  });

  it('never puts a presented key into the reason', async () => {
    const wrong = `tg_${acme.id}_${mintApiKey().key.slice(-43)}`;
    const outcome = await auth.authenticate({ authorization: `Bearer ${wrong}` });
    expect(outcome.ok).toBe(false);
    if (!outcome.ok) expect(outcome.reason).not.toContain(wrong.slice(-43));
  });

  it('gives the client one generic UNAUTHENTICATED message whatever the reason', () => {
    const a = unauthenticatedError('unknown API key id abc');
    const b = unauthenticatedError('jwt: ERR_JWT_EXPIRED');
    expect(a.code).toBe('UNAUTHENTICATED');
    expect(a.fault).toBe('client');
    expect(a.message).toBe(b.message);
    expect(a.message).not.toMatch(/abc|expired claim|unknown/);
    expect(a.internal).toEqual({ reason: 'unknown API key id abc' });
  });
});

describe('dev mode', () => {
  it('runs every request as the anonymous principal when there is no config file', async () => {
    const auth = await createAuthenticator({ file: null, env: {}, logger: captureLogger().logger });
    expect(auth.enabled).toBe(false);
    expect(await auth.authenticate({})).toEqual({ ok: true, principal: ANONYMOUS_PRINCIPAL, credential: 'anonymous' });
    auth.close();
  });

  it('stays in dev mode for a file with principals but no keys and no jwt section', async () => {
    const tmp = tempDir();
    const auth = await createAuthenticator({ file: tmp.write('trailgate.config.json', { principals: PRINCIPALS }), env: {}, logger: captureLogger().logger, watch: false });
    expect(auth.enabled).toBe(false);
    expect(await auth.authenticate({})).toMatchObject({ ok: true, principal: ANONYMOUS_PRINCIPAL });
    auth.close();
    tmp.cleanup();
  });

  it('refuses to start with TRAILGATE_JWT_* variables but no config file, rather than ignore them', async () => {
    await expect(createAuthenticator({ file: null, env: { TRAILGATE_JWT_ISSUER: 'https://idp/' }, logger: captureLogger().logger })).rejects.toThrow(
      /TRAILGATE_JWT_ISSUER set, but principals live in a config file/,
    );
  });
});
