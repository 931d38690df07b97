import type { Kysely } from 'kysely';

/**
 * Issue #8, cost per issue: two indexes of delivery_jobs that no query needs any more, each written
 * at every insert and every change of state (claim, completion) of every job.
 *  - delivery_jobs_due (state, next_run_at): the claim walks delivery_jobs_claim (lane, state,
 *    next_run_at, seq); the queries by state alone (reclaiming running jobs, the oldest waiting job,
 *    counts by state) use delivery_jobs_lease (state, lease_until), which starts with the state.
 *  - delivery_jobs_destination (destination_id, created_at): the queries by destination use
 *    delivery_jobs_destination_state (destination_id, state); none orders by created_at within one.
 * A query-plan test (test/delivery/job-indexes.test.ts) holds that each of those queries still
 * finds its rows by an index.
 */
export const dropRedundantJobIndexes = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema.dropIndex('delivery_jobs_due').ifExists().execute();
    await db.schema.dropIndex('delivery_jobs_destination').ifExists().execute();
  },
};
