import { useHarness } from '../support/gateway-harness';
import {
  REAL_DATA_DIR,
  filterEvents,
  groupStats,
  loadReferenceLake,
  setFilter,
  sortRows,
  type Dimension,
  type FilterInput,
  type GroupKeyInput,
  type RefStatsRow,
} from '../support/reference-lake';

/**
 * Totals and one-key groupings of eventStats over each real data set, against a plain reduction
 * of the raw records (test/support/reference-lake.ts).
 */
const ref = loadReferenceLake(REAL_DATA_DIR);
const DIMENSIONS: Dimension[] = ['EVENT_SOURCE', 'EVENT_NAME', 'IDENTITY_TYPE', 'ACCOUNT', 'REGION', 'ERROR_CODE', 'READ_ONLY'];

/** Sets copied byte-for-byte from AWS deliveries: their record counts are known (README.md). */
const KNOWN_COUNTS: Record<string, number> = {
  'grycap-cloudtrail-tracker': 6188,
  'invictus-sigma-aws': 2900,
  'maheribra-aws-attack-chain-ir': 689,
  'otrf-security-datasets-ec2-proxy-s3-exfil': 103,
  'flaws2-cloud': 37,
};

const STATS = `
  query Stats($f: EventFilter!) {
    total: eventStats(filter: $f, groupBy: []) { totalEvents rows { keys count errorCount firstSeen lastSeen } }
    ${DIMENSIONS.map(
      (d) => `${d}: eventStats(filter: $f, groupBy: [{ dimension: ${d} }], first: 1000) { totalEvents rows { keys count errorCount firstSeen lastSeen } }`,
    ).join('\n    ')}
  }`;

const { exec } = useHarness(REAL_DATA_DIR);

describe('lake', () => {
  it('reports every delivery file, nothing rejected, and the folder accounts and regions', async () => {
    const r = await exec('{ lake { engine firstDay lastDay accounts regions files rejectedRecords rejectedFiles } }');
    expect(r.errors).toBeUndefined();
    const days = ref.files.map((f) => f.split('/').slice(-4, -1).join('-')).sort();
    expect(ref.files).toHaveLength(910);
    expect(r.data!.lake).toEqual({
      engine: 'duckdb',
      firstDay: days[0],
      lastDay: days[days.length - 1],
      accounts: [...ref.folderAccounts],
      regions: [...ref.folderRegions],
      files: ref.files.length,
      rejectedRecords: 0,
      rejectedFiles: 0,
    });
    expect(ref.rejected).toHaveLength(0);
  });
});

describe('duplicates', () => {
  // A re-delivered record is the same record: it counts once. (Curated sets also hold copies
  // that differ only in JSON key order; those are kept as distinct records.)
  const byCanonical = new Map<string, number>();
  for (const r of ref.records) byCanonical.set(r.canonical, (byCanonical.get(r.canonical) ?? 0) + 1);
  const twice = ref.distinct.filter((e) => (byCanonical.get(e.canonical) ?? 0) > 1);

  it('identical records count once', async () => {
    expect(ref.records).toHaveLength(10554);
    expect(twice.length).toBeGreaterThan(0);
    const range = { from: '2000-01-01T00:00:00Z', to: '2090-01-01T00:00:00Z' };
    const filter: FilterInput = { range, eventIds: [...new Set(twice.map((e) => e.eventId!))] };
    const r = await exec('query($f: EventFilter!) { eventStats(filter: $f, groupBy: []) { totalEvents } }', { f: filter });
    expect(r.errors).toBeUndefined();
    expect(r.data!.eventStats.totalEvents).toBe(filterEvents(ref, filter).length);
  });

  it('the whole lake serves each distinct record once', async () => {
    const range = { from: '2000-01-01T00:00:00Z', to: '2090-01-01T00:00:00Z' };
    const r = await exec('query($f: EventFilter!) { eventStats(filter: $f, groupBy: []) { totalEvents } }', { f: { range } });
    expect(r.data!.eventStats.totalEvents).toBe(ref.served.length);
  });
});

describe.each(ref.sets.map((s) => [s]))('real set %s', (set) => {
  const filter: FilterInput = setFilter(ref, set);
  const expected = filterEvents(ref, filter);
  let data: Record<string, { totalEvents: number; rows: RefStatsRow[] }>;

  beforeAll(async () => {
    const r = await exec(STATS, { f: filter });
    expect(r.errors).toBeUndefined();
    data = r.data as typeof data;
  });

  it('the reference finds the set (and only it, where its accounts are its own)', () => {
    expect(expected.length).toBeGreaterThan(0);
    if (KNOWN_COUNTS[set] !== undefined) {
      expect(expected.length).toBe(KNOWN_COUNTS[set]);
      expect(expected.every((e) => e.set === set)).toBe(true);
    }
  });

  it('counts every served record of the span once (groupBy [])', () => {
    expect(data.total.totalEvents).toBe(expected.length);
    expect(data.total.rows).toEqual(groupStats(expected, []));
  });

  it.each(DIMENSIONS.map((d) => [d]))('groups by %s like the reference', (dim) => {
    const want = sortRows(groupStats(expected, [dim]));
    expect(want.length).toBeLessThan(1000);
    expect(data[dim].totalEvents).toBe(expected.length);
    expect(sortRows(data[dim].rows)).toEqual(want);
  });
});

describe.each([['grycap-cloudtrail-tracker'], ['invictus-sigma-aws'], ['maheribra-aws-attack-chain-ir']])('more dimensions over %s', (set) => {
  const MORE: GroupKeyInput[] = [
    { dimension: 'HOUR_OF_DAY' },
    { dimension: 'DAY_OF_WEEK' },
    { dimension: 'EVENT_TYPE' },
    { dimension: 'EVENT_CATEGORY' },
    { dimension: 'PRINCIPAL_ARN' },
    { dimension: 'ROLE_ARN' },
    { dimension: 'USER_NAME' },
    { dimension: 'ACCESS_KEY_ID' },
    { dimension: 'SOURCE_IP' },
    { dimension: 'USER_AGENT' },
    { dimension: 'MFA_AUTHENTICATED' },
    { dimension: 'INVOKED_BY' },
    { dimension: 'REQUEST_PARAMETER', path: 'roleArn' },
    { dimension: 'RESPONSE_ELEMENT', path: 'ConsoleLogin' },
    { dimension: 'ADDITIONAL_EVENT_DATA', path: 'MFAUsed' },
  ];
  const filter = setFilter(ref, set);
  const expected = filterEvents(ref, filter);
  let data: Record<string, { rows: RefStatsRow[] }>;

  beforeAll(async () => {
    const q = `query($f: EventFilter!) { ${MORE.map(
      (k, i) => `k${i}: eventStats(filter: $f, groupBy: [{ dimension: ${k.dimension}${k.path ? `, path: "${k.path}"` : ''} }], first: 1000) { rows { keys count errorCount firstSeen lastSeen } }`,
    ).join('\n')} }`;
    const r = await exec(q, { f: filter });
    expect(r.errors).toBeUndefined();
    data = r.data as typeof data;
  });

  it.each(MORE.map((k, i) => [`${k.dimension}${k.path ? ` ${k.path}` : ''}`, i]))('groups by %s like the reference', (_label, i) => {
    const want = sortRows(groupStats(expected, [MORE[i as number]]));
    expect(want.length).toBeLessThan(1000);
    expect(sortRows(data[`k${i}`].rows)).toEqual(want);
  });
});
