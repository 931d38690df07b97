import type { Kysely } from 'kysely';

/**
 * Sync jobs (one-way and two-way) get a lane of their own, with slots of their own, so that a storm
 * of creates never holds a person's change back (docs/decisions/job-lanes.md). Open sync jobs
 * queued before this migration move to it; new ones are queued in it (delivery/job.ts laneOf).
 */
export const syncLane = {
  async up(db: Kysely<unknown>): Promise<void> {
    const kdb = db as Kysely<{ delivery_jobs: { lane: string; kind: string; state: string } }>;
    await kdb
      .updateTable('delivery_jobs')
      .set({ lane: 'sync' })
      .where('kind', 'in', ['sync_status', 'sync_assignee', 'sync_comment', 'apply_jira_event'])
      .where('state', 'in', ['pending', 'running', 'blocked', 'paused'])
      .execute();
  },
};
