import { constants as fsConstants, promises as fs } from 'node:fs';
import { DuckDBInstance } from '@duckdb/node-api';
import pino from 'pino';
import type { Config } from '../../config/config';
import { DuckDbEngine } from '../../engines/duckdb/duckdb-engine';
import { scanLakePartitions, type LakePartition } from '../../lake/lake-layout';
import { PARQUET_FORMAT } from '../../sql/duckdb-compiler';
import { check, counted, type DoctorCheck } from './doctor-check';
import { parquetTierCheck } from './parquet-tier-check';

export interface LakeCheckOptions {
  readonly lake: string;
  readonly duckdb: Config['duckdb'];
  /** called while the compacted partitions' raw files are listed and fingerprinted */
  readonly onProgress?: (done: number, total: number) => void;
  /** the day today (UTC) for "closed" delivery days; tests pin it */
  readonly today?: string;
}

const message = (e: unknown) => (e instanceof Error ? e.message : String(e)).split('\n')[0];
const LAYOUT = 'AWSLogs/[o-ORGID/]ACCOUNT/CloudTrail/REGION/YYYY/MM/DD/*.json.gz';

/** The local lake: readable, partitions found; DuckDB opens over it; the state of its Parquet tier. */
export async function lakeChecks(opts: LakeCheckOptions): Promise<DoctorCheck[]> {
  const { lake } = opts;
  const st = await fs.stat(lake).catch(() => null);
  if (!st?.isDirectory()) {
    return [check('lake', 'fail', `${lake} is not a directory`, 'point --lake (TRAILGATE_LAKE) at a copy of the trail bucket, e.g. aws s3 sync s3://BUCKET/AWSLogs ./lake/AWSLogs')];
  }
  try {
    await fs.access(lake, fsConstants.R_OK | fsConstants.X_OK);
  } catch {
    return [check('lake', 'fail', `${lake} is not readable by this user`, 'give the user that runs trailgate read access to the lake (chmod -R a+rX, or run as its owner)')];
  }
  let partitions: LakePartition[];
  try {
    partitions = await scanLakePartitions(lake);
  } catch (e) {
    return [check('lake', 'fail', `${lake} could not be scanned: ${message(e)}`, 'make every folder of the lake readable')];
  }
  if (partitions.length === 0) return [check('lake', 'fail', `no CloudTrail partitions under ${lake}`, `point --lake at the folder holding AWSLogs/ (laid out ${LAYOUT})`)];
  const days = partitions.map((p) => p.day).sort();
  const accounts = new Set(partitions.map((p) => p.account)).size;
  const regions = new Set(partitions.map((p) => p.region)).size;
  const found = check('lake', 'ok', `${lake}: ${counted(partitions.length, 'partition')}, ${counted(accounts, 'account')}, ${counted(regions, 'region')}, delivery days ${days[0]}..${days[days.length - 1]}`);
  const duck = await duckdbCheck(opts);
  const tier = opts.duckdb.parquet
    ? await parquetTierCheck(opts, partitions, duck.writer)
    : check('parquet', 'skip', 'the Parquet tier is off (TRAILGATE_PARQUET=off): every query reads the raw files');
  return [found, duck.check, tier];
}

/**
 * DuckDB opens over the lake as the gateway opens it (its file-access lockdown included) and
 * answers `SELECT 1`. Also reports the writer string the Parquet tier must carry (as
 * DuckDbEngine.open makes it): another version's tier is read raw.
 */
async function duckdbCheck(opts: LakeCheckOptions): Promise<{ check: DoctorCheck; writer: string | null }> {
  let version: string;
  try {
    const instance = await DuckDBInstance.create(':memory:');
    const c = await instance.connect();
    version = String((await c.runAndReadAll('SELECT library_version FROM pragma_version()')).getRows()[0][0]);
    c.closeSync();
    instance.closeSync();
  } catch (e) {
    return { check: check('duckdb', 'fail', `DuckDB does not load: ${message(e)}`, 'reinstall the dependencies (npm ci) on this platform'), writer: null };
  }
  let engine: DuckDbEngine | null = null;
  try {
    engine = await DuckDbEngine.open({ lakeDir: opts.lake, ...opts.duckdb, queryTimeoutMs: 10_000, inventoryTtlMs: 0, logger: pino({ level: 'silent' }) });
    const failed = (await engine.ready()).filter((c) => !c.ok);
    if (failed.length) return { check: check('duckdb', 'fail', failed.map((c) => c.detail ?? c.name).join('; '), 'see the lake check above'), writer: null };
  } catch (e) {
    return {
      check: check('duckdb', 'fail', `DuckDB ${version} does not open over the lake: ${message(e)}`, 'check TRAILGATE_DUCKDB_MEMORY_LIMIT and TRAILGATE_DUCKDB_THREADS'),
      writer: null,
    };
  } finally {
    await engine?.close();
  }
  const { threads, memoryLimit, connections } = opts.duckdb;
  return {
    check: check('duckdb', 'ok', `DuckDB ${version} opens and answers (${threads} threads, memory limit ${memoryLimit}, ${connections} connections)`),
    writer: `duckdb ${version}, format ${PARQUET_FORMAT}`,
  };
}
