// The host allowlist is applied by the Jira client at every request, not only when a destination is
// saved: a destination saved while its host was in ALERTSYNC_JIRA_HOSTS is refused (and Jira is not
// called) after a restart with a list that no longer holds it. The emulator runs on loopback, so the
// service runs with ALERTSYNC_ALLOW_INSECURE_JIRA=1 and a list, which keeps the host rule.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startEmulator } from '../../src/jira/emulator/index.js';
import { DB_KINDS, startTestService } from '../support/service.js';
import { createEmulatorDestination, waitFor } from '../support/delivery.js';

for (const db of DB_KINDS) {
  test(`a host taken out of ALERTSYNC_JIRA_HOSTS is refused after a restart [${db}]`, async () => {
    const emu = await startEmulator();
    const site = new URL(emu.url).host;
    const env = { ALERTSYNC_ALLOW_INSECURE_JIRA: '1', ALERTSYNC_WORKER_POLL_MS: '50', ALERTSYNC_JIRA_HOSTS: site };
    const first = await startTestService(db, env);
    let second: Awaited<ReturnType<typeof startTestService>> | undefined;
    try {
      const destinationId = await createEmulatorDestination(first, emu);
      const ok = await first.api('POST', `/api/destinations/${destinationId}/test`);
      assert.equal(ok.body.outcome, 'created', ok.text);
      await first.stop();

      second = await startTestService(db, { ...env, ALERTSYNC_JIRA_HOSTS: 'jira.example.com' }, { dataDir: first.dataDir, databaseUrl: first.databaseUrl, secretKey: first.config.secretKey!, adminToken: first.adminToken });
      const issuesBefore = emu.emulator.store.issues.size;
      emu.emulator.faults.resetStats();
      const refused = await second.api('POST', `/api/destinations/${destinationId}/test`);
      assert.equal(refused.body.outcome, 'failed', refused.text);
      assert.match(refused.body.message, new RegExp(`${site.replace(/[.]/g, '\\.')} is not an Atlassian Cloud site .* not listed in ALERTSYNC_JIRA_HOSTS`));

      const alert = await second.api('POST', '/api/alerts', { title: 'after the list changed', severity: 'HIGH', type: 'RULE' });
      assert.equal(alert.status, 201, alert.text);
      // A refused host is cured by a change (of the destination or the list): the job waits, blocked.
      const job = await waitFor('the create job to be blocked', async () => {
        const d = await second!.api('GET', `/api/alerts/${alert.body.id}/deliveries`);
        return d.body.jobs.find((j: { state: string }) => j.state === 'blocked');
      });
      assert.match(job.lastError, /not listed in ALERTSYNC_JIRA_HOSTS/);
      const dest = await second.api('GET', `/api/destinations/${destinationId}`);
      assert.match(dest.body.lastError ?? dest.body.destination?.lastError, /not listed in ALERTSYNC_JIRA_HOSTS/);
      assert.equal(emu.emulator.store.issues.size, issuesBefore, 'no issue was created');
      const stats = emu.emulator.faults.stats() as { accepted: number; rejected: number };
      assert.equal(stats.accepted + stats.rejected, 0, 'Jira was not called at all');
    } finally {
      if (second) await second.stop();
      await first.close();
      await emu.close();
    }
  });
}
