import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LakeCompactor, type LakeCompactorDeps } from '../../src/engines/duckdb/lake-compactor';
import { LocalLake } from '../../src/lake/local-lake';
import { readManifest } from '../../src/lake/parquet-manifest';
import { generateSampleLake } from '../../src/lake/sample-generator';
import type { CompiledSql } from '../../src/sql/compiled-sql';
import { silentLogger } from '../support/gateway-harness';

/**
 * LakeCompactor runs a batch's rollups and recording while the next batch's COPY reads. Here the
 * statements are stand-ins that write what DuckDB would (one data file per `date=/delivery=`
 * folder, one rollup file per folder) and log when they run, so the order and the failure paths
 * can be checked without DuckDB.
 */
jest.setTimeout(60_000);

const lake = path.join(os.tmpdir(), `trailgate-compaction-pipeline-${process.pid}`);
const sql = (text: string): CompiledSql => Object.freeze({ dialect: 'duckdb' as const, sql: text, params: Object.freeze([]) });
const tick = () => new Promise((r) => setTimeout(r, 5));

interface Log {
  readonly events: string[];
}

/** Deps writing `date=D/delivery=D/data_0.parquet` for each delivery day D of a COPY's files; `failRollupOf`: the rollup write of that day throws. */
function fakeDeps(log: Log, failRollupOf?: string): LakeCompactorDeps {
  const deliveryOf = (file: string) => /\/(\d{4})\/(\d{2})\/(\d{2})\/[^/]+$/.exec(file)!.slice(1).join('-');
  return {
    lake: new LocalLake(lake, 0),
    logger: silentLogger(),
    writer: 'fake',
    batchBytes: 1, // one delivery day a batch
    statement: (files, outDir) => sql(JSON.stringify({ copy: [...new Set(files.map((f) => deliveryOf(f.path)))], outDir })),
    antiJoin: () => {
      throw new Error('no earlier day shares an event day here');
    },
    rollup: (kind, dataFiles, outDir) => sql(JSON.stringify({ rollup: kind, dataFiles, outDir })),
    async execute(files, make) {
      const { copy, outDir } = JSON.parse(make(files).sql) as { copy: string[]; outDir: string };
      log.events.push(`copy start ${copy.join(',')}`);
      await tick();
      for (const d of copy) {
        mkdirSync(path.join(outDir, `date=${d}`, `delivery=${d}`), { recursive: true });
        writeFileSync(path.join(outDir, `date=${d}`, `delivery=${d}`, 'data_0.parquet'), 'rows');
      }
      log.events.push(`copy end ${copy.join(',')}`);
    },
    async write(compiled) {
      const { rollup, dataFiles, outDir } = JSON.parse(compiled.sql) as { rollup: string; dataFiles: string[]; outDir: string };
      const days = dataFiles.map((f) => /delivery=([^/]+)/.exec(f)![1]);
      log.events.push(`rollup start ${rollup} ${days.join(',')}`);
      await tick();
      if (failRollupOf && days.includes(failRollupOf)) throw new Error(`rollup of ${failRollupOf} failed`);
      for (const d of days) {
        mkdirSync(path.join(outDir, `date=${d}`, `delivery=${d}`), { recursive: true });
        writeFileSync(path.join(outDir, `date=${d}`, `delivery=${d}`, 'data_0.parquet'), 'summary');
      }
      log.events.push(`rollup end ${rollup} ${days.join(',')}`);
      return days.length;
    },
  };
}

describe('compaction batches: recording overlaps the next read', () => {
  let days: string[];

  beforeAll(async () => {
    rmSync(lake, { recursive: true, force: true });
    await generateSampleLake({ out: lake, events: 600, days: 4, accounts: 1, seed: 5, end: '2026-03-10' });
    days = (await new LocalLake(lake, 0).partitions()).map((p) => p.day).filter((d, i, all) => all.indexOf(d) === i).sort();
  });
  afterAll(() => rmSync(lake, { recursive: true, force: true }));
  beforeEach(() => rmSync(path.join(lake, 'parquet'), { recursive: true, force: true }));

  it('records every day, each after its own rollups, with the next COPY reading meanwhile', async () => {
    expect(days.length).toBeGreaterThanOrEqual(3);
    const log: Log = { events: [] };
    const summary = await new LakeCompactor(fakeDeps(log)).run({ to: '2090-01-01' });
    expect(summary.compacted).toBe(days.length);
    const manifest = await readManifest(lake);
    expect(Object.keys(manifest!.days).sort()).toEqual(days);
    for (const d of days) expect(existsSync(path.join(lake, 'parquet', `date=${d}`, `delivery=${d}`, '_rollup', 'identities.parquet'))).toBe(true);
    // the second day's COPY starts before the first day's rollups end
    const at = (e: string) => log.events.indexOf(e);
    expect(at(`copy start ${days[1]}`)).toBeGreaterThan(-1);
    expect(at(`copy start ${days[1]}`)).toBeLessThan(at(`rollup end facets ${days[0]}`));
    expect(readdirSync(path.join(lake, 'parquet')).filter((n) => n.startsWith('.tmp-'))).toEqual([]);
  });

  it('a failed recording stops the run with its error, records none of that batch and leaves no temporary folder', async () => {
    const log: Log = { events: [] };
    await expect(new LakeCompactor(fakeDeps(log, days[1])).run({ to: '2090-01-01' })).rejects.toThrow(`rollup of ${days[1]} failed`);
    // it failed while the next day's COPY was reading
    expect(log.events.indexOf(`copy start ${days[2]}`)).toBeGreaterThan(-1);
    expect(log.events.indexOf(`copy start ${days[2]}`)).toBeLessThan(log.events.indexOf(`rollup start identities ${days[1]}`) + 2);
    const manifest = await readManifest(lake);
    expect(Object.keys(manifest?.days ?? {}).sort()).toEqual([days[0]]);
    expect(readdirSync(path.join(lake, 'parquet')).filter((n) => n.startsWith('.tmp-'))).toEqual([]);
    // the next run picks up where this one stopped
    const summary = await new LakeCompactor(fakeDeps({ events: [] })).run({ to: '2090-01-01' });
    expect(summary.compacted).toBe(days.length - 1);
    expect(Object.keys((await readManifest(lake))!.days).sort()).toEqual(days);
  });
});
