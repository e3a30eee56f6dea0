import type { FieldName } from './fields';
import type { SelectItem } from './ir';
import { field, item } from './ir-builders';

/** The columns an Event is mapped from (src/mapping/event.mapper.ts reads these aliases). */
export const EVENT_COLUMNS = {
  event_id: 'eventId',
  event_time: 'eventTime',
  event_version: 'eventVersion',
  event_source: 'eventSource',
  event_name: 'eventName',
  event_type: 'eventType',
  event_category: 'eventCategory',
  aws_region: 'awsRegion',
  recipient_account_id: 'recipientAccountId',
  account: 'account',
  source_ip: 'sourceIp',
  user_agent: 'userAgent',
  error_code: 'errorCode',
  error_message: 'errorMessage',
  read_only: 'readOnly',
  management_event: 'managementEvent',
  request_id: 'requestId',
  shared_event_id: 'sharedEventId',
  vpc_endpoint_id: 'vpcEndpointId',
  api_version: 'apiVersion',
  session_credential_from_console: 'sessionCredentialFromConsole',
  request_parameters: 'requestParameters',
  response_elements: 'responseElements',
  additional_event_data: 'additionalEventData',
  service_event_details: 'serviceEventDetails',
  insight_details: 'insightDetails',
  tls_version: 'tlsVersion',
  tls_cipher_suite: 'tlsCipherSuite',
  tls_host: 'tlsHost',
  resources_json: 'resourcesJson',
  identity_type: 'identityType',
  principal_id: 'principalId',
  principal_arn: 'principalArn',
  identity_account_id: 'identityAccountId',
  access_key_id: 'accessKeyId',
  user_name: 'userName',
  invoked_by: 'invokedBy',
  role_arn: 'roleArn',
  session_name: 'sessionName',
  mfa_authenticated: 'mfaAuthenticated',
  session_created_at: 'sessionCreatedAt',
  source_identity: 'sourceIdentity',
  identity_key: 'identityKey',
  row_hash: 'rowHash',
} as const satisfies Record<string, FieldName>;

export type EventColumn = keyof typeof EVENT_COLUMNS;

export const EVENT_SELECT: readonly SelectItem[] = (Object.entries(EVENT_COLUMNS) as Array<[string, FieldName]>).map(([alias, name]) =>
  item(alias, field(name)),
);

/** The select items of some event columns, in EVENT_COLUMNS order (each once). */
export function eventSelectOf(columns: Iterable<EventColumn>): readonly SelectItem[] {
  const wanted = new Set(columns);
  return EVENT_SELECT.filter((i) => wanted.has(i.alias as EventColumn));
}
