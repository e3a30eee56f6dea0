import { GetQueryExecutionCommand, GetQueryResultsCommand, StartQueryExecutionCommand, StopQueryExecutionCommand } from '@aws-sdk/client-athena';
import type { AthenaCheckOptions } from './athena-check-options';
import { awsFailure } from './aws-failure';
import { check, type DoctorCheck } from './doctor-check';

const sleeper = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** SELECT 1 through the workgroup: StartQueryExecution, polling, GetQueryResults; Athena writes its result to the results location. */
export async function athenaQueryCheck(opts: AthenaCheckOptions, outputLocation: string | null): Promise<DoctorCheck> {
  if (!opts.runQuery) return check('query', 'skip', 'not run: every check above is read-only; --query runs SELECT 1 to prove StartQueryExecution and the results write');
  const { athena } = opts.clients;
  const a = opts.config;
  const sleep = opts.sleep ?? sleeper;
  const started = Date.now();
  let id: string | undefined;
  try {
    id = (
      await athena.send(
        new StartQueryExecutionCommand({
          QueryString: 'SELECT 1',
          WorkGroup: a.workgroup,
          QueryExecutionContext: { Catalog: a.catalog, Database: a.database },
          ...(a.outputLocation ? { ResultConfiguration: { OutputLocation: a.outputLocation } } : {}),
        }),
      )
    ).QueryExecutionId;
    for (let n = 0; Date.now() - started < (opts.queryTimeoutMs ?? 30_000); n++) {
      await sleep(Math.min(2000, 200 * 2 ** n));
      const s = (await athena.send(new GetQueryExecutionCommand({ QueryExecutionId: id }))).QueryExecution?.Status;
      if (s?.State === 'SUCCEEDED') {
        await athena.send(new GetQueryResultsCommand({ QueryExecutionId: id, MaxResults: 2 }));
        return check('query', 'ok', `SELECT 1 ran (query ${id}); its result was written to ${outputLocation ?? 'the managed results location'}`);
      }
      if (s?.State === 'FAILED' || s?.State === 'CANCELLED') {
        const reason = s.StateChangeReason ?? s.State;
        const fix = /access denied|not authorized|permission/i.test(reason)
          ? `grant s3:GetBucketLocation, s3:GetObject, s3:ListBucket and s3:PutObject on the results location ${outputLocation ?? ''}`.trim()
          : 'read the reason above; the Athena console shows the query by its id';
        return check('query', 'fail', `SELECT 1 failed (query ${id}): ${reason}`, fix);
      }
    }
    try {
      await athena.send(new StopQueryExecutionCommand({ QueryExecutionId: id }));
    } catch {
      // best effort: the query may have ended meanwhile
    }
    return check('query', 'warn', `SELECT 1 did not finish within ${opts.queryTimeoutMs ?? 30_000} ms (query ${id}, stopped): the workgroup is busy or queued`, 'retry later; raise the account\'s Athena query quota if this persists');
  } catch (e) {
    return awsFailure('query', e, `athena:StartQueryExecution, athena:GetQueryExecution and athena:GetQueryResults on workgroup/${a.workgroup}`);
  }
}
