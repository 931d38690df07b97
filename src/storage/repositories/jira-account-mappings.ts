// Manual Jira account mappings: per Jira site (lower-case host[:port]) and alertsync user, the Jira
// accountId to assign. The assignee sync asks findMappedAccountId first; a mapping wins over the
// email search.
import type { Db } from './users.js';

export interface JiraAccountMapping {
  siteHost: string;
  userId: string;
  accountId: string;
  createdAt: number;
  updatedAt: number;
}

const toMapping = (r: { site_host: string; user_id: string; account_id: string; created_at: number | string; updated_at: number | string }): JiraAccountMapping => ({
  siteHost: r.site_host,
  userId: r.user_id,
  accountId: r.account_id,
  createdAt: Number(r.created_at),
  updatedAt: Number(r.updated_at),
});

/** The accountId an admin mapped this user to on this Jira site, or null. */
export async function findMappedAccountId(db: Db, siteHost: string, userId: string): Promise<string | null> {
  const r = await db
    .selectFrom('jira_account_mappings')
    .select('account_id')
    .where('site_host', '=', siteHost.toLowerCase())
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return r?.account_id ?? null;
}

export async function findAccountMapping(db: Db, siteHost: string, userId: string): Promise<JiraAccountMapping | null> {
  const r = await db.selectFrom('jira_account_mappings').selectAll().where('site_host', '=', siteHost.toLowerCase()).where('user_id', '=', userId).executeTakeFirst();
  return r ? toMapping(r) : null;
}

/** Every mapping of a site, by user id. */
export async function listAccountMappings(db: Db, siteHost: string): Promise<JiraAccountMapping[]> {
  const rows = await db.selectFrom('jira_account_mappings').selectAll().where('site_host', '=', siteHost.toLowerCase()).orderBy('user_id').execute();
  return rows.map(toMapping);
}

/** Inserts or replaces the mapping of a user on a site (keeps the first createdAt). */
export async function upsertAccountMapping(db: Db, m: { siteHost: string; userId: string; accountId: string; at: number }): Promise<void> {
  await db
    .insertInto('jira_account_mappings')
    .values({ site_host: m.siteHost.toLowerCase(), user_id: m.userId, account_id: m.accountId, created_at: m.at, updated_at: m.at })
    .onConflict((oc) => oc.columns(['site_host', 'user_id']).doUpdateSet({ account_id: m.accountId, updated_at: m.at }))
    .execute();
}

/** Removes a mapping; true when there was one. */
export async function deleteAccountMapping(db: Db, siteHost: string, userId: string): Promise<boolean> {
  const r = await db.deleteFrom('jira_account_mappings').where('site_host', '=', siteHost.toLowerCase()).where('user_id', '=', userId).executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}
