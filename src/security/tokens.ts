// API tokens and webhook secrets: random, shown once, stored as a SHA-256 hash (tokens) or
// sealed (webhook secrets, which must be read back to check signatures).
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export const API_TOKEN_PREFIX = 'ast_';

/** A random short id, shown to tell tokens apart; it is not part of any secret. */
export function newTokenShortId(): string {
  return randomBytes(5).toString('base64url').slice(0, 6);
}

/**
 * `ast_<short id>.<secret>`: the short id (6 random characters) is public, what follows is 256
 * random bits. The whole string is hashed and checked; the short id is only a label.
 */
export function generateApiToken(): { token: string; shortId: string } {
  const shortId = newTokenShortId();
  return { token: `${API_TOKEN_PREFIX}${shortId}.${randomBytes(32).toString('base64url')}`, shortId };
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/**
 * What GET /api/users/{id}/tokens shows to tell tokens apart: `ast_<short id>` for a generated token
 * (the start of the token, but none of its secret part), `env_<short id>` for ALERTSYNC_ADMIN_TOKEN
 * (nothing of the value the operator chose).
 */
export function tokenLabel(kind: 'generated' | 'env', shortId: string): string {
  return `${kind === 'env' ? 'env_' : API_TOKEN_PREFIX}${shortId}`;
}

export function generateWebhookSecret(): string {
  return randomBytes(32).toString('base64url');
}

export function safeEqual(a: string, b: string): boolean {
  const ab = Buffer.from(a);
  const bb = Buffer.from(b);
  return ab.length === bb.length && timingSafeEqual(ab, bb);
}
