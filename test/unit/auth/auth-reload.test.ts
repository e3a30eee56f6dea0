import { renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { mintApiKey, type MintedApiKey } from '../../../src/auth/api-key';
import { createAuthenticator, type Authenticator } from '../../../src/auth/authenticator';
import { captureLogger, PRINCIPALS, tempDir } from './auth-test-kit';

const entry = (k: MintedApiKey, principal = 'secops') => ({ id: k.id, hash: k.hash, principal });
const withKeys = (...keys: MintedApiKey[]) => ({ principals: PRINCIPALS, apiKeys: keys.map((k) => entry(k)) });

/** Polls until the check holds, for at most 5 s (file-system events are asynchronous). */
async function eventually(check: () => Promise<boolean>, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`not within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('reloading the auth config', () => {
  let tmp: ReturnType<typeof tempDir>;
  let kept: MintedApiKey;
  let revoked: MintedApiKey;
  let file: string;
  let auth: Authenticator;
  let log: ReturnType<typeof captureLogger>;
  const accepts = async (k: MintedApiKey) => (await auth.authenticate({ 'x-api-key': k.key })).ok;

  async function start(watch: boolean): Promise<void> {
    tmp = tempDir();
    kept = mintApiKey();
    revoked = mintApiKey();
    file = tmp.write('trailgate.config.json', withKeys(kept, revoked));
    log = captureLogger();
    auth = await createAuthenticator({ file, env: {}, logger: log.logger, watch });
    expect(await accepts(revoked)).toBe(true);
  }
  afterEach(() => {
    auth.close();
    tmp.cleanup();
  });

  it('revokes a key removed from the file on reload(), keeping the others', async () => {
    await start(false);
    tmp.write('trailgate.config.json', withKeys(kept));
    await auth.reload();
    expect(await accepts(revoked)).toBe(false);
    expect(await accepts(kept)).toBe(true);
    expect(log.lines().some((l) => l.msg === 'auth config reloaded' && l.apiKeys === 1)).toBe(true);
  });

  it('reloads on SIGHUP, and stops listening once closed', async () => {
    const before = process.listenerCount('SIGHUP');
    await start(false);
    expect(process.listenerCount('SIGHUP')).toBe(before + 1);
    tmp.write('trailgate.config.json', withKeys(kept));
    process.emit('SIGHUP', 'SIGHUP');
    await eventually(async () => !(await accepts(revoked)));
    expect(await accepts(kept)).toBe(true);
    auth.close();
    expect(process.listenerCount('SIGHUP')).toBe(before);
  });

  it('reloads when the file changes, in place or replaced by a rename', async () => {
    await start(true);
    tmp.write('trailgate.config.json', withKeys(kept));
    await eventually(async () => !(await accepts(revoked)));
    const added = mintApiKey();
    const staged = path.join(tmp.dir, '.staged.json');
    writeFileSync(staged, JSON.stringify(withKeys(kept, added)));
    renameSync(staged, file);
    await eventually(() => accepts(added));
    expect(await accepts(kept)).toBe(true);
  });

  it.each([
    ['is not valid JSON', (k: MintedApiKey) => `{ "apiKeys": [ { "hash": "${k.hash}" `],
    ['fails validation', (k: MintedApiKey) => JSON.stringify({ principals: PRINCIPALS, apiKeys: [{ ...entry(k), principal: 'ghost' }] })],
  ])('keeps the last good config when the new file %s, and logs no key or hash', async (_name, broken) => {
    await start(false);
    tmp.write('trailgate.config.json', broken(revoked));
    await auth.reload();
    expect(await accepts(revoked)).toBe(true);
    expect(await accepts(kept)).toBe(true);
    const failure = log.lines().find((l) => l.msg === 'auth config reload failed; keeping the last good config');
    expect(failure).toBeDefined();
    for (const k of [kept, revoked]) {
      expect(log.text()).not.toContain(k.hash.slice(7));
      expect(log.text()).not.toContain(k.key.slice(-43));
    }
  });

  it('keeps the last good config when the file disappears', async () => {
    await start(false);
    tmp.cleanup();
    await auth.reload();
    expect(await accepts(kept)).toBe(true);
    expect(log.lines().some((l) => l.level === 50 && JSON.stringify(l.problems).includes('ENOENT'))).toBe(true);
  });

  it('stays enabled when a reload removes every credential: it refuses everyone instead of falling back to dev mode', async () => {
    await start(false);
    tmp.write('trailgate.config.json', { principals: PRINCIPALS });
    await auth.reload();
    expect(auth.enabled).toBe(true);
    expect(await accepts(kept)).toBe(false);
    expect(await auth.authenticate({})).toEqual({ ok: false, reason: 'no credentials' });
  });
});
