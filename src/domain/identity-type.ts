/**
 * userIdentity.type values as CloudTrail writes them, and the API's enum names for them.
 * https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-user-identity.html
 */
export const IDENTITY_TYPES = [
  'ROOT',
  'IAM_USER',
  'ASSUMED_ROLE',
  'ROLE',
  'FEDERATED_USER',
  'AWS_ACCOUNT',
  'AWS_SERVICE',
  'IDENTITY_CENTER_USER',
  'SAML_USER',
  'WEB_IDENTITY_USER',
  'DIRECTORY',
  'UNKNOWN',
] as const;
export type IdentityTypeName = (typeof IDENTITY_TYPES)[number];

export const RAW_IDENTITY_TYPE = {
  ROOT: 'Root',
  IAM_USER: 'IAMUser',
  ASSUMED_ROLE: 'AssumedRole',
  ROLE: 'Role',
  FEDERATED_USER: 'FederatedUser',
  AWS_ACCOUNT: 'AWSAccount',
  AWS_SERVICE: 'AWSService',
  IDENTITY_CENTER_USER: 'IdentityCenterUser',
  SAML_USER: 'SAMLUser',
  WEB_IDENTITY_USER: 'WebIdentityUser',
  DIRECTORY: 'Directory',
  UNKNOWN: 'Unknown',
} as const satisfies Record<IdentityTypeName, string>;

const BY_RAW = new Map<string, IdentityTypeName>(
  (Object.entries(RAW_IDENTITY_TYPE) as Array<[IdentityTypeName, string]>).map(([k, v]) => [v, k]),
);

/** A missing or unrecognised type (AwsServiceEvent records carry none) is UNKNOWN. */
export function identityTypeFromRaw(raw: string | null | undefined): IdentityTypeName {
  return (raw != null && BY_RAW.get(raw)) || 'UNKNOWN';
}

/** The raw values that are not UNKNOWN. */
export const KNOWN_RAW_IDENTITY_TYPES: readonly string[] = Object.values(RAW_IDENTITY_TYPE).filter((v) => v !== 'Unknown');
