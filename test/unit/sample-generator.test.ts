/**
 * The sample-lake generator: determinism, the real S3 layout, delivery semantics (late files,
 * duplicates, digests) and the planted scenarios, checked with plain zlib + JSON.parse.
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { PLANTED, PLANTED_SCENARIOS, type SampleLakeSummary, generateSampleLake } from '../../src/lake/sample-generator';

type Obj = Record<string, unknown>;
interface Rec extends Obj {
  eventID: string;
  eventTime: string;
  eventSource: string;
  eventName: string;
  awsRegion: string;
  recipientAccountId: string;
  sourceIPAddress: string;
  userIdentity: Obj;
  requestParameters: Obj | null;
  responseElements: Obj | null;
  additionalEventData?: Obj;
  errorCode?: string;
  errorMessage?: string;
  readOnly: boolean;
  sessionCredentialFromConsole?: string;
}
interface LogFile {
  key: string;
  account: string;
  region: string;
  folderDate: string;
  stamp: number;
  records: Rec[];
  raw: string[];
}

const OPTIONS = { events: 3000, days: 3, accounts: 2, seed: 42, end: '2026-11-01' };
const LOG_RE =
  /^AWSLogs\/(\d{12})\/CloudTrail\/([a-z]{2}-[a-z]+-\d)\/(\d{4})\/(\d{2})\/(\d{2})\/\1_CloudTrail_\2_(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})Z_[A-Za-z0-9]{16}\.json\.gz$/;
const DIGEST_RE =
  /^AWSLogs\/(\d{12})\/CloudTrail-Digest\/([a-z]{2}-[a-z]+-\d)\/(\d{4})\/(\d{2})\/(\d{2})\/\1_CloudTrail-Digest_\2_[\w-]+_\2_(\d{8})T(\d{6})Z\.json\.gz$/;

const get = (o: unknown, ...keys: Array<string | number>): unknown =>
  keys.reduce<unknown>((v, k) => (v !== null && typeof v === 'object' ? (v as Record<string | number, unknown>)[k] : undefined), o);
const sec = (iso: string): number => Date.parse(iso) / 1000;

async function listFiles(root: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    for (const e of await fs.readdir(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) await walk(p);
      else out.push(path.relative(root, p).split(path.sep).join('/'));
    }
  };
  await walk(root);
  return out.sort();
}

let dirA: string;
let dirB: string;
let summary: SampleLakeSummary;
let keys: string[];
let logs: LogFile[];
let all: Rec[];
/** First delivery of each event (by eventID). */
let events: Rec[];
let accountA: string;
let accountB: string;

beforeAll(async () => {
  dirA = await fs.mkdtemp(path.join(os.tmpdir(), 'tg-sample-a-'));
  dirB = await fs.mkdtemp(path.join(os.tmpdir(), 'tg-sample-b-'));
  summary = await generateSampleLake({ ...OPTIONS, out: dirA });
  await generateSampleLake({ ...OPTIONS, out: dirB });
  [accountA, accountB] = summary.accounts;

  keys = await listFiles(dirA);
  logs = [];
  for (const key of keys) {
    const m = LOG_RE.exec(key);
    if (!m) continue;
    const doc = JSON.parse(zlib.gunzipSync(await fs.readFile(path.join(dirA, key))).toString('utf8')) as { Records: Rec[] };
    logs.push({
      key,
      account: m[1],
      region: m[2],
      folderDate: `${m[3]}-${m[4]}-${m[5]}`,
      stamp: Date.UTC(+m[6], +m[7] - 1, +m[8], +m[9], +m[10]) / 1000,
      records: doc.Records,
      raw: doc.Records.map((r) => JSON.stringify(r)),
    });
  }
  logs.sort((a, b) => a.stamp - b.stamp || a.key.localeCompare(b.key));
  all = logs.flatMap((f) => f.records);
  const seen = new Map<string, Rec>();
  for (const r of all) if (!seen.has(r.eventID)) seen.set(r.eventID, r);
  events = [...seen.values()];
}, 60_000);

afterAll(async () => {
  await Promise.all([dirA, dirB].filter(Boolean).map((d) => fs.rm(d, { recursive: true, force: true })));
});

describe('determinism and summary', () => {
  it('produces byte-identical files for the same options', async () => {
    expect(await listFiles(dirB)).toEqual(keys);
    for (const key of keys) {
      const [a, b] = await Promise.all([fs.readFile(path.join(dirA, key)), fs.readFile(path.join(dirB, key))]);
      if (!a.equals(b)) throw new Error(`${key} differs between two runs`);
    }
  });

  it('reports what it wrote', () => {
    expect(summary.files).toBe(logs.length);
    expect(summary.events).toBe(events.length);
    expect(summary.duplicates).toBe(all.length - events.length);
    expect(summary.events).toBeGreaterThan(OPTIONS.events * 0.9);
    expect(summary.events).toBeLessThan(OPTIONS.events * 1.1);
    expect(summary.accounts).toHaveLength(2);
    expect(summary.accounts.every((a) => /^\d{12}$/.test(a))).toBe(true);
    expect(summary.regions).toEqual(['us-east-1', 'eu-west-1', 'us-west-2', 'ap-southeast-2']);
    const times = events.map((r) => r.eventTime).sort();
    expect(summary.firstEventTime).toBe(times[0]);
    expect(summary.lastEventTime).toBe(times[times.length - 1]);
    expect(times[0] >= '2026-10-29T00:00:00Z').toBe(true);
    expect(times[times.length - 1] < '2026-11-01T00:00:00Z').toBe(true);
  });
});

describe('layout', () => {
  it('names every file like a real CloudTrail delivery or digest', () => {
    const strays = keys.filter((k) => !LOG_RE.test(k) && !DIGEST_RE.test(k));
    expect(strays).toEqual([]);
    for (const f of logs) {
      const stampDate = new Date(f.stamp * 1000).toISOString().slice(0, 10);
      expect(stampDate).toBe(f.folderDate);
      expect(summary.accounts).toContain(f.account);
      for (const r of f.records) {
        expect(r.recipientAccountId).toBe(f.account);
        expect(r.awsRegion).toBe(f.region);
      }
    }
  });

  it('gives every record the core fields', () => {
    // Plain checks collected into one assertion: thousands of expect() calls would dominate the test time.
    const bad: string[] = [];
    const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
    for (const r of all) {
      const problems = [
        ...(['eventID', 'eventTime', 'eventSource', 'eventName', 'awsRegion', 'eventVersion', 'eventType', 'recipientAccountId'] as const).filter((f) => typeof r[f] !== 'string'),
        /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/.test(r.eventTime) ? '' : 'eventTime format',
        uuid.test(r.eventID) ? '' : 'eventID format',
        ['1.08', '1.09', '1.10', '1.11'].includes(String(r.eventVersion)) ? '' : 'eventVersion',
        typeof r.userIdentity === 'object' && r.userIdentity !== null ? '' : 'userIdentity',
        ['Management', 'Data'].includes(String(r.eventCategory)) ? '' : 'eventCategory',
        r.managementEvent === (r.eventCategory === 'Management') ? '' : 'managementEvent',
        typeof r.readOnly === 'boolean' ? '' : 'readOnly',
      ].filter(Boolean);
      if (problems.length) bad.push(`${r.eventID}: ${problems.join(', ')}`);
    }
    expect(bad).toEqual([]);
  });

  it('stamps files after their events, within 15 minutes of the window', () => {
    const firstFile = new Map<string, string>();
    for (const f of logs) {
      for (const r of f.records) {
        expect(sec(r.eventTime)).toBeLessThan(f.stamp);
        if (!firstFile.has(r.eventID)) firstFile.set(r.eventID, f.key);
        if (firstFile.get(r.eventID) === f.key) expect(f.stamp - sec(r.eventTime)).toBeLessThanOrEqual(15 * 60);
      }
    }
  });

  it('files some late-evening events in the next day folder', () => {
    const late = logs.filter((f) => f.records.some((r) => r.eventTime.slice(0, 10) < f.folderDate));
    expect(late.length).toBeGreaterThan(0);
  });

  it('does not sort records inside a file', () => {
    const unsorted = logs.filter((f) => f.records.some((r, i) => i > 0 && r.eventTime < f.records[i - 1].eventTime));
    expect(unsorted.length).toBeGreaterThan(0);
  });

  it('re-delivers some events byte-identically in a later file of the same account/region', () => {
    const copies = new Map<string, Array<{ file: LogFile; raw: string }>>();
    for (const f of logs) f.records.forEach((r, i) => copies.set(r.eventID, [...(copies.get(r.eventID) ?? []), { file: f, raw: f.raw[i] }]));
    const dups = [...copies.values()].filter((c) => c.length > 1);
    expect(dups.length).toBeGreaterThan(0);
    for (const [orig, ...rest] of dups) {
      for (const c of rest) {
        expect(c.raw).toBe(orig.raw);
        expect(c.file.account).toBe(orig.file.account);
        expect(c.file.region).toBe(orig.file.region);
        expect(c.file.stamp).toBeGreaterThan(orig.file.stamp);
      }
    }
  });

  it('writes digest files that are not event files', async () => {
    const digests = keys.filter((k) => DIGEST_RE.test(k));
    expect(digests.length).toBe(OPTIONS.days * OPTIONS.accounts);
    for (const key of digests) {
      const doc = JSON.parse(zlib.gunzipSync(await fs.readFile(path.join(dirA, key))).toString('utf8')) as Obj;
      expect(doc.Records).toBeUndefined();
      expect(doc.digestS3Object).toBe(key);
      expect(Array.isArray(doc.logFiles)).toBe(true);
      for (const lf of doc.logFiles as Obj[]) expect(keys).toContain(lf.s3Object);
    }
  });
});

describe('identities and sessions', () => {
  it('issues every assumed-role key in an earlier STS event', () => {
    const issued = new Map<string, number>();
    for (const r of events) {
      if (r.eventName !== 'AssumeRole' && r.eventName !== 'AssumeRoleWithSAML') continue;
      const key = get(r.responseElements, 'credentials', 'accessKeyId');
      if (typeof key === 'string') issued.set(key, Math.min(issued.get(key) ?? Infinity, sec(r.eventTime)));
    }
    const used = events.filter((r) => r.userIdentity.type === 'AssumedRole');
    expect(used.length).toBeGreaterThan(100);
    for (const r of used) {
      const key = r.userIdentity.accessKeyId as string;
      expect(key).toMatch(/^ASIA[A-Z2-7]{16}$/);
      const at = issued.get(key);
      if (at === undefined) throw new Error(`session key ${key} of ${r.eventName} ${r.eventID} was never issued`);
      expect(at).toBeLessThan(sec(r.eventTime));
    }
  });

  it('has the usual identity types and realistic clients', () => {
    const types = new Set(events.map((r) => r.userIdentity.type));
    for (const t of ['IAMUser', 'AssumedRole', 'AWSService', 'Root', 'SAMLUser', 'AWSAccount']) expect(types).toContain(t);
    const arns = new Set(events.map((r) => r.userIdentity.arn).filter((a): a is string => typeof a === 'string'));
    expect([...arns].some((a) => /:assumed-role\/AWSReservedSSO_AdministratorAccess_[0-9a-f]{16}\/[\w.]+@example\.com$/.test(a))).toBe(true);
    expect([...arns].some((a) => /:assumed-role\/app-server-role\/i-0[0-9a-f]{16}$/.test(a))).toBe(true);
    expect(events.some((r) => r.sourceIPAddress.startsWith('2001:db8:'))).toBe(true);
    expect(events.some((r) => String(r.userAgent).startsWith('aws-cli/2.'))).toBe(true);
    expect(events.some((r) => get(r.userIdentity, 'sessionContext', 'sourceIdentity') !== undefined)).toBe(true);
    const errors = events.filter((r) => r.errorCode !== undefined).length / events.length;
    expect(errors).toBeGreaterThan(0.01);
    expect(errors).toBeLessThan(0.08);
    const data = events.filter((r) => r.eventCategory === 'Data');
    expect(data.length).toBeGreaterThan(0);
    for (const r of data) expect((r.resources as Obj[]).map((x) => x.type)).toEqual(['AWS::S3::Bucket', 'AWS::S3::Object']);
    // Global services are recorded in us-east-1.
    for (const r of events) if (['iam.amazonaws.com', 'signin.amazonaws.com'].includes(r.eventSource)) expect(r.awsRegion).toBe('us-east-1');
  });
});

describe('planted scenarios', () => {
  const inA = (): Rec[] => events.filter((r) => r.recipientAccountId === accountA);
  const named = (name: string): Rec[] => events.filter((r) => r.eventName === name);
  const userArn = (acct: string, name: string): string => `arn:aws:iam::${acct}:user/${name}`;

  it('documents every scenario', () => {
    expect(PLANTED_SCENARIOS.length).toBeGreaterThanOrEqual(18);
    expect(new Set(PLANTED_SCENARIOS.map((s) => s.name)).size).toBe(PLANTED_SCENARIOS.length);
  });

  it('trail-tampering: StopLogging, silence, StartLogging, UpdateTrail, PutEventSelectors', () => {
    const stop = named('StopLogging');
    const start = named('StartLogging');
    expect(stop).toHaveLength(1);
    expect(start).toHaveLength(1);
    expect(stop[0].userIdentity.arn).toBe(userArn(accountA, PLANTED.trailTamperer));
    expect(start[0].eventTime > stop[0].eventTime).toBe(true);
    const gap = inA().filter((r) => r.eventTime > stop[0].eventTime && r.eventTime < start[0].eventTime);
    expect(gap).toEqual([]);
    expect(named('UpdateTrail')).toHaveLength(1);
    expect(get(named('PutEventSelectors')[0].requestParameters, 'eventSelectors', 0, 'readWriteType')).toBe('WriteOnly');
  });

  it('guardduty-disabled and kms-key-deletion', () => {
    expect(named('DeleteDetector').map((r) => r.userIdentity.arn)).toEqual([userArn(accountA, PLANTED.trailTamperer)]);
    const del = named('ScheduleKeyDeletion');
    expect(del).toHaveLength(1);
    expect(get(del[0].requestParameters, 'pendingWindowInDays')).toBe(7);
  });

  it('security-group-open-to-world (IPv4 and IPv6)', () => {
    const ingress = named('AuthorizeSecurityGroupIngress');
    const v4 = ingress.filter((r) => get(r.requestParameters, 'ipPermissions', 'items', 0, 'ipRanges', 'items', 0, 'cidrIp') === '0.0.0.0/0');
    const v6 = ingress.filter((r) => get(r.requestParameters, 'ipPermissions', 'items', 0, 'ipv6Ranges', 'items', 0, 'cidrIpv6') === '::/0');
    expect(v4).toHaveLength(1);
    expect(v6).toHaveLength(1);
    expect(v4[0].userIdentity.arn).toBe(userArn(accountA, PLANTED.securityGroupOpener));
  });

  it('s3-public-exposure and snapshot-shared-externally', () => {
    expect(named('PutBucketPublicAccessBlock')).toHaveLength(1);
    expect(named('DeleteBucketPublicAccessBlock')).toHaveLength(1);
    const acl = named('PutBucketAcl');
    expect(acl).toHaveLength(1);
    expect(JSON.stringify(acl[0].requestParameters)).toContain('http://acs.amazonaws.com/groups/global/AllUsers');
    const share = named('ModifySnapshotAttribute');
    expect(share).toHaveLength(1);
    const target = get(share[0].requestParameters, 'createVolumePermission', 'add', 'items', 0, 'userId');
    expect(target).toMatch(/^\d{12}$/);
    expect(summary.accounts).not.toContain(target);
  });

  it('console-login-without-mfa', () => {
    const logins = named('ConsoleLogin');
    const noMfa = logins.filter((r) => get(r.responseElements, 'ConsoleLogin') === 'Success' && get(r.additionalEventData, 'MFAUsed') === 'No');
    expect(noMfa).toHaveLength(1);
    expect(noMfa[0].userIdentity.userName).toBe(PLANTED.noMfaUser);
    for (const r of logins) expect(r.eventType).toBe('AwsConsoleSignIn');
  });

  it('console-password-spray', () => {
    const failed = named('ConsoleLogin').filter((r) => get(r.responseElements, 'ConsoleLogin') === 'Failure');
    for (const r of failed) {
      expect(r.errorCode).toBeUndefined();
      expect(r.errorMessage).toBe('Failed authentication');
    }
    const spray = failed.filter((r) => r.sourceIPAddress === PLANTED.sprayIp);
    expect(spray).toHaveLength(PLANTED.sprayAttempts);
    expect(new Set(spray.map((r) => r.userIdentity.userName)).size).toBeGreaterThanOrEqual(5);
    const times = spray.map((r) => sec(r.eventTime)).sort((a, b) => a - b);
    expect(times[times.length - 1] - times[0]).toBeLessThan(600);
  });

  it('root-activity', () => {
    const root = events.filter((r) => r.userIdentity.type === 'Root');
    expect(root.some((r) => r.eventName === 'ConsoleLogin')).toBe(true);
    expect(root.some((r) => r.eventName !== 'ConsoleLogin')).toBe(true);
  });

  it('role-chain: user -> JumpRole -> PlatformAdminRole -> ProdDataRole, joined by access key', () => {
    const issuedBy = new Map<string, Rec>();
    for (const r of named('AssumeRole')) issuedBy.set(get(r.responseElements, 'credentials', 'accessKeyId') as string, r);
    const work = events.find((r) => r.eventName === 'GetObject' && String(r.userIdentity.arn).includes(':assumed-role/ProdDataRole/'));
    expect(work).toBeDefined();
    const chain: string[] = [];
    let identity = (work as Rec).userIdentity;
    while (identity.type === 'AssumedRole') {
      const issue = issuedBy.get(identity.accessKeyId as string) as Rec;
      chain.unshift(get(issue.requestParameters, 'roleArn') as string);
      identity = issue.userIdentity;
    }
    expect(identity.arn).toBe(userArn(accountA, PLANTED.chainUser));
    expect(chain.map((a) => a.split('/').pop())).toEqual([...PLANTED.chainRoles]);
  });

  it('access-denied-burst: one principal, > 20 AccessDenied in one hour', () => {
    const perHour = new Map<string, number>();
    for (const r of events) {
      if (r.errorCode !== 'AccessDenied') continue;
      const k = `${String(r.userIdentity.arn)}|${r.eventTime.slice(0, 13)}`;
      perHour.set(k, (perHour.get(k) ?? 0) + 1);
    }
    const bursts = [...perHour].filter(([, n]) => n > 20);
    expect(bursts.map(([k]) => k.split('|')[0])).toEqual([userArn(accountA, PLANTED.deniedPrincipal)]);
  });

  it('first-seen-source-ip on the last day', () => {
    const arn = userArn(accountA, PLANTED.newIpUser);
    const mine = events.filter((r) => r.userIdentity.arn === arn);
    const lastDay = '2026-10-31';
    const before = new Set(mine.filter((r) => r.eventTime < lastDay).map((r) => r.sourceIPAddress));
    const onLastDay = new Set(mine.filter((r) => r.eventTime >= lastDay).map((r) => r.sourceIPAddress));
    expect(before.size).toBeGreaterThan(0);
    expect(before.has(PLANTED.newIp)).toBe(false);
    expect(onLastDay.has(PLANTED.newIp)).toBe(true);
  });

  it('access-key-for-other-user and admin-policy-attached', () => {
    const keysForOthers = named('CreateAccessKey').filter((r) => get(r.requestParameters, 'userName') !== r.userIdentity.userName);
    expect(keysForOthers).toHaveLength(1);
    expect(keysForOthers[0].userIdentity.userName).toBe(PLANTED.keyCreator);
    expect(get(keysForOthers[0].requestParameters, 'userName')).toBe(PLANTED.keyTargetUser);
    const admin = named('AttachUserPolicy').filter((r) => get(r.requestParameters, 'policyArn') === PLANTED.adminPolicyArn);
    expect(admin).toHaveLength(1);
  });

  it('cross-account-access', () => {
    const cross = events.filter((r) => typeof r.userIdentity.accountId === 'string' && r.userIdentity.accountId !== r.recipientAccountId);
    expect(cross.length).toBeGreaterThanOrEqual(2);
    expect(cross.every((r) => r.recipientAccountId === accountB && r.userIdentity.accountId === accountA)).toBe(true);
    const assume = named('AssumeRole').filter((r) => String(get(r.requestParameters, 'roleArn')).endsWith(`:role/${PLANTED.crossAccountRole}`));
    // One copy per account, tied together by sharedEventID.
    expect(assume.map((r) => r.recipientAccountId).sort()).toEqual([accountA, accountB].sort());
    expect(new Set(assume.map((r) => r.sharedEventID)).size).toBe(1);
  });

  it('ec2-role-credentials-exfiltrated: instance-role session from a non-AWS address', () => {
    const outside = events.filter((r) => get(r.userIdentity, 'sessionContext', 'sessionIssuer', 'userName') === PLANTED.ec2Role && r.sourceIPAddress === PLANTED.ec2ThiefIp);
    expect(outside.length).toBeGreaterThanOrEqual(5);
    expect(new Set(outside.map((r) => r.userIdentity.arn)).size).toBe(1);
    // The same session is also used legitimately from the instance.
    const key = outside[0].userIdentity.accessKeyId;
    expect(events.some((r) => r.userIdentity.accessKeyId === key && r.sourceIPAddress !== PLANTED.ec2ThiefIp)).toBe(true);
  });

  it('console-clickops through Identity Center', () => {
    const ops = events.filter(
      (r) =>
        r.sessionCredentialFromConsole === 'true' &&
        r.readOnly === false &&
        String(r.userIdentity.arn).includes('AWSReservedSSO_AdministratorAccess_') &&
        String(r.userIdentity.arn).endsWith('/' + PLANTED.clickOpsUser),
    );
    expect(ops.map((r) => r.eventName)).toEqual(expect.arrayContaining(['CreateSecurityGroup', 'RunInstances', 'PutBucketPolicy', 'CreateRole']));
  });

  it('unusual-region: only one non-service principal in ap-southeast-2', () => {
    const there = events.filter((r) => r.awsRegion === PLANTED.unusualRegion && r.userIdentity.type !== 'AWSService' && r.userIdentity.invokedBy === undefined);
    expect(there.length).toBeGreaterThanOrEqual(5);
    expect(new Set(there.map((r) => r.userIdentity.arn))).toEqual(new Set([userArn(accountA, PLANTED.unusualRegionUser)]));
    expect(new Set(there.map((r) => r.sourceIPAddress))).toEqual(new Set([PLANTED.unusualRegionIp]));
  });
});
