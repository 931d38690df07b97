// The console's sign-in decisions as pure functions (table tests in test/console-api/rules.test.ts):
// is a session still good, may another sign-in be tried, does a request need its CSRF token, is an
// invite still usable. The I/O around them is in console-auth-service.ts and http/auth.ts.

export interface SessionSettings {
  /** A session unused this long ends (ALERTSYNC_SESSION_IDLE_MS). */
  idleMs: number;
  /** A session ends this long after sign-in, however active (ALERTSYNC_SESSION_MAX_MS). */
  maxMs: number;
}

export type SessionVerdict = 'valid' | 'idle' | 'expired' | 'user_disabled';

export function sessionVerdict(s: { lastSeenAt: number; expiresAt: number }, user: { disabled: boolean }, now: number, idleMs: number): SessionVerdict {
  if (user.disabled) return 'user_disabled';
  if (now >= s.expiresAt) return 'expired';
  if (now - s.lastSeenAt >= idleMs) return 'idle';
  return 'valid';
}

/** last_seen_at is written at most once a minute per session (reads stay cheap); the idle timeout is therefore exact to a minute. */
export const SESSION_TOUCH_EVERY_MS = 60_000;

export function sessionNeedsTouch(lastSeenAt: number, now: number): boolean {
  return now - lastSeenAt >= SESSION_TOUCH_EVERY_MS;
}

export interface LoginLimit {
  /** Failed sign-ins allowed per email and per client address within the window (ALERTSYNC_LOGIN_MAX_FAILURES). */
  maxFailures: number;
  /** ALERTSYNC_LOGIN_WINDOW_MS */
  windowMs: number;
}

/**
 * Whether one more sign-in may be tried, given the times of the recent failures for one key (an
 * email or a client address). Refused: the caller may try again when the oldest failure that
 * counts leaves the window.
 */
export function loginThrottle(failures: readonly number[], now: number, limit: LoginLimit): { allowed: true } | { allowed: false; retryAfterMs: number } {
  const recent = failures.filter((at) => at > now - limit.windowMs).sort((a, b) => a - b);
  if (recent.length < limit.maxFailures) return { allowed: true };
  // The (n - max + 1)-th newest failure must leave the window before the count drops below max.
  const freeing = recent[recent.length - limit.maxFailures]!;
  return { allowed: false, retryAfterMs: Math.max(1, freeing + limit.windowMs - now) };
}

export type AuthKind = 'bearer' | 'session';

/** With a session cookie, every change needs the session's CSRF token; bearer requests never do (a browser cannot add that header cross-site). */
export function csrfRequired(method: string, auth: AuthKind): boolean {
  return auth === 'session' && !['GET', 'HEAD', 'OPTIONS'].includes(method.toUpperCase());
}

export type InviteVerdict = 'usable' | 'used' | 'expired' | 'user_disabled';

export function inviteVerdict(invite: { expiresAt: number; usedAt: number | null }, user: { disabled: boolean }, now: number): InviteVerdict {
  if (invite.usedAt !== null) return 'used';
  if (now >= invite.expiresAt) return 'expired';
  if (user.disabled) return 'user_disabled';
  return 'usable';
}
