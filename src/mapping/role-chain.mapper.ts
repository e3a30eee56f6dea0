import type { Row } from '../engines/engine';
import { int, str, time } from './row-values';
import type { IssueLinkView, SessionKeyView } from './views';

/** A row of either role-chain level query (src/query/role-chain-queries.ts) to its issuing link, if it has one. */
export function mapIssueLink(r: Row): IssueLinkView | null {
  if (int(r.issue_events) === 0) return null;
  return {
    accessKey: str(r.access_key) ?? '',
    issuer: str(r.issuer_arn_key) ?? str(r.issuer_key),
    issuerAccessKey: str(r.issuer_access_key),
    issuerSourceIdentity: str(r.issuer_source_identity),
    issuedAt: time(r.issued_at),
  };
}

/** A row of the level-0 query to the session key it describes. */
export function mapSessionKey(r: Row): SessionKeyView {
  return {
    sessionArn: str(r.session_arn) ?? '',
    sessionSourceIdentity: str(r.session_source_identity),
    link: mapIssueLink(r),
  };
}
