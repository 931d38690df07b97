// Console sign-in storage (migration 0012): password hashes, sessions, invites, failed sign-ins.
import type { Db } from './users.js';
import { toUser } from './users.js';
import type { User } from '../../users/user.js';

export async function findUserWithPassword(db: Db, email: string): Promise<{ user: User; passwordHash: string | null } | undefined> {
  const r = await db.selectFrom('users').selectAll().where('email', '=', email).executeTakeFirst();
  return r && { user: toUser(r), passwordHash: r.password_hash ?? null };
}

export async function setPasswordHash(db: Db, userId: string, hash: string, at: number): Promise<void> {
  await db.updateTable('users').set({ password_hash: hash, updated_at: at }).where('id', '=', userId).execute();
}

export async function hasPassword(db: Db, userId: string): Promise<boolean> {
  const r = await db.selectFrom('users').select('password_hash').where('id', '=', userId).executeTakeFirst();
  return r?.password_hash != null;
}

export interface SessionRow {
  idHash: string;
  userId: string;
  createdAt: number;
  lastSeenAt: number;
  expiresAt: number;
}

export async function insertSession(db: Db, s: SessionRow): Promise<void> {
  await db.insertInto('console_sessions').values({ id_hash: s.idHash, user_id: s.userId, created_at: s.createdAt, last_seen_at: s.lastSeenAt, expires_at: s.expiresAt }).execute();
}

export async function findSession(db: Db, idHash: string): Promise<{ session: SessionRow; user: User } | undefined> {
  const r = await db
    .selectFrom('console_sessions as s')
    .innerJoin('users as u', 'u.id', 's.user_id')
    .select(['s.id_hash', 's.user_id', 's.created_at', 's.last_seen_at', 's.expires_at', 'u.id', 'u.email', 'u.name', 'u.role', 'u.disabled', 'u.created_at as u_created_at', 'u.updated_at as u_updated_at'])
    .where('s.id_hash', '=', idHash)
    .executeTakeFirst();
  if (!r) return undefined;
  return {
    session: { idHash: r.id_hash, userId: r.user_id, createdAt: Number(r.created_at), lastSeenAt: Number(r.last_seen_at), expiresAt: Number(r.expires_at) },
    user: toUser({ id: r.id, email: r.email, name: r.name, role: r.role, disabled: r.disabled, created_at: r.u_created_at, updated_at: r.u_updated_at }),
  };
}

export async function touchSession(db: Db, idHash: string, at: number): Promise<void> {
  await db.updateTable('console_sessions').set({ last_seen_at: at }).where('id_hash', '=', idHash).execute();
}

export async function deleteSession(db: Db, idHash: string): Promise<boolean> {
  const r = await db.deleteFrom('console_sessions').where('id_hash', '=', idHash).executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

export async function deleteUserSessions(db: Db, userId: string): Promise<number> {
  const r = await db.deleteFrom('console_sessions').where('user_id', '=', userId).executeTakeFirst();
  return Number(r.numDeletedRows);
}

/** Sessions past their absolute end or idle longer than idleMs: removed now and then, so the table stays small. */
export async function deleteStaleSessions(db: Db, now: number, idleMs: number): Promise<number> {
  const r = await db
    .deleteFrom('console_sessions')
    .where((eb) => eb.or([eb('expires_at', '<=', now), eb('last_seen_at', '<=', now - idleMs)]))
    .executeTakeFirst();
  return Number(r.numDeletedRows);
}

export interface InviteRow {
  tokenHash: string;
  userId: string;
  createdBy: string | null;
  createdAt: number;
  expiresAt: number;
  usedAt: number | null;
}

export async function insertInvite(db: Db, i: InviteRow): Promise<void> {
  await db
    .insertInto('user_invites')
    .values({ token_hash: i.tokenHash, user_id: i.userId, created_by: i.createdBy, created_at: i.createdAt, expires_at: i.expiresAt, used_at: i.usedAt })
    .execute();
}

/** Ends every unused invite of a user (a new one replaces them; a password set through one ends the others). */
export async function closeOpenInvites(db: Db, userId: string, at: number): Promise<void> {
  await db.updateTable('user_invites').set({ used_at: at }).where('user_id', '=', userId).where('used_at', 'is', null).execute();
}

/** Reads an invite; `lock` keeps its row locked until the transaction ends (accepting it). */
export async function findInvite(db: Db, tokenHash: string, lock = false): Promise<InviteRow | undefined> {
  let q = db.selectFrom('user_invites').selectAll().where('token_hash', '=', tokenHash);
  if (lock) q = q.forUpdate();
  const r = await q.executeTakeFirst();
  return (
    r && {
      tokenHash: r.token_hash,
      userId: r.user_id,
      createdBy: r.created_by,
      createdAt: Number(r.created_at),
      expiresAt: Number(r.expires_at),
      usedAt: r.used_at === null ? null : Number(r.used_at),
    }
  );
}

export async function markInviteUsed(db: Db, tokenHash: string, at: number): Promise<boolean> {
  const r = await db.updateTable('user_invites').set({ used_at: at }).where('token_hash', '=', tokenHash).where('used_at', 'is', null).executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export async function recentLoginFailures(db: Db, keys: string[], since: number): Promise<Map<string, number[]>> {
  const rows = await db.selectFrom('login_failures').select(['key', 'at']).where('key', 'in', keys).where('at', '>', since).execute();
  const out = new Map<string, number[]>(keys.map((k) => [k, []]));
  for (const r of rows) out.get(r.key)?.push(Number(r.at));
  return out;
}

export async function insertLoginFailures(db: Db, keys: string[], at: number): Promise<void> {
  await db.insertInto('login_failures').values(keys.map((key) => ({ key, at }))).execute();
}

export async function clearLoginFailures(db: Db, key: string): Promise<void> {
  await db.deleteFrom('login_failures').where('key', '=', key).execute();
}

export async function pruneLoginFailures(db: Db, before: number): Promise<void> {
  await db.deleteFrom('login_failures').where('at', '<=', before).execute();
}
