import { API_KEY_PREFIX } from './api-key';

export type Credential = { readonly kind: 'api-key'; readonly key: string } | { readonly kind: 'jwt'; readonly token: string };

export type CredentialLookup = { readonly ok: true; readonly credential: Credential | null } | { readonly ok: false; readonly reason: string };

type Headers = Record<string, string | string[] | undefined>;

/**
 * The one credential a request carries: `Authorization: Bearer <token>` (an API key when it starts
 * with `tg_`, a JWT otherwise) or `X-API-Key: <key>`. Two credentials, or a repeated header, are
 * refused rather than picked from: which one wins would be a proxy's accident.
 */
export function credentialFromHeaders(headers: Headers): CredentialLookup {
  const authorization = header(headers, 'authorization');
  const apiKey = header(headers, 'x-api-key');
  if (authorization === REPEATED || apiKey === REPEATED) return { ok: false, reason: 'repeated credential header' };
  if (authorization !== undefined && apiKey !== undefined) return { ok: false, reason: 'both Authorization and X-API-Key given' };
  if (apiKey !== undefined) return apiKey ? { ok: true, credential: { kind: 'api-key', key: apiKey } } : { ok: false, reason: 'empty X-API-Key' };
  if (authorization === undefined) return { ok: true, credential: null };
  // RFC 9110 §11.1: the auth scheme is case-insensitive.
  const bearer = /^bearer[ \t]+(\S+)$/i.exec(authorization);
  if (!bearer) return { ok: false, reason: /^bearer\b/i.test(authorization) ? 'malformed bearer token' : 'unsupported Authorization scheme' };
  const token = bearer[1];
  return { ok: true, credential: token.startsWith(API_KEY_PREFIX) ? { kind: 'api-key', key: token } : { kind: 'jwt', token } };
}

const REPEATED = Symbol('repeated');

/** Node lower-cases header names; other callers may not. */
function header(headers: Headers, name: string): string | typeof REPEATED | undefined {
  const key = name in headers ? name : Object.keys(headers).find((k) => k.toLowerCase() === name);
  const value = key === undefined ? undefined : headers[key];
  if (Array.isArray(value)) return value.length > 1 ? REPEATED : value[0]?.trim();
  return value?.trim();
}
