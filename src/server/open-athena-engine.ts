import type { Logger } from 'pino';
import type { Config } from '../config/config';
import { createAthenaClient } from '../engines/athena/athena-client';
import { AthenaEngine } from '../engines/athena/athena-engine';
import type { Engine } from '../engines/engine';
import { GlueCatalog } from '../engines/glue/glue-catalog';
import { createGlueClient } from '../engines/glue/glue-client';

/**
 * Athena over the Glue-catalogued trail: the table is read once at startup (a missing column or
 * an unsupported layout stops the gateway with a message naming it) and refreshed on a timer.
 */
export async function openAthenaEngine(config: Config, logger: Logger): Promise<Engine> {
  const a = config.athena;
  if (!a) throw new Error('athena settings missing');
  const glue = await GlueCatalog.load({
    client: createGlueClient({ region: a.region, maxAttempts: a.sdkMaxAttempts }),
    database: a.database,
    table: a.table,
    athenaCatalog: a.catalog,
    refreshMs: a.glueRefreshMs,
    logger,
  });
  const engine = new AthenaEngine({
    client: createAthenaClient({ region: a.region, maxAttempts: a.sdkMaxAttempts }),
    workgroup: a.workgroup,
    database: a.database,
    catalog: a.catalog,
    outputLocation: a.outputLocation,
    binding: () => glue.binding(),
    requireAccounts: () => glue.requireAccounts(),
    queryTimeoutMs: config.queryTimeoutMs,
    resultReuseMaxAgeMinutes: a.resultReuseMaxAgeMinutes,
    concurrency: a.concurrency,
    location: `${a.database}.${a.table}`,
    logger,
  });
  const close = engine.close.bind(engine);
  engine.close = async () => {
    glue.close();
    await close();
  };
  return engine;
}
