import { readFileSync, writeFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { createAuthenticator } from '../../../src/auth/authenticator';
import { keysNew, type KeysNewOptions } from '../../../src/cli/keys.command';
import { captureLogger, PRINCIPALS, tempDir } from './auth-test-kit';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

async function run(opts: KeysNewOptions, env: NodeJS.ProcessEnv = {}, cwd = tmp.dir) {
  let out = '';
  let err = '';
  const code = await keysNew(opts, { env, cwd, out: (s) => void (out += s), err: (s) => void (err += s) });
  return { code, out, err };
}

describe('trailgate keys new', () => {
  it('prints a key once, and a config entry holding only its hash, that authenticates once added', async () => {
    const file = tmp.write('keys.json', { principals: PRINCIPALS, apiKeys: [] });
    const { code, out, err } = await run({ principal: 'partner-acme', note: 'ACME SIEM connector', config: file });
    expect(code).toBe(0);
    expect(err).toMatch(/shown only this once/);
    const [keyLine, ...rest] = out.split('\n');
    expect(keyLine).toMatch(/^tg_[0-9a-z]{10}_[A-Za-z0-9_-]{43}$/);
    expect(out.split(keyLine)).toHaveLength(2); // printed exactly once
    const entry = JSON.parse(rest.join('\n')) as Record<string, string>;
    expect(entry).toEqual({ id: keyLine.slice(3, 13), hash: expect.stringMatching(/^sha256:[0-9a-f]{64}$/), principal: 'partner-acme', note: 'ACME SIEM connector' });
    expect(JSON.stringify(entry)).not.toContain(keyLine.slice(14));

    writeFileSync(file, JSON.stringify({ principals: PRINCIPALS, apiKeys: [entry] }));
    expect(readFileSync(file, 'utf8')).not.toContain(keyLine);
    const auth = await createAuthenticator({ file, env: {}, logger: captureLogger().logger, watch: false });
    expect(await auth.authenticate({ authorization: `Bearer ${keyLine}` })).toMatchObject({ ok: true, principal: { id: 'partner-acme' } });
    auth.close();
  });

  it('prints a YAML list item when the config is YAML, found through TRAILGATE_CONFIG', async () => {
    const file = tmp.write('keys.yaml', `principals:\n  secops:\n    accounts: "*"\n`);
    const { code, out } = await run({ principal: 'secops' }, { TRAILGATE_CONFIG: file });
    expect(code).toBe(0);
    const [, ...rest] = out.split('\n');
    expect(parseYaml(rest.join('\n'))).toEqual([{ id: expect.any(String), hash: expect.stringMatching(/^sha256:/), principal: 'secops' }]);
  });

  it('fails with the defined principals named when the principal is not in the config', async () => {
    const file = tmp.write('keys2.json', { principals: PRINCIPALS });
    const { code, out, err } = await run({ principal: 'partner-acmee', config: file });
    expect(code).not.toBe(0);
    expect(out).toBe('');
    expect(err).toMatch(/principal "partner-acmee" is not defined in .*keys2\.json \(defined: secops, partner-acme\)/);
  });

  it('fails for a --config file that does not exist, and for an invalid principal id', async () => {
    expect(await run({ principal: 'secops', config: 'missing.json' })).toMatchObject({ code: 1, out: '', err: expect.stringMatching(/missing\.json[\s\S]*no such file \(named by --config\)/) });
    expect(await run({ principal: 'two words' })).toMatchObject({ code: 1, out: '', err: expect.stringMatching(/not a principal id/) });
  });

  it('mints unchecked, saying so, when no config file is found', async () => {
    const empty = tempDir();
    const { code, out, err } = await run({ principal: 'secops' }, {}, empty.dir);
    empty.cleanup();
    expect(code).toBe(0);
    expect(out).toMatch(/^tg_/);
    expect(err).toMatch(/was not checked/);
  });
});
