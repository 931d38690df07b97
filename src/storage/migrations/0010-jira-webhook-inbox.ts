import { sql, type Kysely } from 'kysely';
import type { Dialect } from '../db.js';

/**
 * The Jira webhook inbox (issue #12): every verified delivery to POST /webhooks/jira/{destinationId}
 * is stored here before it is answered. Deduplicated per destination by Jira's delivery identifier
 * (X-Atlassian-Webhook-Identifier, null when the sender sets none, e.g. an automation rule) and by
 * the SHA-256 of the raw body. `state` is 'pending' (to be applied) or 'ignored' (with `reason`).
 * The raw body is kept as received (text). Times in epoch ms.
 */
export function jiraWebhookInbox(dialect: Dialect) {
  const id = dialect === 'postgres' ? 'bigserial' : 'integer';
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('jira_webhook_inbox')
        .addColumn('id', sql.raw(id) as never, (c) => (dialect === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement()))
        .addColumn('destination_id', 'text', (c) => c.notNull())
        .addColumn('delivery_id', 'text')
        .addColumn('content_hash', 'text', (c) => c.notNull())
        .addColumn('received_at', 'bigint', (c) => c.notNull())
        .addColumn('event_name', 'text')
        .addColumn('issue_id', 'text')
        .addColumn('issue_key', 'text')
        .addColumn('auth', 'text', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('reason', 'text')
        .addColumn('payload', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('jira_webhook_inbox_delivery').unique().on('jira_webhook_inbox').columns(['destination_id', 'delivery_id']).execute();
      await db.schema.createIndex('jira_webhook_inbox_content').unique().on('jira_webhook_inbox').columns(['destination_id', 'content_hash']).execute();
      await db.schema.createIndex('jira_webhook_inbox_pending').on('jira_webhook_inbox').columns(['state', 'id']).execute();
    },
  };
}
