/**
 * Deterministic, realistic CloudTrail sample lake: gzip'd {"Records":[...]} files in the real
 * S3 layout, with routine activity, planted security scenarios (see PLANTED_SCENARIOS), late
 * deliveries across midnight, duplicate deliveries and digest files as decoys.
 *
 * The lake is generated window by window (5 minutes); only the current window's records and a
 * bounded number of pending files are in memory. Same options => byte-identical files.
 */
import { promises as fs } from 'node:fs';
import { availableParallelism } from 'node:os';
import { type AccountActors, type Actor, type Env, accountActors, diurnal } from './sample/activity';
import { type Org, REGIONS, buildOrg, sampleAccountIds } from './sample/identities';
import { Prng } from './sample/prng';
import type { CtRecord } from './sample/records';
import { type PlantedStep, type QuietInterval, PLANTED, PLANTED_SCENARIOS, type PlantedScenario, planScenarios } from './sample/scenarios';
import { ConsoleSessions, Sessions } from './sample/sessions';
import { Digests } from './sample/digests';
import { LakeWriter } from './sample/writer';

export { PLANTED, PLANTED_SCENARIOS, sampleAccountIds };
export type { PlantedScenario };

export interface SampleLakeOptions {
  /** Output directory (the lake root); created if missing. */
  out: string;
  /** Approximate number of distinct events. */
  events: number;
  /** Days of activity ending at `end` (exclusive). */
  days: number;
  /** Number of AWS accounts (>= 1). */
  accounts: number;
  /** PRNG seed; same options => byte-identical files. */
  seed: number;
  /** 'YYYY-MM-DD' (UTC), first day NOT covered; default '2026-11-01'. */
  end?: string;
  /** Organization layout AWSLogs/o-<orgId>/<account>/CloudTrail/... */
  orgId?: string;
}

export interface SampleLakeSummary {
  /** Event log files (under CloudTrail/; digest files are not counted). */
  files: number;
  /** Distinct events written. */
  events: number;
  /** Extra re-delivered copies of events (same eventID, byte-identical record). */
  duplicates: number;
  /** Compressed bytes of the event log files. */
  bytes: number;
  firstEventTime: string;
  lastEventTime: string;
  accounts: string[];
  regions: string[];
}

export const DEFAULT_END = '2026-11-01';
/** zlib level 1: ~2x faster than the default 6 for ~15% larger files; the lake is written once per test run. */
export const GZIP_LEVEL = 1;
const WINDOW = 300;
const DUPLICATE_RATE = 0.005;
const MAX_IN_FLIGHT = 48;

interface PendingDuplicate {
  json: string;
  eventTime: string;
  due: number;
}

/** Records of one account/region in the current window (one file). */
interface FileBuffer {
  records: string[];
  oldest: string;
  newest: string;
}


function parseEnd(end: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(end);
  if (!m) throw new Error(`end must be YYYY-MM-DD, got ${JSON.stringify(end)}`);
  const t = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  if (Number.isNaN(t) || new Date(t).toISOString().slice(0, 10) !== end) throw new Error(`invalid date ${end}`);
  return t / 1000;
}

function validate(o: SampleLakeOptions): void {
  const int = (v: number, name: string, min: number): void => {
    if (!Number.isInteger(v) || v < min) throw new Error(`${name} must be an integer >= ${min}, got ${v}`);
  };
  int(o.events, 'events', 0);
  int(o.days, 'days', 1);
  int(o.accounts, 'accounts', 1);
  if (!Number.isFinite(o.seed)) throw new Error(`seed must be a number, got ${o.seed}`);
  if (!o.out) throw new Error('out is required');
  if (o.orgId !== undefined && !/^(o-)?[a-z0-9]{4,32}$/.test(o.orgId)) throw new Error(`orgId must look like o-abc123def4 (got ${o.orgId})`);
}

/** One compression thread per spare core, at most two: more threads contend on directory locks in the kernel. */
function writerThreads(): number {
  return Math.max(1, Math.min(2, availableParallelism() - 1));
}

export async function generateSampleLake(opts: SampleLakeOptions, onProgress?: (done: number, total: number) => void): Promise<SampleLakeSummary> {
  validate(opts);
  parseEnd(opts.end ?? DEFAULT_END);
  const seed = opts.seed >>> 0;
  await fs.mkdir(opts.out, { recursive: true });

  const org = buildOrg(seed, opts.accounts);
  const writer = new LakeWriter({ out: opts.out, orgId: opts.orgId, level: GZIP_LEVEL, maxInFlight: MAX_IN_FLIGHT, workers: writerThreads() });
  try {
    return await generate(opts, org, writer, onProgress);
  } finally {
    await writer.dispose();
  }
}

async function generate(opts: SampleLakeOptions, org: Org, writer: LakeWriter, onProgress?: (done: number, total: number) => void): Promise<SampleLakeSummary> {
  const end = parseEnd(opts.end ?? DEFAULT_END);
  const start = end - opts.days * 86400;
  const seed = opts.seed >>> 0;
  const accountById = new Map(org.accounts.map((a) => [a.accountId, a]));
  const rng = new Prng(seed, 'events');
  const fileRng = new Prng(seed, 'files');
  const plan = planScenarios(org, start, opts.days);
  const actors: AccountActors[] = org.accounts.map((a) => accountActors(a, new Prng(seed, 'actors:' + a.accountId)));

  // ---- volume plan: per account share x per window weight (people follow the clock, machines do not)
  const windows = opts.days * (86400 / WINDOW);
  const dayFactor = new Float64Array(windows);
  let dSum = 0;
  for (let w = 0; w < windows; w++) {
    dayFactor[w] = diurnal(start + w * WINDOW + WINDOW / 2);
    dSum += dayFactor[w];
  }
  const dMean = dSum / windows;
  for (let w = 0; w < windows; w++) dayFactor[w] /= dMean;
  const rawShare = org.accounts.map((_, i) => 1 / (1 + 0.6 * i));
  const shareSum = rawShare.reduce((a, b) => a + b, 0);
  const background = Math.max(0, opts.events - plan.steps.length);
  // Every window's weight averages to 1 per account, so expected = background * share * weight / windows.
  const perWindow = org.accounts.map((_, i) => (background * rawShare[i]) / shareSum / windows);
  const carry = new Float64Array(org.accounts.length);

  // ---- per-window state
  let buffer = new Map<string, FileBuffer>();
  const pendingDups = new Map<string, PendingDuplicate[]>();
  let window = 0;
  let events = 0;
  let duplicates = 0;
  let first = '';
  let last = '';
  const regionsUsed = new Set<string>();

  const emit = (rec: CtRecord): void => {
    if (!accountById.has(rec.recipientAccountId)) return;
    const json = JSON.stringify(rec);
    const key = rec.recipientAccountId + '|' + rec.awsRegion;
    const t = rec.eventTime;
    let file = buffer.get(key);
    if (!file) buffer.set(key, (file = { records: [], oldest: t, newest: t }));
    file.records.push(json);
    if (t < file.oldest) file.oldest = t;
    if (t > file.newest) file.newest = t;
    events++;
    if (first === '' || rec.eventTime < first) first = rec.eventTime;
    if (rec.eventTime > last) last = rec.eventTime;
    if (rng.chance(DUPLICATE_RATE)) {
      let dups = pendingDups.get(key);
      if (!dups) pendingDups.set(key, (dups = []));
      // >= 3 windows later: the copy's file is always stamped after the original's (delay <= 10 min).
      dups.push({ json, eventTime: t, due: window + rng.range(3, 14) });
    }
  };

  const sessions = new Sessions(rng, emit);
  const consoles = new ConsoleSessions(rng, emit);
  const env: Env = { rng, org, sessions, consoles, emit, floor: start };

  // Digest files (decoys next to the logs), written as their periods close.
  const digests = new Digests(org.accounts, start, opts.days, writer, fileRng);

  // ---- planted steps and quiet intervals
  let stepIndex = 0;
  const quietByAccount = new Map<string, QuietInterval[]>();
  for (const q of plan.quiet) quietByAccount.set(q.accountId, [...(quietByAccount.get(q.accountId) ?? []), q]);
  const isQuiet = (accountId: string, t: number): boolean => (quietByAccount.get(accountId) ?? []).some((q) => t >= q.from && t <= q.to);

  // Each account continues its current actor's burst before picking a new actor.
  const burstActor: Array<Actor | undefined> = org.accounts.map(() => undefined);
  const burstLeft = new Int32Array(org.accounts.length);
  const slotT: number[] = [];
  const slotA: number[] = [];
  for (window = 0; window < windows; window++) {
    const ws = start + window * WINDOW;
    env.floor = ws;

    // Background slots of this window, all accounts, in time order.
    slotT.length = 0;
    slotA.length = 0;
    const quota = new Int32Array(org.accounts.length);
    const produced = new Int32Array(org.accounts.length);
    const order: number[] = [];
    for (let a = 0; a < org.accounts.length; a++) {
      const aa = actors[a];
      carry[a] += perWindow[a] * (aa.humanShare * dayFactor[window] + aa.autoShare);
      const q = Math.floor(carry[a]);
      carry[a] -= q;
      quota[a] = q;
      for (let i = 0; i < q; i++) {
        slotT.push(ws + 1 + rng.int(WINDOW - 1));
        slotA.push(a);
        order.push(order.length);
      }
    }
    order.sort((x, y) => slotT[x] - slotT[y] || x - y);

    const stepsHere: PlantedStep[] = [];
    while (stepIndex < plan.steps.length && plan.steps[stepIndex].t < ws + WINDOW) {
      const s = plan.steps[stepIndex++];
      if (s.t >= start) stepsHere.push(s);
    }

    let si = 0;
    for (const idx of order) {
      const t = slotT[idx];
      while (si < stepsHere.length && stepsHere[si].t <= t) stepsHere[si++].run(env);
      const a = slotA[idx];
      if (produced[a] >= quota[a]) continue;
      const acct = org.accounts[a];
      if (isQuiet(acct.accountId, t)) continue;
      let actor = burstActor[a];
      if (!actor || burstLeft[a] <= 0) {
        const aa = actors[a];
        const h = aa.humanShare * dayFactor[window];
        actor = rng.next() * (h + aa.autoShare) < h ? aa.human.pick(rng) : aa.auto.pick(rng);
        burstActor[a] = actor;
        // Geometric-like length with the actor's mean.
        burstLeft[a] = 1 + Math.floor(-Math.log(1 - rng.next()) * (actor.burst - 1));
      }
      burstLeft[a]--;
      const before = events;
      actor.act(env, t);
      produced[a] += events - before;
    }
    while (si < stepsHere.length) stepsHere[si++].run(env);
    // Sessions and sign-ins issued on demand can overshoot a window's quota: take it from later windows.
    for (let a = 0; a < org.accounts.length; a++) if (produced[a] > quota[a]) carry[a] -= produced[a] - quota[a];

    // Flush: one file per account/region with events, plus due duplicate copies.
    const current = buffer;
    buffer = new Map();
    for (const [key, file] of current) {
      const [account, region] = key.split('|');
      const records = file.records;
      const dups = pendingDups.get(key);
      if (dups && dups.length > 0) {
        const keep: PendingDuplicate[] = [];
        for (const d of dups) {
          if (d.due <= window) {
            records.push(d.json);
            if (d.eventTime < file.oldest) file.oldest = d.eventTime;
            duplicates++;
          } else keep.push(d);
        }
        pendingDups.set(key, keep);
      }
      fileRng.shuffle(records);
      const delivery = ws + WINDOW + fileRng.int(601);
      const fileKey = writer.logKey(account, region, delivery, fileRng.alnum(16));
      const content = '{"Records":[' + records.join(',') + ']}';
      regionsUsed.add(region);
      if (region === 'us-east-1') digests.noteLogFile(account, fileKey, delivery, content, file.oldest, file.newest);
      await writer.write(fileKey, content, false);
    }

    await digests.flushDue(ws + WINDOW);
    if (onProgress) onProgress(events, opts.events);
  }
  await digests.finish();
  await writer.close();
  if (onProgress) onProgress(events, events);

  return {
    files: writer.logFiles,
    events,
    duplicates,
    bytes: writer.logBytes,
    firstEventTime: first,
    lastEventTime: last,
    accounts: org.accounts.map((a) => a.accountId),
    regions: REGIONS.filter((r) => regionsUsed.has(r)),
  };
}
