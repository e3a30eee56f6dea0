import { eventCategoryFromRaw } from '../domain/event-category';
import { IDENTITY_TYPES, type IdentityTypeName } from '../domain/identity-type';
import type { Row } from '../engines/engine';
import type { EventColumn } from '../query/event-columns';
import { bool, json, requiredTime, str, time } from './row-values';
import type { EventResourceView, EventView } from './views';

type EventRow = Row & Partial<Record<EventColumn, Row[string]>>;

function identityType(v: unknown): IdentityTypeName {
  return (IDENTITY_TYPES as readonly unknown[]).includes(v) ? (v as IdentityTypeName) : 'UNKNOWN';
}

/**
 * resources[] as JSON text. DuckDB keeps the record's keys (ARN, ARNPrefix, accountId); Trino
 * names them after the Glue struct (arn, arnprefix, accountid): keys are read case-insensitively.
 */
function resources(v: unknown): EventResourceView[] {
  const parsed = json(v as string | null);
  if (!Array.isArray(parsed)) return [];
  return parsed
    .filter((r): r is Record<string, unknown> => typeof r === 'object' && r !== null)
    .map((r) => {
      const lower = new Map(Object.entries(r).map(([k, val]) => [k.toLowerCase(), val]));
      const text = (k: string) => {
        const val = lower.get(k);
        return typeof val === 'string' ? val : null;
      };
      return { arn: text('arn'), arnPrefix: text('arnprefix'), accountId: text('accountid'), type: text('type') };
    });
}

/** One engine row (EVENT_COLUMNS) to an Event. */
export function mapEvent(r: EventRow): EventView {
  const tls = { tlsVersion: str(r.tls_version), cipherSuite: str(r.tls_cipher_suite), clientProvidedHostHeader: str(r.tls_host) };
  const eventTime = requiredTime(r.event_time);
  const eventId = str(r.event_id) ?? '';
  return {
    eventId,
    eventTime,
    eventVersion: str(r.event_version),
    eventSource: str(r.event_source) ?? '',
    eventName: str(r.event_name) ?? '',
    eventType: str(r.event_type),
    eventCategory: eventCategoryFromRaw(str(r.event_category)),
    awsRegion: str(r.aws_region) ?? '',
    recipientAccountId: str(r.recipient_account_id),
    sourceIpAddress: str(r.source_ip),
    userAgent: str(r.user_agent),
    errorCode: str(r.error_code),
    errorMessage: str(r.error_message),
    readOnly: bool(r.read_only),
    managementEvent: bool(r.management_event),
    requestId: str(r.request_id),
    sharedEventId: str(r.shared_event_id),
    vpcEndpointId: str(r.vpc_endpoint_id),
    apiVersion: str(r.api_version),
    sessionCredentialFromConsole: bool(r.session_credential_from_console),
    requestParameters: json(r.request_parameters),
    responseElements: json(r.response_elements),
    additionalEventData: json(r.additional_event_data),
    serviceEventDetails: json(r.service_event_details),
    insightDetails: json(r.insight_details),
    tlsDetails: tls.tlsVersion || tls.cipherSuite || tls.clientProvidedHostHeader ? tls : null,
    resources: resources(r.resources_json),
    userIdentity: {
      type: identityType(r.identity_type),
      principalId: str(r.principal_id),
      arn: str(r.principal_arn),
      accountId: str(r.identity_account_id),
      accessKeyId: str(r.access_key_id),
      userName: str(r.user_name),
      invokedBy: str(r.invoked_by),
      roleArn: str(r.role_arn),
      sessionName: str(r.session_name),
      mfaAuthenticated: bool(r.mfa_authenticated),
      sessionCreatedAt: time(r.session_created_at),
      sourceIdentity: str(r.source_identity),
    },
    identityKey: str(r.identity_key) ?? 'unknown',
    position: { time: eventTime, id: eventId, hash: str(r.row_hash) ?? '' },
  };
}
