import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import ipaddr from 'ipaddr.js';

/**
 * A plain-Node reading of a CloudTrail lake and of the gateway's documented semantics, used to
 * compute expected answers independently of the SQL (STYLE.md, tests). Nothing here imports
 * from src/: every rule is re-stated from API.md and the brief, over the raw JSON records.
 */

/* eslint-disable @typescript-eslint/no-explicit-any */
export type Json = any;

export type IdentityTypeName =
  | 'ROOT' | 'IAM_USER' | 'ASSUMED_ROLE' | 'ROLE' | 'FEDERATED_USER' | 'AWS_ACCOUNT' | 'AWS_SERVICE'
  | 'IDENTITY_CENTER_USER' | 'SAML_USER' | 'WEB_IDENTITY_USER' | 'DIRECTORY' | 'UNKNOWN';
export type CategoryName = 'MANAGEMENT' | 'DATA' | 'NETWORK_ACTIVITY' | 'INSIGHT';

const IDENTITY_TYPE: Record<string, IdentityTypeName> = {
  Root: 'ROOT',
  IAMUser: 'IAM_USER',
  AssumedRole: 'ASSUMED_ROLE',
  Role: 'ROLE',
  FederatedUser: 'FEDERATED_USER',
  AWSAccount: 'AWS_ACCOUNT',
  AWSService: 'AWS_SERVICE',
  IdentityCenterUser: 'IDENTITY_CENTER_USER',
  SAMLUser: 'SAML_USER',
  WebIdentityUser: 'WEB_IDENTITY_USER',
  Directory: 'DIRECTORY',
};

const CATEGORY: Record<string, CategoryName> = {
  Management: 'MANAGEMENT',
  Data: 'DATA',
  NetworkActivity: 'NETWORK_ACTIVITY',
  Insight: 'INSIGHT',
};

/** One record as found in the lake, with the values the gateway's semantics derive from it. */
export interface RefEvent {
  readonly raw: Json;
  /** the record as JSON text: identical records (re-deliveries) have identical text */
  readonly canonical: string;
  /** path relative to the lake root, and its first segment (the data set) */
  readonly file: string;
  readonly set: string;
  readonly folderAccount: string;
  readonly folderRegion: string;
  readonly folderDay: string;
  readonly time: number; // epoch ms; NaN when eventTime does not parse
  readonly eventId: string | null;
  readonly eventSource: string | null;
  readonly eventName: string | null;
  readonly awsRegion: string | null;
  readonly account: string;
  readonly identityType: IdentityTypeName;
  readonly identityKey: string;
  readonly errorCode: string | null;
  readonly hasError: boolean;
  readonly readOnly: boolean | null;
  readonly category: string; // raw category text: Management, Data, Insight, NetworkActivity...
  readonly crossAccount: boolean;
  readonly served: boolean;
}

export interface ReferenceLake {
  readonly root: string;
  /** every *.json.gz under an AWSLogs/.../CloudTrail/<region>/<Y>/<M>/<D>/ folder, relative */
  readonly files: readonly string[];
  readonly records: readonly RefEvent[];
  /** one per identical record (first copy in file order) */
  readonly distinct: readonly RefEvent[];
  readonly served: readonly RefEvent[];
  readonly rejected: readonly RefEvent[];
  readonly folderAccounts: readonly string[];
  readonly folderRegions: readonly string[];
  readonly sets: readonly string[];
}

// ---- small value helpers ------------------------------------------------------------------------

/** A scalar member as text (absent/null → null). */
const present = (v: unknown): string | null => (v === null || v === undefined ? null : typeof v === 'string' ? v : String(v));
/** As present(), with "" also meaning absent. */
const nonEmpty = (v: unknown): string | null => {
  const s = present(v);
  return s === '' ? null : s;
};

/** Key-sorted JSON text (duplicates compare by this). */
export function canonicalJson(v: Json): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson(v[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v);
}

/** true/"true" → true, false/"false" → false, else null. */
export function boolOf(v: unknown): boolean | null {
  if (v === true || (typeof v === 'string' && v.toLowerCase() === 'true')) return true;
  if (v === false || (typeof v === 'string' && v.toLowerCase() === 'false')) return false;
  return null;
}

export const iso = (ms: number): string => new Date(ms).toISOString();

// ---- loading ----------------------------------------------------------------------------------

const ACCOUNT_DIR = /^\d{12}$/;
const ORG_DIR = /^o-[a-z0-9]{4,32}$/;

function subdirs(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
}

interface FolderFile {
  readonly path: string;
  readonly account: string;
  readonly region: string;
  readonly day: string;
}

function findAwsLogs(dir: string, depth: number, out: string[]): void {
  if (path.basename(dir) === 'AWSLogs') {
    out.push(dir);
    return;
  }
  if (depth > 4) return;
  for (const d of subdirs(dir)) findAwsLogs(path.join(dir, d), depth + 1, out);
}

function walkLake(root: string): FolderFile[] {
  const awsLogs: string[] = [];
  findAwsLogs(root, 0, awsLogs);
  const out: FolderFile[] = [];
  for (const logs of awsLogs) {
    const accounts: Array<{ account: string; dir: string }> = [];
    for (const n of subdirs(logs)) {
      if (ACCOUNT_DIR.test(n)) accounts.push({ account: n, dir: path.join(logs, n) });
      else if (ORG_DIR.test(n)) for (const a of subdirs(path.join(logs, n))) if (ACCOUNT_DIR.test(a)) accounts.push({ account: a, dir: path.join(logs, n, a) });
    }
    for (const { account, dir } of accounts) {
      const ct = path.join(dir, 'CloudTrail'); // never CloudTrail-Digest/ and friends
      if (!fs.existsSync(ct)) continue;
      for (const region of subdirs(ct)) {
        for (const y of subdirs(path.join(ct, region)).filter((x) => /^\d{4}$/.test(x))) {
          for (const m of subdirs(path.join(ct, region, y)).filter((x) => /^\d{2}$/.test(x))) {
            for (const d of subdirs(path.join(ct, region, y, m)).filter((x) => /^\d{2}$/.test(x))) {
              const dayDir = path.join(ct, region, y, m, d);
              for (const f of fs.readdirSync(dayDir).filter((x) => x.endsWith('.json.gz')).sort()) {
                out.push({ path: path.join(dayDir, f), account, region, day: `${y}-${m}-${d}` });
              }
            }
          }
        }
      }
    }
  }
  return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** The first non-empty of arn, invokedBy, "account:"+accountId, principalId, else "unknown". */
export function identityKeyOf(ui: Json): string {
  if (!ui || typeof ui !== 'object') return 'unknown';
  const arn = nonEmpty(ui.arn);
  if (arn) return arn;
  const inv = nonEmpty(ui.invokedBy);
  if (inv) return inv;
  const acct = nonEmpty(ui.accountId);
  if (acct) return `account:${acct}`;
  return nonEmpty(ui.principalId) ?? 'unknown';
}

function deriveEvent(raw: Json, ff: FolderFile, root: string): RefEvent {
  const rel = path.relative(root, ff.path);
  const ui = raw.userIdentity && typeof raw.userIdentity === 'object' ? raw.userIdentity : null;
  const insight = raw.insightDetails && typeof raw.insightDetails === 'object' ? raw.insightDetails : null;
  const t = typeof raw.eventTime === 'string' ? Date.parse(raw.eventTime) : NaN;
  const eventSource = present(raw.eventSource) ?? present(insight?.eventSource);
  const eventName = present(raw.eventName) ?? present(insight?.eventName);
  const awsRegion = present(raw.awsRegion);
  const account = nonEmpty(raw.recipientAccountId) ?? ff.account;
  const rawType = ui ? ui.type : undefined;
  const identityType = typeof rawType === 'string' && rawType in IDENTITY_TYPE ? IDENTITY_TYPE[rawType] : 'UNKNOWN';
  const errorCode = nonEmpty(raw.errorCode);
  const hasError = errorCode !== null || nonEmpty(raw.errorMessage) !== null;
  const category =
    present(raw.eventCategory) ??
    (raw.eventType === 'AwsCloudTrailInsight' ? 'Insight' : boolOf(raw.managementEvent) === false ? 'Data' : 'Management');
  const idAccount = ui ? present(ui.accountId) : null;
  return {
    raw,
    // The gateway's duplicate rule: the same record, as delivered (key order included). Real
    // re-deliveries are identical; curated sets hold near-copies that differ only in key order,
    // and those stay distinct records.
    canonical: JSON.stringify(raw),
    file: rel,
    set: rel.split(path.sep)[0],
    folderAccount: ff.account,
    folderRegion: ff.region,
    folderDay: ff.day,
    time: t,
    eventId: present(raw.eventID),
    eventSource,
    eventName,
    awsRegion,
    account,
    identityType,
    identityKey: identityKeyOf(ui),
    errorCode,
    hasError,
    readOnly: boolOf(raw.readOnly),
    category,
    crossAccount: idAccount !== null && idAccount !== account,
    served: Number.isFinite(t) && eventSource !== null && eventName !== null && awsRegion !== null,
  };
}

const cache = new Map<string, ReferenceLake>();

/** Reads every record of a lake directory (cached per directory within a test file, unless `fresh`: the lake changed). */
export function loadReferenceLake(dir: string, opts: { fresh?: boolean } = {}): ReferenceLake {
  const root = path.resolve(dir);
  const hit = cache.get(root);
  if (hit && !opts.fresh) return hit;
  const files = walkLake(root);
  const records: RefEvent[] = [];
  for (const ff of files) {
    const doc = JSON.parse(zlib.gunzipSync(fs.readFileSync(ff.path)).toString('utf8'));
    for (const r of doc.Records ?? []) records.push(deriveEvent(r, ff, root));
  }
  const seen = new Set<string>();
  const distinct = records.filter((r) => (seen.has(r.canonical) ? false : (seen.add(r.canonical), true)));
  const lake: ReferenceLake = {
    root,
    files: files.map((f) => path.relative(root, f.path)),
    records,
    distinct,
    served: distinct.filter((r) => r.served),
    rejected: distinct.filter((r) => !r.served),
    folderAccounts: [...new Set(files.map((f) => f.account))].sort(),
    folderRegions: [...new Set(files.map((f) => f.region))].sort(),
    sets: [...new Set(files.map((f) => path.relative(root, f.path).split(path.sep)[0]))].sort(),
  };
  cache.set(root, lake);
  return lake;
}

// ---- JSON fields ------------------------------------------------------------------------------

/** The value at a dotted key path (objects only), or undefined. */
export function jsonAt(v: Json, pathText: string): Json {
  let cur = v;
  for (const seg of pathText.split('.')) {
    if (cur === null || typeof cur !== 'object' || Array.isArray(cur) || !(seg in cur)) return undefined;
    cur = cur[seg];
  }
  return cur;
}

/** A value as text: strings as is, booleans/numbers as JSON, objects/arrays as JSON text; null → null. */
export function jsonValueText(v: Json): string | null {
  if (v === undefined || v === null) return null;
  if (typeof v === 'string') return v;
  return JSON.stringify(v);
}

export interface JsonMatchInput {
  path: string;
  equals?: string;
  contains?: string;
  exists?: boolean;
}

export function jsonMatches(field: Json, m: JsonMatchInput): boolean {
  const v = jsonAt(field, m.path);
  if (m.equals !== undefined) return jsonValueText(v) === m.equals;
  if (m.contains !== undefined) return v !== undefined && v !== null && JSON.stringify(v).includes(m.contains);
  if (m.exists !== undefined) return m.exists ? v !== undefined && v !== null : v === undefined || v === null;
  throw new Error('JsonMatch needs one of equals, contains, exists');
}

// ---- addresses --------------------------------------------------------------------------------

/** An address or CIDR entry of sourceIps against a record's sourceIPAddress. */
export function ipMatches(sourceIp: string | null, entry: string): boolean {
  if (sourceIp === null) return false;
  if (sourceIp === entry) return true;
  let addr: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    if (!ipaddr.isValid(sourceIp)) return false;
    if (sourceIp.includes('.') && !sourceIp.includes(':') && !ipaddr.IPv4.isValidFourPartDecimal(sourceIp)) return false;
    addr = ipaddr.parse(sourceIp);
  } catch {
    return false;
  }
  let net: ipaddr.IPv4 | ipaddr.IPv6;
  let bits: number;
  if (entry.includes('/')) [net, bits] = ipaddr.parseCIDR(entry);
  else {
    net = ipaddr.parse(entry);
    bits = net.kind() === 'ipv4' ? 32 : 128;
  }
  if (addr.kind() !== net.kind()) return false;
  return (addr as ipaddr.IPv4).match(net as ipaddr.IPv4, bits);
}

// ---- filters ----------------------------------------------------------------------------------

/** EventFilter as sent to the gateway (API.md); range as ISO strings. */
export interface FilterInput {
  range: { from: string; to: string };
  accounts?: string[];
  regions?: string[];
  eventSources?: string[];
  eventNames?: string[];
  excludeEventNames?: string[];
  identityTypes?: IdentityTypeName[];
  principalArns?: string[];
  roleArns?: string[];
  userNames?: string[];
  accessKeyIds?: string[];
  sourceIps?: string[];
  userAgentContains?: string;
  errorCodes?: string[];
  hasError?: boolean;
  readOnly?: boolean;
  categories?: CategoryName[];
  crossAccount?: boolean;
  resourceArns?: string[];
  eventIds?: string[];
  requestParameters?: JsonMatchInput[];
  responseElements?: JsonMatchInput[];
  additionalEventData?: JsonMatchInput[];
}

const inAny = (v: string | null, list: readonly string[] | undefined) => !list?.length || (v !== null && list.includes(v));

export function inRange(e: RefEvent, range: { from: string; to: string }): boolean {
  return e.time >= Date.parse(range.from) && e.time < Date.parse(range.to);
}

/** The reference reading of every EventFilter field (fields AND, lists OR). */
export function matchesFilter(e: RefEvent, f: FilterInput): boolean {
  const r = e.raw;
  const ui = r.userIdentity && typeof r.userIdentity === 'object' ? r.userIdentity : {};
  if (!e.served || !inRange(e, f.range)) return false;
  if (!inAny(e.account, f.accounts)) return false;
  if (!inAny(e.awsRegion, f.regions)) return false;
  if (!inAny(e.eventSource, f.eventSources)) return false;
  if (!inAny(e.eventName, f.eventNames)) return false;
  if (f.excludeEventNames?.length && e.eventName !== null && f.excludeEventNames.includes(e.eventName)) return false;
  if (f.identityTypes?.length && !f.identityTypes.includes(e.identityType)) return false;
  if (!inAny(present(ui.arn), f.principalArns)) return false;
  if (!inAny(present(ui.sessionContext?.sessionIssuer?.arn), f.roleArns)) return false;
  if (!inAny(present(ui.userName), f.userNames)) return false;
  if (!inAny(nonEmpty(ui.accessKeyId), f.accessKeyIds)) return false;
  if (f.sourceIps?.length && !f.sourceIps.some((ip) => ipMatches(present(r.sourceIPAddress), ip))) return false;
  if (f.userAgentContains !== undefined) {
    const ua = present(r.userAgent);
    if (ua === null || !ua.toLowerCase().includes(f.userAgentContains.toLowerCase())) return false;
  }
  if (!inAny(e.errorCode, f.errorCodes)) return false;
  if (f.hasError !== undefined && e.hasError !== f.hasError) return false;
  if (f.readOnly !== undefined && e.readOnly !== f.readOnly) return false;
  if (f.categories?.length && !f.categories.includes(CATEGORY[e.category])) return false;
  if (f.crossAccount !== undefined && e.crossAccount !== f.crossAccount) return false;
  if (f.resourceArns?.length) {
    const res: Json[] = Array.isArray(r.resources) ? r.resources : [];
    if (!res.some((x) => x && (f.resourceArns!.includes(x.ARN) || f.resourceArns!.includes(x.ARNPrefix)))) return false;
  }
  if (!inAny(e.eventId, f.eventIds)) return false;
  for (const m of f.requestParameters ?? []) if (!jsonMatches(r.requestParameters, m)) return false;
  for (const m of f.responseElements ?? []) if (!jsonMatches(r.responseElements, m)) return false;
  for (const m of f.additionalEventData ?? []) if (!jsonMatches(r.additionalEventData, m)) return false;
  return true;
}

export function filterEvents(lake: ReferenceLake, f: FilterInput): RefEvent[] {
  return lake.served.filter((e) => matchesFilter(e, f));
}

// ---- dimensions and reductions ----------------------------------------------------------------

export type Dimension =
  | 'ACCOUNT' | 'REGION' | 'EVENT_SOURCE' | 'EVENT_NAME' | 'EVENT_TYPE' | 'EVENT_CATEGORY' | 'IDENTITY_TYPE'
  | 'PRINCIPAL_ARN' | 'PRINCIPAL_ID' | 'ROLE_ARN' | 'USER_NAME' | 'ACCESS_KEY_ID' | 'SOURCE_IP' | 'USER_AGENT'
  | 'ERROR_CODE' | 'READ_ONLY' | 'MFA_AUTHENTICATED' | 'INVOKED_BY' | 'SOURCE_IDENTITY' | 'HOUR_OF_DAY' | 'DAY_OF_WEEK'
  | 'REQUEST_PARAMETER' | 'RESPONSE_ELEMENT' | 'ADDITIONAL_EVENT_DATA';

const boolKey = (b: boolean | null) => (b === null ? null : String(b));

/** The key text a record has under a dimension (null where it has none). */
export function dimensionValue(e: RefEvent, dim: Dimension, jsonPath?: string): string | null {
  const r = e.raw;
  const ui = r.userIdentity && typeof r.userIdentity === 'object' ? r.userIdentity : {};
  switch (dim) {
    case 'ACCOUNT':
      return e.account;
    case 'REGION':
      return e.awsRegion;
    case 'EVENT_SOURCE':
      return e.eventSource;
    case 'EVENT_NAME':
      return e.eventName;
    case 'EVENT_TYPE':
      return present(r.eventType);
    case 'EVENT_CATEGORY':
      return e.category;
    case 'IDENTITY_TYPE':
      return e.identityType;
    case 'PRINCIPAL_ARN':
      return present(ui.arn);
    case 'PRINCIPAL_ID':
      return present(ui.principalId);
    case 'ROLE_ARN':
      return present(ui.sessionContext?.sessionIssuer?.arn);
    case 'USER_NAME':
      return present(ui.userName);
    case 'ACCESS_KEY_ID':
      return nonEmpty(ui.accessKeyId);
    case 'SOURCE_IP':
      return present(r.sourceIPAddress);
    case 'USER_AGENT':
      return present(r.userAgent);
    case 'ERROR_CODE':
      return e.errorCode;
    case 'READ_ONLY':
      return boolKey(e.readOnly);
    case 'MFA_AUTHENTICATED':
      return boolKey(boolOf(ui.sessionContext?.attributes?.mfaAuthenticated));
    case 'INVOKED_BY':
      return present(ui.invokedBy);
    case 'SOURCE_IDENTITY':
      return present(ui.sourceIdentity) ?? present(ui.sessionContext?.sourceIdentity);
    case 'HOUR_OF_DAY':
      return String(new Date(e.time).getUTCHours()).padStart(2, '0');
    case 'DAY_OF_WEEK':
      return String(new Date(e.time).getUTCDay() || 7);
    case 'REQUEST_PARAMETER':
      return jsonValueText(jsonAt(r.requestParameters, jsonPath!));
    case 'RESPONSE_ELEMENT':
      return jsonValueText(jsonAt(r.responseElements, jsonPath!));
    case 'ADDITIONAL_EVENT_DATA':
      return jsonValueText(jsonAt(r.additionalEventData, jsonPath!));
  }
}

export interface RefStatsRow {
  keys: (string | null)[];
  count: number;
  errorCount: number;
  firstSeen: string;
  lastSeen: string;
}

/** A GroupKey as sent to the gateway (path only for the JSON dimensions). */
export interface GroupKeyInput {
  dimension: Dimension;
  path?: string;
}

/** GROUP BY the given dimensions: count, errorCount, first and last eventTime per group. */
export function groupStats(events: readonly RefEvent[], dims: readonly (Dimension | GroupKeyInput)[]): RefStatsRow[] {
  const keyed = dims.map((d) => (typeof d === 'string' ? { dimension: d } : d));
  const groups = new Map<string, { keys: (string | null)[]; count: number; errors: number; min: number; max: number }>();
  for (const e of events) {
    const keys = keyed.map((d) => dimensionValue(e, d.dimension, d.path));
    const k = JSON.stringify(keys);
    const g = groups.get(k) ?? { keys, count: 0, errors: 0, min: Infinity, max: -Infinity };
    g.count++;
    if (e.hasError) g.errors++;
    g.min = Math.min(g.min, e.time);
    g.max = Math.max(g.max, e.time);
    groups.set(k, g);
  }
  return [...groups.values()].map((g) => ({ keys: g.keys, count: g.count, errorCount: g.errors, firstSeen: iso(g.min), lastSeen: iso(g.max) }));
}

/** Rows in a canonical order, for comparing as sorted arrays. */
export function sortRows<T extends { keys: (string | null)[] }>(rows: readonly T[]): T[] {
  const k = (r: T) => JSON.stringify(r.keys);
  return [...rows].sort((a, b) => (k(a) < k(b) ? -1 : k(a) > k(b) ? 1 : 0));
}

/** Top values by (count desc, value asc), as the gateway ranks CountedValues. */
export function topCounted(values: readonly (string | null)[], first: number): Array<{ value: string | null; count: number }> {
  const m = new Map<string | null, number>();
  for (const v of values) m.set(v, (m.get(v) ?? 0) + 1);
  return [...m.entries()]
    .map(([value, count]) => ({ value, count }))
    .sort((a, b) => b.count - a.count || cmpNullableText(a.value, b.value))
    .slice(0, first);
}

/** Text order with nulls last (the ORDER BY value ASC default of DuckDB and Trino). */
export function cmpNullableText(a: string | null, b: string | null): number {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  return a < b ? -1 : 1;
}

/** An identity as the reference summarises it over some events. */
export interface RefIdentity {
  arn: string;
  type: IdentityTypeName;
  accountId: string | null;
  userName: string | null;
  roleArn: string | null;
  eventCount: number;
  errorCount: number;
  firstSeen: string;
  lastSeen: string;
}

const maxText = (vals: (string | null)[]) => vals.filter((v): v is string => v !== null).reduce<string | null>((m, v) => (m === null || v > m ? v : m), null);

export function identitySummaries(events: readonly RefEvent[]): Map<string, RefIdentity & { events: RefEvent[] }> {
  const by = new Map<string, RefEvent[]>();
  for (const e of events) by.set(e.identityKey, [...(by.get(e.identityKey) ?? []), e]);
  const out = new Map<string, RefIdentity & { events: RefEvent[] }>();
  for (const [arn, es] of by) {
    const ui = (e: RefEvent) => (e.raw.userIdentity && typeof e.raw.userIdentity === 'object' ? e.raw.userIdentity : {});
    out.set(arn, {
      arn,
      type: maxText(es.map((e) => e.identityType)) as IdentityTypeName,
      accountId: maxText(es.map((e) => present(ui(e).accountId))),
      userName: maxText(es.map((e) => present(ui(e).userName))),
      roleArn: maxText(es.map((e) => present(ui(e).sessionContext?.sessionIssuer?.arn))),
      eventCount: es.length,
      errorCount: es.filter((e) => e.hasError).length,
      firstSeen: iso(Math.min(...es.map((e) => e.time))),
      lastSeen: iso(Math.max(...es.map((e) => e.time))),
      events: es,
    });
  }
  return out;
}

/** The full span of some events as a half-open range [first, last + 1 ms). */
export function spanOf(events: readonly RefEvent[]): { from: string; to: string } {
  let min = Infinity;
  let max = -Infinity;
  for (const e of events) {
    min = Math.min(min, e.time);
    max = Math.max(max, e.time);
  }
  return { from: iso(min), to: iso(max + 1) };
}

/** The JSON a GraphQL JSON field should carry for a record member: absent and null both → null. */
export const asServedJson = (v: Json): Json => (v === undefined ? null : v);

/** The real CloudTrail samples shared by the project (../shared/data). */
export const REAL_DATA_DIR = process.env.TRAILGATE_REAL_DATA ?? '/work/shared/data/cloudtrail';

/**
 * A filter that selects one data set when several share a lake: its effective accounts over its
 * full time span. Other sets may share an account and overlap in time (Panther and Stratus both
 * use 900138736586), so expected answers always apply this same filter to the whole lake.
 */
export function setFilter(lake: ReferenceLake, set: string): FilterInput {
  const events = lake.served.filter((e) => e.set === set);
  return { range: spanOf(events), accounts: [...new Set(events.map((e) => e.account))].sort() };
}
