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

test('createIssues: one bulk request for many issues; per-issue results in order; 400 "none made" is an answer, not an error', async () => {
  const before = emu.emulator.requests.length;
  const issue = (summary: string, issueType = 'Task') => ({ projectKey: 'SEC', issueType, summary, description: description(), labels: [`alertsync-${summary}`], priority: null, assigneeAccountId: null });
  const r = await c.createIssues([issue('bulk-a'), issue('bulk-b', 'NoSuchType'), issue('bulk-c')]);
  const posts = emu.emulator.requests.slice(before).filter((q) => q.method === 'POST');
  assert.deepEqual(posts.map((q) => q.path), ['/rest/api/3/issue/bulk'], 'one request');
  assert.equal(r.length, 3);
  assert.ok('created' in r[0]! && 'created' in r[2]! && 'failed' in r[1]!);
  const a = (r[0] as { created: { id: string; key: string } }).created;
  const cc = (r[2] as { created: { id: string; key: string } }).created;
  assert.equal(emu.emulator.store.issues.get(a.id)?.summary, 'bulk-a');
  assert.equal(emu.emulator.store.issues.get(cc.id)?.summary, 'bulk-c');
  const failed = (r[1] as { failed: { kind: string; status: number; jiraMessages: string[]; operation: string } }).failed;
  assert.equal(failed.kind, 'invalid');
  assert.equal(failed.status, 400);
  assert.equal(failed.operation, 'createIssues');
  assert.deepEqual(failed.jiraMessages, ['issuetype: The issue type selected is invalid.']);

  const none = await c.createIssues([issue('none-1', 'NoSuchType'), { ...issue('none-2'), projectKey: 'NOPE' }]);
  assert.deepEqual(none.map((x) => ('failed' in x ? x.failed.status : 'created')), [400, 400]);
  assert.deepEqual(await c.createIssues([]), []);
  await assert.rejects(c.createIssues(Array.from({ length: 51 }, (_, i) => issue(`x${i}`))), (e: { kind: string }) => e.kind === 'invalid');
});

test('createIssues: a failure of the whole call throws, as any call (401)', async () => {
  const bad = createJiraClient({ baseUrl: emu.url, email: 'alertsync-bot@example.com', apiToken: 'wrong', timeoutMs: 5000, allowInsecure: true });
  try {
    await assert.rejects(bad.createIssues([{ projectKey: 'SEC', issueType: 'Task', summary: 's', description: description(), labels: [], priority: null, assigneeAccountId: null }]), (e: { kind: string; status: number }) => e.kind === 'auth' && e.status === 401);
  } finally {
    await bad.close();
  }
});
