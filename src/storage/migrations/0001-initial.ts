import { sql, type Kysely } from 'kysely';
import type { Dialect } from '../db.js';

/** Foundation tables: users and tokens, alerts with comments and history, destinations, audit. */
export function initial(dialect: Dialect) {
  const idColumn = dialect === 'postgres' ? 'bigserial' : 'integer';
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('alertsync_meta')
        .addColumn('key', 'text', (c) => c.primaryKey())
        .addColumn('value', 'text', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('users')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('email', 'text', (c) => c.notNull().unique())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('role', 'text', (c) => c.notNull())
        .addColumn('disabled', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('api_tokens')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('token_hash', 'text', (c) => c.notNull().unique())
        .addColumn('prefix', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('expires_at', 'bigint')
        .addColumn('last_used_at', 'bigint')
        .addColumn('revoked_at', 'bigint')
        .execute();
      await db.schema.createIndex('api_tokens_user').on('api_tokens').column('user_id').execute();

      await db.schema
        .createTable('alerts')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('title', 'text', (c) => c.notNull())
        .addColumn('description', 'text')
        .addColumn('severity', 'text', (c) => c.notNull())
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('log_types', 'text', (c) => c.notNull())
        .addColumn('rule_id', 'text')
        .addColumn('runbook', 'text')
        .addColumn('context', 'text', (c) => c.notNull())
        .addColumn('tags', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('assignee_id', 'text', (c) => c.references('users.id'))
        .addColumn('dedup_key', 'text')
        .addColumn('open_dedup_key', 'text', (c) => c.unique())
        .addColumn('occurrences', 'integer', (c) => c.notNull().defaultTo(1))
        .addColumn('last_seen_at', 'bigint', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('alerts_created').on('alerts').columns(['created_at', 'id']).execute();
      await db.schema.createIndex('alerts_status').on('alerts').columns(['status', 'created_at']).execute();

      await db.schema
        .createTable('alert_comments')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('alert_id', 'text', (c) => c.notNull().references('alerts.id'))
        .addColumn('author_id', 'text')
        .addColumn('author_name', 'text', (c) => c.notNull())
        .addColumn('body', 'text', (c) => c.notNull())
        .addColumn('origin', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .addColumn('deleted_at', 'bigint')
        .execute();
      await db.schema.createIndex('alert_comments_alert').on('alert_comments').columns(['alert_id', 'created_at']).execute();

      await db.schema
        .createTable('alert_changes')
        .addColumn('id', sql.raw(idColumn) as never, (c) => (dialect === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement()))
        .addColumn('alert_id', 'text', (c) => c.notNull().references('alerts.id'))
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('field', 'text')
        .addColumn('from_value', 'text')
        .addColumn('to_value', 'text')
        .addColumn('actor_type', 'text', (c) => c.notNull())
        .addColumn('actor_id', 'text')
        .addColumn('actor_name', 'text', (c) => c.notNull())
        .addColumn('origin', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('alert_changes_alert').on('alert_changes').columns(['alert_id', 'id']).execute();

      await db.schema
        .createTable('destinations')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('domain', 'text', (c) => c.notNull())
        .addColumn('site_host', 'text', (c) => c.notNull())
        .addColumn('project_key', 'text', (c) => c.notNull())
        .addColumn('issue_type', 'text', (c) => c.notNull())
        .addColumn('email', 'text', (c) => c.notNull())
        .addColumn('api_token_enc', 'text', (c) => c.notNull())
        .addColumn('severities', 'text', (c) => c.notNull())
        .addColumn('alert_types', 'text', (c) => c.notNull())
        .addColumn('log_types', 'text', (c) => c.notNull())
        .addColumn('manual_dispatch', 'integer', (c) => c.notNull())
        .addColumn('sync_status', 'text', (c) => c.notNull())
        .addColumn('sync_assignee', 'text', (c) => c.notNull())
        .addColumn('sync_comments', 'text', (c) => c.notNull())
        .addColumn('issue_properties', 'text', (c) => c.notNull())
        .addColumn('status_mapping', 'text', (c) => c.notNull())
        .addColumn('enabled', 'integer', (c) => c.notNull())
        .addColumn('webhook_secret_enc', 'text')
        .addColumn('webhook_secret_prev_enc', 'text')
        .addColumn('webhook_secret_prev_until', 'bigint')
        .addColumn('last_error', 'text')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('audit_log')
        .addColumn('id', sql.raw(idColumn) as never, (c) => (dialect === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement()))
        .addColumn('at', 'bigint', (c) => c.notNull())
        .addColumn('actor_id', 'text')
        .addColumn('actor_name', 'text', (c) => c.notNull())
        .addColumn('action', 'text', (c) => c.notNull())
        .addColumn('target_type', 'text', (c) => c.notNull())
        .addColumn('target_id', 'text')
        .addColumn('details', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('audit_log_at').on('audit_log').column('at').execute();
    },
  };
}
