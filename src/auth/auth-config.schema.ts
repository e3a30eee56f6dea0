import { z } from 'zod';
import { API_KEY_HASH_PATTERN, API_KEY_ID_PATTERN } from './api-key';

/**
 * The shape of trailgate.config.json / .yaml, before cross-references (a key's principal, a
 * rule's principal) and key material are checked by compileAuthConfig. Every object is strict: a
 * misspelt field in a security config should stop the load, not be ignored.
 */
export const PRINCIPAL_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** Asymmetric algorithms (RFC 7518 §3.1) plus EdDSA (RFC 8037); HS* only with a shared secret. */
export const JWT_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA', 'HS256', 'HS384', 'HS512'] as const;
export type JwtAlgorithm = (typeof JWT_ALGORITHMS)[number];

const principalId = z.string().regex(PRINCIPAL_ID_PATTERN, { error: 'a principal id is 1-64 letters, digits, ".", "_" or "-"' });

// YAML reads an unquoted 012345678901 as the number 12345678901, losing the leading zero.
const accountId = z
  .string({ error: 'an account id is a quoted string of 12 digits' })
  .regex(/^\d{12}$/, { error: 'an account id is a quoted string of 12 digits' });

const positiveInt = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);

const principalSchema = z.strictObject({
  accounts: z.union([z.literal('*'), z.array(accountId).min(1)], { error: 'must be "*" or a non-empty list of 12-digit account ids' }),
  mode: z.enum(['full', 'persisted-only']).default('full'),
  operations: z.union([z.literal('*'), z.array(z.string().min(1)).min(1)], { error: 'must be "*" or a non-empty list of operation names' }).default('*'),
  maxRangeDays: positiveInt.nullable().default(null),
  maxBytesScannedPerQuery: positiveInt.nullable().default(null),
  introspection: z.boolean().optional(),
  rateLimit: z.strictObject({ requests: positiveInt, perSeconds: positiveInt }).nullable().default(null),
});

const apiKeySchema = z.strictObject({
  id: z.string().regex(API_KEY_ID_PATTERN, { error: 'a key id is 10 characters of lowercase base32 (from `trailgate keys new`)' }),
  hash: z.string().regex(API_KEY_HASH_PATTERN, { error: 'a key hash is "sha256:" and 64 lowercase hex digits (from `trailgate keys new`)' }),
  principal: z.string(),
  note: z.string().optional(),
});

const claimValue = z.union([z.string(), z.number(), z.boolean()], { error: 'a claim value is a string, number or boolean' });

const claimRuleSchema = z.strictObject({
  when: z.record(z.string().min(1), claimValue).refine((w) => Object.keys(w).length > 0, { error: 'list at least one claim' }),
  principal: z.string(),
});

const algorithm = z.enum(JWT_ALGORITHMS, {
  error: (issue) =>
    typeof issue.input === 'string' && issue.input.toLowerCase() === 'none'
      ? '"none" (unsigned tokens) is never accepted'
      : `must be one of ${JWT_ALGORITHMS.join(', ')}`,
});

const jwtSchema = z.strictObject({
  issuer: z.string().min(1),
  audience: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)], { error: 'must be a string or a non-empty list of strings' }),
  // exactly one key source; compileAuthConfig checks the combination
  jwksUrl: z.string().optional(),
  jwks: z.strictObject({ keys: z.array(z.looseObject({ kty: z.string() })).min(1) }).optional(),
  publicKey: z.string().optional(),
  publicKeyFile: z.string().optional(),
  hmacSecret: z.string().optional(),
  algorithms: z.array(algorithm).min(1),
  clockToleranceSeconds: z.number().int().min(0).max(300).default(30),
  maxAgeSeconds: positiveInt.nullable().default(null),
  requiredClaims: z.array(z.string().min(1)).default([]),
  principals: z.array(claimRuleSchema).min(1),
});

export const authConfigSchema = z.strictObject({
  principals: z.record(principalId, principalSchema).default({}),
  apiKeys: z.array(apiKeySchema).default([]),
  jwt: jwtSchema.optional(),
});

export type RawAuthConfig = z.infer<typeof authConfigSchema>;
export type RawJwtConfig = z.infer<typeof jwtSchema>;
export type RawPrincipal = z.infer<typeof principalSchema>;
