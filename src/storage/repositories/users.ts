import type { Kysely } from 'kysely';
import type { Database, UsersTable } from '../schema.js';
import type { Role, User } from '../../users/user.js';
import { precompiled } from '../precompiled.js';

export type Db = Kysely<Database>;

export function toUser(r: UsersTable): User {
  return {
    id: r.id,
    email: r.email,
    name: r.name,
    role: r.role as Role,
    disabled: r.disabled === 1,
    hasPassword: r.password_hash != null,
    createdAt: Number(r.created_at),
    updatedAt: Number(r.updated_at),
  };
}

// Every authenticated request reads its user: compiled once (precompiled.ts), not per request.
const selectUserById = precompiled<[string]>(1, (d, id) => d.selectFrom('users').selectAll().where('id', '=', id as string));

export async function findUserById(db: Db, id: string): Promise<User | undefined> {
  const [r] = (await selectUserById(db, id)).rows as UsersTable[];
  return r && toUser(r);
}

/** Reads a user for a change: the row stays locked until the transaction ends (FOR UPDATE on PostgreSQL; SQLite's immediate transaction holds the only write lock). */
export async function findUserForUpdate(db: Db, id: string): Promise<User | undefined> {
  const r = await db.selectFrom('users').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
  return r && toUser(r);
}

export async function findUserByEmail(db: Db, email: string): Promise<User | undefined> {
  const r = await db.selectFrom('users').selectAll().where('email', '=', email).executeTakeFirst();
  return r && toUser(r);
}

export async function listUsers(db: Db): Promise<User[]> {
  const rows = await db.selectFrom('users').selectAll().orderBy('created_at').orderBy('id').execute();
  return rows.map(toUser);
}

export async function insertUser(db: Db, u: User): Promise<void> {
  await db
    .insertInto('users')
    .values({
      id: u.id,
      email: u.email,
      name: u.name,
      role: u.role,
      disabled: u.disabled ? 1 : 0,
      created_at: u.createdAt,
      updated_at: u.updatedAt,
    })
    .execute();
}

/** Writes only the given fields (and updated_at): a column nobody changed is never written back. */
export async function updateUser(db: Db, id: string, changes: Partial<Pick<User, 'email' | 'name' | 'role' | 'disabled'>>, at: number): Promise<void> {
  await db
    .updateTable('users')
    .set({
      ...(changes.email !== undefined ? { email: changes.email } : {}),
      ...(changes.name !== undefined ? { name: changes.name } : {}),
      ...(changes.role !== undefined ? { role: changes.role } : {}),
      ...(changes.disabled !== undefined ? { disabled: changes.disabled ? 1 : 0 } : {}),
      updated_at: at,
    })
    .where('id', '=', id)
    .execute();
}

export async function countUsers(db: Db): Promise<number> {
  const r = await db.selectFrom('users').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return Number(r.n);
}
