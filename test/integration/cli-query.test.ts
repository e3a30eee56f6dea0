import { readdirSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { baselinesList, baselinesRun } from '../../src/cli/baselines.command';
import type { CliIo } from '../../src/cli/cli-io';
import { runQueryFile } from '../../src/cli/query.command';
import { loadConfig } from '../../src/config/config';
import { filterEvents, groupStats, iso, loadReferenceLake } from '../support/reference-lake';

/** `trailgate query` and `trailgate baselines` in-process over a real set, answers checked against a plain reduction of its records. */
const FLAWS = path.resolve(__dirname, '../../../shared/data/cloudtrail/flaws2-cloud');
const EXAMPLES = path.resolve(__dirname, '../../schema/examples');
const PERSISTED = path.resolve(__dirname, '../../schema/persisted');
const DAY = { from: '2018-11-28T00:00:00Z', to: '2018-11-29T00:00:00Z' };
const ACCOUNT = '653711331788';
const ref = loadReferenceLake(FLAWS);
const config = () => loadConfig({ lake: FLAWS }, { TRAILGATE_DUCKDB_THREADS: '1', TRAILGATE_LOG_LEVEL: 'silent', TRAILGATE_MAX_RANGE_DAYS: '36500' });

function capture(stdoutIsTTY = false) {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = { out: (s) => void out.push(s), err: (s) => void err.push(s), stdoutIsTTY, stderrIsTTY: false };
  return { io, out: () => out.join(''), err: () => err.join('') };
}

const csvRecords = (text: string): Array<Record<string, string>> => parse(text, { columns: true });
const hour = (ms: number) => iso(Math.floor(ms / 3_600_000) * 3_600_000);

describe('trailgate query', () => {
  const hourlyErrors = path.join(EXAMPLES, 'hourly-errors.graphql');
  const vars = JSON.stringify(DAY);

  it('prints the JSON result, extensions included, when stdout is not a terminal (as before --format)', async () => {
    const c = capture(false);
    expect(await runQueryFile(config(), hourlyErrors, { vars }, c.io)).toBe(0);
    const result = JSON.parse(c.out());
    expect(result.data.eventStats.totalEvents).toBe(filterEvents(ref, { range: DAY, hasError: true }).length);
    expect(result.extensions.trailgate.queries).toHaveLength(1);
  });

  it('--format csv: one row per hour and event source of the failed calls, with the counts a plain reduction gives', async () => {
    const c = capture(true);
    expect(await runQueryFile(config(), hourlyErrors, { vars, format: 'csv' }, c.io)).toBe(0);
    const expected = new Map<string, number>();
    for (const e of filterEvents(ref, { range: DAY, hasError: true })) {
      const k = `${hour(e.time)}|${e.eventSource}`;
      expected.set(k, (expected.get(k) ?? 0) + 1);
    }
    const rows = csvRecords(c.out());
    expect(Object.keys(rows[0])).toEqual(['bucket', 'keys.1', 'count']);
    expect(new Map(rows.map((r) => [`${r.bucket}|${r['keys.1']}`, Number(r.count)]))).toEqual(expected);
    expect(c.err()).toBe('');
  });

  it('draws a table on a terminal, with the total above it and the cost on stderr', async () => {
    const c = capture(true);
    expect(await runQueryFile(config(), hourlyErrors, { vars }, c.io)).toBe(0);
    expect(c.out()).toMatch(/^eventStats\.totalEvents: \d+\n┌/);
    expect(c.out()).toMatch(/│ bucket +│ keys\.1 +│ count │/);
    expect(c.err()).toMatch(/^1 engine query, [\d.]+ s engine, [\d.]+ [KMG]?B scanned \(request [0-9a-f-]{36}\)\n$/);
  });

  it('--format ndjson: one JSON object per stats row', async () => {
    const c = capture();
    expect(await runQueryFile(config(), hourlyErrors, { vars, format: 'ndjson' }, c.io)).toBe(0);
    const lines = c.out().trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.reduce((n, r) => n + r.count, 0)).toBe(filterEvents(ref, { range: DAY, hasError: true }).length);
    expect(Object.keys(lines[0])).toEqual(['bucket', 'keys', 'count']);
  });

  it('exits 1 with the error code on stderr when the answer has errors, and 2 on bad --vars', async () => {
    const c = capture();
    const backwards = JSON.stringify({ from: DAY.to, to: DAY.from });
    expect(await runQueryFile(config(), hourlyErrors, { vars: backwards, format: 'csv' }, c.io)).toBe(1);
    expect(c.out()).toBe('');
    expect(c.err()).toMatch(/^error: BAD_USER_INPUT: /);
    const bad = capture();
    expect(await runQueryFile(config(), hourlyErrors, { vars: '[1]' }, bad.io)).toBe(2);
    expect(bad.err()).toBe('--vars must be a JSON object\n');
  });
});

describe('trailgate baselines', () => {
  it('lists every operation of schema/persisted with its variables', async () => {
    const c = capture();
    expect(await baselinesList({ format: 'json' }, c.io)).toBe(0);
    const listed = JSON.parse(c.out());
    const files = readdirSync(PERSISTED).filter((f) => f.endsWith('.graphql')).map((f) => f.replace(/\.graphql$/, '')).sort();
    expect(listed.map((o: { name: string }) => o.name)).toEqual(files);
    const topServices = listed.find((o: { name: string }) => o.name === 'TopServices');
    expect(topServices.variables).toContainEqual({ name: 'range', type: 'TimeRange!', defaultValue: null });
    expect(topServices.variables).toContainEqual({ name: 'first', type: 'Int', defaultValue: 100 });
  });

  it('runs TopServices over --from/--to days and --accounts: rows equal the group-by of the records', async () => {
    const c = capture();
    const code = await baselinesRun(config(), 'TopServices', { from: '2018-11-28', to: '2018-11-29', accounts: ACCOUNT, format: 'csv' }, c.io);
    expect(code).toBe(0);
    const expected = groupStats(filterEvents(ref, { range: DAY, accounts: [ACCOUNT] }), ['EVENT_SOURCE', 'EVENT_NAME']);
    const rows = csvRecords(c.out()).map((r) => ({ keys: [r['keys.1'], r['keys.2']], count: Number(r.count), errorCount: Number(r.errorCount) }));
    const key = (r: { keys: (string | null)[] }) => JSON.stringify(r.keys);
    expect(new Map(rows.map((r) => [key(r), [r.count, r.errorCount]]))).toEqual(new Map(expected.map((r) => [key(r), [r.count, r.errorCount]])));
  });

  it('types --param values as GET /baselines/:name does (first=2 is an Int)', async () => {
    const c = capture();
    expect(await baselinesRun(config(), 'TopServices', { from: '2018-11-28', to: '2018-11-29', param: ['first=2'], format: 'ndjson' }, c.io)).toBe(0);
    expect(c.out().trim().split('\n')).toHaveLength(2);
  });

  it('refuses an unknown parameter or operation with exit code 2, running nothing', async () => {
    const typo = capture();
    expect(await baselinesRun(config(), 'TopServices', { from: '2018-11-28', to: '2018-11-29', param: ['frist=2'] }, typo.io)).toBe(2);
    expect(typo.err()).toBe('TopServices has no parameter "frist" (it takes: from, to, accounts, first, order)\n');
    const unknown = capture();
    expect(await baselinesRun(config(), 'NoSuchBaseline', { from: '2018-11-28', to: '2018-11-29' }, unknown.io)).toBe(2);
    expect(unknown.err()).toMatch(/No persisted operation named "NoSuchBaseline"/);
    expect(typo.out() + unknown.out()).toBe('');
  });
});
