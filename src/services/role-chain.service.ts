import type { TimeRangeSpec } from '../query/event-filter';
import { credentialIssuersQuery, sessionCredentialsQuery } from '../query/role-chain-queries';
import { mapIssueLink, mapSessionKey } from '../mapping/role-chain.mapper';
import type { CountedValueView, IssueLinkView, RoleChainView, SessionKeyView } from '../mapping/views';
import type { QueryLimits } from './limits';
import { planFor } from './plan-for';
import type { QueryRunner } from './query-runner';

/** Issuing links followed from a session at most (role → role → ... → user). */
export const MAX_CHAIN_DEPTH = 5;

/**
 * How long before its use a session's credentials may have been issued: the longest role session
 * (DurationSeconds up to 43200). Issuing events are searched that far back.
 * https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html
 */
export const SESSION_LOOKBACK_MS = 12 * 3_600_000;

const ASSUMED_ROLE = /^arn:aws[a-z-]*:sts::\d{12}:assumed-role\/([^/]+)\/(.+)$/;

/** A principal that is a role session (only those have issuers to find). */
export const isRoleSession = (arn: string): boolean => ASSUMED_ROLE.test(arn);

/**
 * IAM Identity Center provisions roles named AWSReservedSSO_<permission set>_<hex>; a session of
 * one is named after the signed-in user (usually an email address).
 * https://docs.aws.amazon.com/singlesignon/latest/userguide/using-service-linked-roles.html
 */
function identityCenterUser(arn: string): string | null {
  const m = ASSUMED_ROLE.exec(arn);
  return m && m[1].startsWith('AWSReservedSSO_') ? m[2] : null;
}

const sessionName = (arn: string): string | null => ASSUMED_ROLE.exec(arn)?.[2] ?? null;

/** Where a walk up a chain stands: a session, its source identity, and the link that issued its key. */
interface Walk {
  readonly arn: string;
  readonly sourceIdentity: string | null;
  readonly link: IssueLinkView | null;
  readonly depth: number;
}

/** A walk ends at a principal, or goes on to the session that signed `signedAt`'s call with `key`. */
type Step = { readonly done: string } | { readonly next: Walk; readonly key: string; readonly signedAt: Date | null };

/**
 * One step of a walk. A session of an Identity Center role ends at its user; a session whose key
 * has no issuing event ends at its source identity, else its session name; an issuer that is a
 * role session (and that signed with a key) is followed, up to MAX_CHAIN_DEPTH links; any other
 * issuer (an IAM user, root, a service, a SAML or web-identity user, an account) ends the walk.
 */
function step(w: Walk): Step {
  const user = identityCenterUser(w.arn);
  if (user) return { done: user };
  if (!w.link?.issuer) return { done: w.sourceIdentity ?? sessionName(w.arn) ?? w.arn };
  const { issuer, issuerAccessKey } = w.link;
  if (!isRoleSession(issuer) || !issuerAccessKey || w.depth >= MAX_CHAIN_DEPTH) return { done: issuer };
  return {
    key: issuerAccessKey,
    signedAt: w.link.issuedAt,
    next: { arn: issuer, sourceIdentity: w.link.issuerSourceIdentity, link: null, depth: w.depth + 1 },
  };
}

/** Values by count desc, then value asc. */
function ranked(values: readonly string[]): CountedValueView[] {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return [...counts].map(([value, count]) => ({ value, count })).sort((a, b) => b.count - a.count || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0));
}

/**
 * Role-chain resolution: who is behind a role session.
 *
 * A session's credentials are the ones an AssumeRole* call returned: the call's
 * `responseElements.credentials.accessKeyId` is the session's `userIdentity.accessKeyId`. The
 * caller of that call issued the session (`assumedBy`, counted by sessions issued). When the caller
 * is itself a role session, its own key leads to the call that issued it, and so on up the chain
 * to the first principal that is not a role session (`sourcePrincipal`; when a principal's keys
 * lead to several, the one most of them lead to, then the smallest).
 *
 * Costs: one engine query for all the principals of a batch (their keys and the calls that issued
 * them), then at most one query per further chain level for all the walks still open.
 * Issuing calls are searched from SESSION_LOOKBACK_MS before the range (level 0) or before the
 * child link's call (further levels), in every account and region of the lake.
 */
export class RoleChainService {
  constructor(private readonly limits: QueryLimits) {}

  async resolve(runner: QueryRunner, arns: readonly string[], range: TimeRangeSpec): Promise<Map<string, RoleChainView>> {
    const out = new Map<string, RoleChainView>(arns.map((a) => [a, { assumedBy: [], sourcePrincipal: null }]));
    const sessions = [...new Set(arns.filter(isRoleSession))];
    if (sessions.length === 0) return out;

    const issuedFrom = new Date(range.from.getTime() - SESSION_LOOKBACK_MS);
    const rows = await runner.rows(sessionCredentialsQuery(sessions, range, issuedFrom, planFor({ range: { from: issuedFrom, to: range.to } }, this.limits, runner.principal)));
    const keysOf = new Map<string, SessionKeyView[]>();
    /** issuing links found so far, by issued key (a page may hold several sessions of one chain) */
    const known = new Map<string, IssueLinkView>();
    for (const k of rows.map(mapSessionKey)) {
      keysOf.set(k.sessionArn, [...(keysOf.get(k.sessionArn) ?? []), k]);
      if (k.link) known.set(k.link.accessKey, k.link);
    }

    // Walk every key of every session up its chain, level by level.
    const ends = new Map<string, string[]>();
    let open: Array<{ origin: string; walk: Walk }> = [];
    for (const arn of sessions) {
      const keys = keysOf.get(arn) ?? [];
      // A session seen without any key (some service-signed records) still has its own fallbacks.
      const walks = keys.length ? keys.map((k) => ({ arn, sourceIdentity: k.sessionSourceIdentity, link: k.link, depth: 1 })) : [{ arn, sourceIdentity: null, link: null, depth: 1 }];
      open.push(...walks.map((walk) => ({ origin: arn, walk })));
    }
    while (open.length) {
      const waiting: Array<{ origin: string; walk: Walk; key: string; signedAt: Date }> = [];
      for (const { origin, walk } of open) {
        const s = step(walk);
        if ('done' in s) ends.set(origin, [...(ends.get(origin) ?? []), s.done]);
        else waiting.push({ origin, walk: s.next, key: s.key, signedAt: s.signedAt ?? range.to });
      }
      if (!waiting.length) break;
      const unknown = waiting.filter((w) => !known.has(w.key));
      if (unknown.length) for (const [key, link] of await this.issuers(runner, unknown)) known.set(key, link);
      open = waiting.map(({ origin, walk, key }) => ({ origin, walk: { ...walk, link: known.get(key) ?? null } }));
    }

    for (const arn of sessions) {
      const issuers = (keysOf.get(arn) ?? []).flatMap((k) => (k.link?.issuer ? [k.link.issuer] : []));
      out.set(arn, { assumedBy: ranked(issuers), sourcePrincipal: ranked(ends.get(arn) ?? [])[0]?.value ?? null });
    }
    return out;
  }

  /** The calls that issued the given keys: one query, over the look-back window of the calls they signed. */
  private async issuers(runner: QueryRunner, keys: ReadonlyArray<{ key: string; signedAt: Date }>): Promise<Map<string, IssueLinkView>> {
    const times = keys.map((k) => k.signedAt.getTime());
    const w = { from: new Date(Math.min(...times) - SESSION_LOOKBACK_MS), to: new Date(Math.max(...times) + 1000) };
    const rows = await runner.rows(credentialIssuersQuery([...new Set(keys.map((k) => k.key))], w, planFor({ range: w }, this.limits, runner.principal)));
    const links = new Map<string, IssueLinkView>();
    for (const r of rows) {
      const link = mapIssueLink(r);
      if (link) links.set(link.accessKey, link);
    }
    return links;
  }
}
