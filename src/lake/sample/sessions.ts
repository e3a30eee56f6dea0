/**
 * Role sessions and console sign-ins.
 *
 * Every AssumedRole identity used by an event gets its ASIA key from an STS event
 * (AssumeRole, or AssumeRoleWithSAML for IAM Identity Center) emitted just before the first use,
 * so that `responseElements.credentials.accessKeyId` -> `userIdentity.accessKeyId` joins work.
 * Sessions last one hour and are re-issued on the next use after expiry.
 */
import { defineAction } from './catalog';
import type { AccountIdentities, IamUser, RoleDef } from './identities';
import type { Prng } from './prng';
import { type Caller, type CtRecord, type JsonObject, type UserAgent, iso, renderUserAgent, tlsDetails, versionFor } from './records';

const STS = 'sts.amazonaws.com';
export const ASSUME_ROLE = defineAction(STS, 'AssumeRole', true, () => ({ req: null, resp: null }));
export const ASSUME_ROLE_SAML = defineAction(STS, 'AssumeRoleWithSAML', true, () => ({ req: null, resp: null }));

/** Who obtains the credentials. */
export type Issuer =
  | { kind: 'user'; user: IamUser; ip: string; ua: UserAgent; mfa?: boolean; callerAccount?: AccountIdentities }
  | { kind: 'session'; session: RoleSession; ip: string; ua: UserAgent }
  | { kind: 'service'; service: string }
  | { kind: 'saml'; email: string; ip: string; ua: UserAgent };

export interface SessionSpec {
  key: string;
  acct: AccountIdentities;
  role: RoleDef;
  sessionName: string;
  mfa: boolean;
  sourceIdentity?: string;
  /** Regional STS endpoint (event in the caller's region) rather than the global one (us-east-1). */
  regional: boolean;
  durationSeconds: number;
  /** Service-linked role sessions: every call carries userIdentity.invokedBy. */
  invokedBy?: string;
  ec2RoleDelivery?: boolean;
}

export interface RoleSession {
  spec: SessionSpec;
  accessKeyId: string;
  created: number;
  expires: number;
  arn: string;
  identity: JsonObject;
  /** Client address pinned at issuance (a console tab, a CI runner). */
  ip: string;
}

function sessionToken(rng: Prng): string {
  // Real tokens are ~800 base64 characters; a shorter one keeps files small without changing the shape.
  return 'IQoJb3JpZ2luX2VjE' + rng.base64(220);
}

export function roleSessionIdentity(spec: SessionSpec, accessKeyId: string, created: number): JsonObject {
  const { role, acct } = spec;
  const sessionContext: JsonObject = {
    sessionIssuer: { type: 'Role', principalId: role.roleId, arn: role.arn, accountId: acct.accountId, userName: role.name },
    webIdFederationData: {},
    attributes: { creationDate: iso(created), mfaAuthenticated: spec.mfa ? 'true' : 'false' },
    sourceIdentity: spec.sourceIdentity,
    ec2RoleDelivery: spec.ec2RoleDelivery ? '2.0' : undefined,
  };
  return {
    type: 'AssumedRole',
    principalId: `${role.roleId}:${spec.sessionName}`,
    arn: `arn:aws:sts::${acct.accountId}:assumed-role/${role.name}/${spec.sessionName}`,
    accountId: acct.accountId,
    accessKeyId,
    sessionContext,
    invokedBy: spec.invokedBy,
  };
}

export function sessionCaller(s: RoleSession, ip: string, ua: UserAgent, console = false): Caller {
  return { identity: s.identity, arn: s.arn, accountId: s.spec.acct.accountId, ip, ua, invokedBy: s.spec.invokedBy, console };
}

export class Sessions {
  private readonly active = new Map<string, RoleSession>();

  constructor(
    private readonly rng: Prng,
    private readonly emit: (r: CtRecord) => void,
  ) {}

  /** Current session for `spec` (valid for `horizon` more seconds), issuing a new one (and its STS event) just before `t` if needed. */
  acquire(spec: SessionSpec, issuer: () => Issuer, t: number, region: string, floor: number, horizon = 30): RoleSession {
    const cur = this.active.get(spec.key);
    if (cur && cur.expires > t + horizon) return cur;
    const s = this.issue(spec, issuer(), Math.max(floor, t - this.rng.range(1, 20)), region);
    this.active.set(spec.key, s);
    return s;
  }

  peek(key: string): RoleSession | undefined {
    return this.active.get(key);
  }

  /** Issue credentials at `t` and emit the STS event(s); does not touch the cache (role chains use this directly). */
  issue(spec: SessionSpec, issuer: Issuer, t: number, region: string): RoleSession {
    const rng = this.rng;
    const { role, acct } = spec;
    const accessKeyId = 'ASIA' + acct.tag + rng.keyChars(8);
    const expires = t + spec.durationSeconds;
    const identity = roleSessionIdentity(spec, accessKeyId, t);
    const session: RoleSession = {
      spec,
      accessKeyId,
      created: t,
      expires,
      arn: identity.arn as string,
      identity,
      ip: issuer.kind === 'service' ? '' : issuer.ip,
    };

    const saml = issuer.kind === 'saml';
    const awsRegion = spec.regional ? region : 'us-east-1';
    const host = spec.regional ? `sts.${awsRegion}.amazonaws.com` : 'sts.amazonaws.com';
    const assumedRoleUser: JsonObject = { assumedRoleId: `${role.roleId}:${spec.sessionName}`, arn: session.arn };
    const credentials: JsonObject = { accessKeyId, sessionToken: sessionToken(rng), expiration: iso(expires) };

    let req: JsonObject;
    let resp: JsonObject;
    const resources: JsonObject[] = [{ accountId: acct.accountId, type: 'AWS::IAM::Role', ARN: role.arn }];
    if (saml) {
      req = {
        SAMLAssertionID: '_' + rng.uuid(),
        roleSessionName: spec.sessionName,
        principalArn: acct.samlProviderArn,
        roleArn: role.arn,
        durationSeconds: spec.durationSeconds,
      };
      resp = {
        credentials,
        assumedRoleUser,
        packedPolicySize: 0,
        subject: issuer.email,
        subjectType: 'persistent',
        issuer: `https://portal.sso.us-east-1.amazonaws.com/saml/assertion/${rng.base64(40)}`,
        audience: 'https://signin.aws.amazon.com/saml',
        nameQualifier: acct.samlNameQualifier,
      };
      resources.push({ accountId: acct.accountId, type: 'AWS::IAM::SAMLProvider', ARN: acct.samlProviderArn });
    } else {
      req = { roleArn: role.arn, roleSessionName: spec.sessionName, durationSeconds: spec.durationSeconds, sourceIdentity: spec.sourceIdentity };
      resp = { credentials, assumedRoleUser, sourceIdentity: spec.sourceIdentity };
    }

    const service = issuer.kind === 'service' ? issuer.service : undefined;
    const action = saml ? ASSUME_ROLE_SAML : ASSUME_ROLE;
    const ua = issuer.kind === 'service' ? issuer.service : renderUserAgent(issuer.ua, action, rng);
    const ip = issuer.kind === 'service' ? issuer.service : issuer.ip;
    const extra: JsonObject | undefined = service ? undefined : { RequestDetails: { awsServingRegion: awsRegion, endpointType: spec.regional ? 'regional' : 'global' } };

    // Cross-account: the role's account sees the caller only as an AWS account; the caller's
    // account (when it is in the lake) gets its own copy with the full identity.
    const crossAccount = issuer.kind === 'user' && issuer.user.accountId !== acct.accountId;
    const sharedEventID = service || crossAccount ? rng.uuid() : undefined;
    let userIdentity: JsonObject;
    switch (issuer.kind) {
      case 'user':
        userIdentity = crossAccount ? { type: 'AWSAccount', principalId: issuer.user.principalId, accountId: issuer.user.accountId } : issuer.user.identity;
        break;
      case 'session':
        userIdentity = issuer.session.identity;
        break;
      case 'service':
        userIdentity = { type: 'AWSService', invokedBy: issuer.service };
        break;
      case 'saml':
        userIdentity = { type: 'SAMLUser', principalId: `${acct.samlNameQualifier}:${issuer.email}`, userName: issuer.email, identityProvider: acct.samlNameQualifier };
        break;
    }

    const make = (identity: JsonObject, recipient: string): CtRecord => ({
      eventVersion: versionFor(STS),
      userIdentity: identity,
      eventTime: iso(t),
      eventSource: STS,
      eventName: action.name,
      awsRegion,
      sourceIPAddress: ip,
      userAgent: ua,
      requestParameters: req,
      responseElements: resp,
      additionalEventData: extra,
      requestID: rng.uuid(),
      eventID: rng.uuid(),
      readOnly: true,
      resources,
      eventType: 'AwsApiCall',
      managementEvent: true,
      recipientAccountId: recipient,
      sharedEventID,
      eventCategory: 'Management',
      tlsDetails: service ? undefined : tlsDetails(host, false),
    });
    this.emit(make(userIdentity, acct.accountId));
    if (crossAccount && issuer.kind === 'user' && issuer.callerAccount) this.emit(make(issuer.user.identity, issuer.callerAccount.accountId));
    return session;
  }
}

// ------------------------------------------------------------------ console sign-in

export interface ConsoleLoginOptions {
  accountId: string;
  t: number;
  ip: string;
  browser: string;
  /** userIdentity as sign-in records it (no accessKeyId for successes, "" for failures). */
  identity: JsonObject;
  success: boolean;
  mfa: boolean;
  mfaArn?: string;
  root?: boolean;
}

export function consoleLogin(rng: Prng, o: ConsoleLoginOptions): CtRecord {
  return {
    eventVersion: versionFor('signin.amazonaws.com'),
    userIdentity: o.identity,
    eventTime: iso(o.t),
    eventSource: 'signin.amazonaws.com',
    eventName: 'ConsoleLogin',
    awsRegion: 'us-east-1',
    sourceIPAddress: o.ip,
    userAgent: o.browser,
    // Real failed sign-ins carry an errorMessage but no errorCode.
    errorMessage: o.success ? undefined : 'Failed authentication',
    requestParameters: null,
    responseElements: { ConsoleLogin: o.success ? 'Success' : 'Failure' },
    additionalEventData: {
      LoginTo: o.root
        ? 'https://console.aws.amazon.com/console/home?hashArgs=%23&isauthcode=true&state=hashArgsFromTB_us-east-1_' + rng.hex(16)
        : 'https://us-east-1.console.aws.amazon.com/console/home?hashArgs=%23&isauthcode=true&region=us-east-1&state=hashArgsFromTB_us-east-1_' + rng.hex(16),
      MobileVersion: 'No',
      MFAIdentifier: o.mfa && o.success ? o.mfaArn : undefined,
      MFAUsed: o.mfa ? 'Yes' : 'No',
    },
    eventID: rng.uuid(),
    readOnly: false,
    eventType: 'AwsConsoleSignIn',
    managementEvent: true,
    recipientAccountId: o.accountId,
    eventCategory: 'Management',
    tlsDetails: tlsDetails(o.root ? 'signin.aws.amazon.com' : 'us-east-1.signin.aws.amazon.com', false),
  };
}

export function loginIdentity(user: IamUser): JsonObject {
  return { type: 'IAMUser', principalId: user.principalId, arn: user.arn, accountId: user.accountId, userName: user.name };
}

export function failedLoginIdentity(accountId: string, user: IamUser | undefined): JsonObject {
  // Unknown user names are hidden by CloudTrail.
  return user
    ? { type: 'IAMUser', principalId: user.principalId, accountId, accessKeyId: '', userName: user.name }
    : { type: 'IAMUser', principalId: '', accountId, accessKeyId: '', userName: 'HIDDEN_DUE_TO_SECURITY_REASONS' };
}

/** userIdentity of an IAM user's console session (ASIA key minted by sign-in, not by STS). */
export function consoleSessionIdentity(user: IamUser, accessKeyId: string, created: number, mfa = true): JsonObject {
  return {
    type: 'IAMUser',
    principalId: user.principalId,
    arn: user.arn,
    accountId: user.accountId,
    accessKeyId,
    userName: user.name,
    sessionContext: { sessionIssuer: {}, webIdFederationData: {}, attributes: { creationDate: iso(created), mfaAuthenticated: mfa ? 'true' : 'false' } },
  };
}

interface ConsoleSession {
  identity: JsonObject;
  ip: string;
  expires: number;
}

/** IAM-user console sessions: a ConsoleLogin (with MFA) opens an 8-hour session pinned to one IP. */
export class ConsoleSessions {
  private readonly active = new Map<string, ConsoleSession>();
  constructor(
    private readonly rng: Prng,
    private readonly emit: (r: CtRecord) => void,
  ) {}

  acquire(user: IamUser, t: number, floor: number, pickIp: () => string): ConsoleSession {
    const cur = this.active.get(user.arn);
    if (cur && cur.expires > t) return cur;
    const rng = this.rng;
    const at = Math.max(floor, t - rng.range(2, 25));
    const ip = pickIp();
    const browser = user.person?.browser.base ?? 'Mozilla/5.0';
    // A mistyped password now and then, from the user's own address: noise next to the planted spray.
    if (rng.chance(0.03) && at > floor) {
      this.emit(consoleLogin(rng, { accountId: user.accountId, t: at - 1, ip, browser, identity: failedLoginIdentity(user.accountId, user), success: false, mfa: false }));
    }
    this.emit(
      consoleLogin(rng, {
        accountId: user.accountId,
        t: at,
        ip,
        browser,
        identity: loginIdentity(user),
        success: true,
        mfa: true,
        mfaArn: `arn:aws:iam::${user.accountId}:mfa/${user.name}`,
      }),
    );
    const session: ConsoleSession = {
      identity: consoleSessionIdentity(user, 'ASIA' + user.accessKeyId.slice(4, 12) + rng.keyChars(8), at),
      ip,
      expires: at + 8 * 3600,
    };
    this.active.set(user.arn, session);
    return session;
  }
}
