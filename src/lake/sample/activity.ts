/**
 * Routine (background) activity: who calls what, from where, and how often.
 *
 * Each account has a set of actors (people on the CLI or in the console, CI, services...). An
 * actor picks an action from its own mix, resolves its credentials (issuing sessions / console
 * sign-ins on demand) and emits the record through `apiCall`.
 */
import { ACTIONS, type ActionName, bucketArn, s3Extra, s3Host } from './catalog';
import { type AccountIdentities, type IamUser, type Org, type Person, REGIONS, UA, WORK_REGIONS, awsIp, ciRunnerIp, serviceUa } from './identities';
import { type Prng, WeightedTable } from './prng';
import { type ActionDef, type Caller, type CtRecord, apiCall } from './records';
import { type ConsoleSessions, type SessionSpec, type Sessions, sessionCaller } from './sessions';

/** What an actor needs from the generator while producing one event. */
export interface Env {
  rng: Prng;
  org: Org;
  sessions: Sessions;
  consoles: ConsoleSessions;
  emit: (r: CtRecord) => void;
  /** Start of the current 5-minute window: issuance events may not be placed earlier. */
  floor: number;
}

export interface Actor {
  id: string;
  human: boolean;
  weight: number;
  /** Mean number of consecutive calls once picked (a CLI session, a terraform run, a Lambda invocation). */
  burst: number;
  act: (env: Env, t: number) => void;
}

type Mix = ReadonlyArray<readonly [ActionName, number]>;
const table = (mix: Mix): WeightedTable<ActionDef> => new WeightedTable(mix.map(([n, w]) => [ACTIONS[n] as ActionDef, w] as const));

// ------------------------------------------------------------------ action mixes

const CLI_MIX: Mix = [
  ['DescribeInstances', 8], ['DescribeSecurityGroups', 3], ['DescribeVpcs', 1], ['DescribeSubnets', 1], ['DescribeVolumes', 1],
  ['DescribeImages', 1], ['DescribeInstanceStatus', 1], ['ListBuckets', 5], ['GetObject', 6], ['PutObject', 3], ['HeadObject', 1],
  ['GetCallerIdentity', 6], ['ListUsers', 1], ['ListRoles', 2], ['GetRole', 1], ['ListAttachedRolePolicies', 1], ['GetUser', 1],
  ['ListFunctions', 2], ['GetFunction', 2], ['UpdateFunctionCode', 0.5], ['DescribeLogGroups', 2], ['DescribeLogStreams', 1],
  ['GetMetricData', 1], ['Decrypt', 1], ['DescribeKey', 0.5], ['ListKeys', 0.5], ['GetSecretValue', 1], ['GetParameter', 1],
  ['StartInstances', 0.4], ['StopInstances', 0.4], ['CreateTags', 0.6], ['RebootInstances', 0.2], ['CreateLogGroup', 0.2],
  ['DescribeTable', 1], ['ListTables', 0.5], ['DescribeTrails', 0.3], ['LookupEvents', 0.5], ['PutRolePolicy', 0.1],
  ['CreateRole', 0.1], ['AttachRolePolicy', 0.1],
];
const READ_ONLY_CLI_MIX: Mix = CLI_MIX.filter(([n]) => (ACTIONS[n] as ActionDef).readOnly);
const CONSOLE_MIX: Mix = [
  ['DescribeInstances', 6], ['DescribeInstanceStatus', 3], ['DescribeSecurityGroups', 3], ['DescribeVpcs', 2], ['DescribeSubnets', 2],
  ['DescribeAddresses', 1], ['DescribeNetworkInterfaces', 1], ['DescribeKeyPairs', 1], ['DescribeVolumes', 1], ['DescribeSnapshots', 1],
  ['DescribeImages', 1], ['DescribeRegions', 1], ['ListBuckets', 4], ['GetBucketLocation', 2], ['GetBucketAcl', 1], ['GetBucketPolicy', 1],
  ['GetBucketVersioning', 1], ['GetBucketPublicAccessBlock', 1], ['GetBucketEncryption', 1], ['ListUsers', 1], ['ListRoles', 2],
  ['GetAccountSummary', 1], ['ListPolicies', 1], ['GetRole', 1], ['ListMFADevices', 0.5], ['ListAccessKeys', 0.5], ['LookupEvents', 2],
  ['DescribeTrails', 1], ['DescribeAlarms', 2], ['GetMetricData', 3], ['ListFunctions', 2], ['GetFunction', 1], ['DescribeLogGroups', 1],
  ['DescribeLogStreams', 1], ['ListSecrets', 0.5], ['DescribeDBInstances', 1], ['ListTables', 0.5], ['ListAliases', 0.5],
  // click-ops writes
  ['CreateTags', 0.5], ['StopInstances', 0.3], ['StartInstances', 0.3], ['ModifyInstanceAttribute', 0.2], ['CreateSecurityGroup', 0.2],
  ['AuthorizeSecurityGroupIngress', 0.2], ['CreateBucket', 0.1], ['PutBucketTagging', 0.2], ['UpdateFunctionConfiguration', 0.2],
  ['PutMetricAlarm', 0.2], ['RunInstances', 0.1],
];
const AUDIT_MIX: Mix = [
  ['ListUsers', 2], ['ListRoles', 2], ['GetAccountAuthorizationDetails', 1], ['ListAttachedRolePolicies', 2], ['ListRolePolicies', 1],
  ['ListAttachedUserPolicies', 1], ['ListAccessKeys', 2], ['ListMFADevices', 1], ['GetAccountPasswordPolicy', 1],
  ['GenerateCredentialReport', 0.5], ['GetAccountSummary', 1], ['ListBuckets', 2], ['GetBucketAcl', 2], ['GetBucketPolicy', 2],
  ['GetBucketPublicAccessBlock', 2], ['GetBucketEncryption', 1], ['GetBucketVersioning', 1], ['DescribeSecurityGroups', 3],
  ['DescribeInstances', 2], ['DescribeSnapshots', 1], ['DescribeTrails', 2], ['GetTrailStatus', 2], ['GetEventSelectors', 1],
  ['ListDetectors', 1], ['GetDetector', 1], ['ListFindings', 2], ['ListKeys', 1], ['GetKeyRotationStatus', 1], ['GetKeyPolicy', 1],
  ['DescribeAlarms', 1],
];
const DEPLOY_MIX: Mix = [
  ['DescribeInstances', 4], ['DescribeSecurityGroups', 4], ['DescribeVpcs', 3], ['DescribeSubnets', 3], ['DescribeImages', 2],
  ['DescribeVolumes', 1], ['DescribeTags', 1], ['DescribeNetworkInterfaces', 1], ['GetBucketAcl', 2], ['GetBucketPolicy', 2],
  ['GetBucketVersioning', 2], ['GetBucketEncryption', 2], ['GetBucketTagging', 2], ['GetBucketLocation', 1],
  ['GetBucketPublicAccessBlock', 2], ['GetRole', 3], ['ListAttachedRolePolicies', 2], ['ListRolePolicies', 2], ['GetPolicy', 2],
  ['GetPolicyVersion', 2], ['GetFunction', 2], ['ListVersionsByFunction', 1], ['GetFunctionConfiguration', 1], ['DescribeKey', 2],
  ['GetKeyPolicy', 1], ['GetKeyRotationStatus', 1], ['ListAliases', 1], ['DescribeLogGroups', 2], ['GetCallerIdentity', 2],
  ['DescribeTable', 1], ['GetParameter', 1],
  ['RunInstances', 0.3], ['CreateTags', 1], ['CreateSecurityGroup', 0.3], ['AuthorizeSecurityGroupIngress', 0.4],
  ['RevokeSecurityGroupIngress', 0.2], ['PutRolePolicy', 0.4], ['AttachRolePolicy', 0.3], ['TagRole', 0.4], ['CreateRole', 0.1],
  ['UpdateFunctionCode', 0.6], ['UpdateFunctionConfiguration', 0.3], ['PutBucketPolicy', 0.2], ['PutBucketTagging', 0.3],
  ['PutBucketEncryption', 0.1], ['CreateLogGroup', 0.2], ['AttachVolume', 0.1],
];
const BACKUP_MIX: Mix = [
  ['PutObject', 10], ['ListBuckets', 1], ['CreateSnapshot', 2], ['DescribeSnapshots', 2], ['DescribeVolumes', 2], ['CreateTags', 1],
  ['GetCallerIdentity', 0.5], ['HeadObject', 2],
];
const LAMBDA_MIX: Mix = [
  ['GetObject', 8], ['PutObject', 5], ['HeadObject', 2], ['Decrypt', 3], ['GenerateDataKey', 2], ['GetSecretValue', 1],
  ['GetParameter', 2], ['DescribeTable', 0.5], ['GetCallerIdentity', 0.1],
];
const EC2_MIX: Mix = [
  ['UpdateInstanceInformation', 6], ['ListInstanceAssociations', 3], ['GetObject', 4], ['PutObject', 2], ['Decrypt', 2],
  ['GetSecretValue', 1], ['GetParameters', 1], ['DescribeTags', 1], ['GetCallerIdentity', 0.2],
];
const CONFIG_REGIONAL_MIX: Mix = [
  ['DescribeInstances', 2], ['DescribeSecurityGroups', 2], ['DescribeVpcs', 1], ['DescribeSubnets', 1], ['DescribeNetworkInterfaces', 2],
  ['DescribeVolumes', 1], ['DescribeAddresses', 1], ['DescribeSnapshots', 0.5], ['ListFunctions', 1], ['ListKeys', 1],
  ['DescribeDBInstances', 1], ['ListTables', 0.5], ['DescribeTrails', 0.5],
];
const CONFIG_BUCKET_MIX: Mix = [
  ['GetBucketAcl', 1], ['GetBucketPolicy', 1], ['GetBucketVersioning', 1], ['GetBucketEncryption', 1], ['GetBucketTagging', 1],
  ['GetBucketPublicAccessBlock', 1],
];
const CONFIG_GLOBAL_MIX: Mix = [['ListUsers', 0.5], ['ListRoles', 0.5], ['GetRole', 1], ['ListAttachedRolePolicies', 1], ['GetPolicy', 0.5]];

const CONFIG_REGION_WEIGHT: Record<string, number> = { 'us-east-1': 0.35, 'eu-west-1': 0.28, 'us-west-2': 0.22, 'ap-southeast-2': 0.15 };

/** Relative volume of each actor family (per account, before the diurnal factor for people). */
const SHARE = {
  cli: 10, console: 7, ssoConsole: 6, ssoCli: 4, audit: 3, deploy: 12,
  backup: 2, lambda: 20, ec2: 15, config: 18, cloudtrail: 3,
};

export const CONFIG_SESSION_NAME = 'AWSConfig-Describe';
export const DEPLOY_SESSION_NAME = 'GitHubActions';
const GH_ACTIONS_UA = {
  kind: 'sdk',
  base: 'aws-sdk-js/3.716.0 ua/2.1 os/linux#6.5.0-1025-azure lang/js md/nodejs#20.18.1 api/sts#3.716.0 m/E,e configure-aws-credentials-for-github-actions',
} as const;

// ------------------------------------------------------------------ session specs (shared with scenarios)

export function ec2SessionSpec(acct: AccountIdentities, instanceId: string): SessionSpec {
  return {
    key: `ec2:${acct.accountId}:${instanceId}`,
    acct,
    role: acct.roles.appServer,
    sessionName: instanceId,
    mfa: false,
    regional: true,
    durationSeconds: 3600,
    ec2RoleDelivery: true,
  };
}

function ssoSpec(acct: AccountIdentities, person: Person, admin: boolean, consoleUse: boolean): SessionSpec {
  return {
    key: `sso:${acct.accountId}:${admin ? 'admin' : 'ro'}:${consoleUse ? 'console' : 'cli'}:${person.handle}`,
    acct,
    role: admin ? acct.roles.ssoAdmin : acct.roles.ssoReadOnly,
    sessionName: person.email,
    mfa: false,
    regional: false,
    durationSeconds: 3600,
  };
}

export function ssoConsoleSession(env: Env, acct: AccountIdentities, person: Person, t: number) {
  return env.sessions.acquire(
    ssoSpec(acct, person, true, true),
    () => ({ kind: 'saml', email: person.email, ip: person.ipTable.pick(env.rng), ua: person.browser }),
    t,
    'us-east-1',
    env.floor,
  );
}

// ------------------------------------------------------------------ actors

function call(env: Env, caller: Caller, action: ActionDef, acct: AccountIdentities, region: string, t: number, errorRate: number): void {
  env.emit(apiCall(env.rng, caller, action, acct, region, t, { errorRate }));
}

function userCaller(user: IamUser, ip: string, ua: Caller['ua']): Caller {
  return { identity: user.identity, arn: user.arn, accountId: user.accountId, ip, ua };
}

/** Routine actors of one account. Weights are relative within the account. */
export function buildActors(acct: AccountIdentities, rng: Prng): Actor[] {
  const actors: Actor[] = [];
  const humans = acct.humans;
  const personalWeight = new Map<string, number>(humans.map((h) => [h.name, 0.5 + rng.next()]));
  const sumW = [...personalWeight.values()].reduce((a, b) => a + b, 0);
  const share = (h: IamUser): number => (personalWeight.get(h.name) ?? 1) / sumW;

  const cli = table(CLI_MIX);
  const cliRead = table(READ_ONLY_CLI_MIX);
  const consoleMix = table(CONSOLE_MIX);
  const audit = table(AUDIT_MIX);
  const deploy = table(DEPLOY_MIX);

  for (const user of humans) {
    const person = user.person as Person;
    // IAM user with long-term keys on the CLI.
    actors.push({
      id: `cli:${user.name}`,
      burst: 4,
      human: true,
      weight: SHARE.cli * share(user),
      act: (env, t) => {
        const action = cli.pick(env.rng);
        call(env, userCaller(user, person.ipTable.pick(env.rng), person.cli), action, acct, WORK_REGIONS.pick(env.rng), t, 0.04);
      },
    });
    // IAM user in the console: ConsoleLogin first, then an ASIA console session.
    actors.push({
      id: `console:${user.name}`,
      burst: 6,
      human: true,
      weight: SHARE.console * share(user),
      act: (env, t) => {
        const s = env.consoles.acquire(user, t, env.floor, () => person.ipTable.pick(env.rng));
        const caller: Caller = { identity: s.identity, arn: user.arn, accountId: acct.accountId, ip: s.ip, ua: person.browser, console: true };
        call(env, caller, consoleMix.pick(env.rng), acct, WORK_REGIONS.pick(env.rng), t, 0.04);
      },
    });
    // IAM Identity Center, AdministratorAccess in the console.
    actors.push({
      id: `sso-console:${user.name}`,
      burst: 6,
      human: true,
      weight: SHARE.ssoConsole * share(user),
      act: (env, t) => {
        const s = ssoConsoleSession(env, acct, person, t);
        call(env, sessionCaller(s, s.ip, person.browser, true), consoleMix.pick(env.rng), acct, WORK_REGIONS.pick(env.rng), t, 0.03);
      },
    });
    // IAM Identity Center, ReadOnlyAccess from the CLI (aws sso login).
    actors.push({
      id: `sso-cli:${user.name}`,
      burst: 4,
      human: true,
      weight: SHARE.ssoCli * share(user),
      act: (env, t) => {
        const s = env.sessions.acquire(
          ssoSpec(acct, person, false, false),
          () => ({ kind: 'saml', email: person.email, ip: person.ipTable.pick(env.rng), ua: person.cli }),
          t,
          'us-east-1',
          env.floor,
        );
        call(env, sessionCaller(s, person.ipTable.pick(env.rng), person.cli), cliRead.pick(env.rng), acct, WORK_REGIONS.pick(env.rng), t, 0.04);
      },
    });
    // Security audit role, assumed with the person's name as source identity.
    actors.push({
      id: `audit:${user.name}`,
      burst: 8,
      human: true,
      weight: SHARE.audit * share(user),
      act: (env, t) => {
        const region = WORK_REGIONS.pick(env.rng);
        const spec: SessionSpec = {
          key: `audit:${acct.accountId}:${user.name}`,
          acct,
          role: acct.roles.audit,
          sessionName: user.name,
          mfa: true,
          sourceIdentity: user.name,
          regional: true,
          durationSeconds: 3600,
        };
        const s = env.sessions.acquire(spec, () => ({ kind: 'user', user, ip: person.ipTable.pick(env.rng), ua: person.cli }), t, region, env.floor);
        call(env, sessionCaller(s, person.ipTable.pick(env.rng), person.cli), audit.pick(env.rng), acct, region, t, 0.08);
      },
    });
  }

  // CI: the ci-deployer user's key (a GitHub secret) assumes TerraformDeployRole from each runner.
  const ciUser = acct.users['ci-deployer'];
  actors.push({
    id: 'deploy',
      burst: 15,
    human: true, // CI runs follow working hours
    weight: SHARE.deploy,
    act: (env, t) => {
      const region = WORK_REGIONS.pick(env.rng);
      const spec: SessionSpec = {
        key: `deploy:${acct.accountId}`,
        acct,
        role: acct.roles.deploy,
        sessionName: DEPLOY_SESSION_NAME,
        mfa: false,
        regional: false,
        durationSeconds: 3600,
      };
      const s = env.sessions.acquire(spec, () => ({ kind: 'user', user: ciUser, ip: ciRunnerIp(env.rng), ua: GH_ACTIONS_UA }), t, region, env.floor);
      call(env, sessionCaller(s, s.ip, UA.terraform), deploy.pick(env.rng), acct, region, t, 0.03);
    },
  });

  // On-premises backup job with a long-term key.
  const backupUser = acct.users['backup-agent'];
  const backup = table(BACKUP_MIX);
  actors.push({
    id: 'backup',
      burst: 5,
    human: false,
    weight: SHARE.backup,
    act: (env, t) => call(env, userCaller(backupUser, acct.datacenterIp, UA.backupBoto3), backup.pick(env.rng), acct, WORK_REGIONS.pick(env.rng), t, 0.01),
  });

  // Lambda functions: sessions issued by lambda.amazonaws.com, calls from AWS egress addresses.
  const lambdaMix = table(LAMBDA_MIX);
  for (const fn of acct.resources.lambdas) {
    const ipRng = rng;
    const ips = [awsIp(ipRng, fn.region), awsIp(ipRng, fn.region), awsIp(ipRng, fn.region)];
    const spec: SessionSpec = {
      key: `lambda:${acct.accountId}:${fn.name}`,
      acct,
      role: acct.roles.lambda[fn.name],
      sessionName: fn.name,
      mfa: false,
      regional: true,
      durationSeconds: 3600,
    };
    actors.push({
      id: `lambda:${fn.name}`,
      burst: 3,
      human: false,
      weight: SHARE.lambda / acct.resources.lambdas.length,
      act: (env, t) => {
        const s = env.sessions.acquire(spec, () => ({ kind: 'service', service: 'lambda.amazonaws.com' }), t, fn.region, env.floor);
        call(env, sessionCaller(s, env.rng.pick(ips), UA.lambdaBoto3), lambdaMix.pick(env.rng), acct, fn.region, t, 0.015);
      },
    });
  }

  // EC2 instances with the app-server instance profile.
  const ec2Mix = table(EC2_MIX);
  for (const inst of acct.resources.instances) {
    const spec = ec2SessionSpec(acct, inst.id);
    actors.push({
      id: `ec2:${inst.id}`,
      burst: 2,
      human: false,
      weight: SHARE.ec2 / acct.resources.instances.length,
      act: (env, t) => {
        const s = env.sessions.acquire(spec, () => ({ kind: 'service', service: 'ec2.amazonaws.com' }), t, inst.region, env.floor);
        const action = ec2Mix.pick(env.rng);
        const ua = action.source === 'ssm.amazonaws.com' ? UA.ssmAgent : UA.javaApp;
        call(env, sessionCaller(s, inst.publicIp, ua), action, acct, inst.region, t, 0.015);
      },
    });
  }

  // AWS Config recorder in every region (the only routine activity in ap-southeast-2).
  for (const region of REGIONS) {
    const mix: Array<readonly [ActionName, number]> = [...CONFIG_REGIONAL_MIX];
    if (acct.resources.bucketsByRegion[region]) mix.push(...CONFIG_BUCKET_MIX);
    if (region === 'us-east-1') mix.push(...CONFIG_GLOBAL_MIX);
    const configMix = table(mix);
    const spec: SessionSpec = {
      key: `config:${acct.accountId}:${region}`,
      acct,
      role: acct.roles.config,
      sessionName: CONFIG_SESSION_NAME,
      mfa: false,
      regional: true,
      durationSeconds: 3600,
      invokedBy: 'config.amazonaws.com',
    };
    actors.push({
      id: `config:${region}`,
      burst: 6,
      human: false,
      weight: SHARE.config * CONFIG_REGION_WEIGHT[region],
      act: (env, t) => {
        const s = env.sessions.acquire(spec, () => ({ kind: 'service', service: 'config.amazonaws.com' }), t, region, env.floor);
        call(env, sessionCaller(s, 'config.amazonaws.com', serviceUa('config.amazonaws.com')), configMix.pick(env.rng), acct, region, t, 0.02);
      },
    });
  }

  // CloudTrail itself checking its bucket ACL before deliveries (AWSService identity).
  const trailBucket = acct.resources.trailBucket;
  const serviceCaller: Caller = {
    identity: { type: 'AWSService', invokedBy: 'cloudtrail.amazonaws.com' },
    arn: '',
    accountId: acct.accountId,
    ip: 'cloudtrail.amazonaws.com',
    ua: serviceUa('cloudtrail.amazonaws.com'),
    invokedBy: 'cloudtrail.amazonaws.com',
  };
  actors.push({
    id: 'cloudtrail',
      burst: 1,
    human: false,
    weight: SHARE.cloudtrail,
    act: (env, t) => {
      const out = {
        req: { bucketName: trailBucket.name, Host: s3Host(trailBucket), acl: '' },
        resp: null,
        extra: s3Extra(env.rng, 0, 0),
        resources: [{ accountId: acct.accountId, type: 'AWS::S3::Bucket', ARN: bucketArn(trailBucket) }],
        region: trailBucket.region,
      };
      env.emit(apiCall(env.rng, serviceCaller, ACTIONS.GetBucketAcl, acct, 'us-east-1', t, { error: 'none', out }));
    },
  });

  return actors;
}

/** Per-account actor tables split by diurnal behaviour. */
export interface AccountActors {
  acct: AccountIdentities;
  human: WeightedTable<Actor>;
  auto: WeightedTable<Actor>;
  humanShare: number;
  autoShare: number;
}

export function accountActors(acct: AccountIdentities, rng: Prng): AccountActors {
  const actors = buildActors(acct, rng);
  const human = actors.filter((a) => a.human);
  const auto = actors.filter((a) => !a.human);
  const hs = human.reduce((s, a) => s + a.weight, 0);
  const as = auto.reduce((s, a) => s + a.weight, 0);
  return {
    acct,
    human: new WeightedTable(human.map((a) => [a, a.weight] as const)),
    auto: new WeightedTable(auto.map((a) => [a, a.weight] as const)),
    humanShare: hs / (hs + as),
    autoShare: as / (hs + as),
  };
}

/** Relative activity of people at time t (UTC): EU and US working hours, quiet weekends. */
export function diurnal(t: number): number {
  const d = new Date(t * 1000);
  const h = d.getUTCHours() + d.getUTCMinutes() / 60;
  const bump = (c: number, w: number): number => Math.exp(-((h - c) * (h - c)) / (2 * w * w));
  let f = 0.06 + 1.0 * bump(10.5, 2.8) + 0.8 * bump(17, 3.2);
  const dow = d.getUTCDay();
  if (dow === 0 || dow === 6) f *= 0.2;
  return f;
}

