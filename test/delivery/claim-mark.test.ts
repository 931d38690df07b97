// The claim of a create is its mark, "a create may go out from now" (sending_since), so a run
// writes nothing between its claim and its request. What a shutdown leaves of it: a create released
// before it reached the sender leaves no mark (the next process creates at once, no lookup); one
// released while its request was on its way keeps it (the next process looks before it creates).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startEmulator, type RunningEmulator } from '../../src/jira/emulator/index.js';
import { DB_KINDS, startTestService, type TestService } from '../support/service.js';
import { createEmulatorDestination, issuesForAlert, waitFor } from '../support/delivery.js';

const SETTINGS = {
  ALERTSYNC_ALLOW_INSECURE_JIRA: '1',
  ALERTSYNC_WORKER_POLL_MS: '20',
  ALERTSYNC_JIRA_TIMEOUT_MS: '1500',
  ALERTSYNC_JOB_LEASE_MS: '60000',
  ALERTSYNC_CREATE_RECHECK_MS: '300',
  ALERTSYNC_SWEEP_DELAY_MS: '3600000',
  ALERTSYNC_JIRA_RATE_LIMIT: '1000',
};

for (const db of DB_KINDS) {
  describe(`the claim's mark across a shutdown [${db}]`, () => {
    let emu: RunningEmulator;
    before(async () => {
      emu = await startEmulator({ faults: { searchLagMs: 100 } });
    });
    after(async () => {
      await emu.close();
    });

    /** The create job of `alertId` as the database has it. */
    async function createJob(svc: TestService, alertId: string) {
      return svc.service.storage.db.selectFrom('delivery_jobs').select(['state', 'sending_since', 'unknown_since']).where('alert_id', '=', alertId).where('kind', '=', 'create_issue').executeTakeFirstOrThrow();
    }
    /** A second process on the same database (the first one stopped). */
    function restart(first: TestService): Promise<TestService> {
      return startTestService(db, SETTINGS, { dataDir: first.dataDir, databaseUrl: first.databaseUrl, secretKey: first.config.secretKey!, adminToken: first.adminToken });
    }

    test('released before it reached the sender: no mark left; the next process creates at once, without a lookup', async () => {
      const first = await startTestService(db, SETTINGS);
      let second: TestService | null = null;
      try {
        await createEmulatorDestination(first, emu);
        let release!: () => void;
        const released = new Promise<void>((r) => (release = r));
        let reached!: () => void;
        const reachedP = new Promise<void>((r) => (reached = r));
        first.service.worker.testHooks.pause = async (p, job) => {
          if (p !== 'before-mark' || job.kind !== 'create_issue') return;
          reached();
          await released;
        };
        const alert = await first.api('POST', '/api/alerts', { title: 'released before its request', severity: 'HIGH', type: 'RULE' });
        assert.equal(alert.status, 201);
        await reachedP;
        const claimed = await createJob(first, alert.body.id);
        assert.equal(claimed.state, 'running');
        assert.notEqual(claimed.sending_since, null, 'the claim marked the create');
        await first.service.worker.stop(100);
        release();
        const left = await createJob(first, alert.body.id);
        assert.deepEqual([left.state, left.sending_since, left.unknown_since], ['pending', null, null], 'released with no mark: nothing was sent');
        await first.stop();

        second = await restart(first);
        const link = await waitFor('the link', async () => (await second!.api('GET', `/api/alerts/${alert.body.id}/deliveries`)).body.links[0], 20_000);
        const log = (await second.api('GET', `/api/alerts/${alert.body.id}/deliveries`)).body;
        assert.ok(!log.attempts.some((a: any) => a.request === 'search' || a.request === 'searchJql'), `no lookup: ${JSON.stringify(log.attempts.map((a: any) => [a.request, a.outcome]))}`);
        const issues = issuesForAlert(emu, alert.body.id);
        assert.equal(issues.length, 1);
        assert.equal(link.issueId, issues[0]!.id);
      } finally {
        await second?.close();
        await first.close();
      }
    });

    test('released while its request was on its way: the mark stays; the next process looks first and links the stored issue', async () => {
      const first = await startTestService(db, SETTINGS);
      let second: TestService | null = null;
      try {
        await createEmulatorDestination(first, emu);
        emu.emulator.configureFaults({ searchLagMs: 100, createHook: true });
        const alert = await first.api('POST', '/api/alerts', { title: 'released with its request on its way', severity: 'HIGH', type: 'RULE' });
        assert.equal(alert.status, 201);
        assert.ok(await emu.emulator.createHook.next(20_000), 'Jira stored the issue; its answer is held');
        await first.service.worker.stop(100);
        const left = await createJob(first, alert.body.id);
        assert.equal(left.state, 'pending');
        assert.notEqual(left.sending_since, null, 'released with the claim’s mark: the create may have gone out');
        emu.emulator.createHook.releaseAll('destroy');
        emu.emulator.configureFaults({ searchLagMs: 100 });
        // The released run learns that its answer is lost (it can no longer write to the job: fenced out).
        await waitFor('the lost answer logged', async () => (await first.api('GET', `/api/alerts/${alert.body.id}/deliveries`)).body.attempts.some((a: any) => a.outcome === 'unknown'), 20_000);
        await first.stop();

        second = await restart(first);
        const link = await waitFor('the link', async () => (await second!.api('GET', `/api/alerts/${alert.body.id}/deliveries`)).body.links[0], 20_000);
        const log = (await second.api('GET', `/api/alerts/${alert.body.id}/deliveries`)).body;
        assert.ok(log.attempts.some((a: any) => a.request === 'search' && a.outcome === 'found'), `a lookup found it: ${JSON.stringify(log.attempts.map((a: any) => [a.request, a.outcome]))}`);
        const issues = issuesForAlert(emu, alert.body.id);
        assert.equal(issues.length, 1, 'not created again');
        assert.equal(link.issueId, issues[0]!.id);
      } finally {
        await second?.close();
        await first.close();
      }
    });
  });
}
