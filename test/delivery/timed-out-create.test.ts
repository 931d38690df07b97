// A create times out on our side but Jira carried it out: still one issue per alert, for a single
// create and for a bulk create. Deterministic: the emulator's create hook stores the issues and
// holds the answer; the test releases it only after the service has logged the timeout (so the
// answer arrives on a connection the client gave up on), instead of sleeping.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startEmulator, type RunningEmulator } from '../../src/jira/emulator/index.js';
import { DB_KINDS, startTestService, type TestService } from '../support/service.js';
import { createEmulatorDestination, issuesForAlert, waitFor } from '../support/delivery.js';

const SETTINGS = {
  ALERTSYNC_ALLOW_INSECURE_JIRA: '1',
  ALERTSYNC_WORKER_POLL_MS: '20',
  ALERTSYNC_RETRY_BASE_MS: '50',
  ALERTSYNC_RETRY_MAX_MS: '300',
  ALERTSYNC_JIRA_TIMEOUT_MS: '600',
  ALERTSYNC_JOB_LEASE_MS: '5000',
  ALERTSYNC_CREATE_RECHECK_MS: '800',
  ALERTSYNC_SWEEP_DELAY_MS: '3600000',
  ALERTSYNC_JIRA_RATE_LIMIT: '1000',
};

for (const db of DB_KINDS) {
  describe(`a create that timed out but was carried out by Jira [${db}]`, () => {
    let emu: RunningEmulator;
    let svc: TestService;
    before(async () => {
      emu = await startEmulator({ faults: { searchLagMs: 100 } });
      svc = await startTestService(db, SETTINGS);
    });
    after(async () => {
      emu.emulator.createHook.releaseAll('destroy');
      await svc.close();
      await emu.close();
    });

    const deliveries = async (alertId: string) => (await svc.api('GET', `/api/alerts/${alertId}/deliveries`)).body;

    /** Holds every create answer until each alert's job has logged an unknown outcome (its request timed out), then sends them late. */
    async function timeOutThenAnswer(alertIds: string[]): Promise<number> {
      let held = 0;
      await waitFor('every create timed out', async () => {
        held = emu.emulator.createHook.list().length;
        const logs = await Promise.all(alertIds.map(deliveries));
        return logs.every((l) => l.attempts.some((a: any) => a.outcome === 'unknown'));
      }, 20_000);
      emu.emulator.configureFaults({ searchLagMs: 100 });
      emu.emulator.createHook.releaseAll('send');
      return held;
    }

    async function oneIssueEach(alertIds: string[]): Promise<void> {
      for (const id of alertIds) {
        const link = await waitFor(`the link of ${id}`, async () => (await deliveries(id)).links[0], 20_000);
        const issues = issuesForAlert(emu, id);
        assert.equal(issues.length, 1, `alert ${id}: issues ${issues.map((i) => i.key).join(', ')}`);
        assert.equal(link.issueId, issues[0]!.id);
      }
    }

    test('single create: Jira stores the issue, the answer comes after the client timeout → the lookup links it, no second issue', async () => {
      await createEmulatorDestination(svc, emu, { severities: ['HIGH'] });
      emu.emulator.configureFaults({ searchLagMs: 100, createHook: true });
      const alert = await svc.api('POST', '/api/alerts', { title: 'timed out but made', severity: 'HIGH', type: 'RULE' });
      assert.equal(alert.status, 201, alert.text);
      const held = await timeOutThenAnswer([alert.body.id]);
      assert.equal(held, 1);
      await oneIssueEach([alert.body.id]);
      const log = await deliveries(alert.body.id);
      assert.ok(log.attempts.some((a: any) => a.request === 'search' && a.outcome === 'found'), JSON.stringify(log.attempts));
    });

    test('bulk create: the issues are stored, the answer comes after the client timeout → each job looks up and links its own issue', async () => {
      await createEmulatorDestination(svc, emu, { severities: ['CRITICAL'] });
      emu.emulator.configureFaults({ searchLagMs: 100, createHook: true });
      const before = emu.emulator.store.issues.size;
      const batch = await svc.api('POST', '/api/alerts/batch', { alerts: Array.from({ length: 6 }, (_, i) => ({ title: `bulk timed out ${i}`, severity: 'CRITICAL', type: 'RULE' })) });
      assert.equal(batch.status, 201, batch.text);
      const ids = batch.body.alerts.map((r: any) => r.id) as string[];
      assert.equal(ids.length, 6);
      const held = await timeOutThenAnswer(ids);
      assert.ok(held < ids.length, `the creates went in bulk requests (${held} held answers for ${ids.length} alerts)`);
      await oneIssueEach(ids);
      assert.equal(emu.emulator.store.issues.size - before, 6);
    });
  });
}
