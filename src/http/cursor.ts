// List cursors are opaque to clients: the position (createdAt, id) of the last row of a page,
// signed with HMAC-SHA256 under a key derived from ALERTSYNC_SECRET_KEY (so every replica accepts
// every other's cursors). A cursor that was not issued by this service, or was changed, is refused
// with a 400 before anything reaches the database; the decoded values are checked like any input.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { invalid } from '../errors.js';

export interface Position {
  createdAt: number;
  id: string;
}

export interface CursorCodec {
  encode(p: Position): string;
  /** Throws a 400 (invalid_cursor) for anything this codec did not issue. */
  decode(cursor: string): Position;
}

const ID = /^[A-Za-z0-9_-]{1,100}$/;
const MAC_BYTES = 16;

export function createCursorCodec(key: Buffer): CursorCodec {
  const mac = (payload: string) => createHmac('sha256', key).update(payload).digest().subarray(0, MAC_BYTES);
  const refuse = () => invalid('invalid_cursor', 'cursor is not one this API returned (cursors are opaque: pass nextCursor back unchanged)');
  return {
    encode(p) {
      const payload = Buffer.from(JSON.stringify([p.createdAt, p.id])).toString('base64url');
      return `${payload}.${mac(payload).toString('base64url')}`;
    },
    decode(cursor) {
      const dot = cursor.indexOf('.');
      if (dot <= 0) throw refuse();
      const payload = cursor.slice(0, dot);
      const given = Buffer.from(cursor.slice(dot + 1), 'base64url');
      if (given.length !== MAC_BYTES || !timingSafeEqual(given, mac(payload))) throw refuse();
      let v: unknown;
      try {
        v = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
      } catch {
        throw refuse();
      }
      // Signed by us, so well-formed; checked anyway, as any input that reaches a query is.
      if (!Array.isArray(v) || v.length !== 2 || !Number.isSafeInteger(v[0]) || (v[0] as number) < 0 || typeof v[1] !== 'string' || !ID.test(v[1])) throw refuse();
      return { createdAt: v[0] as number, id: v[1] };
    },
  };
}
