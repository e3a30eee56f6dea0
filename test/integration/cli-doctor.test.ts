import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { mintApiKey } from '../../src/auth/api-key';
import type { CliIo } from '../../src/cli/cli-io';
import { doctor } from '../../src/cli/doctor.command';
import { loadConfig } from '../../src/config/config';
import { DuckDbEngine } from '../../src/engines/duckdb/duckdb-engine';
import { scanLakePartitions } from '../../src/lake/lake-layout';
import { generateSampleLake } from '../../src/lake/sample-generator';
import { silentLogger } from '../support/gateway-harness';

/** `trailgate doctor` on local lakes made for each case: healthy, compacted, stale, broken; auth configs good and bad. */
const END = '2026-03-10';
const TODAY = '2026-03-20';
const BASE_ENV = { TRAILGATE_CURSOR_SECRET: 'a'.repeat(64), TRAILGATE_DUCKDB_THREADS: '1' };

let root: string;
beforeAll(() => {
  root = mkdtempSync(path.join(tmpdir(), 'trailgate-doctor-'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

async function newLake(name: string): Promise<string> {
  const lake = path.join(root, name);
  await generateSampleLake({ out: lake, events: 600, days: 3, accounts: 1, seed: 3, end: END });
  return lake;
}

async function compact(lake: string): Promise<void> {
  const config = loadConfig({ lake }, BASE_ENV);
  const engine = await DuckDbEngine.open({ lakeDir: lake, ...config.duckdb, queryTimeoutMs: 600_000, inventoryTtlMs: 0, logger: silentLogger() });
  try {
    await engine.compact({ to: '2090-01-01' });
  } finally {
    await engine.close();
  }
}

function writeAuthConfig(dir: string, content: unknown): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'trailgate.config.json'), JSON.stringify(content));
}

async function runDoctor(flags: Record<string, string>, opts: { env?: Record<string, string>; cwd?: string; json?: boolean } = {}) {
  const out: string[] = [];
  const io: CliIo = { out: (s) => void out.push(s), err: () => {}, stdoutIsTTY: false, stderrIsTTY: false };
  const cwd = opts.cwd ?? path.join(root, 'no-config');
  mkdirSync(cwd, { recursive: true });
  const code = await doctor(flags, { json: true }, { env: { ...BASE_ENV, ...opts.env }, cwd, io, today: TODAY });
  const report = JSON.parse(out.join('')) as { checks: Array<{ name: string; status: string; summary: string; fix?: string }>; problems: number; warnings: number };
  const byName = Object.fromEntries(report.checks.map((c) => [c.name, c]));
  return { code, report, byName };
}

describe('trailgate doctor on a local lake', () => {
  let lake: string;
  beforeAll(async () => {
    lake = await newLake('healthy');
  });

  it('passes a readable lake, DuckDB and a valid auth config, naming what it found', async () => {
    const key = mintApiKey();
    const cwd = path.join(root, 'good-config');
    writeAuthConfig(cwd, { principals: { ops: { accounts: '*' } }, apiKeys: [{ id: key.id, hash: key.hash, principal: 'ops' }] });
    const { code, byName, report } = await runDoctor({ lake }, { cwd });
    expect(code).toBe(0);
    expect(report.problems).toBe(0);
    const partitions = await scanLakePartitions(lake);
    expect(byName.lake).toEqual(expect.objectContaining({ status: 'ok' }));
    expect(byName.lake.summary).toContain(`${partitions.length} partitions, 1 account, `);
    expect(byName.duckdb.status).toBe('ok');
    expect(byName.auth).toEqual(expect.objectContaining({ status: 'ok' }));
    expect(byName.auth.summary).toContain('1 principal, 1 API key, no JWTs');
    expect(byName.parquet.summary).toMatch(/^not compacted/);
    expect(byName.cursors).toBeUndefined();
  });

  it('warns of dev mode without an auth config, and fails it on a non-loopback bind', async () => {
    const dev = await runDoctor({ lake });
    expect(dev.byName.auth.status).toBe('warn');
    expect(dev.byName.auth.fix).toMatch(/trailgate keys new/);
    expect(dev.code).toBe(0);
    const exposed = await runDoctor({ lake, host: '0.0.0.0' });
    expect(exposed.byName.auth.status).toBe('fail');
    expect(exposed.code).toBe(1);
  });

  it('fails an auth config with problems, listing them by path', async () => {
    const cwd = path.join(root, 'bad-config');
    writeAuthConfig(cwd, { principals: { ops: { accounts: '*' } }, apiKeys: [{ id: 'x', hash: 'y', principal: 'nobody' }] });
    const { code, byName } = await runDoctor({ lake }, { cwd });
    expect(code).toBe(1);
    expect(byName.auth.status).toBe('fail');
    expect(byName.auth.summary).toMatch(/apiKeys\[0\]/);
  });

  it('warns without TRAILGATE_CURSOR_SECRET and fails a bad setting with the setting named', async () => {
    const noSecret = await runDoctor({ lake }, { env: { TRAILGATE_CURSOR_SECRET: '' } });
    expect(noSecret.byName.cursors.status).toBe('warn');
    const bad = await runDoctor({ lake }, { env: { TRAILGATE_DUCKDB_MEMORY_LIMIT: 'lots' } });
    expect(bad.code).toBe(1);
    expect(bad.byName.config).toEqual(expect.objectContaining({ status: 'fail' }));
    expect(bad.byName.config.summary).toMatch(/TRAILGATE_DUCKDB_MEMORY_LIMIT/);
  });

  it('fails a folder without CloudTrail partitions, and one that does not exist', async () => {
    const empty = path.join(root, 'empty');
    mkdirSync(path.join(empty, 'AWSLogs'), { recursive: true });
    const none = await runDoctor({ lake: empty });
    expect(none.code).toBe(1);
    expect(none.byName.lake).toEqual(expect.objectContaining({ status: 'fail', summary: `no CloudTrail partitions under ${empty}` }));
    const missing = await runDoctor({ lake: path.join(root, 'nope') });
    expect(missing.byName.lake.status).toBe('fail');
    expect(missing.byName.duckdb).toBeUndefined();
  });
});

describe('trailgate doctor on the Parquet tier', () => {
  it('reports the days compacted, then the partitions a late delivery made stale, then an unreadable manifest', async () => {
    const lake = await newLake('compacted');
    await compact(lake);
    const days = [...new Set((await scanLakePartitions(lake)).map((p) => p.day))].sort();
    const fresh = await runDoctor({ lake });
    expect(fresh.byName.parquet).toEqual(expect.objectContaining({ status: 'ok', summary: `${days.length} delivery days compacted (${days[0]}..${days[days.length - 1]}), all current` }));

    // A late delivery: one more log file in a compacted partition.
    const [partition] = await scanLakePartitions(lake);
    const file = readdirSync(partition.dir).find((f) => f.endsWith('.json.gz'))!;
    copyFileSync(path.join(partition.dir, file), path.join(partition.dir, `late-${file}`));
    const stale = await runDoctor({ lake });
    expect(stale.code).toBe(0);
    expect(stale.byName.parquet.status).toBe('warn');
    expect(stale.byName.parquet.summary).toContain('1 compacted partition changed since');
    expect(stale.byName.parquet.fix).toBe(`trailgate compact --lake ${lake}`);

    const manifest = path.join(lake, 'parquet', '_manifest.json');
    const writtenBy = JSON.parse(readFileSync(manifest, 'utf8'));
    writeFileSync(manifest, JSON.stringify({ ...writtenBy, writer: 'duckdb v0.0.1, format 1' }));
    const other = await runDoctor({ lake });
    expect(other.byName.parquet.status).toBe('warn');
    expect(other.byName.parquet.summary).toMatch(/^written by "duckdb v0\.0\.1, format 1"/);

    writeFileSync(manifest, '{ not json');
    const broken = await runDoctor({ lake });
    expect(broken.code).toBe(1);
    expect(broken.byName.parquet.status).toBe('fail');
  });

  it('counts closed delivery days left uncompacted, but not the last two (still being delivered)', async () => {
    const lake = await newLake('recent');
    await compact(lake);
    const days = [...new Set((await scanLakePartitions(lake)).map((p) => p.day))].sort();
    const manifest = path.join(lake, 'parquet', '_manifest.json');
    const m = JSON.parse(readFileSync(manifest, 'utf8'));
    delete m.days[days[0]];
    writeFileSync(manifest, JSON.stringify(m));
    const closed = await runDoctor({ lake });
    expect(closed.byName.parquet.summary).toContain('1 closed delivery day not compacted');
    // Seen on the first delivery day's next day, no day is closed yet.
    const out: string[] = [];
    const io: CliIo = { out: (s) => void out.push(s), err: () => {}, stdoutIsTTY: false, stderrIsTTY: false };
    await doctor({ lake }, { json: true }, { env: BASE_ENV, cwd: path.join(root, 'no-config'), io, today: days[0] });
    const early = JSON.parse(out.join('')).checks.find((c: { name: string }) => c.name === 'parquet');
    expect(early.status).toBe('ok');
  });
});
