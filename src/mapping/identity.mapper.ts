import { IDENTITY_TYPES, type IdentityTypeName } from '../domain/identity-type';
import type { Row } from '../engines/engine';
import { int, requiredTime, str } from './row-values';
import type { CountedValueView, IdentityView, StatsRowView } from './views';

const identityType = (v: unknown): IdentityTypeName =>
  (IDENTITY_TYPES as readonly unknown[]).includes(v) ? (v as IdentityTypeName) : 'UNKNOWN';

export function mapIdentity(r: Row): IdentityView {
  return {
    arn: str(r.identity_key) ?? 'unknown',
    type: identityType(r.identity_type),
    accountId: str(r.account_id),
    userName: str(r.user_name),
    roleArn: str(r.role_arn),
    eventCount: int(r.event_count),
    errorCount: int(r.error_count),
    firstSeen: requiredTime(r.first_seen),
    lastSeen: requiredTime(r.last_seen),
  };
}

export function mapCountedValue(r: Row): CountedValueView {
  return { value: str(r.value), count: int(r.value_count) };
}

export function mapStatsRow(r: Row, keyCount: number): StatsRowView {
  const keys = Array.from({ length: keyCount }, (_, i) => str(r[`k${i}`]));
  const bucket = r.bucket === undefined ? null : r.bucket === null ? null : requiredTime(r.bucket);
  return {
    keys,
    bucket,
    count: int(r.event_count),
    errorCount: int(r.error_count),
    firstSeen: requiredTime(r.first_seen),
    lastSeen: requiredTime(r.last_seen),
    distinctCount: r.distinct_count === undefined ? null : int(r.distinct_count),
  };
}
