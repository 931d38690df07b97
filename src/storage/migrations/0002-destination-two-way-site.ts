import type { Kysely } from 'kysely';

/**
 * The spec's "one two-way destination per Jira site" rule, enforced by the database too: the
 * service checks it in its transaction (for a clear message), and this unique column closes the
 * race between two concurrent saves on PostgreSQL. two_way_site = site_host while any aspect of
 * the destination is two-way, else NULL (NULLs do not collide).
 */
export const destinationTwoWaySite = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema.alterTable('destinations').addColumn('two_way_site', 'text').execute();
    await db.schema.createIndex('destinations_two_way_site').on('destinations').column('two_way_site').unique().execute();
  },
};
