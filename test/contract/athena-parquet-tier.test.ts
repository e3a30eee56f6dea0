import { GlueClient, type Table } from '@aws-sdk/client-glue';
import { S3Client } from '@aws-sdk/client-s3';
import type { CompactionManifest } from '../../src/engines/athena/compaction/compaction-manifest';
import { ParquetTier, type ParquetTierOptions } from '../../src/engines/athena/parquet-tier';
import { readGlueTable } from '../../src/engines/glue/read-glue-table';
import { tableInput } from '../../src/engines/glue/table-definitions';
import { EXAMPLE_PARAMS } from '../../src/engines/glue/table-params';
import { athenaEngine, eventsOver, FAKE_CREDENTIALS, FakeAthena, fakeClock, succeeded } from '../support/athena-fakes';
import { FakeGlue, FakeS3, s3Error } from '../support/fake-s3-glue';
import { trinoErrors } from '../support/trino-parser';

/** The gateway side of issue 6: the manifest read at startup and refreshed, and the engine routing on it. */

const asTable = (input: ReturnType<typeof tableInput>): Table => ({ ...input, Name: input.Name!, DatabaseName: 'security' });
const RAW = asTable(tableInput('organization', EXAMPLE_PARAMS));
const PARQUET = asTable(tableInput('parquet', EXAMPLE_PARAMS));
const MANIFEST_PATH = 'trailgate-state/compaction.json';
const TABLES = { raw: 'AwsDataCatalog.security.cloudtrail_org_logs', parquet: 'AwsDataCatalog.security.cloudtrail_parquet' };

let s3: FakeS3;
let glue: FakeGlue;
let athena: FakeAthena | undefined;
let tier: ParquetTier | undefined;

beforeEach(() => {
  s3 = new FakeS3();
  glue = new FakeGlue({ [RAW.Name!]: RAW, [PARQUET.Name!]: PARQUET });
});
afterEach(() => {
  tier?.close();
  s3.restore();
  glue.restore();
  athena?.restore();
});

const writeManifest = (days: string[], tables = TABLES) => {
  const m: CompactionManifest = {
    version: 1,
    ...tables,
    days: Object.fromEntries(days.map((d) => [d, { compactedAt: '2024-03-09T00:00:00.000Z', source: null, statements: [] }])),
  };
  s3.put(MANIFEST_PATH, JSON.stringify(m));
};

const warnings: string[] = [];
const logger = { info: () => {}, warn: (_o: object, msg?: string) => void warnings.push(msg ?? '') };
const load = (over: Partial<ParquetTierOptions> = {}) =>
  ParquetTier.load({
    glue: new GlueClient({ region: 'us-east-1', credentials: FAKE_CREDENTIALS }),
    s3: new S3Client({ region: 'us-east-1', credentials: FAKE_CREDENTIALS }),
    raw: { catalog: 'AwsDataCatalog', database: 'security', table: 'cloudtrail_org_logs' },
    parquet: { catalog: 'AwsDataCatalog', database: 'security', table: 'cloudtrail_parquet' },
    manifest: `s3://${MANIFEST_PATH}`,
    refreshMs: 0,
    logger,
    ...over,
  });

describe('the Parquet tier of the Athena engine', () => {
  it('reads the recorded days at startup and routes them to the Parquet table', async () => {
    writeManifest(['2024-03-01', '2024-03-02']);
    tier = await load();
    expect([...tier.tier().compactedDays].sort()).toEqual(['2024-03-01', '2024-03-02']);
    athena = new FakeAthena([{ statuses: [succeeded] }]);
    const binding = readGlueTable(RAW, { catalog: 'AwsDataCatalog' }).binding;
    const engine = athenaEngine(fakeClock('2024-03-10T12:00:00Z'), { binding: () => binding, parquetTier: () => tier!.tier() });
    await engine.run(eventsOver('2024-03-01T00:00:00Z', '2024-03-04T00:00:00Z', ['111122223333']), { requestId: 'r' });
    const sql = athena.started[0].QueryString!;
    expect(sql).toContain('FROM "AwsDataCatalog"."security"."cloudtrail_parquet" AS src');
    expect(sql).toContain(`WHERE src."delivery" BETWEEN '2024-03-01' AND '2024-03-02'`);
    expect(sql).toContain(`WHERE src."timestamp" BETWEEN '2024/03/03' AND '2024/03/04'`);
    expect(trinoErrors(sql)).toEqual([]);
    await engine.close();
  });

  it('treats a missing manifest as nothing compacted', async () => {
    tier = await load();
    expect(tier.tier().compactedDays.size).toBe(0);
  });

  it('picks up newly compacted days on refresh, and keeps the last good manifest when a refresh fails', async () => {
    writeManifest(['2024-03-01']);
    tier = await load();
    writeManifest(['2024-03-01', '2024-03-02']);
    await tier.refresh();
    expect(tier.tier().compactedDays.size).toBe(2);
    s3.mock.rejects(s3Error('AccessDenied', 403));
    await tier.refresh();
    expect(tier.tier().compactedDays.size).toBe(2);
    expect(warnings).toContain('compaction manifest refresh failed; keeping the last good one');
  });

  it('refuses to start on a manifest kept for other tables, or a malformed one', async () => {
    writeManifest(['2024-03-01'], { raw: 'AwsDataCatalog.other.raw', parquet: TABLES.parquet });
    await expect(load()).rejects.toThrow(/records compaction of AwsDataCatalog\.other\.raw/);
    s3.put(MANIFEST_PATH, '{"version": 2}');
    await expect(load()).rejects.toThrow(/not a version 1 trailgate compaction manifest/);
  });

  it('refuses a Parquet table whose columns differ from the raw table’s (UNION ALL needs the same types)', async () => {
    const cols = PARQUET.StorageDescriptor!.Columns!.map((c) => (c.Name === 'tlsdetails' ? { ...c, Type: 'struct<tlsversion:string>' } : c));
    glue.tables[PARQUET.Name!] = { ...PARQUET, StorageDescriptor: { ...PARQUET.StorageDescriptor, Columns: cols } };
    await expect(load()).rejects.toThrow(/column tlsdetails is struct<tlsversion:string,ciphersuite:string,clientprovidedhostheader:string> in the raw table and struct<tlsversion:string> in the Parquet table/);
  });
});

