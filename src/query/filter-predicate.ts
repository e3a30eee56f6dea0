import { RAW_EVENT_CATEGORY } from '../domain/event-category';
import { KNOWN_RAW_IDENTITY_TYPES, RAW_IDENTITY_TYPE } from '../domain/identity-type';
import type { IpMatch } from '../domain/ip-match';
import type { EventFilterSpec, JsonMatchSpec, SourceIpKind, TimeRangeSpec } from './event-filter';
import type { FieldName, JsonFieldName } from './fields';
import type { Pred } from './ir';
import {
  and,
  anyResourceArn,
  cmp,
  contains,
  eq,
  field,
  inList,
  instant,
  ipRange,
  isNull,
  isTrue,
  jsonSubtree,
  jsonText,
  lit,
  not,
  notTrue,
  or,
} from './ir-builders';

/** Half-open [from, to) on eventTime itself (partitions are only the coarse cut). */
export function rangePredicate(range: TimeRangeSpec): Pred {
  return and(cmp('>=', field('eventTime'), instant(range.from)), cmp('<', field('eventTime'), instant(range.to)));
}

const anyOf = (name: FieldName, values: readonly string[] | undefined): Pred => (values?.length ? inList(field(name), values) : and());

function boolIs(name: FieldName, want: boolean | undefined): Pred {
  if (want === undefined) return and();
  return want ? isTrue(field(name)) : eq(field(name), lit(false));
}

function jsonMatch(fld: JsonFieldName, m: JsonMatchSpec): Pred {
  if (m.equals !== undefined) return eq(jsonText(fld, m.path), lit(m.equals));
  if (m.contains !== undefined) return contains(jsonSubtree(fld, m.path), m.contains);
  if (m.exists !== undefined) return m.exists ? not(isNull(jsonText(fld, m.path))) : isNull(jsonText(fld, m.path));
  throw new Error('JsonMatch needs one of equals, contains, exists');
}

function identityTypes(types: EventFilterSpec['identityTypes']): Pred {
  if (!types?.length) return and();
  const raw = types.filter((t) => t !== 'UNKNOWN').map((t) => RAW_IDENTITY_TYPE[t]);
  const preds: Pred[] = raw.length ? [inList(field('identityTypeRaw'), raw)] : [];
  // UNKNOWN: no type at all (AwsServiceEvent records), or one CloudTrail added after this list.
  if (types.includes('UNKNOWN')) preds.push(or(isNull(field('identityTypeRaw')), not(inList(field('identityTypeRaw'), KNOWN_RAW_IDENTITY_TYPES))));
  return or(...preds);
}

const ipMatch = (ip: IpMatch): Pred => or(eq(field('sourceIp'), lit(ip.text)), ipRange(field('sourceIp'), ip.family, ip.lo, ip.hi));
const ipsMatch = (ips: readonly IpMatch[]): Pred => or(...ips.map(ipMatch));

function sourceIpKinds(kinds: readonly SourceIpKind[] | undefined): Pred {
  if (!kinds?.length || kinds.length === 2) return and();
  return kinds[0] === 'IP_ADDRESS' ? isTrue(field('sourceIpIsAddress')) : and(not(isNull(field('sourceIp'))), not(isTrue(field('sourceIpIsAddress'))));
}

/** Every EventFilter field as one predicate over the de-duplicated events. */
export function filterPredicate(f: EventFilterSpec): Pred {
  const json = f.json ?? {};
  return and(
    rangePredicate(f.range),
    anyOf('account', f.accounts),
    anyOf('awsRegion', f.regions),
    f.excludeRegions?.length ? not(inList(field('awsRegion'), f.excludeRegions)) : and(),
    anyOf('eventSource', f.eventSources),
    anyOf('eventName', f.eventNames),
    f.excludeEventNames?.length ? not(inList(field('eventName'), f.excludeEventNames)) : and(),
    identityTypes(f.identityTypes),
    anyOf('principalArn', f.principalArns),
    anyOf('roleArn', f.roleArns),
    anyOf('userName', f.userNames),
    anyOf('accessKeyId', f.accessKeyIds),
    f.sourceIps?.length ? ipsMatch(f.sourceIps) : and(),
    // An excluded address never excludes a record without one ("AWS Internal", service names).
    f.excludeSourceIps?.length ? notTrue(ipsMatch(f.excludeSourceIps)) : and(),
    sourceIpKinds(f.sourceIpKinds),
    boolIs('sessionCredentialFromConsole', f.sessionCredentialFromConsole),
    f.instanceCredentials === undefined ? and() : f.instanceCredentials ? isTrue(field('instanceSession')) : not(isTrue(field('instanceSession'))),
    f.userAgentContains ? contains(field('userAgent'), f.userAgentContains, true) : and(),
    anyOf('errorCode', f.errorCodes),
    boolIs('isError', f.hasError),
    boolIs('readOnly', f.readOnly),
    f.categories?.length ? inList(field('eventCategory'), f.categories.map((c) => RAW_EVENT_CATEGORY[c])) : and(),
    f.crossAccount === undefined ? and() : f.crossAccount ? isTrue(field('crossAccount')) : not(isTrue(field('crossAccount'))),
    f.resourceArns?.length ? anyResourceArn(f.resourceArns) : and(),
    anyOf('eventId', f.eventIds),
    ...(Object.entries(json) as Array<[JsonFieldName, readonly JsonMatchSpec[]]>).flatMap(([fld, ms]) => ms.map((m) => jsonMatch(fld, m))),
  );
}
