/**
 * Logical fields of an event: what the IR talks about. The SQL for each lives in
 * src/sql/field-sql.ts and is built only from the column catalogue.
 */
export const FIELDS = [
  'eventTime', // parsed instant
  'eventId', // eventID, or a synthetic id for the rare record without one
  'eventVersion',
  'eventSource', // eventSource, or insightDetails.eventSource for Insights events
  'eventName', // likewise
  'eventType',
  'eventCategory', // raw value, or inferred for records older than eventVersion 1.08
  'awsRegion',
  'recipientAccountId', // raw
  'account', // effective recipient: recipientAccountId, else the partition's account
  'sourceIp',
  'userAgent',
  'errorCode', // '' normalised to null
  'errorMessage',
  'isError', // errorCode or errorMessage present (failed ConsoleLogin has only the message)
  'readOnly',
  'managementEvent',
  'requestId',
  'sharedEventId',
  'vpcEndpointId',
  'apiVersion',
  'sessionCredentialFromConsole',
  'requestParameters',
  'responseElements',
  'additionalEventData',
  'serviceEventDetails',
  'insightDetails',
  'tlsVersion',
  'tlsCipherSuite',
  'tlsHost',
  'resourcesJson',
  'identityTypeRaw',
  'identityType', // API enum name, UNKNOWN when absent
  'principalId',
  'principalArn',
  'identityKey', // the acting principal: arn, else invokedBy, else account:<id>, else principalId
  'identityAccountId',
  'accessKeyId',
  'userName',
  'invokedBy',
  'roleArn', // sessionContext.sessionIssuer.arn
  'sessionName', // last segment of an assumed-role arn
  'mfaAuthenticated',
  'sessionCreatedAt',
  'sourceIdentity',
  'crossAccount',
  'instanceSession', // the role session name is an EC2 instance id: credentials delivered to an instance
  'sourceIpIsAddress', // sourceIPAddress is an IPv4/IPv6 address (not "AWS Internal" or a service name)
  'rowHash', // content hash used for de-duplication and as the final keyset tiebreaker
] as const;

export type FieldName = (typeof FIELDS)[number];

/** Fields holding free-form JSON text. */
export const JSON_FIELDS = ['requestParameters', 'responseElements', 'additionalEventData', 'serviceEventDetails'] as const;
export type JsonFieldName = (typeof JSON_FIELDS)[number];

/**
 * What a select may expand each de-duplicated event into, one row per element (EventSelect.unnest):
 * - `resources`: the entries of resources[];
 * - `credentials`: the access keys an event touches: the key it was signed with (`used`) and the
 *   key it handed out (`issued`: responseElements.credentials.accessKeyId of STS calls).
 */
export const UNNEST_SOURCES = ['resources', 'credentials'] as const;
export type UnnestSource = (typeof UNNEST_SOURCES)[number];

/** Fields of an expanded row, with the source that provides each. */
export const UNNEST_FIELDS = {
  resourceArn: 'resources', // ARN, else ARNPrefix: an entry with only a prefix is a resource named by its prefix
  resourceType: 'resources',
  resourceAccountId: 'resources',
  credentialKey: 'credentials',
  credentialUse: 'credentials', // 'used' | 'issued'
} as const satisfies Record<string, UnnestSource>;
export type UnnestFieldName = keyof typeof UNNEST_FIELDS;
