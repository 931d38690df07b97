import type { Kysely } from 'kysely';

/** The resolution status sync fills on a transition screen that requires one (issue #11); null = Jira's "Done", else the first offered. */
export const destinationStatusResolution = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema.alterTable('destinations').addColumn('status_resolution', 'text').execute();
  },
};
