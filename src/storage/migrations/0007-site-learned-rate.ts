import { sql, type Kysely } from 'kysely';
import type { Dialect } from '../db.js';

/**
 * The rate each Jira site is called at, learned from its 429s and rate-limit headers
 * (src/delivery/site-rate-adaptation.ts). `rate_per_sec` stays the configured ceiling; the bucket
 * refills at `learned_rate`. Times in epoch ms (0 = never).
 */
export function siteLearnedRate(dialect: Dialect) {
  const real = dialect === 'postgres' ? 'double precision' : 'real';
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema.alterTable('jira_sites').addColumn('learned_rate', sql.raw(real) as never).execute();
      await db.schema.alterTable('jira_sites').addColumn('limited_at', 'bigint', (c) => c.notNull().defaultTo(0)).execute();
      await db.schema.alterTable('jira_sites').addColumn('changed_at', 'bigint', (c) => c.notNull().defaultTo(0)).execute();
      await sql`update jira_sites set learned_rate = rate_per_sec`.execute(db);
    },
  };
}
