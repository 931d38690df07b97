// The client's alertsync-level surface: callers speak of projects, issue types, labels and
// alerts; field ids, ADF, JQL and browse URLs stay inside the client (issue #8).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startEmulator, type RunningEmulator } from '../../src/jira/emulator/index.js';
import { createJiraClient, type JiraClient } from '../../src/jira/client/index.js';
import { buildIssueDescription } from '../../src/jira/description.js';

let emu: RunningEmulator;
let c: JiraClient;
before(async () => {
  emu = await startEmulator();
  c = createJiraClient({ baseUrl: emu.url, email: 'alertsync-bot@example.com', apiToken: 'ATATT-emulator-alertsync-bot', timeoutMs: 5000, allowInsecure: true });
});
after(async () => {
  await c.close();
  await emu.close();
});

const description = () => buildIssueDescription(alert, { publicUrl: 'https://alertsync.test', format: 'adf' }).adf;
const alert = { alertId: 'alr_client1', title: 'Root login', description: 'root logged in', severity: 'HIGH' as const, type: 'RULE', ruleId: 'aws.root', runbook: null, tags: ['aws'], context: { user: 'root' } };

test('createIssue from alertsync terms; findByLabels oldest first; closeAsDuplicate; issueUrl', async () => {
  const labels = ['alertsync-alr_client1', 'alertsync-dest-d"quoted"'];
  const first = await c.createIssue({ projectKey: 'SEC', issueType: 'Task', summary: 'first', description: description(), labels, priority: 'High', assigneeAccountId: null });
  const second = await c.createIssue({ projectKey: 'SEC', issueType: 'Task', summary: 'second', description: description(), labels, priority: null, assigneeAccountId: null });
  const stored = emu.emulator.store.issues.get(first.id)!;
  assert.equal(stored.summary, 'first');
  assert.ok(JSON.stringify(stored.description).includes('https://alertsync.test/alerts/alr_client1'), 'the ADF description is sent as given');
  assert.equal(emu.emulator.store.priorities.get(stored.priorityId ?? '')?.name, 'High');
  const found = await c.findByLabels(labels);
  assert.deepEqual(found.map((i) => i.key), [first.key, second.key], 'oldest first; a label with a quote is escaped in the JQL');
  assert.deepEqual(await c.findByLabels(['alertsync-nothing']), []);
  let calls = 0;
  const r = await c.closeAsDuplicate(second.id, first.key, { beforeCall: async () => void calls++ });
  assert.deepEqual(r, { closed: true });
  assert.equal(calls, 3, 'one rate-limit token per request: transitions, comment, transition');
  const after = (await c.findByLabels(labels)).find((i) => i.id === second.id)!;
  assert.equal(after.status?.category, 'done');
  assert.equal(c.issueUrl(first.key), `${emu.url}/browse/${first.key}`);
});
