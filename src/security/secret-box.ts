// Encryption of stored secrets (Jira API tokens, webhook secrets): AES-256-GCM with a random
// 96-bit nonce, the ciphertext bound to what it belongs to (e.g. "destination:<id>:api_token")
// as additional authenticated data, so a value copied to another row or field does not decrypt.
import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';

const VERSION = 'v1';

export class SecretBox {
  readonly #key: Buffer;

  constructor(key: Buffer) {
    if (key.length !== 32) throw new Error('secret key must be 32 bytes');
    this.#key = Buffer.from(key);
  }

  /** Short, non-reversible identifier of the key, kept in the database to detect a changed key. */
  fingerprint(): string {
    return createHmac('sha256', this.#key).update('alertsync key fingerprint').digest('hex').slice(0, 32);
  }

  /** A key for another purpose (e.g. signing list cursors), derived from this one: never the key itself. */
  deriveKey(purpose: string): Buffer {
    return createHmac('sha256', this.#key).update(`alertsync derived key: ${purpose}`).digest();
  }

  seal(plain: string, boundTo: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.#key, iv);
    cipher.setAAD(Buffer.from(boundTo, 'utf8'));
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    const tag = cipher.getAuthTag();
    return [VERSION, iv.toString('base64url'), body.toString('base64url'), tag.toString('base64url')].join('.');
  }

  open(sealed: string, boundTo: string): string {
    const [version, iv, body, tag] = sealed.split('.');
    if (version !== VERSION || !iv || body === undefined || !tag) throw new Error('unreadable sealed secret');
    const decipher = createDecipheriv('aes-256-gcm', this.#key, Buffer.from(iv, 'base64url'));
    decipher.setAAD(Buffer.from(boundTo, 'utf8'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
  }
}

/** Parses ALERTSYNC_SECRET_KEY: 64 hex characters or base64/base64url of 32 bytes. */
export function parseSecretKey(raw: string): Buffer {
  const s = raw.trim();
  if (/^[0-9a-fA-F]{64}$/.test(s)) return Buffer.from(s, 'hex');
  if (/^[A-Za-z0-9+/_-]{43}=?$/.test(s)) {
    const b = Buffer.from(s.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
    if (b.length === 32) return b;
  }
  throw new Error('must be 32 random bytes as 64 hex characters or base64 (e.g. `openssl rand -base64 32`)');
}

export function generateSecretKey(): string {
  return randomBytes(32).toString('base64');
}
