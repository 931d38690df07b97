import { sql, type Kysely } from 'kysely';

/**
 * api_tokens.source: 'env' for the token registered from ALERTSYNC_ADMIN_TOKEN (so that a changed
 * value can revoke the one it replaces), null for tokens made through the API.
 * api_tokens.prefix: it used to hold the first characters of the token itself (for the bootstrap
 * token, 6 characters of a value the operator chose). Existing rows get a short id taken from the
 * random tail of the token's record id instead, which says nothing about the token.
 */
export const tokenSourceAndIds = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema.alterTable('api_tokens').addColumn('source', 'text').execute();
    await sql`update api_tokens set source = 'env' where name = 'ALERTSYNC_ADMIN_TOKEN'`.execute(db);
    await sql`update api_tokens set prefix = 'tok_' || substr(id, length(id) - 5)`.execute(db);
  },
};
