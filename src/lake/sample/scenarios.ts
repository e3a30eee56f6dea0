/**
 * Security scenarios planted at deterministic positions in every sample lake, so tests and
 * baselines have known answers. Routine activity never produces the planted event names
 * (StopLogging, CreateAccessKey, ...) nor the planted addresses, so a plain predicate finds them.
 *
 * Positions: scenario `at(frac, hh, mm)` happens on day floor(frac * days) of the span (clamped to
 * the span) at hh:mm UTC; the first-seen-IP scenario is always on the last day.
 */
import { ACTIONS, RARE, bucketArn, ingressRule, objectCall, runInstances, s3Extra, s3Host } from './catalog';
import { ec2SessionSpec, ssoConsoleSession, type Env } from './activity';
import { type AccountIdentities, type IamUser, type Org, UA } from './identities';
import { type ActionCtx, type ActionDef, type ActionOut, type Caller, type ErrorKind, type JsonObject, type UserAgent, apiCall, javaDate } from './records';
import { type RoleSession, type SessionSpec, consoleLogin, consoleSessionIdentity, failedLoginIdentity, loginIdentity, sessionCaller } from './sessions';

export interface PlantedScenario {
  name: string;
  description: string;
}

/**
 * Fixed values the scenarios use. Everything happens in summary.accounts[0] (cross-account target:
 * accounts[1], or accounts[0] itself when there is one account); account ids, key ids and the
 * people's usual IPs derive from the seed.
 */
export const PLANTED = {
  trailTamperer: 'dave.okafor',
  securityGroupOpener: 'frank.li',
  noMfaUser: 'erin.smith',
  sprayIp: '185.220.101.47',
  sprayUserNames: ['alice.chen', 'bob.martin', 'carol.diaz', 'dave.okafor', 'admin', 'administrator'],
  sprayAttempts: 12,
  chainUser: 'carol.diaz',
  chainRoles: ['JumpRole', 'PlatformAdminRole', 'ProdDataRole'],
  chainSessionNames: ['carol.diaz', 'platform-admin', 'prod-data-export'],
  deniedPrincipal: 'backup-agent',
  deniedCount: 25,
  newIpUser: 'alice.chen',
  newIp: '102.129.152.62',
  keyCreator: 'bob.martin',
  keyTargetUser: 'ci-deployer',
  adminPolicyArn: 'arn:aws:iam::aws:policy/AdministratorAccess',
  crossAccountUser: 'erin.smith',
  crossAccountExternalUser: 'vendor-auditor',
  crossAccountRole: 'CrossAccountReadRole',
  ec2ThiefIp: '45.137.21.9',
  ec2Role: 'app-server-role',
  clickOpsUser: 'alice.chen@example.com',
  unusualRegion: 'ap-southeast-2',
  unusualRegionUser: 'ci-deployer',
  unusualRegionIp: '5.188.206.14',
} as const;

export const PLANTED_SCENARIOS: readonly PlantedScenario[] = [
  { name: 'trail-tampering', description: 'dave.okafor (IAM user, CLI) runs cloudtrail StopLogging on trail management-events, StartLogging 27 min later (no other events of accounts[0] in between), then UpdateTrail (isMultiRegionTrail/includeGlobalServiceEvents false) and PutEventSelectors (WriteOnly, excludes kms); day 0.25 from 13:40' },
  { name: 'guardduty-disabled', description: 'dave.okafor deletes the us-east-1 GuardDuty detector (guardduty DeleteDetector), 40 min after StopLogging' },
  { name: 'kms-key-deletion', description: 'dave.okafor kms ScheduleKeyDeletion (7 days) on the first us-east-1 key, 48 min after StopLogging' },
  { name: 'security-group-open-to-world', description: 'frank.li ec2 AuthorizeSecurityGroupIngress in eu-west-1: tcp/22 from 0.0.0.0/0 (ipRanges) then tcp/3389 from ::/0 (ipv6Ranges); day 0.35 14:10' },
  { name: 's3-public-exposure', description: 'frank.li PutBucketPublicAccessBlock (all false), DeleteBucketPublicAccessBlock and PutBucketAcl granting READ to AllUsers on the <org>-<env>-public-assets-<sfx> bucket (eu-west-1); day 0.35 14:30' },
  { name: 'snapshot-shared-externally', description: 'frank.li ec2 ModifySnapshotAttribute adds createVolumePermission for an account outside the lake; day 0.35 15:02' },
  { name: 'console-login-without-mfa', description: 'erin.smith ConsoleLogin Success with additionalEventData.MFAUsed "No" (the only successful IAM-user login without MFA), then console reads; day 0.45 09:12' },
  { name: 'console-password-spray', description: '12 failed ConsoleLogin (errorMessage "Failed authentication", no errorCode) from 185.220.101.47 within 4 minutes against alice.chen, bob.martin, carol.diaz, dave.okafor and two unknown names (userName HIDDEN_DUE_TO_SECURITY_REASONS); day 0.4 03:17' },
  { name: 'root-activity', description: 'root ConsoleLogin (MFA) from dave.okafor\'s office IP, then root console calls GetAccountSummary, ListBuckets, UpdateAccountPasswordPolicy; day 0.7 10:05' },
  { name: 'role-chain', description: 'carol.diaz (IAM user) AssumeRole JumpRole (session carol.diaz) -> that session AssumeRole PlatformAdminRole (platform-admin) -> that session AssumeRole ProdDataRole (prod-data-export) -> ProdDataRole session ListBuckets, 6x GetObject on the data-lake bucket, kms Decrypt; day 0.5 15:20' },
  { name: 'access-denied-burst', description: 'backup-agent (IAM user) gets 25 AccessDenied (iam/s3 enumeration) between 02:05 and 02:44 of day 0.3' },
  { name: 'first-seen-source-ip', description: 'alice.chen\'s long-term key used from 102.129.152.62 (never seen before) with a new CLI user agent on the last day of the span, 10:30' },
  { name: 'access-key-for-other-user', description: 'bob.martin iam CreateAccessKey with requestParameters.userName ci-deployer; day 0.6 16:45' },
  { name: 'admin-policy-attached', description: 'bob.martin iam AttachUserPolicy arn:aws:iam::aws:policy/AdministratorAccess to ci-deployer, 3 min after the new key' },
  { name: 'cross-account-access', description: 'erin.smith of accounts[0] (or vendor-auditor of an external account when there is one account) AssumeRole CrossAccountReadRole in accounts[1] (target sees userIdentity type AWSAccount; the caller\'s account gets its own copy with the same sharedEventID), the session reads S3, and a direct cross-account S3 GetObject; day 0.55 11:00' },
  { name: 'ec2-role-credentials-exfiltrated', description: 'the app-server-role session of accounts[0]\'s first us-east-1 instance (session name = instance id) used from 45.137.21.9 (not an AWS address): GetCallerIdentity, ListBuckets, ListRoles (denied), GetObject, ListSecrets, GetSecretValue (denied); day 0.65 16:00' },
  { name: 'console-clickops', description: 'alice.chen@example.com via AWSReservedSSO_AdministratorAccess_<hex> in the console (sessionCredentialFromConsole "true") creates a security group, opens it to 10.0.0.0/8, launches an instance, puts a bucket policy and creates a role; day 0.15 11:20' },
  { name: 'unusual-region', description: 'ci-deployer\'s long-term key used from 5.188.206.14 in ap-southeast-2 (where otherwise only the AWS Config service role acts): GetCallerIdentity, DescribeRegions, DescribeInstances, DescribeSecurityGroups, ImportKeyPair, CreateSecurityGroup, 2x RunInstances (c5.4xlarge); day 0.85 03:00' },
];

export interface PlantedStep {
  t: number;
  run: (env: Env) => void;
}

/** Intervals without routine events for an account (the trail was stopped). */
export interface QuietInterval {
  accountId: string;
  from: number;
  to: number;
}

export interface ScenarioPlan {
  steps: PlantedStep[];
  quiet: QuietInterval[];
}

function userCaller(user: IamUser, ip: string, ua: UserAgent): Caller {
  return { identity: user.identity, arn: user.arn, accountId: user.accountId, ip, ua };
}

export function planScenarios(org: Org, start: number, days: number): ScenarioPlan {
  const steps: PlantedStep[] = [];
  const quiet: QuietInterval[] = [];
  const A = org.accounts[0];
  const people = org.people;
  const at = (frac: number, hh: number, mm: number, ss = 0): number => {
    const day = Math.min(days - 1, Math.max(0, Math.floor(frac * days)));
    return start + day * 86400 + hh * 3600 + mm * 60 + ss;
  };
  const step = (t: number, run: (env: Env) => void): void => {
    steps.push({ t, run });
  };
  /** One API call by `caller` against account A (or `recipient`). */
  const callAt = (
    t: number,
    caller: () => Caller,
    action: ActionDef,
    region: string,
    out?: (c: ActionCtx) => ActionOut,
    error: ErrorKind | 'none' = 'none',
    recipient: AccountIdentities = A,
  ): void =>
    step(t, (env) => env.emit(apiCall(env.rng, caller(), action, A, region, t, { error, out, recipient })));

  const user = (name: string): IamUser => A.users[name];
  const cliOf = (name: string, ipIndex = 0): (() => Caller) => {
    const u = user(name);
    const p = people[name];
    return () => userCaller(u, p.ips[ipIndex], p.cli);
  };

  // --- trail tampering, GuardDuty, KMS (dave.okafor)
  {
    const t0 = at(0.25, 13, 40);
    const dave = cliOf('dave.okafor');
    const trail = A.resources.trailArn;
    callAt(t0, dave, RARE.StopLogging, 'us-east-1', () => ({ req: { name: trail }, resp: null }));
    quiet.push({ accountId: A.accountId, from: t0 + 1, to: t0 + 27 * 60 });
    callAt(t0 + 27 * 60, dave, RARE.StartLogging, 'us-east-1', () => ({ req: { name: trail }, resp: null }));
    callAt(t0 + 29 * 60, dave, RARE.UpdateTrail, 'us-east-1', () => ({
      req: { name: trail, includeGlobalServiceEvents: false, isMultiRegionTrail: false },
      resp: {
        name: A.resources.trailName,
        s3BucketName: A.resources.trailBucket.name,
        includeGlobalServiceEvents: false,
        isMultiRegionTrail: false,
        trailARN: trail,
        logFileValidationEnabled: true,
        isOrganizationTrail: false,
      },
    }));
    const selectors: JsonObject[] = [
      { readWriteType: 'WriteOnly', includeManagementEvents: true, dataResources: [], excludeManagementEventSources: ['kms.amazonaws.com'] },
    ];
    callAt(t0 + 31 * 60, dave, RARE.PutEventSelectors, 'us-east-1', () => ({
      req: { trailName: trail, eventSelectors: selectors },
      resp: { trailARN: trail, eventSelectors: selectors },
    }));
    const detector = A.resources.detectorByRegion['us-east-1'];
    callAt(t0 + 40 * 60, dave, RARE.DeleteDetector, 'us-east-1', () => ({ req: { detectorId: detector }, resp: null }));
    const keyArn = `arn:aws:kms:us-east-1:${A.accountId}:key/${A.resources.kmsKeysByRegion['us-east-1'][0]}`;
    callAt(t0 + 48 * 60, dave, RARE.ScheduleKeyDeletion, 'us-east-1', (c) => ({
      req: { keyId: keyArn, pendingWindowInDays: 7 },
      resp: { keyId: keyArn, deletionDate: javaDate(c.t + 7 * 86400), keyState: 'PendingDeletion', pendingWindowInDays: 7 },
      resources: [{ accountId: A.accountId, type: 'AWS::KMS::Key', ARN: keyArn }],
    }));
  }

  // --- security group open to the world, S3 exposure, snapshot sharing (frank.li)
  {
    const frank = cliOf('frank.li');
    const t0 = at(0.35, 14, 10);
    const group = A.resources.securityGroupsByRegion['eu-west-1'][1];
    callAt(t0, frank, ACTIONS.AuthorizeSecurityGroupIngress, 'eu-west-1', (c) => ingressRule(c, group, 22, '0.0.0.0/0', false));
    callAt(t0 + 120, frank, ACTIONS.AuthorizeSecurityGroupIngress, 'eu-west-1', (c) => ingressRule(c, group, 3389, '::/0', true));

    const b = A.resources.publicAssetsBucket;
    const bucketOut = (req: JsonObject) => (c: ActionCtx): ActionOut => ({
      req: { ...req, bucketName: b.name, Host: s3Host(b) },
      resp: null,
      extra: s3Extra(c.rng, 0, 0),
      resources: [{ accountId: A.accountId, type: 'AWS::S3::Bucket', ARN: bucketArn(b) }],
      host: s3Host(b),
    });
    const xmlns = 'http://s3.amazonaws.com/doc/2006-03-01/';
    callAt(at(0.35, 14, 30), frank, RARE.PutBucketPublicAccessBlock, b.region, bucketOut({
      publicAccessBlock: '',
      PublicAccessBlockConfiguration: { xmlns, BlockPublicAcls: false, IgnorePublicAcls: false, BlockPublicPolicy: false, RestrictPublicBuckets: false },
    }));
    callAt(at(0.35, 14, 31), frank, RARE.DeleteBucketPublicAccessBlock, b.region, bucketOut({ publicAccessBlock: '' }));
    const owner = 'a'.repeat(8) + A.accountId.padEnd(56, '0');
    const xsi = 'http://www.w3.org/2001/XMLSchema-instance';
    callAt(at(0.35, 14, 33), frank, RARE.PutBucketAcl, b.region, bucketOut({
      acl: '',
      AccessControlPolicy: {
        AccessControlList: {
          Grant: [
            { Grantee: { 'xsi:type': 'CanonicalUser', ID: owner, 'xmlns:xsi': xsi }, Permission: 'FULL_CONTROL' },
            { Grantee: { 'xsi:type': 'Group', URI: 'http://acs.amazonaws.com/groups/global/AllUsers', 'xmlns:xsi': xsi }, Permission: 'READ' },
          ],
        },
        Owner: { ID: owner },
        xmlns,
      },
    }));

    const snap = A.resources.snapshotsByRegion['us-east-1'][0];
    callAt(at(0.35, 15, 2), frank, RARE.ModifySnapshotAttribute, 'us-east-1', (c) => ({
      req: { snapshotId: snap, createVolumePermission: { add: { items: [{ userId: org.externalAccountId }] } }, attributeType: 'CREATE_VOLUME_PERMISSION' },
      resp: { requestId: c.requestID, _return: true },
    }));
  }

  // --- console login without MFA (erin.smith)
  {
    const erin = user('erin.smith');
    const p = people['erin.smith'];
    const t0 = at(0.45, 9, 12);
    step(t0, (env) =>
      env.emit(consoleLogin(env.rng, { accountId: A.accountId, t: t0, ip: p.ips[0], browser: p.browser.base, identity: loginIdentity(erin), success: true, mfa: false })),
    );
    let identity: JsonObject | undefined;
    const caller = (): Caller => ({ identity: identity as JsonObject, arn: erin.arn, accountId: A.accountId, ip: p.ips[0], ua: p.browser, console: true });
    step(t0 + 1, (env) => {
      identity = consoleSessionIdentity(erin, 'ASIA' + A.tag + env.rng.keyChars(8), t0, false);
    });
    [20, 45, 80].forEach((d, i) => callAt(t0 + d, caller, [ACTIONS.DescribeInstances, ACTIONS.ListBuckets, ACTIONS.GetMetricData][i], 'us-east-1'));
  }

  // --- password spray against the console
  {
    const t0 = at(0.4, 3, 17);
    for (let i = 0; i < PLANTED.sprayAttempts; i++) {
      const name = PLANTED.sprayUserNames[i % PLANTED.sprayUserNames.length];
      const t = t0 + i * 19 + (i % 3);
      step(t, (env) =>
        env.emit(consoleLogin(env.rng, {
          accountId: A.accountId,
          t,
          ip: PLANTED.sprayIp,
          browser: UA.attackerBrowser.base,
          identity: failedLoginIdentity(A.accountId, A.users[name]),
          success: false,
          mfa: false,
        })),
      );
    }
  }

  // --- root sign-in and root API calls
  {
    const t0 = at(0.7, 10, 5);
    const dave = people['dave.okafor'];
    const rootLogin: JsonObject = { type: 'Root', principalId: A.accountId, arn: A.rootArn, accountId: A.accountId, accessKeyId: '' };
    step(t0, (env) =>
      env.emit(consoleLogin(env.rng, {
        accountId: A.accountId,
        t: t0,
        ip: dave.ips[0],
        browser: dave.browser.base,
        identity: rootLogin,
        success: true,
        mfa: true,
        mfaArn: `arn:aws:iam::${A.accountId}:mfa/root-account-mfa-device`,
        root: true,
      })),
    );
    let identity: JsonObject | undefined;
    step(t0 + 1, (env) => {
      identity = {
        type: 'Root',
        principalId: A.accountId,
        arn: A.rootArn,
        accountId: A.accountId,
        accessKeyId: 'ASIA' + A.tag + env.rng.keyChars(8),
        sessionContext: { sessionIssuer: {}, webIdFederationData: {}, attributes: { creationDate: new Date(t0 * 1000).toISOString().slice(0, 19) + 'Z', mfaAuthenticated: 'true' } },
      };
    });
    const root = (): Caller => ({ identity: identity as JsonObject, arn: A.rootArn, accountId: A.accountId, ip: dave.ips[0], ua: dave.browser, console: true });
    callAt(t0 + 60, root, ACTIONS.GetAccountSummary, 'us-east-1');
    callAt(t0 + 120, root, ACTIONS.ListBuckets, 'us-east-1');
    callAt(t0 + 240, root, RARE.UpdateAccountPasswordPolicy, 'us-east-1', () => ({
      req: { minimumPasswordLength: 14, requireSymbols: true, requireNumbers: true, requireUppercaseCharacters: true, requireLowercaseCharacters: true, allowUsersToChangePassword: true, maxPasswordAge: 90, passwordReusePrevention: 24 },
      resp: null,
    }));
  }

  // --- three-step role chain (carol.diaz)
  {
    const t0 = at(0.5, 15, 20);
    const carol = user('carol.diaz');
    const p = people['carol.diaz'];
    const ip = p.ips[1];
    const spec = (role: AccountIdentities['roles']['jump'], name: string): SessionSpec => ({
      key: `chain:${role.name}`,
      acct: A,
      role,
      sessionName: name,
      mfa: false,
      regional: false,
      durationSeconds: 3600,
    });
    const [jumpName, adminName, dataName] = PLANTED.chainSessionNames;
    let jump: RoleSession | undefined;
    let admin: RoleSession | undefined;
    let data: RoleSession | undefined;
    step(t0, (env) => {
      jump = env.sessions.issue(spec(A.roles.jump, jumpName), { kind: 'user', user: carol, ip, ua: p.cli }, t0, 'us-east-1');
    });
    step(t0 + 35, (env) => {
      admin = env.sessions.issue(spec(A.roles.platformAdmin, adminName), { kind: 'session', session: jump as RoleSession, ip, ua: p.cli }, t0 + 35, 'us-east-1');
    });
    step(t0 + 70, (env) => {
      data = env.sessions.issue(spec(A.roles.prodData, dataName), { kind: 'session', session: admin as RoleSession, ip, ua: p.cli }, t0 + 70, 'us-east-1');
    });
    const dataCaller = (): Caller => sessionCaller(data as RoleSession, ip, p.cli);
    callAt(t0 + 100, dataCaller, ACTIONS.ListBuckets, 'us-east-1');
    const lake = A.resources.prodDataBucket;
    for (let i = 0; i < 6; i++) {
      callAt(t0 + 120 + i * 30, dataCaller, ACTIONS.GetObject, lake.region, (c) => objectCall(c, lake, lake.keys[i], 0, c.rng.range(5_000_000, 90_000_000)));
    }
    callAt(t0 + 320, dataCaller, ACTIONS.Decrypt, lake.region);
  }

  // --- access-denied burst (backup-agent)
  {
    const t0 = at(0.3, 2, 5);
    const u = user('backup-agent');
    const caller = (): Caller => userCaller(u, A.datacenterIp, UA.backupBoto3);
    const probes = [
      ACTIONS.ListUsers, ACTIONS.ListRoles, ACTIONS.ListPolicies, ACTIONS.GetAccountAuthorizationDetails, ACTIONS.ListGroups,
      ACTIONS.ListAccessKeys, ACTIONS.GetUser, ACTIONS.ListAttachedUserPolicies, ACTIONS.GetBucketPolicy, ACTIONS.GetBucketAcl,
    ];
    for (let i = 0; i < PLANTED.deniedCount; i++) {
      const action = probes[i % probes.length];
      callAt(t0 + i * 96, caller, action, 'us-west-2', undefined, 'denied');
    }
  }

  // --- first-seen source IP for alice.chen (last day)
  {
    const t0 = at(1, 10, 30);
    const alice = user('alice.chen');
    const caller = (): Caller => userCaller(alice, PLANTED.newIp, UA.attackerCli);
    const app = A.resources.buckets[0];
    callAt(t0, caller, ACTIONS.GetCallerIdentity, 'us-east-1');
    callAt(t0 + 30, caller, ACTIONS.ListBuckets, 'us-east-1');
    callAt(t0 + 55, caller, ACTIONS.DescribeInstances, 'us-east-1');
    callAt(t0 + 90, caller, ACTIONS.GetObject, app.region, (c) => objectCall(c, app, app.keys[0], 0, 48_213));
    callAt(t0 + 95, caller, ACTIONS.GetObject, app.region, (c) => objectCall(c, app, app.keys[1], 0, 1_204_551));
    callAt(t0 + 140, caller, ACTIONS.ListUsers, 'us-east-1');
  }

  // --- new access key for another user + AdministratorAccess (bob.martin)
  {
    const t0 = at(0.6, 16, 45);
    const bob = cliOf('bob.martin');
    callAt(t0, bob, RARE.CreateAccessKey, 'us-east-1', (c) => ({
      req: { userName: PLANTED.keyTargetUser },
      resp: { accessKey: { accessKeyId: 'AKIA' + A.tag + c.rng.keyChars(8), status: 'Active', userName: PLANTED.keyTargetUser, createDate: javaDate(c.t) } },
      resourceArn: `arn:aws:iam::${A.accountId}:user/${PLANTED.keyTargetUser}`,
    }));
    callAt(t0 + 180, bob, RARE.AttachUserPolicy, 'us-east-1', () => ({ req: { userName: PLANTED.keyTargetUser, policyArn: PLANTED.adminPolicyArn }, resp: null }));
  }

  // --- cross-account access
  {
    const t0 = at(0.55, 11, 0);
    const target = org.accounts.length > 1 ? org.accounts[1] : A;
    const inLake = org.accounts.length > 1;
    const p = people['erin.smith'];
    const caller: IamUser = inLake
      ? A.users['erin.smith']
      : (() => {
          const acct = org.externalAccountId;
          const arn = `arn:aws:iam::${acct}:user/${PLANTED.crossAccountExternalUser}`;
          const principalId = 'AIDA' + A.tag.split('').reverse().join('') + 'VNDR7Q2ZK';
          const accessKeyId = 'AKIA' + A.tag.split('').reverse().join('') + 'VNDRK3Y2';
          return {
            name: PLANTED.crossAccountExternalUser,
            arn,
            principalId,
            accessKeyId,
            accountId: acct,
            identity: { type: 'IAMUser', principalId, arn, accountId: acct, accessKeyId, userName: PLANTED.crossAccountExternalUser },
          };
        })();
    const ip = p.ips[0];
    let session: RoleSession | undefined;
    step(t0, (env) => {
      session = env.sessions.issue(
        { key: 'cross-account', acct: target, role: target.roles.crossAccountRead, sessionName: caller.name, mfa: false, regional: false, durationSeconds: 3600 },
        { kind: 'user', user: caller, ip, ua: p.cli, callerAccount: inLake ? A : undefined },
        t0,
        'us-east-1',
      );
    });
    const roleCaller = (): Caller => sessionCaller(session as RoleSession, ip, p.cli);
    const bucket = target.resources.buckets[0];
    step(t0 + 40, (env) => env.emit(apiCall(env.rng, roleCaller(), ACTIONS.ListBuckets, target, 'us-east-1', t0 + 40, { error: 'none' })));
    [60, 75].forEach((d, i) =>
      step(t0 + d, (env) =>
        env.emit(apiCall(env.rng, roleCaller(), ACTIONS.GetObject, target, bucket.region, t0 + d, { error: 'none', out: (c) => objectCall(c, bucket, bucket.keys[i], 0, 73_000 + i) })),
      ),
    );
    const direct: Caller = {
      identity: { type: 'AWSAccount', principalId: caller.principalId, accountId: caller.accountId },
      arn: caller.arn,
      accountId: caller.accountId,
      ip,
      ua: p.cli,
    };
    step(t0 + 120, (env) =>
      env.emit(apiCall(env.rng, direct, ACTIONS.GetObject, target, bucket.region, t0 + 120, { error: 'none', out: (c) => objectCall(c, bucket, bucket.keys[2], 0, 912_004) })),
    );
  }

  // --- EC2 instance-role credentials used from outside AWS
  {
    const t0 = at(0.65, 16, 0);
    const inst = A.resources.instancesByRegion['us-east-1'][0];
    const spec = ec2SessionSpec(A, inst.id);
    let session: RoleSession | undefined;
    step(t0 - 1, (env) => {
      session = env.sessions.acquire(spec, () => ({ kind: 'service', service: 'ec2.amazonaws.com' }), t0, inst.region, env.floor, 200);
    });
    // The instance keeps using the same credentials (SSM agent ping), so the key is seen from both places.
    callAt(t0 + 2, () => sessionCaller(session as RoleSession, inst.publicIp, UA.ssmAgent), ACTIONS.UpdateInstanceInformation, inst.region);
    const thief = (): Caller => sessionCaller(session as RoleSession, PLANTED.ec2ThiefIp, UA.attackerCli);
    const app = A.resources.buckets[0];
    const plan: Array<[number, ActionDef, ErrorKind | 'none', ((c: ActionCtx) => ActionOut) | undefined]> = [
      [10, ACTIONS.GetCallerIdentity, 'none', undefined],
      [40, ACTIONS.ListBuckets, 'none', undefined],
      [70, ACTIONS.ListRoles, 'denied', undefined],
      [95, ACTIONS.GetObject, 'none', (c) => objectCall(c, app, app.keys[3], 0, 2_048_331)],
      [130, ACTIONS.ListSecrets, 'none', undefined],
      [150, ACTIONS.GetSecretValue, 'denied', undefined],
    ];
    for (const [d, action, error, out] of plan) callAt(t0 + d, thief, action, 'us-east-1', out, error);
  }

  // --- console click-ops through IAM Identity Center (alice.chen)
  {
    const t0 = at(0.15, 11, 20);
    const alice = people['alice.chen'];
    let session: RoleSession | undefined;
    step(t0, (env) => {
      session = ssoConsoleSession(env, A, alice, t0);
    });
    const caller = (): Caller => sessionCaller(session as RoleSession, (session as RoleSession).ip || alice.ips[0], alice.browser, true);
    const sgOut = (c: ActionCtx): ActionOut => ingressRule(c, A.resources.securityGroupsByRegion['us-east-1'][2], 443, '10.0.0.0/8', false);
    callAt(t0 + 30, caller, ACTIONS.CreateSecurityGroup, 'us-east-1');
    callAt(t0 + 75, caller, ACTIONS.AuthorizeSecurityGroupIngress, 'us-east-1', sgOut);
    callAt(t0 + 140, caller, ACTIONS.RunInstances, 'us-east-1', (c) => runInstances(c, 't3.large', 1));
    callAt(t0 + 200, caller, ACTIONS.PutBucketPolicy, 'us-east-1');
    callAt(t0 + 260, caller, ACTIONS.CreateRole, 'us-east-1');
  }

  // --- unusual region (ci-deployer's key in ap-southeast-2)
  {
    const t0 = at(0.85, 3, 0);
    const region = PLANTED.unusualRegion;
    const caller = (): Caller => userCaller(user('ci-deployer'), PLANTED.unusualRegionIp, UA.attackerCli);
    callAt(t0, caller, ACTIONS.GetCallerIdentity, region);
    callAt(t0 + 20, caller, ACTIONS.DescribeRegions, region);
    callAt(t0 + 45, caller, ACTIONS.DescribeInstances, region);
    callAt(t0 + 60, caller, ACTIONS.DescribeSecurityGroups, region);
    callAt(t0 + 110, caller, RARE.ImportKeyPair, region, (c) => ({
      req: { keyName: 'ops-' + c.rng.hex(4), publicKeyMaterial: '<sensitiveDataRemoved>' },
      resp: { requestId: c.requestID, keyName: 'ops-key', keyFingerprint: c.rng.hex(32).replace(/(..)(?!$)/g, '$1:'), keyPairId: 'key-0' + c.rng.hex(16) },
    }));
    callAt(t0 + 150, caller, ACTIONS.CreateSecurityGroup, region);
    callAt(t0 + 200, caller, ACTIONS.RunInstances, region, (c) => runInstances(c, 'c5.4xlarge', 4));
    callAt(t0 + 230, caller, ACTIONS.RunInstances, region, (c) => runInstances(c, 'c5.4xlarge', 4));
  }

  steps.sort((a, b) => a.t - b.t);
  return { steps, quiet };
}
