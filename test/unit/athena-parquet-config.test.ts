import { ConfigError, loadConfig } from '../../src/config/config';

const ATHENA = { TRAILGATE_ENGINE: 'athena', ATHENA_WORKGROUP: 'wg', ATHENA_DATABASE: 'security', ATHENA_TABLE: 'cloudtrail_org_logs' };

describe('Parquet tier settings (ATHENA_PARQUET_*, ATHENA_COMPACTION_*)', () => {
  it('is off unless both the table and the manifest are set', () => {
    expect(loadConfig({}, ATHENA).athena!.parquet).toBeNull();
  });

  it('reads the table (in the raw table’s database by default), the manifest and its refresh interval', () => {
    const env = { ...ATHENA, ATHENA_PARQUET_TABLE: 'cloudtrail_parquet', ATHENA_COMPACTION_MANIFEST: 's3://state-bucket/trailgate/compaction.json' };
    expect(loadConfig({}, env).athena!.parquet).toEqual({
      database: 'security',
      table: 'cloudtrail_parquet',
      manifest: 's3://state-bucket/trailgate/compaction.json',
      manifestRefreshMs: 300_000,
    });
    expect(loadConfig({}, { ...env, ATHENA_PARQUET_DATABASE: 'lake', ATHENA_COMPACTION_REFRESH_MS: '60000' }).athena!.parquet).toMatchObject({ database: 'lake', manifestRefreshMs: 60_000 });
  });

  it.each([
    [{ ATHENA_PARQUET_TABLE: 'cloudtrail_parquet' }, /needs both ATHENA_PARQUET_TABLE and ATHENA_COMPACTION_MANIFEST/],
    [{ ATHENA_COMPACTION_MANIFEST: 's3://b-1/m.json' }, /needs both/],
    [{ ATHENA_PARQUET_TABLE: 't', ATHENA_COMPACTION_MANIFEST: 's3://b-1/prefix/' }, /ATHENA_COMPACTION_MANIFEST must be an s3:\/\/bucket\/key URL of an object/],
    [{ ATHENA_PARQUET_TABLE: 't', ATHENA_COMPACTION_MANIFEST: 'https://b-1/m.json' }, /ATHENA_COMPACTION_MANIFEST/],
    [{ ATHENA_PARQUET_TABLE: 't', ATHENA_COMPACTION_MANIFEST: 's3://b-1/m.json', ATHENA_COMPACTION_REFRESH_MS: '-1' }, /ATHENA_COMPACTION_REFRESH_MS/],
  ])('refuses %j', (extra, message) => {
    expect(() => loadConfig({}, { ...ATHENA, ...extra })).toThrow(ConfigError);
    expect(() => loadConfig({}, { ...ATHENA, ...extra })).toThrow(message);
  });
});
