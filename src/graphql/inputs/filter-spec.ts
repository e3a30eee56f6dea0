import { parseIpMatch, type IpMatch } from '../../domain/ip-match';
import { badInput } from '../../domain/trailgate-error';
import type { EventFilterSpec, JsonMatchSpec, TimeRangeSpec } from '../../query/event-filter';
import type { GroupKeySpec } from '../../query/dimensions';
import { isJsonDimension } from '../../query/dimensions';
import type { EventFilter } from './event-filter.input';
import type { GroupKey } from './group-key.input';
import type { JsonMatch } from './json-match.input';
import type { TimeRange } from './time-range.input';

/** Validated GraphQL inputs to the engine-neutral specs the query layer takes. */
export const rangeSpec = (r: TimeRange): TimeRangeSpec => ({ from: r.from, to: r.to });

const matchSpec = (m: JsonMatch): JsonMatchSpec => ({ path: m.path.split('.'), equals: m.equals ?? undefined, contains: m.contains ?? undefined, exists: m.exists ?? undefined });

const nonEmpty = <T>(xs: readonly T[] | null | undefined): readonly T[] | undefined => (xs && xs.length ? xs : undefined);

const defined = <T extends object>(o: T): T => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && v !== null)) as T;

export function filterSpec(f: EventFilter): EventFilterSpec {
  const parse = (name: string) => (s: string): IpMatch => {
    const m = parseIpMatch(s);
    if (!m) throw badInput(`${name}: not an address or CIDR block: ${s}`);
    return m;
  };
  const ips = f.sourceIps?.map(parse('sourceIps'));
  const excludedIps = f.excludeSourceIps?.map(parse('excludeSourceIps'));
  const json = defined({
    requestParameters: nonEmpty(f.requestParameters?.map(matchSpec)),
    responseElements: nonEmpty(f.responseElements?.map(matchSpec)),
    additionalEventData: nonEmpty(f.additionalEventData?.map(matchSpec)),
  });
  return defined({
    range: rangeSpec(f.range),
    accounts: nonEmpty(f.accounts),
    regions: nonEmpty(f.regions),
    excludeRegions: nonEmpty(f.excludeRegions),
    eventSources: nonEmpty(f.eventSources),
    eventNames: nonEmpty(f.eventNames),
    excludeEventNames: nonEmpty(f.excludeEventNames),
    identityTypes: nonEmpty(f.identityTypes),
    principalArns: nonEmpty(f.principalArns),
    roleArns: nonEmpty(f.roleArns),
    userNames: nonEmpty(f.userNames),
    accessKeyIds: nonEmpty(f.accessKeyIds),
    sourceIps: nonEmpty(ips),
    excludeSourceIps: nonEmpty(excludedIps),
    sourceIpKinds: nonEmpty(f.sourceIpKinds),
    sessionCredentialFromConsole: f.sessionCredentialFromConsole ?? undefined,
    instanceCredentials: f.instanceCredentials ?? undefined,
    userAgentContains: f.userAgentContains ?? undefined,
    errorCodes: nonEmpty(f.errorCodes),
    hasError: f.hasError ?? undefined,
    readOnly: f.readOnly ?? undefined,
    categories: nonEmpty(f.categories),
    crossAccount: f.crossAccount ?? undefined,
    resourceArns: nonEmpty(f.resourceArns),
    eventIds: nonEmpty(f.eventIds),
    json: Object.keys(json).length ? json : undefined,
  });
}

export function groupKeySpec(g: GroupKey): GroupKeySpec {
  if (isJsonDimension(g.dimension)) {
    if (!g.path) throw badInput(`groupBy ${g.dimension} needs a path.`);
    return { dimension: g.dimension, path: g.path.split('.') };
  }
  if (g.path) throw badInput(`groupBy ${g.dimension} takes no path.`);
  return { dimension: g.dimension };
}
