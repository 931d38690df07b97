import type { Kysely } from 'kysely';

/**
 * One-way sync (issue #11).
 * - `sync_comment_links`: which Jira comment an alert comment became on a destination's issue
 *   (so an edit or a delete in alertsync reaches that Jira comment; two-way sync reads it to
 *   recognise our own comments).
 * - `sync_written`: what alertsync last wrote to a linked issue, per field (`status`: the Jira
 *   status name; `assignee`: the accountId or ''), for echo detection by two-way sync.
 * Times in epoch ms.
 */
export const syncTables = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('sync_comment_links')
      .addColumn('destination_id', 'text', (c) => c.notNull())
      .addColumn('comment_id', 'text', (c) => c.notNull())
      .addColumn('alert_id', 'text', (c) => c.notNull())
      .addColumn('jira_comment_id', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('sync_comment_links_pk', ['destination_id', 'comment_id'])
      .execute();
    await db.schema.createIndex('sync_comment_links_jira').on('sync_comment_links').columns(['destination_id', 'jira_comment_id']).execute();
    await db.schema
      .createTable('sync_written')
      .addColumn('alert_id', 'text', (c) => c.notNull())
      .addColumn('destination_id', 'text', (c) => c.notNull())
      .addColumn('field', 'text', (c) => c.notNull())
      .addColumn('value', 'text', (c) => c.notNull())
      .addColumn('written_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('sync_written_pk', ['alert_id', 'destination_id', 'field'])
      .execute();
  },
};
