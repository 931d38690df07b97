import type { Kysely } from 'kysely';

/**
 * Manual Jira account mappings (issue #11, assignee): for one Jira site (lower-case host[:port]),
 * the Jira accountId an alertsync user is assigned as, set by an admin for people whose email Jira
 * hides. One row per site and user; it wins over the email search. Times in epoch ms.
 */
export const jiraAccountMappings = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('jira_account_mappings')
      .addColumn('site_host', 'text', (c) => c.notNull())
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
      .addColumn('account_id', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('jira_account_mappings_pk', ['site_host', 'user_id'])
      .execute();
  },
};
