import type { JWTPayload } from 'jose';
import type { Principal } from '../domain/principal';

export type ClaimValue = string | number | boolean;

export interface ClaimRule {
  /** every listed top-level claim must equal the value, or (an array claim) contain it */
  readonly when: Readonly<Record<string, ClaimValue>>;
  readonly principal: Principal;
}

/**
 * The principal of the first rule the verified claims satisfy; null when none does. Claim names
 * are top-level only, never dotted paths: IdPs namespace custom claims with URLs
 * (`https://example.com/groups`), whose dots would make a path ambiguous.
 */
export function principalFromClaims(rules: readonly ClaimRule[], claims: JWTPayload): Principal | null {
  const rule = rules.find((r) => Object.entries(r.when).every(([name, want]) => claimHas(claims[name], want)));
  return rule?.principal ?? null;
}

function claimHas(claim: unknown, want: ClaimValue): boolean {
  return Array.isArray(claim) ? claim.some((v) => v === want) : claim === want;
}
