import type { FieldName, JsonFieldName } from './fields';
import type { Expr } from './ir';
import { dayOfWeek, field, hourOfDay, jsonText, toText } from './ir-builders';

/** GroupKey dimensions (API.md) and the expression each groups by. */
export const DIMENSIONS = [
  'ACCOUNT', 'REGION', 'EVENT_SOURCE', 'EVENT_NAME', 'EVENT_TYPE', 'EVENT_CATEGORY', 'IDENTITY_TYPE', 'PRINCIPAL_ARN',
  'PRINCIPAL_ID', 'ROLE_ARN', 'USER_NAME', 'ACCESS_KEY_ID', 'SOURCE_IP', 'USER_AGENT', 'ERROR_CODE', 'READ_ONLY',
  'MFA_AUTHENTICATED', 'INVOKED_BY', 'SOURCE_IDENTITY', 'SESSION_NAME', 'IDENTITY_ACCOUNT_ID', 'IDENTITY_ARN', 'HOUR_OF_DAY', 'DAY_OF_WEEK', 'REQUEST_PARAMETER',
  'RESPONSE_ELEMENT', 'ADDITIONAL_EVENT_DATA',
] as const;
export type Dimension = (typeof DIMENSIONS)[number];

export const JSON_DIMENSIONS = {
  REQUEST_PARAMETER: 'requestParameters',
  RESPONSE_ELEMENT: 'responseElements',
  ADDITIONAL_EVENT_DATA: 'additionalEventData',
} as const satisfies Partial<Record<Dimension, JsonFieldName>>;

type PlainDimension = Exclude<Dimension, keyof typeof JSON_DIMENSIONS | 'HOUR_OF_DAY' | 'DAY_OF_WEEK'>;

const PLAIN = {
  ACCOUNT: 'account',
  REGION: 'awsRegion',
  EVENT_SOURCE: 'eventSource',
  EVENT_NAME: 'eventName',
  EVENT_TYPE: 'eventType',
  EVENT_CATEGORY: 'eventCategory',
  IDENTITY_TYPE: 'identityType',
  PRINCIPAL_ARN: 'principalArn',
  PRINCIPAL_ID: 'principalId',
  ROLE_ARN: 'roleArn',
  USER_NAME: 'userName',
  ACCESS_KEY_ID: 'accessKeyId',
  SOURCE_IP: 'sourceIp',
  USER_AGENT: 'userAgent',
  ERROR_CODE: 'errorCode',
  READ_ONLY: 'readOnly',
  MFA_AUTHENTICATED: 'mfaAuthenticated',
  INVOKED_BY: 'invokedBy',
  SOURCE_IDENTITY: 'sourceIdentity',
  SESSION_NAME: 'sessionName',
  IDENTITY_ACCOUNT_ID: 'identityAccountId',
  IDENTITY_ARN: 'identityKey',
} as const satisfies Record<PlainDimension, FieldName>;

export interface GroupKeySpec {
  readonly dimension: Dimension;
  readonly path?: readonly string[];
}

export const isJsonDimension = (d: Dimension): d is keyof typeof JSON_DIMENSIONS => d in JSON_DIMENSIONS;

/** The text a dimension groups by: keys are strings (HOUR_OF_DAY "00".."23", DAY_OF_WEEK ISO "1".."7"). */
export function dimensionExpr(key: GroupKeySpec): Expr {
  const d = key.dimension;
  if (isJsonDimension(d)) {
    if (!key.path?.length) throw new Error(`${d} needs a path`);
    return jsonText(JSON_DIMENSIONS[d], key.path);
  }
  if (d === 'HOUR_OF_DAY') return hourOfDay(field('eventTime'));
  if (d === 'DAY_OF_WEEK') return dayOfWeek(field('eventTime'));
  const name = PLAIN[d];
  return name === 'readOnly' || name === 'mfaAuthenticated' ? toText(field(name)) : field(name);
}
