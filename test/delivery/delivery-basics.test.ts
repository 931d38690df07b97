import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startEmulator, type RunningEmulator } from '../../src/jira/emulator/index.js';
import { forEachDb, startTestService, type TestService } from '../support/service.js';
import { createEmulatorDestination, issuesForAlert, waitFor } from '../support/delivery.js';

const FAST = {
  ALERTSYNC_ALLOW_INSECURE_JIRA: '1',
  ALERTSYNC_WORKER_POLL_MS: '20',
  ALERTSYNC_RETRY_BASE_MS: '50',
  ALERTSYNC_RETRY_MAX_MS: '400',
  ALERTSYNC_JIRA_TIMEOUT_MS: '2000',
  ALERTSYNC_JOB_LEASE_MS: '4000',
  ALERTSYNC_CREATE_RECHECK_MS: '300',
  ALERTSYNC_JIRA_RATE_LIMIT: '1000',
};

forEachDb('delivery: alerts become Jira issues', (db) => {
  let svc: TestService;
  let emu: RunningEmulator;
  before(async () => {
    emu = await startEmulator();
    svc = await startTestService(db, FAST);
  });
  after(async () => {
    await svc.close();
    await emu.close();
  });

  test('a routed alert becomes one issue with the description, labels, priority and assignee of the destination', async () => {
    const destinationId = await createEmulatorDestination(svc, emu, {
      severities: ['HIGH', 'CRITICAL'],
      issueProperties: { assigneeAccountId: '5b10ac8d82e05b22cc7d4ef5', bySeverity: true, perSeverity: { HIGH: { labels: ['sec-high'], priority: 'High' } } },
    });
    const low = await svc.api('POST', '/api/alerts', { title: 'low one', severity: 'LOW', type: 'RULE' });
    const alert = await svc.api('POST', '/api/alerts', { title: 'Root login', severity: 'HIGH', type: 'RULE', ruleId: 'aws.root', context: { user: 'root' }, runbook: 'https://runbooks.example/root' });
    const link = await waitFor('the link', async () => (await svc.api('GET', `/api/alerts/${alert.body.id}/deliveries`)).body.links[0]);
    assert.match(link.issueKey, /^SEC-\d+$/);
    assert.equal(link.destinationId, destinationId);
    const issues = issuesForAlert(emu, alert.body.id);
    assert.equal(issues.length, 1);
    const issue = issues[0]!;
    assert.equal(issue.id, link.issueId);
    assert.equal(issue.summary, 'Root login');
    assert.deepEqual(issue.labels.sort(), ['alertsync-' + alert.body.id, 'alertsync-dest-' + destinationId, 'sec-high'].sort());
    assert.equal(issue.assigneeId, '5b10ac8d82e05b22cc7d4ef5');
    assert.equal(emu.emulator.store.priorities.get(issue.priorityId ?? '')?.name, 'High');
    const text = JSON.stringify(issue.description);
    for (const part of ['aws.root', alert.body.id, 'HIGH', 'https://alertsync.test/alerts/', 'https://runbooks.example/root', '\\"user\\": \\"root\\"']) assert.ok(text.includes(part), `description lacks ${part}`);
    assert.equal(issuesForAlert(emu, low.body.id).length, 0, 'a LOW alert is not routed to a HIGH/CRITICAL destination');
    const byDestination = await svc.api('GET', `/api/alerts?destination=${destinationId}&limit=500`);
    assert.equal(byDestination.status, 200, byDestination.text);
    const listed = (byDestination.body.alerts as Array<{ id: string }>).map((a) => a.id);
    assert.ok(listed.includes(alert.body.id) && !listed.includes(low.body.id), 'the destination filter lists the alerts with an issue there');
    const log = await svc.api('GET', `/api/destinations/${destinationId}/deliveries`);
    assert.ok(log.body.attempts.some((a: any) => a.request === 'createIssue' && a.outcome === 'ok' && a.issueKey === link.issueKey));
  });

  test('a refusal the destination can cure parks its jobs as blocked with Jira\'s message; changing the destination releases them', async () => {
    const destinationId = await createEmulatorDestination(svc, emu, { issueType: 'Epic', logTypes: ['Okta.SystemLog'] });
    const alert = await svc.api('POST', '/api/alerts', { title: 'bad type', severity: 'MEDIUM', type: 'POLICY', logTypes: ['Okta.SystemLog'] });
    const blocked = await waitFor('the refusal', async () => (await svc.api('GET', `/api/alerts/${alert.body.id}/deliveries`)).body.jobs.find((j: any) => j.state === 'blocked'));
    assert.equal(blocked.lastStatus, 400);
    assert.match(blocked.lastError, /Jira answered 400/);
    const dest = await svc.api('GET', `/api/destinations/${destinationId}`);
    assert.match(JSON.stringify(dest.body), /Jira answered 400.*change the destination/);
    assert.equal((await svc.api('GET', `/api/destinations/${destinationId}/deliveries`)).body.queue.blocked, 1, 'shown on the destination');
    assert.equal((await svc.api('PATCH', `/api/destinations/${destinationId}`, { issueType: 'Bug' })).status, 200);
    await waitFor('the link after the fix', async () => (await svc.api('GET', `/api/alerts/${alert.body.id}/deliveries`)).body.links[0]);
    assert.equal((await svc.api('GET', `/api/destinations/${destinationId}`)).body.lastError, null, 'a success clears the destination error');
    assert.equal((await svc.api('POST', `/api/deliveries/${blocked.id}/retry`)).status, 409, 'a done job is not replayed');
    assert.equal(issuesForAlert(emu, alert.body.id).length, 1);
  });

  test('manual dispatch: only where allowed, once per alert and destination', async () => {
    const manual = await createEmulatorDestination(svc, emu, { manualDispatch: true, enabled: false });
    const closed = await createEmulatorDestination(svc, emu, { manualDispatch: false, enabled: false });
    const alert = await svc.api('POST', '/api/alerts', { title: 'by hand', severity: 'INFO', type: 'RULE' });
    const refused = await svc.api('POST', `/api/alerts/${alert.body.id}/dispatch`, { destinationId: closed });
    assert.equal(refused.status, 409);
    assert.match(refused.body.error.message, /does not allow manual dispatch/);
    const ok = await svc.api('POST', `/api/alerts/${alert.body.id}/dispatch`, { destinationId: manual });
    assert.equal(ok.status, 202, ok.text);
    const again = await svc.api('POST', `/api/alerts/${alert.body.id}/dispatch`, { destinationId: manual });
    assert.equal(again.status, 409);
    await waitFor('the link', async () => (await svc.api('GET', `/api/alerts/${alert.body.id}/deliveries`)).body.links.find((l: any) => l.destinationId === manual));
    const linked = await svc.api('POST', `/api/alerts/${alert.body.id}/dispatch`, { destinationId: manual });
    assert.equal(linked.status, 409);
    assert.match(linked.body.error.message, /already linked to SEC-\d+/);
    assert.equal(issuesForAlert(emu, alert.body.id).length, 1);
  });

  test('a test alert answers with the issue key, or with Jira\'s status and message', async () => {
    const good = await createEmulatorDestination(svc, emu, { enabled: false });
    const ok = await svc.api('POST', `/api/destinations/${good}/test`);
    assert.equal(ok.status, 200, ok.text);
    assert.equal(ok.body.outcome, 'created');
    assert.match(ok.body.issueKey, /^SEC-\d+$/);
    const badToken = await createEmulatorDestination(svc, emu, { enabled: false, apiToken: 'wrong-token' });
    const r1 = await svc.api('POST', `/api/destinations/${badToken}/test`);
    assert.equal(r1.body.outcome, 'failed');
    assert.equal(r1.body.status, 401);
    const badProject = await createEmulatorDestination(svc, emu, { enabled: false, projectKey: 'NOPE' });
    const r2 = await svc.api('POST', `/api/destinations/${badProject}/test`);
    assert.equal(r2.body.outcome, 'failed');
    assert.equal(r2.body.status, 400);
    assert.match(r2.body.message, /project/i);
    const viewer = await createEmulatorDestination(svc, emu, { enabled: false, email: 'vera.viewer@example.com', apiToken: 'ATATT-emulator-vera-viewer' });
    const r3 = await svc.api('POST', `/api/destinations/${viewer}/test`);
    assert.equal(r3.body.outcome, 'failed');
    assert.ok(r3.body.status === 403 || r3.body.status === 400, `status ${r3.body.status}: ${r3.body.message}`);
  });
});
