// Users and their API tokens: create, update, disable; tokens shown once and stored hashed.
import { conflict, invalid, notFound, unauthorized } from '../errors.js';
import { newId } from '../ids.js';
import type { Clock } from '../clock.js';
import type { Db } from '../storage/repositories/users.js';
import * as usersRepo from '../storage/repositories/users.js';
import * as tokensRepo from '../storage/repositories/tokens.js';
import { recordAudit } from '../storage/repositories/audit.js';
import { isUniqueViolation } from '../storage/repositories/destinations.js';
import type { ApiTokenRecord } from '../storage/repositories/tokens.js';
import { generateApiToken, hashToken, newTokenShortId, tokenLabel } from '../security/tokens.js';
import { normalizeEmail, type Actor, type Role, type User } from './user.js';

/** last_used_at is written at most this often per token, so reads stay cheap. */
const TOUCH_EVERY_MS = 60_000;
const MAX_TOKEN_DAYS = 3650;

export type TokenRefusal = 'unknown' | 'revoked' | 'expired' | 'user_disabled';

export interface Authenticated {
  user: User;
  tokenId: string;
}

export class UsersService {
  readonly #touched = new Map<string, number>();

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
  ) {}

  async create(actor: Actor, input: { email: string; name: string; role: Role }): Promise<User> {
    const email = normalizeEmail(input.email);
    const now = this.clock.now();
    const user: User = { id: newId('usr', now), email, name: input.name.trim(), role: input.role, disabled: false, createdAt: now, updatedAt: now };
    if (user.name === '') throw invalid('invalid_name', 'name must not be blank');
    await this.db.transaction().execute(async (tx) => {
      if (await usersRepo.findUserByEmail(tx, email)) throw conflict('email_taken', `a user with email ${email} already exists`);
      await usersRepo.insertUser(tx, user);
      await recordAudit(tx, { at: now, actor, action: 'user.created', targetType: 'user', targetId: user.id, details: { email, role: user.role } });
    });
    return user;
  }

  async get(id: string): Promise<User> {
    const u = await usersRepo.findUserById(this.db, id);
    if (!u) throw notFound('user', id);
    return u;
  }

  list(): Promise<User[]> {
    return usersRepo.listUsers(this.db);
  }

  findByEmail(email: string): Promise<User | undefined> {
    return usersRepo.findUserByEmail(this.db, normalizeEmail(email));
  }

  /**
   * Changes a user. The row is locked for the whole read-modify-write and only the changed columns
   * are written, so a concurrent change is never undone. A patch that changes nothing writes nothing
   * (no audit entry, no updatedAt bump).
   */
  async update(actor: Actor, id: string, patch: { email?: string; name?: string; role?: Role; disabled?: boolean }): Promise<User> {
    const now = this.clock.now();
    try {
      return await this.db.transaction().execute(async (tx) => {
        const u = await usersRepo.findUserForUpdate(tx, id);
        if (!u) throw notFound('user', id);
        const next: User = { ...u };
        if (patch.email !== undefined) {
          next.email = normalizeEmail(patch.email);
          if (next.email !== u.email) {
            const other = await usersRepo.findUserByEmail(tx, next.email);
            if (other && other.id !== id) throw conflict('email_taken', `a user with email ${next.email} already exists`);
          }
        }
        if (patch.name !== undefined) {
          next.name = patch.name.trim();
          if (next.name === '') throw invalid('invalid_name', 'name must not be blank');
        }
        if (patch.role !== undefined) next.role = patch.role;
        if (patch.disabled !== undefined) next.disabled = patch.disabled;
        if (actor.id === id && (next.disabled || next.role !== 'admin') && u.role === 'admin') {
          throw invalid('self_lockout', 'an admin cannot disable or demote their own account');
        }
        const changed: Record<string, unknown> = {};
        const columns: Partial<Pick<User, 'email' | 'name' | 'role' | 'disabled'>> = {};
        for (const k of ['email', 'name', 'role', 'disabled'] as const) {
          if (next[k] !== u[k]) {
            changed[k] = { from: u[k], to: next[k] };
            (columns as Record<string, unknown>)[k] = next[k];
          }
        }
        if (Object.keys(changed).length === 0) return u;
        next.updatedAt = now;
        await usersRepo.updateUser(tx, id, columns, now);
        await recordAudit(tx, {
          at: now,
          actor,
          action: next.disabled && !u.disabled ? 'user.disabled' : 'user.updated',
          targetType: 'user',
          targetId: id,
          details: changed,
        });
        return next;
      });
    } catch (err) {
      // Two concurrent renames to one email: the unique index refuses the second.
      if (isUniqueViolation(err)) throw conflict('email_taken', `a user with email ${normalizeEmail(patch.email ?? '')} already exists`);
      throw err;
    }
  }

  async createToken(actor: Actor, userId: string, input: { name: string; expiresInDays?: number | null }): Promise<{ token: string; record: ApiTokenRecord }> {
    const now = this.clock.now();
    const days = input.expiresInDays === undefined ? 90 : input.expiresInDays;
    if (days !== null && (days < 1 || days > MAX_TOKEN_DAYS)) throw invalid('invalid_expiry', `expiresInDays must be between 1 and ${MAX_TOKEN_DAYS}, or null for no expiry`);
    const { token, shortId } = generateApiToken();
    const record: ApiTokenRecord = {
      id: newId('tok', now),
      userId,
      name: input.name.trim() || 'token',
      prefix: tokenLabel('generated', shortId),
      createdAt: now,
      expiresAt: days === null ? null : now + days * 86_400_000,
      lastUsedAt: null,
      revokedAt: null,
    };
    await this.db.transaction().execute(async (tx) => {
      const u = await usersRepo.findUserById(tx, userId);
      if (!u) throw notFound('user', userId);
      await tokensRepo.insertToken(tx, record, hashToken(token));
      await recordAudit(tx, { at: now, actor, action: 'token.created', targetType: 'api_token', targetId: record.id, details: { userId, name: record.name, expiresAt: record.expiresAt } });
    });
    return { token, record };
  }

  async listTokens(userId: string): Promise<ApiTokenRecord[]> {
    await this.get(userId);
    return tokensRepo.listTokens(this.db, userId);
  }

  async revokeToken(actor: Actor, userId: string, tokenId: string): Promise<void> {
    const now = this.clock.now();
    await this.db.transaction().execute(async (tx) => {
      const t = await tokensRepo.findTokenForUpdate(tx, userId, tokenId);
      if (!t) throw notFound('token', tokenId);
      if (t.revokedAt !== null) return;
      await tokensRepo.revokeToken(tx, tokenId, now);
      await recordAudit(tx, { at: now, actor, action: 'token.revoked', targetType: 'api_token', targetId: tokenId, details: { userId } });
    });
  }

  /**
   * Resolves a bearer token to its user. A refused token gets one answer whatever the reason (a
   * stolen token must not tell whether it was revoked, expired or its user disabled): the reason is
   * returned for the log only.
   */
  async authenticate(token: string): Promise<Authenticated | { refused: TokenRefusal }> {
    const now = this.clock.now();
    const t = await tokensRepo.findTokenByHash(this.db, hashToken(token));
    if (!t) return { refused: 'unknown' };
    if (t.revokedAt !== null) return { refused: 'revoked' };
    if (t.expiresAt !== null && t.expiresAt <= now) return { refused: 'expired' };
    const user = await usersRepo.findUserById(this.db, t.userId);
    if (!user || user.disabled) return { refused: 'user_disabled' };
    const last = this.#touched.get(t.id) ?? t.lastUsedAt ?? 0;
    if (now - last >= TOUCH_EVERY_MS) {
      this.#touched.set(t.id, now);
      await tokensRepo.touchToken(this.db, t.id, now);
    }
    return { user, tokenId: t.id };
  }

  /**
   * First start: make sure an admin can get in. With ALERTSYNC_ADMIN_TOKEN, that token is registered
   * for the bootstrap admin (idempotent). Without it, and only when there are no users yet, a token
   * is generated and returned so that the caller can write it to a 0600 file.
   */
  async bootstrapAdmin(adminToken: string | null): Promise<{ generatedToken: string | null; adminId?: string; warning?: string }> {
    const system: Actor = { type: 'system', id: null, name: 'bootstrap' };
    const now = this.clock.now();
    const email = 'admin@alertsync.local';
    if (adminToken !== null) {
      const hash = hashToken(adminToken);
      const existing = await tokensRepo.findTokenByHash(this.db, hash);
      if (existing && existing.revokedAt !== null) {
        // A revoked value stays revoked (also when an operator goes back to an older value), and a
        // replica started with a stale value revokes nothing: the current value keeps working.
        return { generatedToken: null, warning: 'ALERTSYNC_ADMIN_TOKEN holds a token that was revoked (or replaced by another value): it does not work; set a new value' };
      }
      if (!existing) {
        let admin = await usersRepo.findUserByEmail(this.db, email);
        if (!admin) admin = await this.createBootstrapUser(system, email).catch(async () => usersRepo.findUserByEmail(this.db, email));
        if (!admin) throw new Error('could not create the bootstrap admin');
        const record: ApiTokenRecord = { id: newId('tok', now), userId: admin.id, name: 'ALERTSYNC_ADMIN_TOKEN', prefix: tokenLabel('env', newTokenShortId()), createdAt: now, expiresAt: null, lastUsedAt: null, revokedAt: null };
        try {
          await this.db.transaction().execute(async (tx) => {
            await tokensRepo.insertToken(tx, record, hash, 'env');
            await recordAudit(tx, { at: now, actor: system, action: 'token.created', targetType: 'api_token', targetId: record.id, details: { userId: admin.id, name: record.name, source: 'ALERTSYNC_ADMIN_TOKEN' } });
          });
        } catch (err) {
          // Another replica registered the same token at the same moment.
          if (!(await tokensRepo.findTokenByHash(this.db, hash))) throw err;
        }
      }
      // A changed ALERTSYNC_ADMIN_TOKEN replaces the values it held before: they stop working.
      await this.db.transaction().execute(async (tx) => {
        for (const old of await tokensRepo.findOtherLiveEnvTokens(tx, hash)) {
          await tokensRepo.revokeToken(tx, old.id, now);
          await recordAudit(tx, { at: now, actor: system, action: 'token.revoked', targetType: 'api_token', targetId: old.id, details: { userId: old.userId, reason: 'ALERTSYNC_ADMIN_TOKEN changed' } });
        }
      });
      return { generatedToken: null };
    }
    if ((await usersRepo.countUsers(this.db)) > 0) return { generatedToken: null };
    const admin = await this.createBootstrapUser(system, email);
    const { token } = await this.createToken(system, admin.id, { name: 'generated admin token', expiresInDays: null });
    return { generatedToken: token, adminId: admin.id };
  }

  private createBootstrapUser(actor: Actor, email: string): Promise<User> {
    return this.create(actor, { email, name: 'Administrator', role: 'admin' });
  }
}
