/**
 * Catalog of API actions the sample lake uses, each with a builder for realistic
 * requestParameters / responseElements / resources. Shapes are copied from real delivery files
 * (see /work/shared/data/cloudtrail); values come from the receiving account's resources.
 */
import type { Prng } from './prng';
import {
  type ActionCtx,
  type ActionDef,
  type ActionOut,
  type Bucket,
  type JsonObject,
  javaDate,
} from './records';

const kebab = (name: string): string =>
  name
    .replace(/20\d{6}(v\d)?$/, '')
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .toLowerCase();

const CLI_SERVICE: Record<string, string> = {
  'monitoring.amazonaws.com': 'cloudwatch',
  's3.amazonaws.com': 's3api',
};
const IAM_PREFIX: Record<string, string> = {
  'monitoring.amazonaws.com': 'cloudwatch',
};
const IAM_ACTION_OVERRIDE: Record<string, string> = {
  ListBuckets: 's3:ListAllMyBuckets',
  HeadObject: 's3:GetObject',
  GetBucketPublicAccessBlock: 's3:GetBucketPublicAccessBlock',
  DeleteBucketPublicAccessBlock: 's3:PutBucketPublicAccessBlock',
  GetBucketEncryption: 's3:GetEncryptionConfiguration',
  PutBucketEncryption: 's3:PutEncryptionConfiguration',
};

interface DefOptions {
  data?: boolean;
  global?: boolean;
  notFound?: ActionDef['notFound'];
}

export function defineAction(source: string, name: string, readOnly: boolean, build: (c: ActionCtx) => ActionOut, o: DefOptions = {}): ActionDef {
  const svc = source.replace('.amazonaws.com', '');
  const prefix = IAM_PREFIX[source] ?? svc;
  const bare = name.replace(/20\d{6}(v\d)?$/, '');
  return {
    id: `${svc}:${name}`,
    source,
    name,
    readOnly,
    data: o.data ?? false,
    global: o.global ?? false,
    cli: `${CLI_SERVICE[source] ?? svc}.${kebab(name)}`,
    iamAction: IAM_ACTION_OVERRIDE[name] ?? `${prefix}:${bare}`,
    notFound: o.notFound,
    build,
  };
}

// ---------------------------------------------------------------- helpers

export const none = (): ActionOut => ({ req: null, resp: null });

function inRegion<T>(c: ActionCtx, byRegion: Record<string, T[]>, fallback: T[]): T {
  const list = byRegion[c.region];
  return c.rng.pick(list && list.length > 0 ? list : fallback);
}

export function pickBucket(c: ActionCtx): Bucket {
  const list = c.acct.resources.bucketsByRegion[c.region];
  return c.rng.pick(list && list.length > 0 ? list : c.acct.resources.buckets);
}

export const s3Host = (b: Bucket): string => `${b.name}.s3.${b.region}.amazonaws.com`;
export const bucketArn = (b: Bucket): string => `arn:aws:s3:::${b.name}`;

export function s3Extra(rng: Prng, bytesIn: number, bytesOut: number): JsonObject {
  return {
    SignatureVersion: 'SigV4',
    CipherSuite: 'TLS_AES_128_GCM_SHA256',
    bytesTransferredIn: bytesIn,
    AuthenticationMethod: 'AuthHeader',
    'x-amz-id-2': rng.base64(75) + '=',
    bytesTransferredOut: bytesOut,
  };
}

/** An S3 bucket sub-resource call (GetBucketAcl, GetBucketPolicy, ...): `sub` is the empty query key. */
function bucketCall(sub: string | null) {
  return (c: ActionCtx): ActionOut => {
    const b = pickBucket(c);
    const req: JsonObject = { bucketName: b.name, Host: s3Host(b) };
    if (sub) req[sub] = '';
    return {
      req,
      resp: null,
      extra: s3Extra(c.rng, 0, 0),
      resources: [{ accountId: c.acct.accountId, type: 'AWS::S3::Bucket', ARN: bucketArn(b) }],
      host: s3Host(b),
      resourceArn: bucketArn(b),
      region: b.region,
    };
  };
}

export function objectCall(c: ActionCtx, b: Bucket, key: string, bytesIn: number, bytesOut: number): ActionOut {
  return {
    req: { bucketName: b.name, Host: s3Host(b), key },
    resp: null,
    extra: s3Extra(c.rng, bytesIn, bytesOut),
    resources: [
      { accountId: c.acct.accountId, type: 'AWS::S3::Bucket', ARN: bucketArn(b) },
      { type: 'AWS::S3::Object', ARN: `${bucketArn(b)}/${key}` },
    ],
    host: s3Host(b),
    resourceArn: `${bucketArn(b)}/${key}`,
    region: b.region,
  };
}

function objectKey(rng: Prng, b: Bucket): string {
  return rng.pick(b.keys);
}

export function kmsKeyArn(c: ActionCtx): string {
  const id = inRegion(c, c.acct.resources.kmsKeysByRegion, c.acct.resources.kmsKeysByRegion['us-east-1']);
  const region = c.acct.resources.kmsKeysByRegion[c.region] ? c.region : 'us-east-1';
  return `arn:aws:kms:${region}:${c.acct.accountId}:key/${id}`;
}

function kmsCall(req: (c: ActionCtx, arn: string) => JsonObject | null, resp?: (c: ActionCtx, arn: string) => JsonObject) {
  return (c: ActionCtx): ActionOut => {
    const arn = kmsKeyArn(c);
    return {
      req: req(c, arn),
      resp: resp ? resp(c, arn) : null,
      resources: [{ accountId: c.acct.accountId, type: 'AWS::KMS::Key', ARN: arn }],
      resourceArn: arn,
    };
  };
}

const instance = (c: ActionCtx) => inRegion(c, c.acct.resources.instancesByRegion, c.acct.resources.instances);
const sg = (c: ActionCtx): string => inRegion(c, c.acct.resources.securityGroupsByRegion, c.acct.resources.securityGroupsByRegion['us-east-1']);
const vpc = (c: ActionCtx): string => c.acct.resources.vpcByRegion[c.region] ?? c.acct.resources.vpcByRegion['us-east-1'];
const volume = (c: ActionCtx): string => inRegion(c, c.acct.resources.volumesByRegion, c.acct.resources.volumesByRegion['us-east-1']);
const hex17 = (rng: Prng): string => rng.hex(17);
const ms = (t: number): number => t * 1000 + 123;

function ec2Resp(c: ActionCtx, body: JsonObject = {}): JsonObject {
  return { requestId: c.requestID, ...body };
}

function stateChange(c: ActionCtx, from: [number, string], to: [number, string]): ActionOut {
  const id = instance(c).id;
  return {
    req: { instancesSet: { items: [{ instanceId: id }] } },
    resp: ec2Resp(c, {
      instancesSet: { items: [{ instanceId: id, currentState: { code: to[0], name: to[1] }, previousState: { code: from[0], name: from[1] } }] },
    }),
    resourceArn: `arn:aws:ec2:${c.region}:${c.acct.accountId}:instance/${id}`,
  };
}

export function ingressRule(c: ActionCtx, groupId: string, port: number, cidr: string, ipv6: boolean): ActionOut {
  const range = ipv6 ? { ipRanges: {}, ipv6Ranges: { items: [{ cidrIpv6: cidr }] } } : { ipRanges: { items: [{ cidrIp: cidr }] }, ipv6Ranges: {} };
  return {
    req: {
      groupId,
      ipPermissions: { items: [{ ipProtocol: 'tcp', fromPort: port, toPort: port, groups: {}, ...range, prefixListIds: {} }] },
    },
    resp: ec2Resp(c, {
      _return: true,
      securityGroupRuleSet: {
        items: [
          {
            groupOwnerId: c.acct.accountId,
            groupId,
            securityGroupRuleId: 'sgr-' + hex17(c.rng),
            isEgress: false,
            ipProtocol: 'tcp',
            fromPort: port,
            toPort: port,
            [ipv6 ? 'cidrIpv6' : 'cidrIpv4']: cidr,
          },
        ],
      },
    }),
    resourceArn: `arn:aws:ec2:${c.region}:${c.acct.accountId}:security-group/${groupId}`,
  };
}

export function runInstances(c: ActionCtx, instanceType: string, count: number): ActionOut {
  const ami = c.acct.resources.amiByRegion[c.region] ?? 'ami-' + hex17(c.rng);
  const subnet = inRegion(c, c.acct.resources.subnetsByRegion, c.acct.resources.subnetsByRegion['us-east-1']);
  const items: JsonObject[] = [];
  for (let i = 0; i < count; i++) {
    const priv = `10.${c.rng.range(0, 40)}.${c.rng.range(0, 255)}.${c.rng.range(4, 250)}`;
    items.push({
      instanceId: 'i-' + hex17(c.rng),
      imageId: ami,
      currentInstanceBootMode: 'uefi',
      instanceState: { code: 0, name: 'pending' },
      privateDnsName: `ip-${priv.replace(/\./g, '-')}.${c.region === 'us-east-1' ? 'ec2.internal' : c.region + '.compute.internal'}`,
      amiLaunchIndex: i,
      productCodes: {},
      instanceType,
      launchTime: ms(c.t),
      placement: { availabilityZone: c.region + 'a', tenancy: 'default' },
      monitoring: { state: 'disabled' },
      subnetId: subnet,
      vpcId: vpc(c),
      privateIpAddress: priv,
      stateReason: { code: 'pending', message: 'pending' },
      architecture: 'x86_64',
      rootDeviceType: 'ebs',
      rootDeviceName: '/dev/xvda',
      blockDeviceMapping: {},
      virtualizationType: 'hvm',
      hypervisor: 'xen',
      clientToken: c.rng.uuid(),
      groupSet: { items: [{ groupId: sg(c), groupName: 'default' }] },
      sourceDestCheck: true,
      ebsOptimized: false,
      enaSupport: true,
    });
  }
  return {
    req: {
      instancesSet: { items: [{ imageId: ami, minCount: count, maxCount: count }] },
      instanceType,
      blockDeviceMapping: {},
      monitoring: { enabled: false },
      disableApiTermination: false,
      disableApiStop: false,
      clientToken: c.rng.uuid().toUpperCase(),
      subnetId: subnet,
      tagSpecificationSet: { items: [{ resourceType: 'instance', tags: [{ key: 'Name', value: 'app-' + c.rng.hex(4) }] }] },
    },
    resp: ec2Resp(c, { reservationId: 'r-' + hex17(c.rng), ownerId: c.acct.accountId, groupSet: {}, instancesSet: { items } }),
    resourceArn: `arn:aws:ec2:${c.region}:${c.acct.accountId}:instance/*`,
  };
}

const policyDoc = (actions: string[], resource: string): string =>
  JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: actions, Resource: resource }] }, null, 2);

const iamRes = (c: ActionCtx, kind: string, name: string): string => `arn:aws:iam::${c.acct.accountId}:${kind}/${name}`;

// ---------------------------------------------------------------- the catalog

const EC2 = 'ec2.amazonaws.com';
const S3 = 's3.amazonaws.com';
const IAM = 'iam.amazonaws.com';
const STS = 'sts.amazonaws.com';

export const ACTIONS = {
  // EC2 reads
  DescribeInstances: defineAction(EC2, 'DescribeInstances', true, (c) =>
    c.rng.chance(0.3)
      ? { req: { instancesSet: { items: [{ instanceId: instance(c).id }] }, filterSet: {} }, resp: null }
      : { req: { maxResults: 1000, instancesSet: {}, filterSet: {} }, resp: null }),
  DescribeSecurityGroups: defineAction(EC2, 'DescribeSecurityGroups', true, (c) => ({
    req: { securityGroupSet: {}, securityGroupIdSet: c.rng.chance(0.5) ? { items: [{ groupId: sg(c) }] } : {}, filterSet: {} },
    resp: null,
  })),
  DescribeVolumes: defineAction(EC2, 'DescribeVolumes', true, () => ({ req: { volumeSet: {}, filterSet: {} }, resp: null })),
  DescribeSnapshots: defineAction(EC2, 'DescribeSnapshots', true, () => ({
    req: { snapshotSet: {}, ownersSet: { items: [{ owner: 'self' }] }, sharedUsersSet: {}, filterSet: {} },
    resp: null,
  })),
  DescribeVpcs: defineAction(EC2, 'DescribeVpcs', true, () => ({ req: { vpcSet: {}, filterSet: {} }, resp: null })),
  DescribeSubnets: defineAction(EC2, 'DescribeSubnets', true, (c) => ({
    req: { subnetSet: {}, filterSet: { items: [{ name: 'vpc-id', valueSet: { items: [{ value: vpc(c) }] } }] } },
    resp: null,
  })),
  DescribeRegions: defineAction(EC2, 'DescribeRegions', true, () => ({ req: { regionSet: {}, allRegions: false }, resp: null })),
  DescribeImages: defineAction(EC2, 'DescribeImages', true, (c) => ({
    req: { executableBySet: {}, imagesSet: { items: [{ imageId: c.acct.resources.amiByRegion[c.region] ?? 'ami-' + hex17(c.rng) }] }, ownersSet: {}, filterSet: {} },
    resp: null,
  })),
  DescribeInstanceStatus: defineAction(EC2, 'DescribeInstanceStatus', true, () => ({
    req: { instancesSet: {}, filterSet: {}, maxResults: 1000, includeAllInstances: false },
    resp: null,
  })),
  DescribeAddresses: defineAction(EC2, 'DescribeAddresses', true, () => ({ req: { publicIpsSet: {}, allocationIdsSet: {}, filterSet: {} }, resp: null })),
  DescribeNetworkInterfaces: defineAction(EC2, 'DescribeNetworkInterfaces', true, () => ({ req: { networkInterfaceIdSet: {}, filterSet: {} }, resp: null })),
  DescribeKeyPairs: defineAction(EC2, 'DescribeKeyPairs', true, () => ({ req: { keySet: {}, keyPairIdSet: {}, filterSet: {}, includePublicKey: false }, resp: null })),
  DescribeTags: defineAction(EC2, 'DescribeTags', true, (c) => ({
    req: { filterSet: { items: [{ name: 'resource-id', valueSet: { items: [{ value: instance(c).id }] } }] } },
    resp: null,
  })),
  // EC2 writes
  RunInstances: defineAction(EC2, 'RunInstances', false, (c) => runInstances(c, c.rng.pick(['t3.micro', 't3.medium', 'm6i.large', 'c6i.xlarge']), 1)),
  StartInstances: defineAction(EC2, 'StartInstances', false, (c) => stateChange(c, [80, 'stopped'], [0, 'pending'])),
  StopInstances: defineAction(EC2, 'StopInstances', false, (c) => stateChange(c, [16, 'running'], [64, 'stopping'])),
  RebootInstances: defineAction(EC2, 'RebootInstances', false, (c) => ({ req: { instancesSet: { items: [{ instanceId: instance(c).id }] } }, resp: ec2Resp(c, { _return: true }) })),
  CreateTags: defineAction(EC2, 'CreateTags', false, (c) => ({
    req: {
      resourcesSet: { items: [{ resourceId: instance(c).id }] },
      tagSet: { items: [{ key: c.rng.pick(['Owner', 'CostCenter', 'Environment', 'Backup']), value: c.rng.pick(['platform', 'data', 'prod', 'daily', '4711']) }] },
    },
    resp: ec2Resp(c, { _return: true }),
  })),
  CreateSnapshot: defineAction(EC2, 'CreateSnapshot', false, (c) => {
    const vol = volume(c);
    return {
      req: { volumeId: vol, description: 'nightly backup ' + javaDate(c.t).split(' ').slice(0, 3).join(' ') },
      resp: ec2Resp(c, {
        snapshotId: 'snap-' + hex17(c.rng),
        volumeId: vol,
        status: 'pending',
        startTime: ms(c.t),
        ownerId: c.acct.accountId,
        volumeSize: String(c.rng.pick([8, 20, 50, 100])),
        encrypted: true,
        kmsKeyId: kmsKeyArn(c),
      }),
    };
  }),
  CreateSecurityGroup: defineAction(EC2, 'CreateSecurityGroup', false, (c) => {
    const id = 'sg-' + hex17(c.rng);
    return {
      req: { groupName: 'app-' + c.rng.hex(6), groupDescription: 'managed by platform team', vpcId: vpc(c) },
      resp: ec2Resp(c, { _return: true, groupId: id, securityGroupArn: `arn:aws:ec2:${c.region}:${c.acct.accountId}:security-group/${id}` }),
    };
  }),
  AuthorizeSecurityGroupIngress: defineAction(EC2, 'AuthorizeSecurityGroupIngress', false, (c) =>
    ingressRule(c, sg(c), c.rng.pick([443, 5432, 6379, 8080]), `10.${c.rng.range(0, 40)}.0.0/16`, false)),
  RevokeSecurityGroupIngress: defineAction(EC2, 'RevokeSecurityGroupIngress', false, (c) => {
    const port = c.rng.pick([8080, 9090]);
    return {
      req: { groupId: sg(c), ipPermissions: { items: [{ ipProtocol: 'tcp', fromPort: port, toPort: port, groups: {}, ipRanges: { items: [{ cidrIp: '10.0.0.0/16' }] }, ipv6Ranges: {}, prefixListIds: {} }] } },
      resp: ec2Resp(c, { _return: true }),
    };
  }),
  ModifyInstanceAttribute: defineAction(EC2, 'ModifyInstanceAttribute', false, (c) => ({
    req: { instanceId: instance(c).id, instanceType: { value: c.rng.pick(['t3.large', 'm6i.xlarge']) } },
    resp: ec2Resp(c, { _return: true }),
  })),
  AttachVolume: defineAction(EC2, 'AttachVolume', false, (c) => {
    const vol = volume(c);
    const inst = instance(c).id;
    return {
      req: { volumeId: vol, instanceId: inst, device: '/dev/sdf' },
      resp: ec2Resp(c, { volumeId: vol, instanceId: inst, device: '/dev/sdf', status: 'attaching', attachTime: ms(c.t), deleteOnTermination: false }),
    };
  }),

  // S3 management events
  ListBuckets: defineAction(S3, 'ListBuckets', true, (c) => ({ req: { Host: 's3.amazonaws.com' }, resp: null, extra: s3Extra(c.rng, 0, c.rng.range(1500, 9000)), host: 's3.amazonaws.com' }), { global: true }),
  GetBucketLocation: defineAction(S3, 'GetBucketLocation', true, bucketCall('location')),
  GetBucketAcl: defineAction(S3, 'GetBucketAcl', true, bucketCall('acl')),
  GetBucketVersioning: defineAction(S3, 'GetBucketVersioning', true, bucketCall('versioning')),
  GetBucketEncryption: defineAction(S3, 'GetBucketEncryption', true, bucketCall('encryption')),
  GetBucketTagging: defineAction(S3, 'GetBucketTagging', true, bucketCall('tagging'), {
    notFound: { rate: 0.2, code: 'NoSuchTagSet', message: () => 'The TagSet does not exist' },
  }),
  GetBucketPublicAccessBlock: defineAction(S3, 'GetBucketPublicAccessBlock', true, bucketCall('publicAccessBlock')),
  GetBucketPolicy: defineAction(S3, 'GetBucketPolicy', true, bucketCall('policy'), {
    notFound: { rate: 0.3, code: 'NoSuchBucketPolicy', message: () => 'The bucket policy does not exist' },
  }),
  CreateBucket: defineAction(S3, 'CreateBucket', false, (c) => {
    const name = `tmp-${c.rng.hex(8)}-${c.acct.accountId.slice(-4)}`;
    return {
      req: {
        CreateBucketConfiguration: c.region === 'us-east-1' ? undefined : { LocationConstraint: c.region, xmlns: 'http://s3.amazonaws.com/doc/2006-03-01/' },
        bucketName: name,
        Host: `${name}.s3.${c.region}.amazonaws.com`,
      },
      resp: null,
      extra: s3Extra(c.rng, 0, 0),
      resources: [{ accountId: c.acct.accountId, type: 'AWS::S3::Bucket', ARN: `arn:aws:s3:::${name}` }],
      host: `${name}.s3.${c.region}.amazonaws.com`,
    };
  }),
  PutBucketPolicy: defineAction(S3, 'PutBucketPolicy', false, (c) => {
    const out = bucketCall('policy')(c);
    const b = (out.req as JsonObject).bucketName as string;
    (out.req as JsonObject).bucketPolicy = {
      Version: '2012-10-17',
      Statement: [{ Sid: 'DenyInsecureTransport', Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: [`arn:aws:s3:::${b}`, `arn:aws:s3:::${b}/*`], Condition: { Bool: { 'aws:SecureTransport': 'false' } } }],
    };
    return out;
  }),
  PutBucketTagging: defineAction(S3, 'PutBucketTagging', false, (c) => {
    const out = bucketCall('tagging')(c);
    (out.req as JsonObject).Tagging = { TagSet: { Tag: [{ Key: 'Environment', Value: 'prod' }] }, xmlns: 'http://s3.amazonaws.com/doc/2006-03-01/' };
    return out;
  }),
  PutBucketEncryption: defineAction(S3, 'PutBucketEncryption', false, (c) => {
    const out = bucketCall('encryption')(c);
    (out.req as JsonObject).ServerSideEncryptionConfiguration = {
      xmlns: 'http://s3.amazonaws.com/doc/2006-03-01/',
      Rule: { ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: kmsKeyArn(c) }, BucketKeyEnabled: true },
    };
    return out;
  }),
  // S3 data events
  GetObject: defineAction(S3, 'GetObject', true, (c) => {
    const b = pickBucket(c);
    return objectCall(c, b, objectKey(c.rng, b), 0, c.rng.range(200, 4_000_000));
  }, { data: true }),
  HeadObject: defineAction(S3, 'HeadObject', true, (c) => {
    const b = pickBucket(c);
    return objectCall(c, b, objectKey(c.rng, b), 0, 0);
  }, { data: true }),
  PutObject: defineAction(S3, 'PutObject', false, (c) => {
    const b = pickBucket(c);
    const out = objectCall(c, b, objectKey(c.rng, b), c.rng.range(200, 8_000_000), 0);
    (out.extra as JsonObject).SSEApplied = 'Default_SSE_S3';
    return out;
  }, { data: true }),
  DeleteObject: defineAction(S3, 'DeleteObject', false, (c) => {
    const b = pickBucket(c);
    return objectCall(c, b, objectKey(c.rng, b), 0, 0);
  }, { data: true }),

  // IAM (global: recorded in us-east-1)
  ListUsers: defineAction(IAM, 'ListUsers', true, none, { global: true }),
  ListRoles: defineAction(IAM, 'ListRoles', true, none, { global: true }),
  ListGroups: defineAction(IAM, 'ListGroups', true, none, { global: true }),
  ListPolicies: defineAction(IAM, 'ListPolicies', true, () => ({ req: { scope: 'Local', onlyAttached: false }, resp: null }), { global: true }),
  GetUser: defineAction(IAM, 'GetUser', true, (c) => {
    const u = c.rng.pick(c.acct.resources.userNames);
    return { req: { userName: u }, resp: null, resourceArn: iamRes(c, 'user', u) };
  }, { global: true }),
  GetRole: defineAction(IAM, 'GetRole', true, (c) => {
    const r = c.rng.pick(c.acct.resources.roleNames);
    return { req: { roleName: r }, resp: null, resourceArn: iamRes(c, 'role', r) };
  }, { global: true }),
  GetPolicy: defineAction(IAM, 'GetPolicy', true, (c) => {
    const p = c.rng.pick(c.acct.resources.policyArns);
    return { req: { policyArn: p }, resp: null, resourceArn: p };
  }, { global: true }),
  GetPolicyVersion: defineAction(IAM, 'GetPolicyVersion', true, (c) => {
    const p = c.rng.pick(c.acct.resources.policyArns);
    return { req: { policyArn: p, versionId: 'v' + c.rng.range(1, 4) }, resp: null, resourceArn: p };
  }, { global: true }),
  ListAttachedRolePolicies: defineAction(IAM, 'ListAttachedRolePolicies', true, (c) => {
    const r = c.rng.pick(c.acct.resources.roleNames);
    return { req: { roleName: r }, resp: null, resourceArn: iamRes(c, 'role', r) };
  }, { global: true }),
  ListRolePolicies: defineAction(IAM, 'ListRolePolicies', true, (c) => {
    const r = c.rng.pick(c.acct.resources.roleNames);
    return { req: { roleName: r }, resp: null, resourceArn: iamRes(c, 'role', r) };
  }, { global: true }),
  ListAttachedUserPolicies: defineAction(IAM, 'ListAttachedUserPolicies', true, (c) => {
    const u = c.rng.pick(c.acct.resources.userNames);
    return { req: { userName: u }, resp: null, resourceArn: iamRes(c, 'user', u) };
  }, { global: true }),
  ListAccessKeys: defineAction(IAM, 'ListAccessKeys', true, (c) => {
    const u = c.rng.pick(c.acct.resources.userNames);
    return { req: { userName: u }, resp: null, resourceArn: iamRes(c, 'user', u) };
  }, { global: true }),
  ListMFADevices: defineAction(IAM, 'ListMFADevices', true, (c) => {
    const u = c.rng.pick(c.acct.resources.userNames);
    return { req: { userName: u }, resp: null, resourceArn: iamRes(c, 'user', u) };
  }, { global: true }),
  GetAccountSummary: defineAction(IAM, 'GetAccountSummary', true, none, { global: true }),
  GetAccountAuthorizationDetails: defineAction(IAM, 'GetAccountAuthorizationDetails', true, () => ({ req: { filter: ['User', 'Role', 'Group', 'LocalManagedPolicy'] }, resp: null }), { global: true }),
  GenerateCredentialReport: defineAction(IAM, 'GenerateCredentialReport', false, () => ({
    req: null,
    resp: { state: 'STARTED', description: 'No report exists. Starting a new report generation task' },
  }), { global: true }),
  GetAccountPasswordPolicy: defineAction(IAM, 'GetAccountPasswordPolicy', true, none, {
    global: true,
    notFound: { rate: 0.5, code: 'NoSuchEntityException', message: (c) => `The Password Policy with domain name ${c.acct.accountId} cannot be found.` },
  }),
  CreateRole: defineAction(IAM, 'CreateRole', false, (c) => {
    const name = `svc-${c.rng.pick(['etl', 'reporting', 'ingest', 'batch'])}-${c.rng.hex(6)}`;
    const trust = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }] });
    return {
      req: { roleName: name, assumeRolePolicyDocument: trust, description: 'Created by platform automation' },
      resp: {
        role: {
          path: '/',
          roleName: name,
          roleId: 'AROA' + c.rng.keyChars(17),
          arn: iamRes(c, 'role', name),
          createDate: javaDate(c.t),
          assumeRolePolicyDocument: encodeURIComponent(trust),
        },
      },
      resourceArn: iamRes(c, 'role', name),
    };
  }, { global: true }),
  PutRolePolicy: defineAction(IAM, 'PutRolePolicy', false, (c) => {
    const r = c.rng.pick(c.acct.resources.roleNames);
    return {
      req: { roleName: r, policyName: 'inline-' + c.rng.pick(['s3-read', 'kms-use', 'logs-write']), policyDocument: policyDoc(['s3:GetObject', 's3:ListBucket'], '*') },
      resp: null,
      resourceArn: iamRes(c, 'role', r),
    };
  }, { global: true }),
  AttachRolePolicy: defineAction(IAM, 'AttachRolePolicy', false, (c) => {
    const r = c.rng.pick(c.acct.resources.roleNames);
    return {
      req: { roleName: r, policyArn: c.rng.pick(['arn:aws:iam::aws:policy/ReadOnlyAccess', 'arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess', 'arn:aws:iam::aws:policy/CloudWatchAgentServerPolicy']) },
      resp: null,
      resourceArn: iamRes(c, 'role', r),
    };
  }, { global: true }),
  TagRole: defineAction(IAM, 'TagRole', false, (c) => ({
    req: { roleName: c.rng.pick(c.acct.resources.roleNames), tags: [{ key: 'ManagedBy', value: 'terraform' }] },
    resp: null,
  }), { global: true }),

  // STS
  GetCallerIdentity: defineAction(STS, 'GetCallerIdentity', true, (c) => ({
    req: null,
    resp: null,
    extra: { RequestDetails: { awsServingRegion: c.region, endpointType: 'regional' } },
    host: `sts.${c.region}.amazonaws.com`,
  })),

  // Lambda
  ListFunctions: defineAction('lambda.amazonaws.com', 'ListFunctions20150331', true, none),
  GetFunction: defineAction('lambda.amazonaws.com', 'GetFunction20150331v2', true, (c) => {
    const f = c.rng.pick(c.acct.resources.lambdas);
    return { req: { functionName: f.name }, resp: null, resourceArn: `arn:aws:lambda:${f.region}:${c.acct.accountId}:function:${f.name}`, region: f.region };
  }),
  GetFunctionConfiguration: defineAction('lambda.amazonaws.com', 'GetFunctionConfiguration20150331v2', true, (c) => {
    const f = c.rng.pick(c.acct.resources.lambdas);
    return { req: { functionName: f.name }, resp: null, region: f.region };
  }),
  ListVersionsByFunction: defineAction('lambda.amazonaws.com', 'ListVersionsByFunction20150331', true, (c) => {
    const f = c.rng.pick(c.acct.resources.lambdas);
    return { req: { functionName: f.name }, resp: null, region: f.region };
  }),
  UpdateFunctionCode: defineAction('lambda.amazonaws.com', 'UpdateFunctionCode20150331v2', false, (c) => {
    const f = c.rng.pick(c.acct.resources.lambdas);
    const arn = `arn:aws:lambda:${f.region}:${c.acct.accountId}:function:${f.name}`;
    return {
      req: { functionName: f.name, publish: false, dryRun: false, s3Bucket: c.acct.resources.buckets[0].name, s3Key: `lambda/${f.name}/${c.rng.hex(12)}.zip` },
      resp: {
        functionName: f.name,
        functionArn: arn,
        runtime: 'python3.12',
        role: `arn:aws:iam::${c.acct.accountId}:role/${f.role}`,
        handler: 'app.handler',
        codeSize: c.rng.range(20_000, 9_000_000),
        description: '',
        timeout: 30,
        memorySize: 512,
        lastModified: new Date(c.t * 1000).toISOString().replace('Z', '+0000'),
        codeSha256: c.rng.base64(43) + '=',
        version: '$LATEST',
        tracingConfig: { mode: 'PassThrough' },
        revisionId: c.rng.uuid(),
        state: 'Active',
        lastUpdateStatus: 'InProgress',
        lastUpdateStatusReason: 'The function is being created.',
        lastUpdateStatusReasonCode: 'Creating',
        packageType: 'Zip',
        architectures: ['arm64'],
        ephemeralStorage: { size: 512 },
      },
      resourceArn: arn,
      region: f.region,
    };
  }),
  UpdateFunctionConfiguration: defineAction('lambda.amazonaws.com', 'UpdateFunctionConfiguration20150331v2', false, (c) => {
    const f = c.rng.pick(c.acct.resources.lambdas);
    return { req: { functionName: f.name, timeout: c.rng.pick([30, 60, 120]), memorySize: c.rng.pick([512, 1024]) }, resp: null, region: f.region };
  }),

  // KMS
  Decrypt: defineAction('kms.amazonaws.com', 'Decrypt', true, kmsCall(() => ({ encryptionAlgorithm: 'SYMMETRIC_DEFAULT' }))),
  Encrypt: defineAction('kms.amazonaws.com', 'Encrypt', true, kmsCall((_c, arn) => ({ keyId: arn, encryptionAlgorithm: 'SYMMETRIC_DEFAULT' }))),
  GenerateDataKey: defineAction('kms.amazonaws.com', 'GenerateDataKey', true, kmsCall((c, arn) => ({
    keyId: arn,
    keySpec: 'AES_256',
    encryptionContext: { 'aws:s3:arn': bucketArn(pickBucket(c)) },
  }))),
  DescribeKey: defineAction('kms.amazonaws.com', 'DescribeKey', true, kmsCall((_c, arn) => ({ keyId: arn }))),
  GetKeyRotationStatus: defineAction('kms.amazonaws.com', 'GetKeyRotationStatus', true, kmsCall((_c, arn) => ({ keyId: arn }))),
  GetKeyPolicy: defineAction('kms.amazonaws.com', 'GetKeyPolicy', true, kmsCall((_c, arn) => ({ keyId: arn, policyName: 'default' }))),
  ListKeys: defineAction('kms.amazonaws.com', 'ListKeys', true, none),
  ListAliases: defineAction('kms.amazonaws.com', 'ListAliases', true, none),

  // CloudWatch, Logs
  DescribeAlarms: defineAction('monitoring.amazonaws.com', 'DescribeAlarms', true, () => ({ req: { maxRecords: 100 }, resp: null })),
  GetMetricData: defineAction('monitoring.amazonaws.com', 'GetMetricData', true, (c) => ({
    req: { startTime: javaDate(c.t - 10800), endTime: javaDate(c.t), maxDatapoints: 1440 },
    resp: null,
  })),
  ListMetrics: defineAction('monitoring.amazonaws.com', 'ListMetrics', true, (c) => ({ req: { namespace: c.rng.pick(['AWS/EC2', 'AWS/Lambda', 'AWS/S3']) }, resp: null })),
  PutMetricAlarm: defineAction('monitoring.amazonaws.com', 'PutMetricAlarm', false, (c) => ({
    req: {
      alarmName: `high-cpu-${c.rng.hex(4)}`,
      metricName: 'CPUUtilization',
      namespace: 'AWS/EC2',
      statistic: 'Average',
      period: 300,
      evaluationPeriods: 3,
      threshold: 80,
      comparisonOperator: 'GreaterThanThreshold',
      dimensions: [{ name: 'InstanceId', value: instance(c).id }],
    },
    resp: null,
  })),
  DescribeLogGroups: defineAction('logs.amazonaws.com', 'DescribeLogGroups', true, () => ({ req: { limit: 50 }, resp: null })),
  DescribeLogStreams: defineAction('logs.amazonaws.com', 'DescribeLogStreams', true, (c) => ({
    req: { logGroupName: c.rng.pick(c.acct.resources.logGroups), orderBy: 'LastEventTime', descending: true, limit: 50 },
    resp: null,
  })),
  CreateLogGroup: defineAction('logs.amazonaws.com', 'CreateLogGroup', false, (c) => ({ req: { logGroupName: `/app/${c.rng.pick(['api', 'worker', 'cron'])}-${c.rng.hex(4)}` }, resp: null })),

  // CloudTrail reads (the writes are planted scenarios only)
  DescribeTrails: defineAction('cloudtrail.amazonaws.com', 'DescribeTrails', true, () => ({ req: { trailNameList: [], includeShadowTrails: true }, resp: null })),
  GetTrailStatus: defineAction('cloudtrail.amazonaws.com', 'GetTrailStatus', true, (c) => ({ req: { name: c.acct.resources.trailArn }, resp: null })),
  GetEventSelectors: defineAction('cloudtrail.amazonaws.com', 'GetEventSelectors', true, (c) => ({ req: { trailName: c.acct.resources.trailArn }, resp: null })),
  LookupEvents: defineAction('cloudtrail.amazonaws.com', 'LookupEvents', true, (c) => ({
    req: { maxResults: 50, lookupAttributes: [{ attributeKey: 'ReadOnly', attributeValue: 'false' }], startTime: javaDate(c.t - 86400), endTime: javaDate(c.t) },
    resp: null,
  })),

  // SSM, Secrets Manager
  UpdateInstanceInformation: defineAction('ssm.amazonaws.com', 'UpdateInstanceInformation', false, (c) => {
    const inst = instance(c);
    return {
      req: {
        instanceId: inst.id,
        agentVersion: '3.3.1142.0',
        agentStatus: 'Active',
        platformType: 'Linux',
        platformName: 'Amazon Linux',
        platformVersion: '2023',
        iPAddress: inst.privateIp,
        computerName: `ip-${inst.privateIp.replace(/\./g, '-')}.${inst.region === 'us-east-1' ? 'ec2.internal' : inst.region + '.compute.internal'}`,
        agentName: 'amazon-ssm-agent',
        availabilityZone: inst.region + 'a',
        availabilityZoneId: inst.region.slice(0, 3).replace('-', '') + '1-az1',
      },
      resp: null,
    };
  }),
  ListInstanceAssociations: defineAction('ssm.amazonaws.com', 'ListInstanceAssociations', true, (c) => ({ req: { instanceId: instance(c).id, maxResults: 20 }, resp: null })),
  GetParameter: defineAction('ssm.amazonaws.com', 'GetParameter', true, (c) => ({ req: { name: c.rng.pick(c.acct.resources.parameters), withDecryption: c.rng.chance(0.5) }, resp: null })),
  GetParameters: defineAction('ssm.amazonaws.com', 'GetParameters', true, (c) => ({ req: { names: [c.rng.pick(c.acct.resources.parameters)], withDecryption: true }, resp: null })),
  DescribeInstanceInformation: defineAction('ssm.amazonaws.com', 'DescribeInstanceInformation', true, () => ({ req: { maxResults: 50 }, resp: null })),
  GetSecretValue: defineAction('secretsmanager.amazonaws.com', 'GetSecretValue', true, (c) => {
    const s = c.rng.pick(c.acct.resources.secrets);
    return { req: { secretId: s.arn }, resp: null, resourceArn: s.arn, region: s.region };
  }),
  DescribeSecret: defineAction('secretsmanager.amazonaws.com', 'DescribeSecret', true, (c) => {
    const s = c.rng.pick(c.acct.resources.secrets);
    return { req: { secretId: s.name }, resp: null, resourceArn: s.arn, region: s.region };
  }),
  ListSecrets: defineAction('secretsmanager.amazonaws.com', 'ListSecrets', true, () => ({ req: { maxResults: 100 }, resp: null })),

  // DynamoDB, RDS, GuardDuty
  ListTables: defineAction('dynamodb.amazonaws.com', 'ListTables', true, none),
  DescribeTable: defineAction('dynamodb.amazonaws.com', 'DescribeTable', true, (c) => ({ req: { tableName: c.rng.pick(c.acct.resources.tables) }, resp: null })),
  DescribeDBInstances: defineAction('rds.amazonaws.com', 'DescribeDBInstances', true, none),
  ListDetectors: defineAction('guardduty.amazonaws.com', 'ListDetectors', true, none),
  GetDetector: defineAction('guardduty.amazonaws.com', 'GetDetector', true, (c) => ({ req: { detectorId: c.acct.resources.detectorByRegion[c.region] ?? c.rng.hex(32) }, resp: null })),
  ListFindings: defineAction('guardduty.amazonaws.com', 'ListFindings', true, (c) => ({
    req: { detectorId: c.acct.resources.detectorByRegion[c.region] ?? c.rng.hex(32), maxResults: 50, sortCriteria: { attributeName: 'updatedAt', orderBy: 'DESC' } },
    resp: null,
  })),
} satisfies Record<string, ActionDef>;

export type ActionName = keyof typeof ACTIONS;

/**
 * Actions used only by planted scenarios: routine activity never calls them, so a predicate on
 * eventName finds exactly the planted events.
 */
export const RARE = {
  StopLogging: defineAction('cloudtrail.amazonaws.com', 'StopLogging', false, none),
  StartLogging: defineAction('cloudtrail.amazonaws.com', 'StartLogging', false, none),
  UpdateTrail: defineAction('cloudtrail.amazonaws.com', 'UpdateTrail', false, none),
  PutEventSelectors: defineAction('cloudtrail.amazonaws.com', 'PutEventSelectors', false, none),
  DeleteDetector: defineAction('guardduty.amazonaws.com', 'DeleteDetector', false, none),
  ScheduleKeyDeletion: defineAction('kms.amazonaws.com', 'ScheduleKeyDeletion', false, none),
  ModifySnapshotAttribute: defineAction(EC2, 'ModifySnapshotAttribute', false, none),
  ImportKeyPair: defineAction(EC2, 'ImportKeyPair', false, none),
  PutBucketPublicAccessBlock: defineAction(S3, 'PutBucketPublicAccessBlock', false, none),
  DeleteBucketPublicAccessBlock: defineAction(S3, 'DeleteBucketPublicAccessBlock', false, none),
  PutBucketAcl: defineAction(S3, 'PutBucketAcl', false, none),
  CreateAccessKey: defineAction(IAM, 'CreateAccessKey', false, none, { global: true }),
  AttachUserPolicy: defineAction(IAM, 'AttachUserPolicy', false, none, { global: true }),
  UpdateAccountPasswordPolicy: defineAction(IAM, 'UpdateAccountPasswordPolicy', false, none, { global: true }),
} satisfies Record<string, ActionDef>;

