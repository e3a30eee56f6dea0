import type { EventCategoryName } from '../domain/event-category';
import type { IdentityTypeName } from '../domain/identity-type';
import type { IpMatch } from '../domain/ip-match';
import type { JsonFieldName } from './fields';

/** What a sourceIPAddress holds: an address, or a service name / "AWS Internal". */
export type SourceIpKind = 'IP_ADDRESS' | 'AWS_SERVICE';

/** The engine-neutral form of an EventFilter, after validation. */
export interface TimeRangeSpec {
  readonly from: Date;
  readonly to: Date;
}

export interface JsonMatchSpec {
  readonly path: readonly string[];
  readonly equals?: string;
  readonly contains?: string;
  readonly exists?: boolean;
}

export interface EventFilterSpec {
  readonly range: TimeRangeSpec;
  readonly accounts?: readonly string[];
  readonly regions?: readonly string[];
  readonly excludeRegions?: readonly string[];
  readonly eventSources?: readonly string[];
  readonly eventNames?: readonly string[];
  readonly excludeEventNames?: readonly string[];
  readonly identityTypes?: readonly IdentityTypeName[];
  readonly principalArns?: readonly string[];
  readonly roleArns?: readonly string[];
  readonly userNames?: readonly string[];
  readonly accessKeyIds?: readonly string[];
  readonly sourceIps?: readonly IpMatch[];
  readonly excludeSourceIps?: readonly IpMatch[];
  readonly sourceIpKinds?: readonly SourceIpKind[];
  readonly sessionCredentialFromConsole?: boolean;
  readonly instanceCredentials?: boolean;
  readonly userAgentContains?: string;
  readonly errorCodes?: readonly string[];
  readonly hasError?: boolean;
  readonly readOnly?: boolean;
  readonly categories?: readonly EventCategoryName[];
  readonly crossAccount?: boolean;
  readonly resourceArns?: readonly string[];
  readonly eventIds?: readonly string[];
  readonly json?: Readonly<Partial<Record<JsonFieldName, readonly JsonMatchSpec[]>>>;
}
