import type { Db } from './users.js';
import { precompiled } from '../precompiled.js';

export interface ApiTokenRecord {
  id: string;
  userId: string;
  name: string;
  prefix: string;
  createdAt: number;
  expiresAt: number | null;
  lastUsedAt: number | null;
  revokedAt: number | null;
}

type Row = {
  id: string;
  user_id: string;
  name: string;
  prefix: string;
  created_at: number;
  expires_at: number | null;
  last_used_at: number | null;
  revoked_at: number | null;
};

const toToken = (r: Row): ApiTokenRecord => ({
  id: r.id,
  userId: r.user_id,
  name: r.name,
  prefix: r.prefix,
  createdAt: Number(r.created_at),
  expiresAt: r.expires_at === null ? null : Number(r.expires_at),
  lastUsedAt: r.last_used_at === null ? null : Number(r.last_used_at),
  revokedAt: r.revoked_at === null ? null : Number(r.revoked_at),
});

const COLUMNS = ['id', 'user_id', 'name', 'prefix', 'created_at', 'expires_at', 'last_used_at', 'revoked_at'] as const;

export async function insertToken(db: Db, t: ApiTokenRecord, hash: string, source: 'env' | null = null): Promise<void> {
  await db
    .insertInto('api_tokens')
    .values({
      id: t.id,
      user_id: t.userId,
      name: t.name,
      token_hash: hash,
      prefix: t.prefix,
      created_at: t.createdAt,
      expires_at: t.expiresAt,
      last_used_at: null,
      revoked_at: null,
      source,
    })
    .execute();
}

// Every request with a bearer token reads its token: compiled once (precompiled.ts), not per request.
const selectByHash = precompiled<[string]>(1, (d, hash) => d.selectFrom('api_tokens').select(COLUMNS).where('token_hash', '=', hash as string));

export async function findTokenByHash(db: Db, hash: string): Promise<ApiTokenRecord | undefined> {
  const [r] = (await selectByHash(db, hash)).rows as Row[];
  return r && toToken(r);
}

export async function findToken(db: Db, userId: string, id: string): Promise<ApiTokenRecord | undefined> {
  const r = await db.selectFrom('api_tokens').select(COLUMNS).where('id', '=', id).where('user_id', '=', userId).executeTakeFirst();
  return r && toToken(r);
}

/** Reads a token for a change, locking its row until the transaction ends. */
export async function findTokenForUpdate(db: Db, userId: string, id: string): Promise<ApiTokenRecord | undefined> {
  const r = await db.selectFrom('api_tokens').select(COLUMNS).where('id', '=', id).where('user_id', '=', userId).forUpdate().executeTakeFirst();
  return r && toToken(r);
}

export async function listTokens(db: Db, userId: string): Promise<ApiTokenRecord[]> {
  const rows = await db.selectFrom('api_tokens').select(COLUMNS).where('user_id', '=', userId).orderBy('created_at').execute();
  return rows.map(toToken);
}

export async function revokeToken(db: Db, id: string, at: number): Promise<void> {
  await db.updateTable('api_tokens').set({ revoked_at: at }).where('id', '=', id).where('revoked_at', 'is', null).execute();
}

export async function touchToken(db: Db, id: string, at: number): Promise<void> {
  await db.updateTable('api_tokens').set({ last_used_at: at }).where('id', '=', id).execute();
}

/** Tokens registered from ALERTSYNC_ADMIN_TOKEN, not revoked, other than the one with this hash; locked. */
export async function findOtherLiveEnvTokens(db: Db, keepHash: string): Promise<ApiTokenRecord[]> {
  const rows = await db
    .selectFrom('api_tokens')
    .select(COLUMNS)
    .where('source', '=', 'env')
    .where('revoked_at', 'is', null)
    .where('token_hash', '!=', keepHash)
    .forUpdate()
    .execute();
  return rows.map(toToken);
}
