import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import stringify from 'safe-stable-stringify';
import { scopeKey, type Principal } from '../domain/principal';
import { badInput } from '../domain/trailgate-error';

/**
 * Opaque, checked cursors. A cursor carries a keyset position, the fingerprint of the query it
 * was minted for (the principal's id and scope, filter, order) and an HMAC, so a cursor from
 * another query, an edited cursor or garbage is a BAD_USER_INPUT, never a wrong page.
 */
export class CursorCodec {
  constructor(private readonly secret: string) {}

  /**
   * What a cursor is bound to: the principal (its id and scope, so a cursor minted for one
   * principal is refused for another) and the query's own parts (filter, order, ...).
   */
  static fingerprint(principal: Pick<Principal, 'id' | 'accounts'>, ...parts: unknown[]): string {
    return createHash('sha256').update(stringify([scopeKey(principal), ...parts]) ?? '').digest('base64url').slice(0, 22);
  }

  encode(kind: string, fingerprint: string, position: unknown): string {
    const body = Buffer.from(JSON.stringify({ v: 1, k: kind, f: fingerprint, p: position })).toString('base64url');
    return `${body}.${this.mac(body)}`;
  }

  decode<T>(cursor: string, kind: string, fingerprint: string, check: (p: unknown) => p is T): T {
    const fail = () => badInput('Invalid cursor: it is malformed or belongs to a different query.');
    if (typeof cursor !== 'string' || cursor.length > 2048) throw fail();
    const parts = cursor.split('.');
    if (parts.length !== 2) throw fail();
    const [body, mac] = parts;
    if (!body || !mac) throw fail();
    const want = Buffer.from(this.mac(body));
    const got = Buffer.from(mac);
    if (want.length !== got.length || !timingSafeEqual(want, got)) throw fail();
    let parsed: { v?: unknown; k?: unknown; f?: unknown; p?: unknown };
    try {
      parsed = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
    } catch {
      throw fail();
    }
    if (parsed.v !== 1 || parsed.k !== kind || parsed.f !== fingerprint || !check(parsed.p)) throw fail();
    return parsed.p;
  }

  private mac(body: string): string {
    return createHmac('sha256', this.secret).update(body).digest('base64url').slice(0, 27);
  }
}
