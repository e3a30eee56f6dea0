import { createPrivateKey, generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino, { type Logger } from 'pino';
import { SignJWT, type JWK, type JWTPayload } from 'jose';

/** A pino logger whose lines are kept, to assert what was (and was not) logged. */
export function captureLogger(): { logger: Logger; lines: () => Array<Record<string, unknown>>; text: () => string } {
  const raw: string[] = [];
  const logger = pino({ level: 'debug' }, { write: (s: string) => void raw.push(s) });
  return { logger, lines: () => raw.map((l) => JSON.parse(l) as Record<string, unknown>), text: () => raw.join('') };
}

export function tempDir(): { dir: string; write: (name: string, content: unknown) => string; cleanup: () => void } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'trailgate-auth-'));
  return {
    dir,
    write: (name, content) => {
      const file = path.join(dir, name);
      writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
      return file;
    },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

export interface RsaKeys {
  readonly privateKeyPem: string;
  readonly publicKeyPem: string;
  readonly publicJwk: JWK;
}

export function rsaKeys(kid = 'k1'): RsaKeys {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return {
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    publicJwk: { ...(publicKey.export({ format: 'jwk' }) as JWK), kid, alg: 'RS256', use: 'sig' },
  };
}

export const nowSeconds = () => Math.floor(Date.now() / 1000);

/** Signs claims with RS256; `iat`/`exp` default to now and now + 10 minutes unless given (null: left out). */
export async function signRs256(
  keys: RsaKeys,
  claims: Omit<JWTPayload, 'iat' | 'exp'> & { iat?: number | null; exp?: number | null },
  header: { kid?: string } = { kid: 'k1' },
): Promise<string> {
  const { iat, exp, ...rest } = claims;
  const jwt = new SignJWT(rest).setProtectedHeader({ alg: 'RS256', ...header });
  if (iat !== null) jwt.setIssuedAt(iat ?? nowSeconds());
  if (exp !== null) jwt.setExpirationTime(exp ?? nowSeconds() + 600);
  return jwt.sign(createPrivateKey(keys.privateKeyPem));
}

export const b64url = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');

/** Two principals and the claim rules of the issue's example config. */
export const PRINCIPALS = {
  secops: { accounts: '*', mode: 'full', introspection: true, rateLimit: { requests: 600, perSeconds: 60 } },
  'partner-acme': {
    accounts: ['222222222222', '111111111111', '111111111111'],
    mode: 'persisted-only',
    operations: ['TopUsers'],
    maxRangeDays: 31,
    maxBytesScannedPerQuery: 10737418240,
    rateLimit: { requests: 60, perSeconds: 60 },
  },
};

export const CLAIM_RULES = [
  { when: { groups: 'secops' }, principal: 'secops' },
  { when: { org: 'acme' }, principal: 'partner-acme' },
];

export const ISSUER = 'https://idp.example.com/';
export const AUDIENCE = 'trailgate';
