import { addDays, utcDay } from '../../../domain/utc-day';
import type { TrinoTableRef } from '../../../sql/trino-binding';
import { abortableSleep, realSleep } from '../abortable-sleep';
import { ATHENA_DEFAULTS } from '../athena-engine-options';
import { AthenaQueryRunner } from '../query-runner';
import { compactDay, type DayJob } from './compact-day';
import { CompactionError } from './compaction-error';
import { withDay, withoutDays } from './compaction-manifest';
import { COMPACTION_DEFAULTS, type CompactAthenaOptions, type CompactionProgress, type CompactionSummary } from './compaction-options';
import { dayRange, planDays } from './day-plan';
import { checkTables, readManifest, updateManifest } from './manifest-store';
import { catalogueColumnProblems, loadParquetTarget } from './parquet-target';
import { fingerprintDay } from './raw-fingerprint';
import { loadRawSource } from './raw-source';
import { parseS3Url } from './s3-url';

/**
 * `trailgate compact --engine athena` (issue 6): copies whole delivery days of the raw CloudTrail
 * table into the Parquet table with INSERT INTO … SELECT, at most 100 partitions a statement, and
 * records each day in the manifest once all its statements have succeeded. Idempotent: a re-run
 * skips recorded days (re-listing the last `recheckDays` for late deliveries), and a day that was
 * interrupted or is compacted again loses its earlier Parquet output first.
 *
 * Run one job at a time per Parquet table: two jobs on the same day would drop each other's output
 * (the manifest itself is safe: it is written with S3 conditional writes).
 */
export async function compactAthena(opts: CompactAthenaOptions, progress: CompactionProgress = () => {}): Promise<CompactionSummary> {
  const now = () => (opts.now?.() ?? new Date()).getTime();
  const sleep = opts.sleep ?? realSleep;
  const signal = opts.signal ?? new AbortController().signal;
  const listConcurrency = opts.listConcurrency ?? COMPACTION_DEFAULTS.listConcurrency;
  const manifestAt = parseS3Url(opts.manifest, 'the compaction manifest location');
  if (manifestAt.key === '' || manifestAt.key.endsWith('/')) throw new CompactionError(`the compaction manifest must be an object key, not a prefix (got ${opts.manifest})`);
  const catalog = opts.catalog ?? COMPACTION_DEFAULTS.catalog;
  const rawRef: TrinoTableRef = { catalog, database: opts.database, table: opts.rawTable };
  const parquetRef: TrinoTableRef = { catalog, database: opts.parquetDatabase ?? opts.database, table: opts.parquetTable };
  const { glue, s3 } = opts;

  const [raw, target] = await Promise.all([loadRawSource({ glue, s3 }, rawRef, signal), loadParquetTarget(glue, parquetRef, signal)]);
  const rawProblems = catalogueColumnProblems(raw.columns);
  if (rawProblems.length > 0) {
    throw new CompactionError(`raw table ${raw.name} cannot be copied column for column (trailgate glue apply brings it to the catalogue):\n  - ${rawProblems.join('\n  - ')}`);
  }
  const tables = { raw: raw.name, parquet: target.name };
  const { manifest } = await readManifest(s3, manifestAt, tables, signal);
  checkTables(manifest, tables, manifestAt);

  const today = utcDay(new Date(now()));
  const days = dayRange(opts.from, opts.to, raw.firstDay, today);
  const plan = await planDays(days, manifest, {
    force: opts.force ?? false,
    recheckFrom: addDays(today, -(opts.recheckDays ?? COMPACTION_DEFAULTS.recheckDays)),
    fingerprint: async (day) => (await fingerprintDay(s3, await raw.pairs(day, signal), listConcurrency, signal)).source,
  });
  const log = opts.logger.child({ compaction: { raw: raw.name, parquet: target.name } });
  log.info({ days: days.length, work: plan.work.length, unchanged: plan.unchanged.length, skipped: plan.skipped.length }, 'compaction planned');
  if (plan.unrecord.length > 0) {
    // Gateways read Parquet for recorded days: take the days out of the manifest, and give the
    // gateways time to re-read it, before their Parquet output disappears.
    await updateManifest(s3, manifestAt, tables, (m) => withoutDays(m, plan.unrecord), signal);
    const settleMs = opts.settleMs ?? COMPACTION_DEFAULTS.settleMs;
    if (settleMs > 0) {
      log.info({ days: plan.unrecord, settleMs }, 'compaction: days taken out of the manifest; waiting for gateways to re-read it');
      await abortableSleep(sleep, settleMs, signal);
    }
  }

  const job: DayJob = {
    raw,
    target,
    glue,
    s3,
    runner: new AthenaQueryRunner({ client: opts.athena, now, sleep, random: opts.random ?? Math.random, throttleRetries: ATHENA_DEFAULTS.throttleRetries, inFlight: new Map() }),
    startInput: (sql) => ({
      QueryString: sql,
      WorkGroup: opts.workgroup,
      QueryExecutionContext: { Catalog: catalog, Database: opts.database },
      ...(opts.outputLocation ? { ResultConfiguration: { OutputLocation: opts.outputLocation } } : {}),
    }),
    statementTimeoutMs: opts.statementTimeoutMs ?? COMPACTION_DEFAULTS.statementTimeoutMs,
    listConcurrency,
    now,
    signal,
    log,
  };
  const work = new Set(plan.work);
  const unchanged = new Set(plan.unchanged);
  const compacted: string[] = [];
  let statements = 0;
  for (const [i, day] of days.entries()) {
    if (!work.has(day)) {
      progress(i + 1, days.length, `${day} ${unchanged.has(day) ? 'unchanged since compacted' : 'already compacted'}`);
      continue;
    }
    const entry = await compactDay(job, day, (n, of) => progress(i, days.length, `${day} statement ${n}/${of}`));
    await updateManifest(s3, manifestAt, tables, (m) => withDay(m, day, entry), signal);
    compacted.push(day);
    statements += entry.statements.length;
    progress(i + 1, days.length, `${day} compacted`);
  }
  log.info({ compacted: compacted.length, statements }, 'compaction done');
  return { compacted, unchanged: plan.unchanged, skipped: plan.skipped, statements };
}
