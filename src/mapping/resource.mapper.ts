import type { Row } from '../engines/engine';
import { int, requiredTime, str } from './row-values';
import type { ResourceView } from './views';

export function mapResource(r: Row): ResourceView {
  return {
    arn: str(r.resource_arn) ?? '',
    type: str(r.resource_type),
    accountId: str(r.account_id),
    eventCount: int(r.event_count),
    firstSeen: requiredTime(r.first_seen),
    lastSeen: requiredTime(r.last_seen),
  };
}
