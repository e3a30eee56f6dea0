import type { Logger } from 'pino';
import { ANONYMOUS_PRINCIPAL, type Principal } from '../domain/principal';
import { apiKeyId, apiKeyMatches } from './api-key';
import { createAuthStore, type AuthState } from './auth-store';
import { credentialFromHeaders } from './credential-from-headers';
import { principalFromClaims } from './principal-from-claims';

export type AuthOutcome =
  | { readonly ok: true; readonly principal: Principal; /** key id, or `jwt:` + sub: for logs */ readonly credential: string }
  | { readonly ok: false; /** for the log only; the client gets a generic UNAUTHENTICATED */ readonly reason: string };

export interface Authenticator {
  /** false: no auth configured (dev mode); every request is the anonymous principal */
  readonly enabled: boolean;
  authenticate(headers: Record<string, string | string[] | undefined>): Promise<AuthOutcome>;
  /** re-read the config file now (also on SIGHUP and, when watched, on file change) */
  reload(): Promise<void>;
  /** stops the file watcher and the SIGHUP listener */
  close(): void;
}

export interface AuthenticatorOptions {
  /** from resolveAuthConfigPath; null: dev mode */
  readonly file: string | null;
  readonly env?: NodeJS.ProcessEnv;
  readonly logger: Logger;
  readonly watch?: boolean;
}

export async function createAuthenticator(opts: AuthenticatorOptions): Promise<Authenticator> {
  const store = await createAuthStore(opts);
  return {
    get enabled() {
      return store.enabled;
    },
    async authenticate(headers) {
      const state = store.current();
      if (!store.enabled || state === null) return { ok: true, principal: ANONYMOUS_PRINCIPAL, credential: ANONYMOUS_PRINCIPAL.id };
      const found = credentialFromHeaders(headers);
      if (!found.ok) return found;
      if (found.credential === null) return { ok: false, reason: 'no credentials' };
      return found.credential.kind === 'api-key' ? byApiKey(state, found.credential.key) : byJwt(state, found.credential.token);
    },
    reload: () => store.reload(),
    close: () => store.close(),
  };
}

/**
 * Find the entry by the key's public id, then compare digests in constant time. Answering an
 * unknown id sooner reveals only what the id already is: public.
 */
function byApiKey(state: AuthState, key: string): AuthOutcome {
  const id = apiKeyId(key);
  if (id === null) return { ok: false, reason: 'malformed API key' };
  const entry = state.config.apiKeys.get(id);
  if (!entry) return { ok: false, reason: `unknown API key id ${id}` };
  if (!apiKeyMatches(key, entry.digest)) return { ok: false, reason: `API key ${id}: secret does not match` };
  return { ok: true, principal: entry.principal, credential: id };
}

async function byJwt(state: AuthState, token: string): Promise<AuthOutcome> {
  if (!state.verifier || !state.config.jwt) return { ok: false, reason: 'a JWT was given but no jwt section is configured' };
  const verified = await state.verifier.verify(token);
  if (!verified.ok) return verified;
  const sub = typeof verified.claims.sub === 'string' ? verified.claims.sub : '(no sub)';
  const principal = principalFromClaims(state.config.jwt.rules, verified.claims);
  if (!principal) return { ok: false, reason: `jwt: no principal rule matches the token of ${sub}` };
  return { ok: true, principal, credential: `jwt:${sub}` };
}
