// Graceful shutdown finishes or releases claimed jobs: nothing is left "running" under a lease that
// would hold the work back until it expires.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { startEmulator } from '../../src/jira/emulator/index.js';
import { startTestService } from '../support/service.js';
import { createEmulatorDestination, waitFor } from '../support/delivery.js';

// More alerts than the worker runs at once (a bulk request on its way holds one slot, so on SQLite
// up to six times the concurrency run): some are still waiting at shutdown.
const N = 200;

test('shutdown releases the jobs it could not finish, keeping what is known about sent creates', async () => {
  const emu = await startEmulator({ faults: { latency: { ms: 300 } } });
  const svc = await startTestService('sqlite', {
    ALERTSYNC_ALLOW_INSECURE_JIRA: '1',
    ALERTSYNC_WORKER_POLL_MS: '20',
    ALERTSYNC_JIRA_RATE_LIMIT: '2',
    ALERTSYNC_JIRA_TIMEOUT_MS: '1000',
    ALERTSYNC_JOB_LEASE_MS: '600000',
  });
  const dbFile = join(svc.dataDir, 'alertsync.db');
  try {
    await createEmulatorDestination(svc, emu);
    const batch = await svc.api('POST', '/api/alerts/batch', { alerts: Array.from({ length: N }, (_, i) => ({ title: `shutdown ${i}`, severity: 'LOW', type: 'RULE' })) });
    assert.equal(batch.status, 201);
    await waitFor('some issues', () => emu.emulator.store.issues.size >= 2, 20_000);
    await svc.stop();
    const db = new Database(dbFile, { readonly: true });
    const rows = db.prepare(`select state, count(*) as n from delivery_jobs where kind = 'create_issue' group by state`).all() as Array<{ state: string; n: number }>;
    db.close();
    const by = Object.fromEntries(rows.map((r) => [r.state, r.n]));
    assert.equal(by.running ?? 0, 0, `jobs left running under a 10-minute lease: ${JSON.stringify(by)}`);
    assert.ok((by.pending ?? 0) > 0, 'the storm was not over at shutdown (otherwise this proves nothing)');
    assert.equal((by.done ?? 0) + (by.pending ?? 0), N);
  } finally {
    await svc.close();
    await emu.close();
  }
});
