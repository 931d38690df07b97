import type { Kysely } from 'kysely';

/** Indexes that let a worker claim due jobs without reading the whole backlog (bench/RESULTS.md). */
export const claimIndexes = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema.createIndex('delivery_jobs_claim').on('delivery_jobs').columns(['lane', 'state', 'next_run_at', 'seq']).execute();
    await db.schema.createIndex('delivery_jobs_lease').on('delivery_jobs').columns(['state', 'lease_until']).execute();
  },
};
