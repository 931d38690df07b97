import { sql, type Kysely } from 'kysely';

/**
 * Issue #8, cost per issue: the two indexes the worker walks hold only the jobs they are for.
 *  - delivery_jobs_claim (lane, next_run_at, seq) over pending jobs: the claim and the "is a job
 *    due?" read, whose queries say `state = 'pending'`.
 *  - delivery_jobs_lease (lease_until) over running jobs: expired leases, reclaiming running jobs,
 *    whose queries say `state = 'running'`.
 * Before, both held every job ever made, with its state as a column: every insert wrote both, and
 * every change of state (claim, mark, completion) deleted and re-inserted an entry in each, in
 * indexes that grew with the finished jobs. Now a job enters the claim index when it is made and
 * leaves it when claimed, enters the lease index when claimed and leaves it when it ends: 6 index
 * writes over a job's life instead of 12, in two small indexes (bench/RESULTS.md).
 * A query can use a partial index only when its WHERE holds the index's condition as written, with
 * the state a literal (not a bound parameter): test/delivery/job-indexes.test.ts holds the plans.
 * The queries by state alone that used delivery_jobs_lease go through delivery_jobs_destination_state
 * (destination_id, state) now (repositories/delivery.ts, overview.ts).
 */
export const partialJobIndexes = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema.dropIndex('delivery_jobs_claim').ifExists().execute();
    await db.schema.dropIndex('delivery_jobs_lease').ifExists().execute();
    await db.schema.createIndex('delivery_jobs_claim').on('delivery_jobs').columns(['lane', 'next_run_at', 'seq']).where(sql.ref('state'), '=', sql.lit('pending')).execute();
    await db.schema.createIndex('delivery_jobs_lease').on('delivery_jobs').column('lease_until').where(sql.ref('state'), '=', sql.lit('running')).execute();
  },
};
