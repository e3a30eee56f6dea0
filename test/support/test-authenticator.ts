import { ANONYMOUS_PRINCIPAL, type Principal } from '../../src/domain/principal';
import type { RequestAuthenticator } from '../../src/server/request-authentication';

/** A full principal, or one with the given overrides (tests build their callers from this). */
export const principal = (overrides: Partial<Principal> & Pick<Principal, 'id'>): Principal => Object.freeze({ ...ANONYMOUS_PRINCIPAL, ...overrides });

export const partner = (id: string, accounts: Principal['accounts'], more: Partial<Principal> = {}): Principal =>
  principal({ id, accounts, mode: 'persisted-only', introspection: false, ...more });

/**
 * Picks the principal named by the `x-test-principal` header (absent: `fallback`; unknown: 401).
 * For tests of what a principal may do; the real credential checks (keys, JWTs) are src/auth's and
 * have their own tests.
 */
export function headerAuthenticator(principals: Record<string, Principal>, fallback: Principal | null = ANONYMOUS_PRINCIPAL): RequestAuthenticator {
  return {
    enabled: true,
    async authenticate(headers) {
      const name = headers['x-test-principal'];
      if (name === undefined) return fallback ? { ok: true, principal: fallback, credential: 'test' } : { ok: false, reason: 'no credentials' };
      const p = typeof name === 'string' ? principals[name] : undefined;
      return p ? { ok: true, principal: p, credential: `test:${name}` } : { ok: false, reason: 'unknown test principal' };
    },
  };
}
