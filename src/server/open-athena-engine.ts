import type { Logger } from 'pino';
import type { Config } from '../config/config';
import { createAthenaClient } from '../engines/athena/athena-client';
import { AthenaEngine } from '../engines/athena/athena-engine';
import { createS3Client } from '../engines/athena/s3-client';
import { ParquetTier } from '../engines/athena/parquet-tier';
import type { Engine } from '../engines/engine';
import { GlueCatalog } from '../engines/glue/glue-catalog';
import { createGlueClient } from '../engines/glue/glue-client';

/**
 * Athena over the Glue-catalogued trail: the table is read once at startup (a missing column or
 * an unsupported layout stops the gateway with a message naming it) and refreshed on a timer.
 * With a Parquet tier configured, the compaction manifest is read likewise, and compacted delivery
 * days are read from the Parquet table (issue 6).
 */
export async function openAthenaEngine(config: Config, logger: Logger): Promise<Engine> {
  const a = config.athena;
  if (!a) throw new Error('athena settings missing');
  const glueClient = createGlueClient({ region: a.region, maxAttempts: a.sdkMaxAttempts });
  const glue = await GlueCatalog.load({
    client: glueClient,
    database: a.database,
    table: a.table,
    athenaCatalog: a.catalog,
    refreshMs: a.glueRefreshMs,
    logger,
  });
  let parquet: ParquetTier | null = null;
  try {
    if (a.parquet) {
      parquet = await ParquetTier.load({
        glue: glueClient,
        s3: createS3Client({ region: a.region, maxAttempts: a.sdkMaxAttempts }),
        raw: { catalog: a.catalog, database: a.database, table: a.table },
        parquet: { catalog: a.catalog, database: a.parquet.database, table: a.parquet.table },
        manifest: a.parquet.manifest,
        refreshMs: a.parquet.manifestRefreshMs,
        logger,
      });
    }
  } catch (e) {
    glue.close();
    throw e;
  }
  const engine = new AthenaEngine({
    client: createAthenaClient({ region: a.region, maxAttempts: a.sdkMaxAttempts }),
    // exports read result objects from S3 with the same region and retry settings
    resultsS3: createS3Client({ region: a.region, maxAttempts: a.sdkMaxAttempts }),
    workgroup: a.workgroup,
    database: a.database,
    catalog: a.catalog,
    outputLocation: a.outputLocation,
    binding: () => glue.binding(),
    requireAccounts: () => glue.requireAccounts(),
    parquetTier: () => parquet?.tier() ?? null,
    queryTimeoutMs: config.queryTimeoutMs,
    resultReuseMaxAgeMinutes: a.resultReuseMaxAgeMinutes,
    concurrency: a.concurrency,
    location: `${a.database}.${a.table}`,
    logger,
    readiness: () => [glue.readiness(), ...(parquet ? [parquet.readiness()] : [])],
  });
  const close = engine.close.bind(engine);
  engine.close = async () => {
    glue.close();
    parquet?.close();
    await close();
  };
  return engine;
}
