// Console sign-in: email and password, server-side sessions, one-time invite links. Decisions are in
// console-rules.ts; this is the I/O around them. Secrets (passwords, session ids, invite tokens)
// are never stored or logged: the database holds scrypt hashes and SHA-256 digests.
import { createHmac } from 'node:crypto';
import type { Clock } from '../clock.js';
import { DomainError, invalid, notFound, tooManyRequests, unauthorized } from '../errors.js';
import * as repo from '../storage/repositories/console.js';
import { findUserById, type Db } from '../storage/repositories/users.js';
import { recordAudit } from '../storage/repositories/audit.js';
import { hashToken } from '../security/tokens.js';
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH, generatePassword, generateSecret, hashPassword, verifyPassword } from '../security/passwords.js';
import { inviteVerdict, loginThrottle, sessionNeedsTouch, sessionVerdict, type LoginLimit, type SessionSettings } from './console-rules.js';
import { normalizeEmail, type Actor, type User } from './user.js';

/** The one answer to a failed sign-in, whatever failed (unknown email, no password, disabled, wrong password). */
export const LOGIN_REFUSED = 'the email or password is not correct';
/** The one answer to an invite that is unknown, used, expired or belongs to a disabled user. */
export const INVITE_REFUSED = 'this invite link is not valid (unknown, already used or expired); ask an admin for a new one';

export type LoginRefusal = 'unknown_email' | 'no_password' | 'user_disabled' | 'wrong_password';

export interface ConsoleAuthSettings {
  session: SessionSettings;
  login: LoginLimit;
  /** How long an invite link works (ALERTSYNC_INVITE_TTL_MS). */
  inviteTtlMs: number;
}

export interface SignedIn {
  user: User;
  /** The cookie value: shown to the browser only. */
  sessionId: string;
  csrfToken: string;
  expiresAt: number;
}

export class ConsoleAuthService {
  /** A hash that no password matches: an unknown email costs the same scrypt run as a known one. */
  #dummy: Promise<string> | null = null;
  #lastSweep = 0;

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    /** Key the CSRF tokens are derived with (HMAC of the session id). */
    private readonly csrfKey: Buffer,
    readonly settings: ConsoleAuthSettings,
  ) {}

  csrfTokenFor(sessionId: string): string {
    return createHmac('sha256', this.csrfKey).update(sessionId, 'utf8').digest('base64url');
  }

  /**
   * Checks email and password and opens a session. Failed attempts count per email and per client
   * address; over the limit, the attempt is refused before the password is even checked (429).
   * `onRefused` gets the reason for the log; the caller sees one message.
   */
  async login(emailInput: string, password: string, clientAddress: string, onRefused?: (why: LoginRefusal) => void): Promise<SignedIn> {
    const email = normalizeEmail(emailInput);
    const now = this.clock.now();
    const keys = [`email:${email}`, `ip:${clientAddress}`];
    const failures = await repo.recentLoginFailures(this.db, keys, now - this.settings.login.windowMs);
    let wait = 0;
    for (const key of keys) {
      const v = loginThrottle(failures.get(key) ?? [], now, this.settings.login);
      if (!v.allowed) wait = Math.max(wait, v.retryAfterMs);
    }
    if (wait > 0) {
      const seconds = Math.ceil(wait / 1000);
      throw tooManyRequests('too_many_attempts', `too many failed sign-ins; try again in ${seconds} s`, seconds);
    }

    const found = await repo.findUserWithPassword(this.db, email);
    const why: LoginRefusal | null = !found ? 'unknown_email' : found.passwordHash === null ? 'no_password' : found.user.disabled ? 'user_disabled' : null;
    // The same scrypt work whether or not there is a hash to check (and for an overlong password,
    // which no stored password can be), so timing does not tell.
    const verified = await verifyPassword(password.slice(0, PASSWORD_MAX_LENGTH), why === null ? found!.passwordHash! : await this.dummyHash());
    const matches = verified && password.length <= PASSWORD_MAX_LENGTH;
    if (why !== null || !matches) {
      await repo.insertLoginFailures(this.db, keys, now);
      onRefused?.(why ?? 'wrong_password');
      throw unauthorized(LOGIN_REFUSED);
    }
    const user = found!.user;
    const sessionId = generateSecret();
    const expiresAt = now + this.settings.session.maxMs;
    await this.db.transaction().execute(async (tx) => {
      await repo.insertSession(tx, { idHash: hashToken(sessionId), userId: user.id, createdAt: now, lastSeenAt: now, expiresAt });
      await repo.clearLoginFailures(tx, keys[0]!);
      await recordAudit(tx, { at: now, actor: { type: 'user', id: user.id, name: user.name }, action: 'session.created', targetType: 'user', targetId: user.id });
    });
    await this.sweep(now);
    return { user, sessionId, csrfToken: this.csrfTokenFor(sessionId), expiresAt };
  }

  /** The user behind a session cookie, or why there is none (for the log). An ended session is removed. */
  async resolve(sessionId: string): Promise<{ user: User; csrfToken: string } | { refused: 'unknown' | 'idle' | 'expired' | 'user_disabled' }> {
    const now = this.clock.now();
    const idHash = hashToken(sessionId);
    const found = await repo.findSession(this.db, idHash);
    if (!found) return { refused: 'unknown' };
    const verdict = sessionVerdict(found.session, found.user, now, this.settings.session.idleMs);
    if (verdict !== 'valid') {
      await repo.deleteSession(this.db, idHash);
      return { refused: verdict };
    }
    if (sessionNeedsTouch(found.session.lastSeenAt, now)) await repo.touchSession(this.db, idHash, now);
    return { user: found.user, csrfToken: this.csrfTokenFor(sessionId) };
  }

  async logout(sessionId: string): Promise<void> {
    await repo.deleteSession(this.db, hashToken(sessionId));
  }

  /** A one-time link for a user to set a password (admins; audited). Earlier unused links of the user stop working. */
  async createInvite(actor: Actor, userId: string): Promise<{ token: string; expiresAt: number }> {
    const now = this.clock.now();
    const token = generateSecret();
    const expiresAt = now + this.settings.inviteTtlMs;
    await this.db.transaction().execute(async (tx) => {
      const user = await findUserById(tx, userId);
      if (!user) throw notFound('user', userId);
      if (user.disabled) throw invalid('user_disabled', 'the user is disabled: enable it before inviting');
      await repo.closeOpenInvites(tx, userId, now);
      await repo.insertInvite(tx, { tokenHash: hashToken(token), userId, createdBy: actor.id, createdAt: now, expiresAt, usedAt: null });
      await recordAudit(tx, { at: now, actor, action: 'user.invite_created', targetType: 'user', targetId: userId, details: { expiresAt } });
    });
    return { token, expiresAt };
  }

  /** Who an invite is for, while it can be used; one answer (404) otherwise. */
  async lookupInvite(token: string): Promise<{ user: User; expiresAt: number }> {
    const invite = await repo.findInvite(this.db, hashToken(token));
    const user = invite && (await findUserById(this.db, invite.userId));
    if (!invite || !user || inviteVerdict(invite, user, this.clock.now()) !== 'usable') throw new DomainError('not_found', 'invite_not_found', INVITE_REFUSED);
    return { user, expiresAt: invite.expiresAt };
  }

  /** Sets the user's password through an invite: the invite is used up and every session of the user ends. */
  async acceptInvite(token: string, password: string): Promise<void> {
    checkPassword(password);
    // Checked before the (slow) hash, and again under the row lock.
    await this.lookupInvite(token);
    const hash = await hashPassword(password);
    const tokenHash = hashToken(token);
    await this.db.transaction().execute(async (tx) => {
      const now = this.clock.now();
      const invite = await repo.findInvite(tx, tokenHash, true);
      const user = invite && (await findUserById(tx, invite.userId));
      if (!invite || !user || inviteVerdict(invite, user, now) !== 'usable') throw new DomainError('not_found', 'invite_not_found', INVITE_REFUSED);
      if (!(await repo.markInviteUsed(tx, tokenHash, now))) throw new DomainError('not_found', 'invite_not_found', INVITE_REFUSED);
      await repo.closeOpenInvites(tx, user.id, now);
      await repo.setPasswordHash(tx, user.id, hash, now);
      const ended = await repo.deleteUserSessions(tx, user.id);
      await recordAudit(tx, { at: now, actor: { type: 'user', id: user.id, name: user.name }, action: 'user.password_set', targetType: 'user', targetId: user.id, details: { via: 'invite', sessionsEnded: ended } });
    });
  }

  /** First start: a generated password for the bootstrap admin (the caller writes it to a 0600 file). */
  async generateBootstrapPassword(userId: string): Promise<string> {
    const password = generatePassword();
    await repo.setPasswordHash(this.db, userId, await hashPassword(password), this.clock.now());
    return password;
  }

  /** Ended sessions and old failures are removed at most once a minute, on a sign-in. */
  private async sweep(now: number): Promise<void> {
    if (now - this.#lastSweep < 60_000) return;
    this.#lastSweep = now;
    await repo.deleteStaleSessions(this.db, now, this.settings.session.idleMs);
    await repo.pruneLoginFailures(this.db, now - this.settings.login.windowMs);
  }

  private dummyHash(): Promise<string> {
    this.#dummy ??= hashPassword(generateSecret());
    return this.#dummy;
  }
}

export function checkPassword(password: string): void {
  if (password.length < PASSWORD_MIN_LENGTH) throw invalid('password_too_short', `the password must have at least ${PASSWORD_MIN_LENGTH} characters`);
  if (password.length > PASSWORD_MAX_LENGTH) throw invalid('password_too_long', `the password must have at most ${PASSWORD_MAX_LENGTH} characters`);
}
