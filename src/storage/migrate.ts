// Versioned migrations, run at start. On PostgreSQL, Kysely's migrator holds an advisory lock
// for the whole run, so replicas that start together migrate once.
import { Migrator, type Migration, type MigrationProvider } from 'kysely';
import type { Storage } from './db.js';
import { initial } from './migrations/0001-initial.js';
import { destinationTwoWaySite } from './migrations/0002-destination-two-way-site.js';
import { delivery } from './migrations/0003-delivery.js';
import { claimIndexes } from './migrations/0004-claim-indexes.js';
import { tokenSourceAndIds } from './migrations/0005-token-source-and-ids.js';
import { deliveryMarks } from './migrations/0006-delivery-marks.js';
import { siteLearnedRate } from './migrations/0007-site-learned-rate.js';
import { syncTables } from './migrations/0008-sync.js';
import { jiraAccountMappings } from './migrations/0009-jira-account-mappings.js';
import { destinationStatusResolution } from './migrations/0011-destination-status-resolution.js';
import { jiraWebhookInbox } from './migrations/0010-jira-webhook-inbox.js';
import { twoWayApply } from './migrations/0012-two-way-apply.js';
import { consoleSessions } from './migrations/0013-console-sessions.js';
import { syncLane } from './migrations/0014-sync-lane.js';
import { dropRedundantJobIndexes } from './migrations/0015-drop-redundant-job-indexes.js';
import { partialJobIndexes } from './migrations/0016-partial-job-indexes.js';
import { createClaimMark } from './migrations/0017-create-claim-mark.js';

export function migrationsFor(storage: Storage): Record<string, Migration> {
  return {
    '0001-initial': initial(storage.dialect),
    '0002-destination-two-way-site': destinationTwoWaySite,
    '0003-delivery': delivery(storage.dialect),
    '0004-claim-indexes': claimIndexes,
    '0005-token-source-and-ids': tokenSourceAndIds,
    '0006-delivery-marks': deliveryMarks,
    '0007-site-learned-rate': siteLearnedRate(storage.dialect),
    '0008-sync': syncTables,
    '0009-jira-account-mappings': jiraAccountMappings,
    '0010-jira-webhook-inbox': jiraWebhookInbox(storage.dialect),
    '0011-destination-status-resolution': destinationStatusResolution,
    '0012-two-way-apply': twoWayApply,
    '0013-console-sessions': consoleSessions,
    '0014-sync-lane': syncLane,
    '0015-drop-redundant-job-indexes': dropRedundantJobIndexes,
    '0016-partial-job-indexes': partialJobIndexes,
    '0017-create-claim-mark': createClaimMark,
  };
}

export async function migrateToLatest(storage: Storage): Promise<string[]> {
  const provider: MigrationProvider = { getMigrations: async () => migrationsFor(storage) };
  const migrator = new Migrator({
    db: storage.db,
    provider,
    migrationTableName: 'alertsync_migrations',
    migrationLockTableName: 'alertsync_migrations_lock',
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new Error(`database migration ${failed} failed: ${error instanceof Error ? error.message : String(error)}`);
  }
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
