/**
 * Deterministic identities and resources of the sample organisation: accounts, people (with their
 * stable IPs and clients), IAM users, roles and the resources the events touch.
 *
 * Everything here is derived from the seed through dedicated PRNG streams, so identities do not
 * change when the number of events changes.
 */
import { Prng, WeightedTable } from './prng';
import type { AccountResources, AccountView, Bucket, Instance, JsonObject, UserAgent } from './records';

/** us-east-1 first: global services (IAM, STS global endpoint, sign-in) are recorded there. */
export const REGIONS = ['us-east-1', 'eu-west-1', 'us-west-2', 'ap-southeast-2'] as const;
export type Region = (typeof REGIONS)[number];
/** Regions people and pipelines work in; ap-southeast-2 only sees AWS Config (and one planted principal). */
export const WORK_REGIONS = new WeightedTable<Region>([
  ['us-east-1', 0.55],
  ['eu-west-1', 0.3],
  ['us-west-2', 0.15],
]);

/** The six people of account 0 are fixed because planted scenarios name them. */
export const PEOPLE = ['alice.chen', 'bob.martin', 'carol.diaz', 'dave.okafor', 'erin.smith', 'frank.li', 'grace.kim', 'heidi.novak', 'ivan.petrov', 'judy.tanaka'] as const;
export const EMAIL_DOMAIN = 'example.com';
export const SERVICE_USERS = ['ci-deployer', 'backup-agent'] as const;

export interface Person {
  handle: string;
  email: string;
  ips: string[];
  ipTable: WeightedTable<string>;
  cli: UserAgent;
  browser: UserAgent;
}

export interface IamUser {
  name: string;
  arn: string;
  principalId: string;
  accessKeyId: string;
  accountId: string;
  person?: Person;
  /** userIdentity of API calls signed with the user's long-term AKIA key. */
  identity: JsonObject;
}

export interface RoleDef {
  name: string;
  arn: string;
  roleId: string;
  accountId: string;
}

export interface AccountIdentities extends AccountView {
  index: number;
  /** 8-character segment shared by this account's key and principal ids (as in real AKIA/ASIA/AROA ids). */
  tag: string;
  env: string;
  users: Record<string, IamUser>;
  humans: IamUser[];
  roles: {
    deploy: RoleDef;
    audit: RoleDef;
    appServer: RoleDef;
    config: RoleDef;
    ssoAdmin: RoleDef;
    ssoReadOnly: RoleDef;
    jump: RoleDef;
    platformAdmin: RoleDef;
    prodData: RoleDef;
    crossAccountRead: RoleDef;
    lambda: Record<string, RoleDef>;
  };
  samlProviderArn: string;
  /** SAML name qualifier of the Identity Center provider (userIdentity.identityProvider / responseElements.nameQualifier). */
  samlNameQualifier: string;
  rootArn: string;
  /** Egress IP of the backup host (on premises). */
  datacenterIp: string;
}

export interface Org {
  accounts: AccountIdentities[];
  people: Record<string, Person>;
  /** An account outside the lake (snapshot sharing target, external caller when there is one account). */
  externalAccountId: string;
  secondExternalAccountId: string;
  orgWord: string;
}

// ------------------------------------------------------------------ ids and addresses

function accountIds(rng: Prng, n: number): string[] {
  const out: string[] = [];
  while (out.length < n) {
    const id = String(rng.range(1, 9)) + rng.digits(11);
    if (!out.includes(id)) out.push(id);
  }
  return out;
}

export function sampleAccountIds(seed: number, count: number): string[] {
  return accountIds(new Prng(seed, 'accounts'), count);
}

const ISP_FIRST_OCTETS = [24, 50, 68, 71, 73, 76, 81, 82, 84, 86, 88, 90, 92, 94, 98, 109, 151, 176, 178, 188, 193, 212, 217];
export function publicIpv4(rng: Prng, firstOctets: readonly number[] = ISP_FIRST_OCTETS): string {
  return `${rng.pick(firstOctets)}.${rng.range(1, 254)}.${rng.range(0, 255)}.${rng.range(2, 254)}`;
}
function ipv6Doc(rng: Prng): string {
  return `2001:db8:${rng.range(1, 0xffff).toString(16)}:${rng.range(1, 0xffff).toString(16)}::${rng.range(1, 0xfff).toString(16)}`;
}

/** Public EC2 address blocks per region (first two octets), for Lambda/EC2 egress addresses. */
const AWS_BLOCKS: Record<Region, ReadonlyArray<readonly [number, number, number]>> = {
  'us-east-1': [[3, 80, 95], [44, 192, 223], [54, 144, 175]],
  'eu-west-1': [[34, 240, 255], [52, 16, 19], [54, 216, 247]],
  'us-west-2': [[35, 80, 95], [44, 224, 255], [54, 184, 191]],
  'ap-southeast-2': [[3, 24, 27], [13, 54, 55], [54, 252, 255]],
};
export function awsIp(rng: Prng, region: string): string {
  const blocks = AWS_BLOCKS[region as Region] ?? AWS_BLOCKS['us-east-1'];
  const [a, lo, hi] = rng.pick(blocks);
  return `${a}.${rng.range(lo, hi)}.${rng.range(0, 255)}.${rng.range(2, 254)}`;
}

/** GitHub-hosted runners egress from Azure ranges; each CI run gets a fresh address. */
export function ciRunnerIp(rng: Prng): string {
  return publicIpv4(rng, [4, 13, 20, 40, 52]);
}

// ------------------------------------------------------------------ user agents

const CLI_OS = [
  'os/macos#24.3.0 md/arch#arm64 lang/python#3.12.9 md/pyimpl#CPython',
  'os/windows#11 md/arch#amd64 lang/python#3.12.9 md/pyimpl#CPython',
  'os/linux#6.8.0-51-generic md/arch#x86_64 lang/python#3.12.6 md/pyimpl#CPython',
];
const BROWSERS = [
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0',
  'Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.2 Safari/605.1.15',
];

export function cliUserAgent(version: string, os: string, installer = 'exe'): UserAgent {
  return {
    kind: 'cli',
    base: `aws-cli/${version} md/awscrt#0.23.8 ua/2.1 ${os} m/E,Z,b cfg/retry-mode#standard md/installer#${installer} md/prompt#off`,
  };
}

export const UA = {
  terraform: {
    kind: 'terraform',
    base: 'APN/1.0 HashiCorp/1.0 Terraform/1.9.8 (+https://www.terraform.io) terraform-provider-aws/5.82.2 (+https://registry.terraform.io/providers/hashicorp/aws) aws-sdk-go-v2/1.32.7 ua/2.1 os/linux lang/go#1.23.3 md/GOOS#linux md/GOARCH#amd64',
  },
  lambdaBoto3: {
    kind: 'sdk',
    base: 'Boto3/1.35.90 md/Botocore#1.35.90 ua/2.0 os/linux#5.10.233-244.899.amzn2.x86_64 md/arch#x86_64 lang/python#3.12.8 md/pyimpl#CPython exec-env/AWS_Lambda_python3.12 cfg/retry-mode#legacy Botocore/1.35.90',
  },
  backupBoto3: {
    kind: 'sdk',
    base: 'Boto3/1.34.162 md/Botocore#1.34.162 ua/2.0 os/linux#5.15.0-126-generic md/arch#x86_64 lang/python#3.10.12 md/pyimpl#CPython cfg/retry-mode#legacy Botocore/1.34.162',
  },
  javaApp: {
    kind: 'sdk',
    base: 'aws-sdk-java/2.29.43 Linux/6.1.119-129.201.amzn2023.x86_64 OpenJDK_64-Bit_Server_VM/21.0.5+11-LTS Java/21.0.5 vendor/Amazon.com_Inc. io/sync http/Apache cfg/retry-mode/legacy',
  },
  ssmAgent: { kind: 'sdk', base: 'aws-sdk-go/1.55.5 (go1.22.8; linux; amd64) amazon-ssm-agent/3.3.1142.0' },
  attackerCli: cliUserAgent('2.22.4', 'os/linux#6.11.2-amd64 md/arch#x86_64 lang/python#3.12.7 md/pyimpl#CPython', 'source'),
  attackerBrowser: { kind: 'console', base: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0' },
} satisfies Record<string, UserAgent>;

export function serviceUa(host: string): UserAgent {
  return { kind: 'service', base: host };
}

// ------------------------------------------------------------------ people

function makePerson(seed: number, handle: string, officeIps: string[], index: number): Person {
  const rng = new Prng(seed, 'person:' + handle);
  const office = officeIps[index % officeIps.length];
  const home = publicIpv4(rng);
  const ips = [office, home];
  const weights: Array<readonly [string, number]> = [[office, 0.62], [home, 0.3]];
  if (index % 2 === 0) {
    const v6 = ipv6Doc(rng);
    ips.push(v6);
    weights.push([v6, 0.08]);
  }
  const cliVersion = `2.${rng.range(18, 27)}.${rng.range(0, 40)}`;
  return {
    handle,
    email: `${handle}@${EMAIL_DOMAIN}`,
    ips,
    ipTable: new WeightedTable(weights),
    cli: cliUserAgent(cliVersion, CLI_OS[index % CLI_OS.length]),
    browser: { kind: 'console', base: BROWSERS[index % BROWSERS.length] },
  };
}

// ------------------------------------------------------------------ accounts

const ORG_WORDS = ['acme', 'globex', 'initech', 'umbrella', 'hooli', 'wayne', 'stark', 'tyrell', 'cyberdyne', 'soylent'];
const ENVS = ['prod', 'staging', 'dev', 'shared', 'sandbox'];

function role(accountId: string, path: string, name: string, tag: string, rng: Prng): RoleDef {
  return { name, arn: `arn:aws:iam::${accountId}:role/${path}${name}`, roleId: 'AROA' + tag + rng.keyChars(9), accountId };
}

function makeUser(accountId: string, tag: string, name: string, rng: Prng, person?: Person): IamUser {
  const arn = `arn:aws:iam::${accountId}:user/${name}`;
  const principalId = 'AIDA' + tag + rng.keyChars(9);
  const accessKeyId = 'AKIA' + tag + rng.keyChars(8);
  return {
    name,
    arn,
    principalId,
    accessKeyId,
    accountId,
    person,
    identity: { type: 'IAMUser', principalId, arn, accountId, accessKeyId, userName: name },
  };
}

function bucketKeys(rng: Prng, kind: string): string[] {
  const keys: string[] = [];
  for (let i = 0; i < 12; i++) {
    const month = String(rng.range(1, 12)).padStart(2, '0');
    switch (kind) {
      case 'app':
        keys.push(`uploads/2026/${month}/${rng.uuid()}.${rng.pick(['jpg', 'png', 'pdf'])}`);
        break;
      case 'static':
        keys.push(`assets/${rng.pick(['css', 'js', 'img'])}/${rng.hex(8)}.${rng.pick(['css', 'js', 'webp'])}`);
        break;
      case 'backup':
        keys.push(`db/postgres/2026-${month}-${String(rng.range(1, 28)).padStart(2, '0')}/dump-${rng.hex(6)}.sql.gz`);
        break;
      case 'lake':
        keys.push(`exports/customers/2026/${month}/customers-${rng.hex(6)}.parquet`);
        break;
      default:
        keys.push(`AWSLogs/${rng.digits(12)}/CloudTrail/us-east-1/2026/${month}/${rng.hex(8)}.json.gz`);
    }
  }
  return keys;
}

function byRegion<T>(items: T[], regionOf: (t: T) => string): Record<string, T[]> {
  const out: Record<string, T[]> = {};
  for (const it of items) (out[regionOf(it)] ??= []).push(it);
  return out;
}

function makeAccount(seed: number, index: number, accountId: string, orgWord: string, people: Record<string, Person>): AccountIdentities {
  const rng = new Prng(seed, 'account:' + accountId);
  const tag = rng.keyChars(8);
  const env = index < ENVS.length ? ENVS[index] : `sandbox${index}`;
  const sfx = rng.hex(4);

  // Account 0 has the six named people (planted scenarios refer to them); others a seeded subset.
  let handles: string[];
  if (index === 0) handles = PEOPLE.slice(0, 6);
  else handles = rng.shuffle([...PEOPLE]).slice(0, 5).sort();
  const users: Record<string, IamUser> = {};
  const humans: IamUser[] = [];
  for (const h of handles) {
    const u = makeUser(accountId, tag, h, rng, people[h]);
    users[h] = u;
    humans.push(u);
  }
  for (const s of SERVICE_USERS) users[s] = makeUser(accountId, tag, s, rng);

  const lambdaDefs = [
    { name: 'orders-processor', region: 'us-east-1' },
    { name: 'thumbnail-generator', region: 'eu-west-1' },
    { name: 'report-builder', region: 'us-west-2' },
  ];
  const lambdaRoles: Record<string, RoleDef> = {};
  for (const l of lambdaDefs) lambdaRoles[l.name] = role(accountId, 'service-role/', `${l.name}-role-${rng.alnum(8).toLowerCase()}`, tag, rng);

  const roles: AccountIdentities['roles'] = {
    deploy: role(accountId, '', 'TerraformDeployRole', tag, rng),
    audit: role(accountId, '', 'SecurityAuditRole', tag, rng),
    appServer: role(accountId, '', 'app-server-role', tag, rng),
    config: role(accountId, 'aws-service-role/config.amazonaws.com/', 'AWSServiceRoleForConfig', tag, rng),
    ssoAdmin: role(accountId, 'aws-reserved/sso.amazonaws.com/', `AWSReservedSSO_AdministratorAccess_${rng.hex(16)}`, tag, rng),
    ssoReadOnly: role(accountId, 'aws-reserved/sso.amazonaws.com/', `AWSReservedSSO_ReadOnlyAccess_${rng.hex(16)}`, tag, rng),
    jump: role(accountId, '', 'JumpRole', tag, rng),
    platformAdmin: role(accountId, '', 'PlatformAdminRole', tag, rng),
    prodData: role(accountId, '', 'ProdDataRole', tag, rng),
    crossAccountRead: role(accountId, '', 'CrossAccountReadRole', tag, rng),
    lambda: lambdaRoles,
  };

  const mk = (name: string, region: string, kind: string): Bucket => ({ name, region, keys: bucketKeys(rng, kind) });
  const appData = mk(`${orgWord}-${env}-app-data-${sfx}`, 'us-east-1', 'app');
  const statics = mk(`${orgWord}-${env}-public-assets-${sfx}`, 'eu-west-1', 'static');
  const backups = mk(`${orgWord}-${env}-backups-${sfx}`, 'us-west-2', 'backup');
  const lake = mk(`${orgWord}-${env}-data-lake-${sfx}`, 'eu-west-1', 'lake');
  const trailBucket = mk(`aws-cloudtrail-logs-${accountId}-${rng.hex(8)}`, 'us-east-1', 'trail');
  const buckets = [appData, statics, backups, lake, trailBucket];

  const instances: Instance[] = [];
  const instanceRegions = ['us-east-1', 'us-east-1', 'eu-west-1', 'us-west-2'];
  for (const r of instanceRegions) {
    instances.push({
      id: 'i-0' + rng.hex(16),
      region: r,
      publicIp: awsIp(rng, r),
      privateIp: `10.${rng.range(0, 40)}.${rng.range(0, 255)}.${rng.range(4, 250)}`,
      role: roles.appServer.name,
    });
  }

  const perRegion = <T>(f: (r: string) => T): Record<string, T> => Object.fromEntries(REGIONS.map((r) => [r, f(r)]));
  const resources: AccountResources = {
    buckets,
    bucketsByRegion: byRegion(buckets.filter((b) => b !== trailBucket), (b) => b.region),
    trailBucket,
    publicAssetsBucket: statics,
    prodDataBucket: lake,
    instances,
    instancesByRegion: byRegion(instances, (i) => i.region),
    vpcByRegion: perRegion(() => 'vpc-0' + rng.hex(16)),
    subnetsByRegion: perRegion(() => [0, 1, 2].map(() => 'subnet-0' + rng.hex(16))),
    securityGroupsByRegion: perRegion(() => [0, 1, 2].map(() => 'sg-0' + rng.hex(16))),
    amiByRegion: perRegion(() => 'ami-0' + rng.hex(16)),
    kmsKeysByRegion: perRegion(() => [rng.uuid(), rng.uuid()]),
    volumesByRegion: perRegion(() => [0, 1, 2].map(() => 'vol-0' + rng.hex(16))),
    snapshotsByRegion: perRegion(() => [0, 1].map(() => 'snap-0' + rng.hex(16))),
    lambdas: lambdaDefs.map((l) => ({ ...l, role: lambdaRoles[l.name].name })),
    secrets: [
      ['prod/db/postgres', 'us-east-1'],
      ['prod/api/payment-provider', 'us-east-1'],
      ['shared/slack-webhook', 'eu-west-1'],
    ].map(([name, region]) => ({ name, region, arn: `arn:aws:secretsmanager:${region}:${accountId}:secret:${name}-${rng.alnum(6)}` })),
    parameters: ['/app/prod/db-host', '/app/prod/feature-flags', '/app/prod/log-level', '/platform/ami/latest'],
    tables: ['orders', 'sessions', 'inventory'],
    detectorByRegion: perRegion(() => rng.hex(32)),
    trailName: 'management-events',
    trailArn: `arn:aws:cloudtrail:us-east-1:${accountId}:trail/management-events`,
    roleNames: [roles.deploy, roles.audit, roles.appServer, ...Object.values(lambdaRoles)].map((r) => r.name),
    userNames: Object.keys(users),
    policyArns: ['app-s3-access', 'ci-deploy', 'kms-usage'].map((p) => `arn:aws:iam::${accountId}:policy/${p}`),
    logGroups: ['/aws/lambda/orders-processor', '/aws/lambda/thumbnail-generator', '/app/api', '/ecs/worker'],
  };

  return {
    index,
    accountId,
    tag,
    env,
    users,
    humans,
    roles,
    samlProviderArn: `arn:aws:iam::${accountId}:saml-provider/AWSSSO_${rng.hex(16)}_DO_NOT_DELETE`,
    samlNameQualifier: rng.base64(27) + '=',
    rootArn: `arn:aws:iam::${accountId}:root`,
    datacenterIp: publicIpv4(rng, [193, 194, 195]),
    resources,
  };
}

export function buildOrg(seed: number, accountCount: number): Org {
  const rng = new Prng(seed, 'org');
  const ids = sampleAccountIds(seed, accountCount + 2);
  const orgWord = rng.pick(ORG_WORDS);
  const officeIps = [publicIpv4(rng), publicIpv4(rng)];
  const people: Record<string, Person> = {};
  PEOPLE.forEach((h, i) => (people[h] = makePerson(seed, h, officeIps, i)));
  const accounts = ids.slice(0, accountCount).map((id, i) => makeAccount(seed, i, id, orgWord, people));
  return { accounts, people, externalAccountId: ids[accountCount], secondExternalAccountId: ids[accountCount + 1], orgWord };
}
