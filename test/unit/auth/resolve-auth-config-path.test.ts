import path from 'node:path';
import { resolveAuthConfigPath } from '../../../src/auth/resolve-auth-config-path';
import { tempDir } from './auth-test-kit';

describe('resolveAuthConfigPath', () => {
  const tmp = tempDir();
  afterAll(() => tmp.cleanup());
  const dir = (name: string) => path.join(tmp.dir, name);


  beforeAll(() => {
    tmp.write('explicit.json', '{}');
    tmp.write('from-env.json', '{}');
  });

  it('takes the explicit path first, relative to cwd, then TRAILGATE_CONFIG', () => {
    expect(resolveAuthConfigPath('explicit.json', { TRAILGATE_CONFIG: 'from-env.json' }, tmp.dir)).toBe(dir('explicit.json'));
    expect(resolveAuthConfigPath(undefined, { TRAILGATE_CONFIG: 'from-env.json' }, tmp.dir)).toBe(dir('from-env.json'));
  });

  it('refuses a named file that does not exist, rather than fall back to dev mode', () => {
    expect(() => resolveAuthConfigPath('nope.json', {}, tmp.dir)).toThrow(/no such file \(named by --config\)/);
    expect(() => resolveAuthConfigPath(undefined, { TRAILGATE_CONFIG: 'nope.json' }, tmp.dir)).toThrow(/named by TRAILGATE_CONFIG/);
    expect(() => resolveAuthConfigPath(tmp.dir, {}, tmp.dir)).toThrow(/no such file/);
  });

  it('otherwise finds trailgate.config.json, then .yaml, then .yml in cwd, or nothing', () => {
    const all = tempDir();
    expect(resolveAuthConfigPath(undefined, {}, all.dir)).toBeNull();
    all.write('trailgate.config.yml', '{}');
    expect(resolveAuthConfigPath(undefined, {}, all.dir)).toBe(path.join(all.dir, 'trailgate.config.yml'));
    all.write('trailgate.config.yaml', '{}');
    expect(resolveAuthConfigPath(undefined, {}, all.dir)).toBe(path.join(all.dir, 'trailgate.config.yaml'));
    all.write('trailgate.config.json', '{}');
    expect(resolveAuthConfigPath(undefined, {}, all.dir)).toBe(path.join(all.dir, 'trailgate.config.json'));
    expect(resolveAuthConfigPath('', {}, all.dir)).toBe(path.join(all.dir, 'trailgate.config.json'));
    all.cleanup();
  });
});
