import type { FieldName } from './fields';
import { assertNever, type Expr, type Query, type SelectItem } from './ir';

/**
 * The logical type of what a select item yields, for engines that receive every value as text
 * (Athena's result CSV carries no types) and must decode it without guessing from the text.
 */
export type ValueType = 'text' | 'integer' | 'double' | 'boolean' | 'timestamp';

/** What field-sql.ts renders each field as. */
const FIELD_TYPES = {
  eventTime: 'timestamp',
  eventId: 'text',
  eventVersion: 'text',
  eventSource: 'text',
  eventName: 'text',
  eventType: 'text',
  eventCategory: 'text',
  awsRegion: 'text',
  recipientAccountId: 'text',
  account: 'text',
  sourceIp: 'text',
  userAgent: 'text',
  errorCode: 'text',
  errorMessage: 'text',
  isError: 'boolean',
  readOnly: 'boolean',
  managementEvent: 'boolean',
  requestId: 'text',
  sharedEventId: 'text',
  vpcEndpointId: 'text',
  apiVersion: 'text',
  sessionCredentialFromConsole: 'boolean',
  requestParameters: 'text',
  responseElements: 'text',
  additionalEventData: 'text',
  serviceEventDetails: 'text',
  insightDetails: 'text',
  tlsVersion: 'text',
  tlsCipherSuite: 'text',
  tlsHost: 'text',
  resourcesJson: 'text',
  identityTypeRaw: 'text',
  identityType: 'text',
  principalId: 'text',
  principalArn: 'text',
  identityKey: 'text',
  identityAccountId: 'text',
  accessKeyId: 'text',
  userName: 'text',
  invokedBy: 'text',
  roleArn: 'text',
  sessionName: 'text',
  mfaAuthenticated: 'boolean',
  sessionCreatedAt: 'timestamp',
  sourceIdentity: 'text',
  crossAccount: 'boolean',
  instanceSession: 'boolean',
  sourceIpIsAddress: 'boolean',
  rowHash: 'text',
} as const satisfies Record<FieldName, ValueType>;

export function exprType(e: Expr, items: readonly SelectItem[] = []): ValueType {
  switch (e.kind) {
    case 'field':
      return FIELD_TYPES[e.name];
    case 'literal':
      return typeof e.value === 'boolean' ? 'boolean' : typeof e.value === 'number' ? (Number.isInteger(e.value) ? 'integer' : 'double') : 'text';
    case 'instant':
    case 'bucket':
      return 'timestamp';
    case 'jsonText':
    case 'jsonSubtree':
    case 'hourOfDay':
    case 'dayOfWeek':
    case 'toText':
    case 'unnested':
      return 'text';
    case 'totalCount':
      return 'integer';
    case 'agg':
      return e.fn === 'count' || e.fn === 'countDistinct' ? 'integer' : e.arg ? exprType(e.arg, items) : 'text';
    case 'ref': {
      const target = items.find((i) => i.alias === e.alias);
      return target && target.expr !== e ? exprType(target.expr, items) : 'text';
    }
    default:
      return assertNever(e, 'expression');
  }
}

/** The type of each column a query returns, by alias. */
export function resultTypes(query: Query): ReadonlyMap<string, ValueType> {
  const items = query.kind === 'select' ? query.select : query.inner.select;
  const types = new Map(items.map((i) => [i.alias, exprType(i.expr, items)]));
  // a top-per-group query adds its rank (sql-compiler.ts topPerGroup)
  if (query.kind === 'topPerGroup') types.set('tg_rank', 'integer');
  return types;
}
