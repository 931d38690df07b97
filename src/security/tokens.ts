// API tokens and webhook secrets: random, shown once, stored as a SHA-256 hash (tokens) or
// sealed (webhook secrets, which must be read back to check signatures).
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export const API_TOKEN_PREFIX = 'ast_';

export function generateApiToken(): string {
  return API_TOKEN_PREFIX + randomBytes(32).toString('base64url');
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** The first characters of a token, safe to show so a person can tell tokens apart. */
export function tokenPrefix(token: string): string {
  return token.slice(0, API_TOKEN_PREFIX.length + 6);
}

export function generateWebhookSecret(): string {
  return randomBytes(32).toString('base64url');
}

export function safeEqual(a: string, b: string): boolean {
  const ab = Buffer.from(a);
  const bb = Buffer.from(b);
  return ab.length === bb.length && timingSafeEqual(ab, bb);
}
