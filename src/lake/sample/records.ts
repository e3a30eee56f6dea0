/**
 * CloudTrail record shape and the one function (`apiCall`) every generated API event goes through,
 * so that field order, TLS details, error shapes and event versions are consistent everywhere.
 */
import type { Prng } from './prng';

export type Json = string | number | boolean | null | Json[] | JsonObject;
/** `undefined` members are allowed so optional fields can be written inline; JSON.stringify drops them. */
export interface JsonObject {
  [key: string]: Json | undefined;
}

/** Field order follows what CloudTrail itself writes (readers must not depend on it, but humans diff files). */
export interface CtRecord {
  eventVersion: string;
  userIdentity: JsonObject;
  eventTime: string;
  eventSource: string;
  eventName: string;
  awsRegion: string;
  sourceIPAddress: string;
  userAgent: string;
  errorCode?: string;
  errorMessage?: string;
  requestParameters: Json;
  responseElements: Json;
  additionalEventData?: JsonObject;
  requestID?: string;
  eventID: string;
  readOnly: boolean;
  resources?: JsonObject[];
  eventType: string;
  managementEvent: boolean;
  recipientAccountId: string;
  sharedEventID?: string;
  vpcEndpointId?: string;
  eventCategory: string;
  tlsDetails?: JsonObject;
  sessionCredentialFromConsole?: string;
}

/** How the caller's user agent is rendered (see identities.ts `renderUserAgent`). */
export type UaKind = 'cli' | 'sdk' | 'terraform' | 'console' | 'service';
export interface UserAgent {
  kind: UaKind;
  /** Full UA for sdk/terraform/service; the CLI prefix (without md/command#) for cli; the browser UA for console. */
  base: string;
}

/** Who makes a call: everything an event needs to know about its principal and client. */
export interface Caller {
  identity: JsonObject;
  /** Principal ARN used in AccessDenied messages. */
  arn: string;
  accountId: string;
  ip: string;
  ua: UserAgent;
  /** Set when an AWS service makes the call on the principal's behalf: no TLS details, service host as IP/UA. */
  invokedBy?: string;
  /** Console session: sessionCredentialFromConsole "true". */
  console?: boolean;
  vpcEndpointId?: string;
}

export interface ActionOut {
  req: Json;
  resp: Json;
  resources?: JsonObject[];
  extra?: JsonObject;
  /** TLS host header, when not `<service>.<region>.amazonaws.com`. */
  host?: string;
  /** The resource named in an AccessDenied message. */
  resourceArn?: string;
  /** The call really lands in another region (e.g. the bucket's region). */
  region?: string;
}

export interface ActionCtx {
  rng: Prng;
  /** The account that owns the resources / receives the event. */
  acct: AccountView;
  region: string;
  t: number;
  requestID: string;
  caller: Caller;
}

/** The slice of an account that action builders need (kept structural so catalog.ts stays independent). */
export interface AccountView {
  accountId: string;
  resources: AccountResources;
}

export interface Bucket {
  name: string;
  region: string;
  keys: string[];
}
export interface Instance {
  id: string;
  region: string;
  publicIp: string;
  privateIp: string;
  role: string;
}
export interface AccountResources {
  buckets: Bucket[];
  bucketsByRegion: Record<string, Bucket[]>;
  trailBucket: Bucket;
  publicAssetsBucket: Bucket;
  prodDataBucket: Bucket;
  instances: Instance[];
  instancesByRegion: Record<string, Instance[]>;
  vpcByRegion: Record<string, string>;
  subnetsByRegion: Record<string, string[]>;
  securityGroupsByRegion: Record<string, string[]>;
  amiByRegion: Record<string, string>;
  kmsKeysByRegion: Record<string, string[]>;
  volumesByRegion: Record<string, string[]>;
  snapshotsByRegion: Record<string, string[]>;
  lambdas: { name: string; region: string; role: string }[];
  secrets: { name: string; region: string; arn: string }[];
  parameters: string[];
  tables: string[];
  detectorByRegion: Record<string, string>;
  trailName: string;
  trailArn: string;
  roleNames: string[];
  userNames: string[];
  policyArns: string[];
  logGroups: string[];
}

export type ErrorKind = 'denied' | 'throttle' | 'notfound';
export interface ActionDef {
  id: string;
  source: string;
  name: string;
  readOnly: boolean;
  /** Data event (S3 object-level): eventCategory Data, managementEvent false. */
  data: boolean;
  /** Recorded in us-east-1 whatever the caller's region (IAM, S3 ListBuckets). */
  global: boolean;
  /** `md/command#` value of the aws-cli user agent. */
  cli: string;
  /** `<prefix>:<Action>` used in AccessDenied messages. */
  iamAction: string;
  /** Extra chance of a specific "not found" error (e.g. NoSuchBucketPolicy), on top of the base error rate. */
  notFound?: { rate: number; code: string; message: (c: ActionCtx) => string };
  build: (c: ActionCtx) => ActionOut;
}

/** Event versions as CloudTrail writes them today for each source (1.08 to 1.11). */
const VERSION_BY_SOURCE: Record<string, string> = {
  'ec2.amazonaws.com': '1.10',
  's3.amazonaws.com': '1.10',
  'iam.amazonaws.com': '1.08',
  'sts.amazonaws.com': '1.08',
  'signin.amazonaws.com': '1.09',
  'kms.amazonaws.com': '1.10',
  'lambda.amazonaws.com': '1.08',
  'cloudtrail.amazonaws.com': '1.11',
  'monitoring.amazonaws.com': '1.09',
  'logs.amazonaws.com': '1.09',
  'ssm.amazonaws.com': '1.09',
  'secretsmanager.amazonaws.com': '1.10',
  'guardduty.amazonaws.com': '1.11',
  'dynamodb.amazonaws.com': '1.09',
  'rds.amazonaws.com': '1.09',
};
export function versionFor(source: string): string {
  return VERSION_BY_SOURCE[source] ?? '1.09';
}

const TWO_DIGITS: string[] = Array.from({ length: 60 }, (_, i) => (i < 10 ? '0' + i : String(i)));
let isoDay = Number.NaN;
let isoPrefix = '';
/** 'YYYY-MM-DDTHH:mm:ssZ' (CloudTrail's eventTime format: no milliseconds). Called several times per
 *  record, so the date part is cached per day instead of going through Date every time. */
export function iso(t: number): string {
  const day = Math.floor(t / 86400);
  if (day !== isoDay) {
    isoDay = day;
    isoPrefix = new Date(day * 86400000).toISOString().slice(0, 11);
  }
  const s = t - day * 86400;
  return isoPrefix + TWO_DIGITS[Math.floor(s / 3600)] + ':' + TWO_DIGITS[Math.floor(s / 60) % 60] + ':' + TWO_DIGITS[s % 60] + 'Z';
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
/** The Java-style date some services (IAM, KMS) put in responseElements: 'Jul 10, 2023 12:24:29 PM'. */
export function javaDate(t: number): string {
  const d = new Date(t * 1000);
  const h = d.getUTCHours();
  const pad = (n: number): string => (n < 10 ? '0' + n : String(n));
  return `${MONTHS[d.getUTCMonth()]} ${d.getUTCDate()}, ${d.getUTCFullYear()} ${h % 12 === 0 ? 12 : h % 12}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} ${h < 12 ? 'AM' : 'PM'}`;
}

const TLS13: JsonObject = { tlsVersion: 'TLSv1.3', cipherSuite: 'TLS_AES_128_GCM_SHA256' };
const TLS12: JsonObject = { tlsVersion: 'TLSv1.2', cipherSuite: 'ECDHE-RSA-AES128-GCM-SHA256' };

export function tlsDetails(host: string, legacy: boolean): JsonObject {
  const base = legacy ? TLS12 : TLS13;
  return { tlsVersion: base.tlsVersion, cipherSuite: base.cipherSuite, clientProvidedHostHeader: host };
}

/** S3 request ids are 16 upper-case alphanumerics, every other service uses UUIDs. */
export function requestIdFor(rng: Prng, source: string): string {
  return source === 's3.amazonaws.com' ? rng.upperAlnum(16) : rng.uuid();
}

export function renderUserAgent(ua: UserAgent, action: ActionDef | undefined, rng: Prng): string {
  let text: string;
  switch (ua.kind) {
    case 'cli':
      text = action ? `${ua.base} md/command#${action.cli}` : ua.base;
      break;
    case 'console':
      // The console backend shows up as "AWS Internal" for many reads; direct browser calls carry the browser UA.
      text = rng.chance(0.55) ? 'AWS Internal' : ua.base;
      break;
    default:
      text = ua.base;
  }
  // S3 wraps SDK/CLI user agents in brackets.
  if (action && action.source === 's3.amazonaws.com' && (ua.kind === 'cli' || ua.kind === 'sdk' || ua.kind === 'terraform')) {
    return '[' + text + ']';
  }
  return text;
}

interface ErrorShape {
  code: string;
  message: string;
}

function deniedMessage(callerArn: string, iamAction: string, resource: string): string {
  return `User: ${callerArn} is not authorized to perform: ${iamAction} on resource: ${resource} because no identity-based policy allows the ${iamAction} action`;
}

/** AccessDenied / throttling errors in each service's own wording. */
export function errorFor(kind: 'denied' | 'throttle', c: ActionCtx, action: ActionDef, resourceArn: string): ErrorShape {
  const src = action.source;
  if (kind === 'throttle') {
    if (src === 'ec2.amazonaws.com') return { code: 'Client.RequestLimitExceeded', message: 'Request limit exceeded.' };
    if (src === 's3.amazonaws.com') return { code: 'SlowDown', message: 'Please reduce your request rate.' };
    return { code: 'ThrottlingException', message: 'Rate exceeded' };
  }
  const msg = deniedMessage(c.caller.arn, action.iamAction, resourceArn);
  if (src === 'ec2.amazonaws.com') {
    return {
      code: 'Client.UnauthorizedOperation',
      message: `You are not authorized to perform this operation. ${msg}. Encoded authorization failure message: ${c.rng.base64(180)}`,
    };
  }
  if (src === 'iam.amazonaws.com' || src === 's3.amazonaws.com' || src === 'sts.amazonaws.com' || src === 'monitoring.amazonaws.com' || src === 'ssm.amazonaws.com') {
    return { code: 'AccessDenied', message: msg };
  }
  return { code: 'AccessDeniedException', message: msg };
}

export interface CallOptions {
  /** Force an error ('none' forces success). Undefined: random with `errorRate`. */
  error?: ErrorKind | 'none';
  errorRate?: number;
  /** Action output (or its builder) chosen by a scenario; otherwise `action.build` is used. */
  out?: ActionOut | ((c: ActionCtx) => ActionOut);
  /** Receiving account when it differs from the caller's (cross-account). */
  recipient?: AccountView;
  sharedEventID?: string;
}

/**
 * Build one API-call record. `acct` is the caller's account unless `opts.recipient` says otherwise.
 */
export function apiCall(
  rng: Prng,
  caller: Caller,
  action: ActionDef,
  acct: AccountView,
  region: string,
  t: number,
  opts: CallOptions = {},
): CtRecord {
  const recipient = opts.recipient ?? acct;
  const callRegion = action.global ? 'us-east-1' : region;
  const requestID = requestIdFor(rng, action.source);
  const ctx: ActionCtx = { rng, acct: recipient, region: callRegion, t, requestID, caller };
  const out = typeof opts.out === 'function' ? opts.out(ctx) : (opts.out ?? action.build(ctx));
  const awsRegion = out.region ?? callRegion;

  let errorCode: string | undefined;
  let errorMessage: string | undefined;
  let kind: ErrorKind | 'none' | undefined = opts.error;
  if (kind === undefined) {
    kind = 'none';
    if (action.notFound && rng.chance(action.notFound.rate)) kind = 'notfound';
    else if (rng.chance(opts.errorRate ?? 0.03)) kind = rng.chance(0.8) ? 'denied' : 'throttle';
  }
  if (kind === 'notfound' && action.notFound) {
    errorCode = action.notFound.code;
    errorMessage = action.notFound.message(ctx);
  } else if (kind === 'denied' || kind === 'throttle') {
    const e = errorFor(kind, ctx, action, out.resourceArn ?? defaultResourceArn(action, recipient.accountId, awsRegion));
    errorCode = e.code;
    errorMessage = e.message;
  }
  const failed = errorCode !== undefined;

  const service = caller.invokedBy;
  const host = out.host ?? defaultHost(action, awsRegion);
  const uaText = service ? service : renderUserAgent(caller.ua, action, rng);
  const internal = uaText === 'AWS Internal';
  return {
    eventVersion: versionFor(action.source),
    userIdentity: caller.identity,
    eventTime: iso(t),
    eventSource: action.source,
    eventName: action.name,
    awsRegion,
    sourceIPAddress: service ?? caller.ip,
    userAgent: uaText,
    errorCode,
    errorMessage,
    requestParameters: out.req,
    responseElements: failed ? null : out.resp,
    additionalEventData: out.extra,
    requestID,
    eventID: rng.uuid(),
    readOnly: action.readOnly,
    resources: out.resources,
    eventType: 'AwsApiCall',
    managementEvent: !action.data,
    recipientAccountId: recipient.accountId,
    sharedEventID: opts.sharedEventID,
    vpcEndpointId: caller.vpcEndpointId,
    eventCategory: action.data ? 'Data' : 'Management',
    tlsDetails: service || internal ? undefined : tlsDetails(host, caller.ua.kind === 'terraform'),
    sessionCredentialFromConsole: caller.console ? 'true' : undefined,
  };
}

const SERVICE_PREFIX: Record<string, string> = {
  'monitoring.amazonaws.com': 'monitoring',
};

function defaultHost(action: ActionDef, region: string): string {
  const svc = SERVICE_PREFIX[action.source] ?? action.source.replace('.amazonaws.com', '');
  if (action.source === 'iam.amazonaws.com') return 'iam.amazonaws.com';
  return `${svc}.${region}.amazonaws.com`;
}

function defaultResourceArn(action: ActionDef, accountId: string, region: string): string {
  const svc = action.iamAction.split(':')[0];
  if (svc === 'iam') return `arn:aws:iam::${accountId}:*`;
  if (svc === 's3') return 'arn:aws:s3:::*';
  return `arn:aws:${svc}:${region}:${accountId}:*`;
}
