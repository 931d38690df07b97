import { sql, type Kysely } from 'kysely';
import type { Dialect } from '../db.js';

/**
 * The delivery outbox: jobs written in the same transaction as the alert change that causes them,
 * links alert × destination → Jira issue, a log of every attempt, and one rate-limit bucket per Jira
 * site shared by every destination and replica.
 */
export function delivery(dialect: Dialect) {
  const serial = dialect === 'postgres' ? 'bigserial' : 'integer';
  const real = dialect === 'postgres' ? 'double precision' : 'real';
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('alert_links')
        .addColumn('alert_id', 'text', (c) => c.notNull())
        .addColumn('destination_id', 'text', (c) => c.notNull())
        .addColumn('issue_id', 'text', (c) => c.notNull())
        .addColumn('issue_key', 'text', (c) => c.notNull())
        .addColumn('issue_url', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('alert_links_pk', ['alert_id', 'destination_id'])
        .execute();
      await db.schema.createIndex('alert_links_issue').on('alert_links').columns(['destination_id', 'issue_id']).execute();

      await db.schema
        .createTable('delivery_jobs')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('seq', 'bigint', (c) => c.notNull())
        .addColumn('alert_id', 'text', (c) => c.notNull())
        .addColumn('destination_id', 'text', (c) => c.notNull())
        .addColumn('site_host', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('lane', 'text', (c) => c.notNull())
        .addColumn('payload', 'text', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('next_run_at', 'bigint', (c) => c.notNull())
        .addColumn('lease_owner', 'text')
        .addColumn('lease_until', 'bigint')
        .addColumn('fence', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('unknown_since', 'bigint')
        .addColumn('had_unknown', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('last_status', 'integer')
        .addColumn('last_error', 'text')
        .addColumn('result', 'text')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('delivery_jobs_due').on('delivery_jobs').columns(['state', 'next_run_at']).execute();
      await db.schema.createIndex('delivery_jobs_pair').on('delivery_jobs').columns(['alert_id', 'destination_id', 'seq']).execute();
      await db.schema.createIndex('delivery_jobs_destination').on('delivery_jobs').columns(['destination_id', 'created_at']).execute();

      await db.schema
        .createTable('delivery_attempts')
        .addColumn('id', sql.raw(serial) as never, (c) => (dialect === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement()))
        .addColumn('job_id', 'text', (c) => c.notNull())
        .addColumn('alert_id', 'text', (c) => c.notNull())
        .addColumn('destination_id', 'text', (c) => c.notNull())
        .addColumn('worker', 'text', (c) => c.notNull())
        .addColumn('at', 'bigint', (c) => c.notNull())
        .addColumn('duration_ms', 'integer', (c) => c.notNull())
        .addColumn('request', 'text', (c) => c.notNull())
        .addColumn('outcome', 'text', (c) => c.notNull())
        .addColumn('http_status', 'integer')
        .addColumn('issue_key', 'text')
        .addColumn('error', 'text')
        .execute();
      await db.schema.createIndex('delivery_attempts_job').on('delivery_attempts').columns(['job_id', 'id']).execute();
      await db.schema.createIndex('delivery_attempts_alert').on('delivery_attempts').columns(['alert_id', 'id']).execute();
      await db.schema.createIndex('delivery_attempts_destination').on('delivery_attempts').columns(['destination_id', 'id']).execute();

      await db.schema
        .createTable('jira_sites')
        .addColumn('site_host', 'text', (c) => c.primaryKey())
        .addColumn('rate_per_sec', sql.raw(real) as never, (c) => c.notNull())
        .addColumn('burst', sql.raw(real) as never, (c) => c.notNull())
        .addColumn('tokens', sql.raw(real) as never, (c) => c.notNull())
        .addColumn('refilled_at', 'bigint', (c) => c.notNull())
        .addColumn('blocked_until', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
    },
  };
}
