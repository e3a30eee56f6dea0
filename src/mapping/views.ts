import type { EventCategoryName } from '../domain/event-category';
import type { IdentityTypeName } from '../domain/identity-type';
import type { EventPosition } from '../query/event-queries';

/** Plain result shapes the GraphQL object types are filled from. */
export interface UserIdentityView {
  readonly type: IdentityTypeName;
  readonly principalId: string | null;
  readonly arn: string | null;
  readonly accountId: string | null;
  readonly accessKeyId: string | null;
  readonly userName: string | null;
  readonly invokedBy: string | null;
  readonly roleArn: string | null;
  readonly sessionName: string | null;
  readonly mfaAuthenticated: boolean | null;
  readonly sessionCreatedAt: Date | null;
  readonly sourceIdentity: string | null;
}

export interface TlsDetailsView {
  readonly tlsVersion: string | null;
  readonly cipherSuite: string | null;
  readonly clientProvidedHostHeader: string | null;
}

export interface EventResourceView {
  readonly arn: string | null;
  readonly arnPrefix: string | null;
  readonly accountId: string | null;
  readonly type: string | null;
}

export interface EventView {
  readonly eventId: string;
  readonly eventTime: Date;
  readonly eventVersion: string | null;
  readonly eventSource: string;
  readonly eventName: string;
  readonly eventType: string | null;
  readonly eventCategory: EventCategoryName | null;
  readonly awsRegion: string;
  readonly recipientAccountId: string | null;
  readonly sourceIpAddress: string | null;
  readonly userAgent: string | null;
  readonly errorCode: string | null;
  readonly errorMessage: string | null;
  readonly readOnly: boolean | null;
  readonly managementEvent: boolean | null;
  readonly requestId: string | null;
  readonly sharedEventId: string | null;
  readonly vpcEndpointId: string | null;
  readonly apiVersion: string | null;
  readonly sessionCredentialFromConsole: boolean | null;
  readonly requestParameters: unknown;
  readonly responseElements: unknown;
  readonly additionalEventData: unknown;
  readonly serviceEventDetails: unknown;
  readonly insightDetails: unknown;
  readonly tlsDetails: TlsDetailsView | null;
  readonly resources: readonly EventResourceView[];
  readonly userIdentity: UserIdentityView;
  /** the acting principal's key (Identity.arn), for Event.identity */
  readonly identityKey: string;
  readonly position: EventPosition;
}

export interface IdentityView {
  readonly arn: string;
  readonly type: IdentityTypeName;
  readonly accountId: string | null;
  readonly userName: string | null;
  readonly roleArn: string | null;
  readonly eventCount: number;
  readonly errorCount: number;
  readonly firstSeen: Date;
  readonly lastSeen: Date;
}

export interface CountedValueView {
  readonly value: string | null;
  readonly count: number;
}

/** A resource named in resources[] (by ARN, or by ARNPrefix when the entry has no ARN). */
export interface ResourceView {
  readonly arn: string;
  readonly type: string | null;
  readonly accountId: string | null;
  readonly eventCount: number;
  readonly firstSeen: Date;
  readonly lastSeen: Date;
}

/** Who issued a key: the issuing AssumeRole* event, as seen by the level queries of a role chain. */
export interface IssueLinkView {
  /** the issued access key */
  readonly accessKey: string;
  /** the caller of the issuing event (its Identity.arn), preferring a copy of the event that names an ARN */
  readonly issuer: string | null;
  /** the key the issuer signed the call with (the next link of a chain) */
  readonly issuerAccessKey: string | null;
  readonly issuerSourceIdentity: string | null;
  readonly issuedAt: Date | null;
}

/** A key a session signed with, with the link that issued it (null when no issuing event was found). */
export interface SessionKeyView {
  readonly sessionArn: string;
  readonly sessionSourceIdentity: string | null;
  readonly link: IssueLinkView | null;
}

/** Role-chain answers for one principal over a range. */
export interface RoleChainView {
  /** principals whose AssumeRole* calls issued the credentials it used, by sessions issued; count desc, value asc */
  readonly assumedBy: readonly CountedValueView[];
  /** the principal at the start of its chain (see RoleChainService) */
  readonly sourcePrincipal: string | null;
}

export interface StatsRowView {
  readonly keys: readonly (string | null)[];
  readonly bucket: Date | null;
  readonly count: number;
  readonly errorCount: number;
  readonly firstSeen: Date;
  readonly lastSeen: Date;
  /** distinct values of the countDistinct key, when asked */
  readonly distinctCount: number | null;
}

export interface PageInfoView {
  readonly hasNextPage: boolean;
  readonly endCursor: string | null;
}

export interface ConnectionView<T> {
  readonly edges: readonly { readonly cursor: string; readonly node: T }[];
  readonly nodes: readonly T[];
  readonly pageInfo: PageInfoView;
}
