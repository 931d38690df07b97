// Credentials of a Jira webhook delivery (issue #12): `X-Hub-Signature: sha256=<hex HMAC-SHA256 of
// the raw body>` as a Jira Cloud admin webhook signs it, or `Authorization: Bearer <secret>` for
// senders that cannot sign (an automation rule's "send web request"). Each candidate secret (the
// current one, and the previous one during its grace) is compared in constant time. Pure: no I/O.
import { createHmac, createHash, timingSafeEqual } from 'node:crypto';

export type WebhookAuthKind = 'signature' | 'bearer';

/** Equal-length digests compared in constant time (hashing first hides the length of either side). */
function sameSecret(a: string, b: string): boolean {
  const da = createHash('sha256').update(a, 'utf8').digest();
  const db = createHash('sha256').update(b, 'utf8').digest();
  return timingSafeEqual(da, db);
}

/** The bearer token of an Authorization header, or null. */
export function bearerToken(authorization: string | undefined): string | null {
  if (authorization === undefined) return null;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
  return m ? m[1]! : null;
}

/** Checks a bearer token against the secrets (every one compared, no early exit). */
export function bearerMatches(token: string, secrets: readonly string[]): boolean {
  let ok = false;
  for (const s of secrets) ok = sameSecret(token, s) || ok;
  return ok;
}

/** The hex digest of an `X-Hub-Signature: sha256=<hex>` header, or null when it is not that form. */
export function signatureDigest(header: string | undefined): Buffer | null {
  if (header === undefined) return null;
  const m = /^sha256=([0-9a-fA-F]{64})$/.exec(header.trim());
  return m ? Buffer.from(m[1]!, 'hex') : null;
}

export function signBody(secret: string, body: Buffer | string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/** Whether the signature is the HMAC-SHA256 of the raw body under one of the secrets. */
export function signatureMatches(digest: Buffer, rawBody: Buffer, secrets: readonly string[]): boolean {
  let ok = false;
  for (const s of secrets) {
    const expected = createHmac('sha256', s).update(rawBody).digest();
    ok = timingSafeEqual(expected, digest) || ok;
  }
  return ok;
}
