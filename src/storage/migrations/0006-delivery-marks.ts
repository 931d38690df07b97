import type { Kysely } from 'kysely';

/**
 * Issue #8: what the next owner of a create needs to know about a request that may have gone out.
 *  - unknown_until: by when that request is known to have ended (null: its sender never said, so
 *    the next owner takes the moment it got the job; see docs/delivery.md, "the guarantee").
 *  - look_first: search Jira before creating even without a mark (replays and manual dispatches).
 */
export const deliveryMarks = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema.alterTable('delivery_jobs').addColumn('unknown_until', 'bigint').execute();
    await db.schema.alterTable('delivery_jobs').addColumn('look_first', 'integer', (c) => c.notNull().defaultTo(0)).execute();
    await db.schema.createIndex('delivery_jobs_destination_state').on('delivery_jobs').columns(['destination_id', 'state']).execute();
  },
};
