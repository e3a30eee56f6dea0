import type { TimeRangeSpec } from './event-filter';
import { rangePredicate } from './filter-predicate';
import type { EventSelect, PartitionPlan, Pred, SelectItem } from './ir';
import { agg, and, cmp, count, eq, field, inList, isNull, item, jsonText, lit, not, or, select, unnest, unnested } from './ir-builders';

/**
 * The SQL shapes behind role-chain resolution (src/services/role-chain.service.ts).
 *
 * An assumed-role session signs its calls with the temporary key its AssumeRole* call returned:
 * `responseElements.credentials.accessKeyId` of the issuing event equals the session's
 * `userIdentity.accessKeyId`. https://docs.aws.amazon.com/IAM/latest/UserGuide/cloudtrail-integration.html
 */

/** STS calls that issue role-session credentials. */
export const ISSUING_EVENT_NAMES = ['AssumeRole', 'AssumeRoleWithSAML', 'AssumeRoleWithWebIdentity'] as const;

const ISSUED_KEY = jsonText('responseElements', ['credentials', 'accessKeyId']);

/** A successful AssumeRole* call (it returned credentials). */
export const ISSUING_EVENT: Pred = and(
  eq(field('eventSource'), lit('sts.amazonaws.com')),
  inList(field('eventName'), ISSUING_EVENT_NAMES),
  not(isNull(ISSUED_KEY)),
);

/**
 * What an issuing event tells about who issued a key. A cross-account AssumeRole is recorded
 * twice (the role's account sees only the caller's account; the caller's account sees the caller),
 * so the issuer with an ARN is kept apart from any issuer.
 */
function issuerItems(issued: Pred | null): SelectItem[] {
  const named = not(isNull(field('principalArn')));
  return [
    item('issuer_arn_key', agg('max', field('identityKey'), issued ? and(issued, named) : named)),
    item('issuer_key', agg('max', field('identityKey'), issued)),
    item('issuer_access_key', agg('max', field('accessKeyId'), issued)),
    item('issuer_source_identity', agg('max', field('sourceIdentity'), issued)),
    item('issued_at', agg('min', field('eventTime'), issued)),
    item('issue_events', count(issued)),
  ];
}

/**
 * Level 0: for the given principals, every access key they signed with in `range`, next to the
 * event that issued it (searched from `issuedFrom`, before the range: sessions outlive their start).
 * One pass, no join: each event is expanded into the keys it touches (the key it `used`, the key
 * it `issued`) and the rows are grouped by key; a key's group holds its uses and its issuance.
 */
export function sessionCredentialsQuery(arns: readonly string[], range: TimeRangeSpec, issuedFrom: Date, plan: PartitionPlan): EventSelect {
  const use = unnested('credentialUse');
  const key = unnested('credentialKey');
  const used = eq(use, lit('used'));
  const issued = eq(use, lit('issued'));
  const ownUse = and(inList(field('identityKey'), arns), rangePredicate(range));
  return select({
    plan,
    where: and(rangePredicate({ from: issuedFrom, to: range.to }), or(ownUse, ISSUING_EVENT)),
    unnest: unnest('credentials', and(not(isNull(key)), or(and(used, ownUse), and(issued, ISSUING_EVENT)))),
    select: [
      item('access_key', key),
      item('session_arn', agg('max', field('identityKey'), used)),
      item('session_source_identity', agg('max', field('sourceIdentity'), used)),
      ...issuerItems(issued),
    ],
    groupBy: [key],
    having: cmp('>', count(used), lit(0)),
  });
}

/** Level n > 0: the events that issued the given keys (the keys previous issuers signed with). */
export function credentialIssuersQuery(keys: readonly string[], w: TimeRangeSpec, plan: PartitionPlan): EventSelect {
  return select({
    plan,
    where: and(rangePredicate(w), ISSUING_EVENT, inList(ISSUED_KEY, keys)),
    select: [item('access_key', ISSUED_KEY), ...issuerItems(null)],
    groupBy: [ISSUED_KEY],
  });
}
