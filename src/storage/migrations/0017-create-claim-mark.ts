import type { Kysely } from 'kysely';

/**
 * Issue #8, cost per issue: the claim of a create job marks it "a create of this owner may go out
 * from now on" (`sending_since`), so the run writes nothing more before its request. Before, each
 * run committed its own mark right before sending: one more write and commit for every request,
 * 15–18% of the service's CPU per delivered issue (bench/RESULTS.md). The next claim of the job
 * folds a mark left there (its owner crashed, stalled or was stopped while it may have sent) into
 * `unknown_since`, whose request end is then unknown (docs/delivery.md, "the guarantee").
 */
export const createClaimMark = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema.alterTable('delivery_jobs').addColumn('sending_since', 'bigint').execute();
  },
};
