/**
 * The column catalogue: the one list of physical columns every engine reads. It mirrors the
 * official Athena CloudTrail table (lower-case names, JsonSerDe), plus the newer userIdentity
 * fields and `insightdetails`:
 * https://docs.aws.amazon.com/athena/latest/ug/create-cloudtrail-table-partition-projection.html
 *
 * Free-form JSON members stay JSON text (`json`): their shape differs per API, so no struct is
 * ever inferred from them. Scalars are strings, as in AWS's DDL, because real records carry
 * booleans as strings ("true") as often as real booleans.
 */
export type ColumnType =
  | { readonly kind: 'string' }
  | { readonly kind: 'json' }
  | { readonly kind: 'struct'; readonly fields: readonly Column[] }
  | { readonly kind: 'array'; readonly of: ColumnType };

export interface Column {
  /** lower-case SQL name, as in the Athena table */
  readonly name: string;
  /** the key in the CloudTrail JSON record */
  readonly key: string;
  readonly type: ColumnType;
}

const str: ColumnType = { kind: 'string' };
const json: ColumnType = { kind: 'json' };
const c = (key: string, type: ColumnType = str): Column => ({ name: key.toLowerCase(), key, type });
const struct = (...fields: Column[]): ColumnType => ({ kind: 'struct', fields });
const array = (of: ColumnType): ColumnType => ({ kind: 'array', of });

const sessionIssuer = struct(c('type'), c('principalId'), c('arn'), c('accountId'), c('userName'));

export const USER_IDENTITY = struct(
  c('type'),
  c('principalId'),
  c('arn'),
  c('accountId'),
  c('invokedBy'),
  c('accessKeyId'),
  c('userName'),
  c('onBehalfOf', struct(c('userId'), c('identityStoreArn'))),
  c(
    'sessionContext',
    struct(
      c('attributes', struct(c('mfaAuthenticated'), c('creationDate'))),
      c('sessionIssuer', sessionIssuer),
      c('ec2RoleDelivery'),
      c('sourceIdentity'),
      c('webIdFederationData', json),
    ),
  ),
  c('sourceIdentity'),
  c('credentialId'),
  c('inScopeOf', json),
);

export const CLOUDTRAIL_COLUMNS: readonly Column[] = Object.freeze([
  c('eventVersion'),
  c('userIdentity', USER_IDENTITY),
  c('eventTime'),
  c('eventSource'),
  c('eventName'),
  c('awsRegion'),
  c('sourceIPAddress'),
  c('userAgent'),
  c('errorCode'),
  c('errorMessage'),
  c('requestParameters', json),
  c('responseElements', json),
  c('additionalEventData', json),
  c('requestID'),
  c('eventID'),
  c('readOnly'),
  c('resources', array(struct(c('ARN'), c('ARNPrefix'), c('accountId'), c('type')))),
  c('eventType'),
  c('apiVersion'),
  c('recipientAccountId'),
  c('serviceEventDetails', json),
  c('sharedEventID'),
  c('vpcEndpointId'),
  c('vpcEndpointAccountId'),
  c('eventCategory'),
  c('managementEvent'),
  c('addendum', struct(c('reason'), c('updatedFields'), c('originalRequestID'), c('originalEventID'))),
  c('sessionCredentialFromConsole'),
  c('edgeDeviceDetails', json),
  c('tlsDetails', struct(c('tlsVersion'), c('cipherSuite'), c('clientProvidedHostHeader'))),
  c('insightDetails', json),
]);

/** Partition columns of the lake: the S3 path's account, region and delivery day. */
export const PARTITION_COLUMNS = Object.freeze({ account: 'account', region: 'region', day: 'day' });

const byName = new Map(CLOUDTRAIL_COLUMNS.map((col) => [col.name, col]));

/** Resolves a dotted column path against the catalogue; throws for anything not in it. */
export function catalogueColumn(path: string): Column {
  const [head, ...rest] = path.split('.');
  let col = byName.get(head);
  for (const seg of rest) {
    if (!col || col.type.kind !== 'struct') break;
    col = col.type.fields.find((f) => f.name === seg);
  }
  if (!col) throw new Error(`not in the column catalogue: ${path}`);
  return col;
}
