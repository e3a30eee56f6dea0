import path from 'node:path';
import { assertBindAllowed, ConfigError, loadConfig } from '../../src/config/config';

describe('loadConfig', () => {
  it('defaults to DuckDB on loopback port 4000 with a 90-day range cap and no lake (the sample lake)', () => {
    const c = loadConfig({}, {}, '/srv/app');
    expect(c).toMatchObject({ engine: 'duckdb', host: '127.0.0.1', port: 4000, maxRangeDays: 90, lake: null, athena: null });
    expect(c.sampleLakeDir).toBe(path.resolve('/srv/app', '.trailgate/sample-lake'));
    expect(Object.isFrozen(c)).toBe(true);
  });

  it('lets flags win over the environment', () => {
    const c = loadConfig({ port: '5000', lake: 'lake', maxRangeDays: 7 }, { PORT: '6000', TRAILGATE_LAKE: '/x', TRAILGATE_MAX_RANGE_DAYS: '30' }, '/srv');
    expect(c).toMatchObject({ port: 5000, lake: '/srv/lake', maxRangeDays: 7 });
    expect(loadConfig({}, { PORT: '6000', TRAILGATE_LAKE: '/x' }, '/srv')).toMatchObject({ port: 6000, lake: '/x' });
  });

  it.each([
    [{ port: '70000' }, {}, /port/],
    [{ maxRangeDays: '0' }, {}, /max-range-days/],
    [{ engine: 'bigquery' }, {}, /engine must be one of duckdb, athena/],
    [{}, { TRAILGATE_DUCKDB_MEMORY_LIMIT: 'lots' }, /MEMORY_LIMIT/],
    [{}, { TRAILGATE_CURSOR_SECRET: 'short' }, /TRAILGATE_CURSOR_SECRET must be at least 32/],
    [{ engine: 'athena' }, { ATHENA_WORKGROUP: 'wg' }, /ATHENA_DATABASE, ATHENA_TABLE/],
    [{ engine: 'athena' }, { ATHENA_WORKGROUP: 'wg', ATHENA_DATABASE: 'db', ATHENA_TABLE: 't', ATHENA_OUTPUT_LOCATION: 'http://x' }, /s3:\/\//],
  ])('refuses %j %j with a message naming the setting', (flags, env, message) => {
    expect(() => loadConfig(flags, env)).toThrow(ConfigError);
    expect(() => loadConfig(flags, env)).toThrow(message);
  });

  it.each(['127.0.0.1', '127.8.8.8', '::1', '[::1]', 'localhost'])('serves the loopback address %s without authentication', (host) => {
    expect(loadConfig({ host }, {}).host).toBe(host);
    expect(() => assertBindAllowed(host, false)).not.toThrow();
  });

  it.each(['0.0.0.0', '10.1.2.3', '::', 'example.com'])('refuses to bind %s in dev mode (no authentication), with a message that says why', (host) => {
    expect(() => assertBindAllowed(host, false)).toThrow(ConfigError);
    expect(() => assertBindAllowed(host, false)).toThrow(/no authentication is configured.*loopback addresses only/);
    expect(() => assertBindAllowed(host, true)).not.toThrow();
  });

  it('reads the Athena settings, with AwsDataCatalog and 60-minute reuse by default', () => {
    const c = loadConfig({}, { TRAILGATE_ENGINE: 'athena', ATHENA_WORKGROUP: 'wg', ATHENA_DATABASE: 'db', ATHENA_TABLE: 't', AWS_REGION: 'eu-west-1' });
    expect(c.engine).toBe('athena');
    expect(c.athena).toMatchObject({ workgroup: 'wg', database: 'db', table: 't', catalog: 'AwsDataCatalog', region: 'eu-west-1', outputLocation: undefined, resultReuseMaxAgeMinutes: 60, concurrency: 20 });
  });
});
