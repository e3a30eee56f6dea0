import { registerEnumType } from 'type-graphql';
import { EVENT_CATEGORIES } from '../domain/event-category';
import { IDENTITY_TYPES } from '../domain/identity-type';
import { DIMENSIONS } from '../query/dimensions';

/** GraphQL enums from the domain's lists: one source of names. */
const asEnum = <T extends string>(values: readonly T[]) => Object.freeze(Object.fromEntries(values.map((v) => [v, v]))) as { [K in T]: K };

export const IdentityType = asEnum(IDENTITY_TYPES);
export const EventCategory = asEnum(EVENT_CATEGORIES);
export const EventOrder = asEnum(['NEWEST_FIRST', 'OLDEST_FIRST'] as const);
export const TimeBucket = asEnum(['MINUTE', 'HOUR', 'DAY', 'WEEK', 'MONTH'] as const);
export const StatsOrder = asEnum(['COUNT_DESC', 'COUNT_ASC', 'KEYS_ASC', 'BUCKET_ASC'] as const);
export const Dimension = asEnum(DIMENSIONS);
export const SourceIpKind = asEnum(['IP_ADDRESS', 'AWS_SERVICE'] as const);

registerEnumType(IdentityType, { name: 'IdentityType', description: 'userIdentity.type; UNKNOWN when a record carries none.' });
registerEnumType(EventCategory, { name: 'EventCategory', description: 'eventCategory; records older than eventVersion 1.08 count as MANAGEMENT (DATA when managementEvent is false).' });
registerEnumType(EventOrder, { name: 'EventOrder' });
registerEnumType(SourceIpKind, {
  name: 'SourceIpKind',
  description: 'IP_ADDRESS: sourceIPAddress is an IPv4/IPv6 address; AWS_SERVICE: it is "AWS Internal" or a service name (AWS calling on a principal\'s behalf).',
});
registerEnumType(TimeBucket, { name: 'TimeBucket', description: 'UTC buckets; WEEK starts on Monday.' });
registerEnumType(StatsOrder, { name: 'StatsOrder' });
registerEnumType(Dimension, {
  name: 'Dimension',
  description:
    'What eventStats groups by. HOUR_OF_DAY keys are "00".."23" (UTC); DAY_OF_WEEK keys are ISO 8601 "1" (Monday)..."7"; ' +
    'REQUEST_PARAMETER, RESPONSE_ELEMENT and ADDITIONAL_EVENT_DATA need a path and key by the value there ' +
    '(scalars as text, objects and arrays as JSON text).',
});
