import type { Kysely } from 'kysely';

/**
 * Two-way sync (issue #12): what was applied from Jira to alerts.
 * - `sync_inbound_comments`: which alert comment a Jira comment became (per destination), and the
 *   `updated` time of the Jira version last applied (so an edit is applied once, a delete finds it).
 * - `sync_inbound_marks`: per alert, destination and field (status, assignee), the position of the
 *   last Jira change applied: the issue's `updated` (epoch ms) and the changelog id. An event not
 *   newer is dropped (webhooks are not ordered).
 * - `sync_reconcile`: per two-way destination, the reconciler's watermark (the largest issue
 *   `updated` it has seen), its lease (one replica runs it at a time) and its last run.
 * - `jira_webhook_inbox.applied_at`: when the worker applied the event (state becomes 'applied').
 * Times in epoch ms.
 */
export const twoWayApply = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('sync_inbound_comments')
      .addColumn('destination_id', 'text', (c) => c.notNull())
      .addColumn('jira_comment_id', 'text', (c) => c.notNull())
      .addColumn('alert_id', 'text', (c) => c.notNull())
      .addColumn('comment_id', 'text', (c) => c.notNull())
      .addColumn('jira_updated_at', 'bigint', (c) => c.notNull())
      .addColumn('deleted', 'integer', (c) => c.notNull().defaultTo(0))
      .addPrimaryKeyConstraint('sync_inbound_comments_pk', ['destination_id', 'jira_comment_id'])
      .execute();
    await db.schema.createIndex('sync_inbound_comments_alert').on('sync_inbound_comments').columns(['alert_id', 'destination_id']).execute();
    await db.schema
      .createTable('sync_inbound_marks')
      .addColumn('alert_id', 'text', (c) => c.notNull())
      .addColumn('destination_id', 'text', (c) => c.notNull())
      .addColumn('field', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .addColumn('changelog_id', 'bigint')
      .addPrimaryKeyConstraint('sync_inbound_marks_pk', ['alert_id', 'destination_id', 'field'])
      .execute();
    await db.schema
      .createTable('sync_reconcile')
      .addColumn('destination_id', 'text', (c) => c.primaryKey())
      .addColumn('watermark', 'bigint')
      .addColumn('lease_owner', 'text')
      .addColumn('lease_until', 'bigint', (c) => c.notNull().defaultTo(0))
      .addColumn('last_run_at', 'bigint')
      .addColumn('last_result', 'text')
      .execute();
    await db.schema.alterTable('jira_webhook_inbox').addColumn('applied_at', 'bigint').execute();
  },
};
