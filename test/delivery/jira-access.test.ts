// Hole 3 of issue #8, deterministically: a change of the destination gives new runs a new Jira
// client, but the client a running job holds stays open until that job releases it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startEmulator } from '../../src/jira/emulator/index.js';
import { createJiraAccess } from '../../src/delivery/jira-access.js';
import { startTestService } from '../support/service.js';
import { createEmulatorDestination } from '../support/delivery.js';

test('a destination edited while a job holds its client: the job\'s calls still work; the old client closes when released', async () => {
  const emu = await startEmulator();
  const svc = await startTestService('sqlite', { ALERTSYNC_ALLOW_INSECURE_JIRA: '1', ALERTSYNC_WORKER_DISABLED: '1' });
  const access = createJiraAccess(svc.service.destinations, svc.service.storage.db, { timeoutMs: 5000, allowInsecure: true });
  try {
    const id = await createEmulatorDestination(svc, emu);
    const running = (await access.jiraFor(id))!;
    const rename = await svc.api('PATCH', `/api/destinations/${id}`, { name: 'renamed while a job runs' });
    assert.equal(rename.status, 200, rename.text);
    const next = (await access.jiraFor(id))!;
    assert.notEqual(next.client, running.client, 'the changed destination gets a new client');
    assert.equal(next.destination.name, 'renamed while a job runs');
    assert.equal(access.openClients(), 2, 'the old client stays open while a job uses it');
    // The running job goes on with the client it holds.
    const found = await running.client.searchAll('project = SEC', ['summary'], { pageSize: 10, maxIssues: 100 });
    assert.ok(Array.isArray(found));
    running.release();
    assert.equal(access.openClients(), 1, 'released by its last user, the superseded client is closed');
    await assert.rejects(running.client.searchAll('project = SEC', ['summary']), (err: any) => err.retryable === true && /closed/.test(err.message), 'a closed client is a local cause: retryable, never permanent');
    assert.ok(Array.isArray(await next.client.searchAll('project = SEC', ['summary'])));
    next.release();
    assert.equal(access.openClients(), 1, 'the current client stays for the next job');
  } finally {
    await access.close();
    await svc.close();
    await emu.close();
  }
});
