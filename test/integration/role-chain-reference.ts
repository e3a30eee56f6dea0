import type { RefEvent } from '../support/reference-lake';

/**
 * Role chains recomputed in plain TypeScript over the parsed records (no SQL, nothing from src/),
 * from the rules the gateway documents (Identity.assumedBy, Identity.sourcePrincipal):
 *
 * - a role session's keys are the userIdentity.accessKeyId values of its events in the range;
 * - the call that issued a key is the successful sts AssumeRole / AssumeRoleWithSAML /
 *   AssumeRoleWithWebIdentity whose responseElements.credentials.accessKeyId is that key, searched
 *   from 12 hours before the range (for further links: 12 hours before the call the key signed);
 * - assumedBy counts a session's keys by the caller of their issuing call (a copy of the call that
 *   names the caller's ARN wins over one that does not, as cross-account copies do not);
 * - sourcePrincipal follows callers that are role sessions up to 5 links, and ends at the first
 *   caller that is not; an AWSReservedSSO_* session ends at its session name; a session whose key
 *   has no issuing call ends at its sourceIdentity, else its session name. Over several keys: the
 *   end most keys reach, then the smallest.
 */

const HOUR = 3_600_000;
const LOOKBACK = 12 * HOUR;
const MAX_LINKS = 5;
const ISSUING = new Set(['AssumeRole', 'AssumeRoleWithSAML', 'AssumeRoleWithWebIdentity']);

const text = (v: unknown): string | null => (v === null || v === undefined ? null : typeof v === 'string' ? v : String(v));
const nonEmpty = (v: unknown): string | null => {
  const s = text(v);
  return s === '' ? null : s;
};
const maxOf = (vals: Array<string | null>): string | null =>
  vals.filter((x): x is string => x !== null).reduce<string | null>((m, x) => (m === null || x > m ? x : m), null);

/** role and session name of an assumed-role ARN (arn:aws:sts::<account>:assumed-role/<role>/<session>) */
function assumedRole(arn: string): { role: string; session: string } | null {
  const [head, role, session] = arn.split('/');
  if (!/^arn:aws[a-z-]*:sts::\d{12}:assumed-role$/.test(head) || !role || !session) return null;
  return { role, session };
}

const issuedKeyOf = (e: RefEvent): string | null => {
  const c = e.raw.responseElements?.credentials;
  return c && typeof c === 'object' ? text(c.accessKeyId) : null;
};
const keyOf = (e: RefEvent): string | null => nonEmpty(e.raw.userIdentity?.accessKeyId);
const sourceIdentityOf = (e: RefEvent): string | null =>
  text(e.raw.userIdentity?.sourceIdentity) ?? text(e.raw.userIdentity?.sessionContext?.sourceIdentity);

interface Link {
  readonly issuer: string;
  readonly issuerKey: string | null;
  readonly issuerSourceIdentity: string | null;
  readonly at: number;
}

export interface RefChain {
  readonly assumedBy: Array<{ value: string; count: number }>;
  readonly sourcePrincipal: string | null;
}

function ranked(values: string[]): Array<{ value: string; count: number }> {
  const m = new Map<string, number>();
  for (const v of values) m.set(v, (m.get(v) ?? 0) + 1);
  return [...m].map(([value, count]) => ({ value, count })).sort((a, b) => b.count - a.count || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0));
}

export function referenceChains(served: readonly RefEvent[], range: { from: string; to: string }, arns: readonly string[]): Map<string, RefChain> {
  const from = Date.parse(range.from);
  const to = Date.parse(range.to);
  const issuing = served.filter((e) => e.eventSource === 'sts.amazonaws.com' && ISSUING.has(e.eventName ?? '') && issuedKeyOf(e) !== null);

  /** The issuing link of `key` among issuing calls in [lo, hi). */
  const linkOf = (key: string, lo: number, hi: number): Link | null => {
    const calls = issuing.filter((e) => issuedKeyOf(e) === key && e.time >= lo && e.time < hi);
    if (!calls.length) return null;
    const named = calls.filter((e) => e.raw.userIdentity?.arn !== undefined && e.raw.userIdentity?.arn !== null);
    return {
      issuer: maxOf((named.length ? named : calls).map((e) => e.identityKey))!,
      issuerKey: maxOf(calls.map(keyOf)),
      issuerSourceIdentity: maxOf(calls.map(sourceIdentityOf)),
      at: Math.min(...calls.map((e) => e.time)),
    };
  };

  /** Where a walk from (session, its source identity, the link of its key) ends. */
  const walk = (arn: string, sourceIdentity: string | null, link: Link | null, links: number): string => {
    const ar = assumedRole(arn);
    if (ar && ar.role.startsWith('AWSReservedSSO_')) return ar.session;
    if (!link) return sourceIdentity ?? ar?.session ?? arn;
    if (!assumedRole(link.issuer) || !link.issuerKey || links >= MAX_LINKS) return link.issuer;
    const next = linkOf(link.issuerKey, link.at - LOOKBACK, link.at + 1000);
    return walk(link.issuer, link.issuerSourceIdentity, next, links + 1);
  };

  const out = new Map<string, RefChain>();
  for (const arn of arns) {
    if (!assumedRole(arn)) {
      out.set(arn, { assumedBy: [], sourcePrincipal: null });
      continue;
    }
    const own = served.filter((e) => e.identityKey === arn && e.time >= from && e.time < to);
    const keys = [...new Set(own.map(keyOf).filter((k): k is string => k !== null))];
    const issuers: string[] = [];
    const ends: string[] = [];
    for (const key of keys) {
      const link = linkOf(key, from - LOOKBACK, to);
      if (link) issuers.push(link.issuer);
      ends.push(walk(arn, maxOf(own.filter((e) => keyOf(e) === key).map(sourceIdentityOf)), link, 1));
    }
    if (!keys.length) ends.push(walk(arn, null, null, 1));
    out.set(arn, { assumedBy: ranked(issuers), sourcePrincipal: ranked(ends)[0]?.value ?? null });
  }
  return out;
}
