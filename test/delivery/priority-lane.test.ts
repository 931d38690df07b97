// A test alert goes through a priority lane that a storm does not block: with hundreds of alerts
// queued behind a slow site limit, the test alert still answers with its issue key within seconds.
// (1,000 alerts: at 4 requests/s bulk requests of up to 50 drain 200 in about a second on SQLite,
// where up to six times the concurrency of creates run, and the storm must still be queued.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startEmulator } from '../../src/jira/emulator/index.js';
import { forEachDb, startTestService } from '../support/service.js';
import { createEmulatorDestination, waitFor } from '../support/delivery.js';

forEachDb('priority lane', (db) => {
  test('a test alert is answered during a storm drained at 4 requests/s', async () => {
    const emu = await startEmulator({ faults: { rateLimit: { perSecond: 4 } } });
    const svc = await startTestService(db, { ALERTSYNC_ALLOW_INSECURE_JIRA: '1', ALERTSYNC_WORKER_POLL_MS: '50', ALERTSYNC_JIRA_RATE_LIMIT: '4' });
    try {
      const storm = await createEmulatorDestination(svc, emu, { name: 'storm' });
      const other = await createEmulatorDestination(svc, emu, { name: 'tested', enabled: false });
      const batch = await svc.api('POST', '/api/alerts/batch', { alerts: Array.from({ length: 1000 }, (_, i) => ({ title: `storm ${i}`, severity: 'HIGH', type: 'RULE' })) });
      assert.equal(batch.status, 201);
      await waitFor('the storm to be under way', async () => (await svc.api('GET', `/api/destinations/${storm}/deliveries?limit=5`)).body.attempts.length > 0, 20_000);
      const t0 = Date.now();
      const r = await svc.api('POST', `/api/destinations/${other}/test`);
      const seconds = (Date.now() - t0) / 1000;
      assert.equal(r.status, 200);
      assert.equal(r.body.outcome, 'created', JSON.stringify(r.body));
      assert.match(r.body.issueKey, /^SEC-\d+$/);
      const pending = await svc.service.storage.db.selectFrom('delivery_jobs').select((eb) => eb.fn.countAll<number>().as('n')).where('state', '=', 'pending').executeTakeFirstOrThrow();
      console.log(`# ${db}: test alert answered in ${seconds.toFixed(2)} s with ${pending.n} storm jobs still waiting`);
      assert.ok(Number(pending.n) > 100, 'the storm was still queued');
      assert.ok(seconds < 5, `the test alert took ${seconds} s`);
    } finally {
      await svc.close();
      await emu.close();
    }
  });
});
