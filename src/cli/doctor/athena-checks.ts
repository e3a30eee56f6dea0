import { GetWorkGroupCommand } from '@aws-sdk/client-athena';
import { GetTableCommand } from '@aws-sdk/client-glue';
import { HeadBucketCommand } from '@aws-sdk/client-s3';
import { ParquetTier } from '../../engines/athena/parquet-tier';
import { GlueTableError } from '../../engines/glue/glue-table-error';
import { readGlueTable } from '../../engines/glue/read-glue-table';
import type { AthenaCheckOptions } from './athena-check-options';
import { athenaQueryCheck } from './athena-query-check';
import { awsFailure, errorName, errorText, httpStatus, isAwsError } from './aws-failure';
import { check, counted, type DoctorCheck } from './doctor-check';

const bucketOf = (url: string) => /^s3:\/\/([^/]+)/.exec(url)?.[1] ?? null;

/** GetWorkGroup: it exists, is enabled, runs engine version 3 (Trino SQL), and has somewhere to write results. */
async function workgroupCheck(opts: AthenaCheckOptions): Promise<{ check: DoctorCheck; outputLocation: string | null }> {
  const { workgroup, outputLocation } = opts.config;
  const grant = `athena:GetWorkGroup, athena:StartQueryExecution, athena:GetQueryExecution, athena:GetQueryResults and athena:StopQueryExecution on workgroup/${workgroup}`;
  let wg;
  try {
    wg = (await opts.clients.athena.send(new GetWorkGroupCommand({ WorkGroup: workgroup }))).WorkGroup;
  } catch (e) {
    if (errorName(e) === 'InvalidRequestException') return { check: check('athena', 'fail', errorText(e), `create workgroup ${workgroup} or set ATHENA_WORKGROUP`), outputLocation: null };
    return { check: awsFailure('athena', e, grant), outputLocation: null };
  }
  const conf = wg?.Configuration;
  // With EnforceWorkGroupConfiguration the workgroup's location wins over the client's.
  // https://docs.aws.amazon.com/athena/latest/ug/workgroups-settings-override.html
  const effective = (conf?.EnforceWorkGroupConfiguration ? conf.ResultConfiguration?.OutputLocation : outputLocation) ?? conf?.ResultConfiguration?.OutputLocation ?? null;
  const managed = conf?.ManagedQueryResultsConfiguration?.Enabled === true;
  if (wg?.State === 'DISABLED') return { check: check('athena', 'fail', `workgroup ${workgroup} is disabled`, `enable it: aws athena update-work-group --work-group ${workgroup} --state ENABLED`), outputLocation: effective };
  if (!effective && !managed) {
    return {
      check: check('athena', 'fail', `workgroup ${workgroup} has no query result location and ATHENA_OUTPUT_LOCATION is not set`, 'set ATHENA_OUTPUT_LOCATION=s3://BUCKET/PREFIX/, or give the workgroup a result location'),
      outputLocation: null,
    };
  }
  const version = conf?.EngineVersion?.EffectiveEngineVersion;
  if (version && !/version 3/i.test(version)) {
    return { check: check('athena', 'warn', `workgroup ${workgroup} runs ${version}; trailgate writes Trino SQL for Athena engine version 3`, `aws athena update-work-group --work-group ${workgroup} --configuration-updates 'EngineVersion={SelectedEngineVersion="Athena engine version 3"}'`), outputLocation: effective };
  }
  const cutoff = conf?.BytesScannedCutoffPerQuery ? `, scan cutoff ${conf.BytesScannedCutoffPerQuery} bytes per query` : '';
  const where = managed ? 'managed query results' : `results to ${effective}`;
  return { check: check('athena', 'ok', `workgroup ${workgroup} reachable: ${version ?? 'engine version unknown'}, ${where}${cutoff}`), outputLocation: effective };
}

/** GetTable and the same layout checks the gateway makes at start; the table's S3 location for the next check. */
async function glueCheck(opts: AthenaCheckOptions): Promise<{ check: DoctorCheck; location: string | null }> {
  const { database, table, catalog } = opts.config;
  try {
    const out = await opts.clients.glue.send(new GetTableCommand({ DatabaseName: database, Name: table }));
    if (!out.Table) return { check: check('glue', 'fail', `GetTable returned no table for ${database}.${table}`, 'create it with trailgate glue apply (glue-tables/README.md)'), location: null };
    const info = readGlueTable(out.Table, { database, table, catalog });
    return { check: check('glue', 'ok', `table ${database}.${table}: ${info.layout}`), location: out.Table.StorageDescriptor?.Location ?? null };
  } catch (e) {
    if (errorName(e) === 'EntityNotFoundException') return { check: check('glue', 'fail', `table ${database}.${table} does not exist`, 'create it with trailgate glue apply (glue-tables/README.md), or set ATHENA_DATABASE / ATHENA_TABLE'), location: null };
    if (e instanceof GlueTableError) return { check: check('glue', 'fail', ((e as Error).message ?? '').replace(/\n\s*/g, ' '), 'recreate the table with trailgate glue apply (glue-tables/README.md)'), location: null };
    return { check: awsFailure('glue', e, `glue:GetDatabase, glue:GetTable and glue:GetPartitions on the catalog, database/${database} and table/${database}/${table}`), location: null };
  }
}

/**
 * HeadBucket: the bucket exists, is reachable in this region, and the caller may list it
 * (s3:ListBucket). It proves no object permission: reading the trail (s3:GetObject) and writing
 * results (s3:PutObject) are only proven by a query (`--query`).
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_HeadBucket.html
 */
async function bucketCheck(name: string, opts: AthenaCheckOptions, url: string | null, what: string, grant: string): Promise<DoctorCheck> {
  const bucket = url ? bucketOf(url) : null;
  if (!bucket) return check(name, 'skip', `no s3:// location to check for ${what}`);
  try {
    await opts.clients.s3.send(new HeadBucketCommand({ Bucket: bucket }));
    return check(name, 'ok', `${url}: bucket reachable (HeadBucket; object access is proven by --query only)`);
  } catch (e) {
    if (httpStatus(e) === 404 || errorName(e) === 'NotFound') return check(name, 'fail', `bucket ${bucket} (${what}) does not exist`, `create it or correct ${url}`);
    if (httpStatus(e) === 403) return check(name, 'fail', `${url}: HeadBucket denied (403): this caller may not list bucket ${bucket}`, `grant ${grant.replace('BUCKET', bucket)}`);
    if (httpStatus(e) === 301) return check(name, 'fail', `bucket ${bucket} is in another region than the client's`, 'set AWS_REGION to the region of the bucket and the Athena workgroup');
    return awsFailure(name, e, grant.replace('BUCKET', bucket));
  }
}

async function parquetCheck(opts: AthenaCheckOptions): Promise<DoctorCheck> {
  const a = opts.config;
  if (!a.parquet) return check('parquet', 'skip', 'no Parquet tier configured (ATHENA_PARQUET_TABLE, ATHENA_COMPACTION_MANIFEST)');
  try {
    const tier = await ParquetTier.load({
      glue: opts.clients.glue,
      s3: opts.clients.s3,
      raw: { catalog: a.catalog, database: a.database, table: a.table },
      parquet: { catalog: a.catalog, database: a.parquet.database, table: a.parquet.table },
      manifest: a.parquet.manifest,
      refreshMs: 0,
      logger: { info: () => {}, warn: () => {} },
    });
    const days = tier.tier().compactedDays.size;
    tier.close();
    return check('parquet', 'ok', `table ${a.parquet.database}.${a.parquet.table} fits the raw table; manifest ${a.parquet.manifest}: ${counted(days, 'delivery day')} compacted`);
  } catch (e) {
    // An AWS call that failed (the tier wraps Glue's in its own error); anything else is the tier's
    // own finding: the table's shape, the manifest's content.
    const root = (e as { cause?: unknown })?.cause ?? e;
    if (isAwsError(root) || /credential|region is missing/i.test(errorText(root))) {
      return awsFailure('parquet', root, `glue:GetTable on ${a.parquet.database}/${a.parquet.table} and s3:GetObject on ${a.parquet.manifest}`);
    }
    return check('parquet', 'fail', ((e as Error).message ?? '').replace(/\n\s*/g, ' '), 'recreate the Parquet table with trailgate glue apply --kind parquet, or correct ATHENA_PARQUET_TABLE / ATHENA_COMPACTION_MANIFEST');
  }
}

/** The Athena engine's outside world, each part checked with a cheap, read-only, documented call (SELECT 1 only with --query). */
export async function athenaChecks(opts: AthenaCheckOptions): Promise<DoctorCheck[]> {
  const wg = await workgroupCheck(opts);
  const glue = await glueCheck(opts);
  const trail = await bucketCheck('trail bucket', opts, glue.location, 'the trail', 's3:ListBucket and s3:GetObject on arn:aws:s3:::BUCKET and its AWSLogs/ prefix');
  const results = await bucketCheck('results', opts, wg.outputLocation, 'query results', 's3:GetBucketLocation, s3:ListBucket, s3:GetObject and s3:PutObject on arn:aws:s3:::BUCKET and the results prefix');
  return [wg.check, glue.check, trail, results, await parquetCheck(opts), await athenaQueryCheck(opts, wg.outputLocation)];
}
