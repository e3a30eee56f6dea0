import type { EventColumn } from '../query/event-columns';
import type { EventView } from '../mapping/views';

const IDENTITY: readonly EventColumn[] = [
  'identity_type', 'principal_id', 'principal_arn', 'identity_account_id', 'access_key_id', 'user_name', 'invoked_by', 'role_arn',
  'session_name', 'mfa_authenticated', 'session_created_at', 'source_identity',
];
const TLS: readonly EventColumn[] = ['tls_version', 'tls_cipher_suite', 'tls_host'];

/**
 * The columns an export may show: the fields of the GraphQL Event (nested ones as dotted paths),
 * each with the engine columns it is mapped from (event.mapper.ts), so a statement reads only
 * what is shown. A value is read from the mapped Event, so an export shows exactly what
 * `events { nodes { ... } }` would.
 */
export const EXPORT_COLUMNS = {
  eventTime: ['event_time'],
  eventId: ['event_id'],
  eventVersion: ['event_version'],
  eventSource: ['event_source'],
  eventName: ['event_name'],
  eventType: ['event_type'],
  eventCategory: ['event_category'],
  awsRegion: ['aws_region'],
  recipientAccountId: ['recipient_account_id'],
  sourceIpAddress: ['source_ip'],
  userAgent: ['user_agent'],
  errorCode: ['error_code'],
  errorMessage: ['error_message'],
  readOnly: ['read_only'],
  managementEvent: ['management_event'],
  requestId: ['request_id'],
  sharedEventId: ['shared_event_id'],
  vpcEndpointId: ['vpc_endpoint_id'],
  apiVersion: ['api_version'],
  sessionCredentialFromConsole: ['session_credential_from_console'],
  requestParameters: ['request_parameters'],
  responseElements: ['response_elements'],
  additionalEventData: ['additional_event_data'],
  serviceEventDetails: ['service_event_details'],
  insightDetails: ['insight_details'],
  tlsDetails: TLS,
  'tlsDetails.tlsVersion': TLS,
  'tlsDetails.cipherSuite': TLS,
  'tlsDetails.clientProvidedHostHeader': TLS,
  resources: ['resources_json'],
  userIdentity: IDENTITY,
  'userIdentity.type': ['identity_type'],
  'userIdentity.principalId': ['principal_id'],
  'userIdentity.arn': ['principal_arn'],
  'userIdentity.accountId': ['identity_account_id'],
  'userIdentity.accessKeyId': ['access_key_id'],
  'userIdentity.userName': ['user_name'],
  'userIdentity.invokedBy': ['invoked_by'],
  'userIdentity.roleArn': ['role_arn'],
  'userIdentity.sessionName': ['session_name'],
  'userIdentity.mfaAuthenticated': ['mfa_authenticated'],
  'userIdentity.sessionCreatedAt': ['session_created_at'],
  'userIdentity.sourceIdentity': ['source_identity'],
} as const satisfies Record<string, readonly EventColumn[]>;

export type ExportColumn = keyof typeof EXPORT_COLUMNS;

export const isExportColumn = (name: string): name is ExportColumn => Object.prototype.hasOwnProperty.call(EXPORT_COLUMNS, name);

/** What an export shows when no columns are asked for: who did what, where, from where, and whether it failed. */
export const DEFAULT_EXPORT_COLUMNS: readonly ExportColumn[] = [
  'eventTime', 'eventId', 'eventSource', 'eventName', 'awsRegion', 'recipientAccountId', 'sourceIpAddress', 'userAgent',
  'userIdentity.type', 'userIdentity.arn', 'errorCode', 'errorMessage', 'readOnly',
];

/** `columns=*`: every top-level field (nested objects as one JSON column each). */
export const ALL_EXPORT_COLUMNS: readonly ExportColumn[] = (Object.keys(EXPORT_COLUMNS) as ExportColumn[]).filter((c) => !c.includes('.'));

/** The engine columns a set of export columns needs (eventTime always: the mapper requires it). */
export function columnsNeeded(columns: readonly ExportColumn[]): Set<EventColumn> {
  return new Set<EventColumn>(['event_time', ...columns.flatMap((c) => EXPORT_COLUMNS[c])]);
}

/** A column's value in a mapped Event (null where a nested object is absent). */
export function exportValue(event: EventView, column: ExportColumn): unknown {
  let v: unknown = event;
  for (const key of column.split('.')) {
    if (v === null || typeof v !== 'object') return null;
    v = (v as Record<string, unknown>)[key];
  }
  return v ?? null;
}

/** Columns holding JSON (the free-form members) or objects: CSV shows them as JSON text. */
export const JSON_EXPORT_COLUMNS: ReadonlySet<ExportColumn> = new Set<ExportColumn>([
  'requestParameters', 'responseElements', 'additionalEventData', 'serviceEventDetails', 'insightDetails', 'tlsDetails', 'resources', 'userIdentity',
]);
