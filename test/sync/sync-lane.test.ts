// A person's change is not held behind a storm of new alerts (docs/decisions/job-lanes.md): sync
// jobs wait in a lane of their own, with slots of their own and the rate-limit token kept back from
// creates. Two create slots and a site limited to 2 requests/s, one request per issue: 40 new
// alerts take about 20 s to deliver. A status change made after they arrived reaches its issue
// while most of them still wait; queued behind them (the old single queue) it would have waited
// for nearly all of them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startEmulator } from '../../src/jira/emulator/index.js';
import { DB_KINDS, startTestService } from '../support/service.js';
import { createEmulatorDestination, issuesForAlert, waitFor } from '../support/delivery.js';

const MAPPING = { OPEN: 'To Do', TRIAGED: 'In Progress', RESOLVED: 'Done', CLOSED: 'Done' };
const STORM = 40;

for (const db of DB_KINDS) {
  test(`a status change overtakes a backlog of creates [${db}]`, async () => {
    const emu = await startEmulator();
    const svc = await startTestService(db, {
      ALERTSYNC_ALLOW_INSECURE_JIRA: '1',
      ALERTSYNC_WORKER_POLL_MS: '50',
      ALERTSYNC_WORKER_CONCURRENCY: '2',
      ALERTSYNC_JIRA_RATE_LIMIT: '2',
      ALERTSYNC_JIRA_BULK_CREATE_DISABLED: '1',
    });
    try {
      await createEmulatorDestination(svc, emu, { sync: { status: 'one_way', assignee: 'off', comments: 'off' }, statusMapping: MAPPING });
      const first = await svc.api('POST', '/api/alerts', { title: 'the one a person works on', severity: 'HIGH', type: 'RULE' });
      const id = first.body.id as string;
      const issue = await waitFor('its issue', () => issuesForAlert(emu, id)[0], 60_000);

      const storm = await svc.api('POST', '/api/alerts/batch', { alerts: Array.from({ length: STORM }, (_, i) => ({ title: `storm ${i}`, severity: 'LOW', type: 'RULE' })) });
      assert.equal(storm.status, 201, storm.text);
      const stormIds = (storm.body.alerts as Array<{ id: string }>).map((a) => a.id);
      assert.equal((await svc.api('PUT', `/api/alerts/${id}/status`, { status: 'TRIAGED' })).status, 200);

      await waitFor('the status on the issue', () => emu.emulator.store.statuses.get(issue.statusId)!.name === 'In Progress', 60_000, 20);
      const delivered = stormIds.filter((a) => issuesForAlert(emu, a).length > 0).length;
      assert.ok(delivered <= STORM / 2, `the status change waited for ${delivered} of ${STORM} creates`);
    } finally {
      await svc.close();
      await emu.close();
    }
  });
}
