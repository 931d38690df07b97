// Admin webhooks: registration, the events and payload shapes Jira Cloud delivers, signatures,
// delivery headers, retries, and the explicit delivery controls (hold, release in order / reversed
// / seeded shuffle, duplicate, drop).
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import { ADA, BOT_ID, HUGO, HUGO_ID, VERA, adf, startTestEmulator, WebhookReceiver, type TestEmulator } from './harness.js';

const ALL_EVENTS = ['jira:issue_created', 'jira:issue_updated', 'jira:issue_deleted', 'comment_created', 'comment_updated', 'comment_deleted'];

let j: TestEmulator;
let rx: WebhookReceiver;
before(async () => {
  j = await startTestEmulator({ webhookRetry: { maxRetries: 3, backoffMs: [20, 40, 80] } });
});
after(() => j.close());
beforeEach(async () => {
  await j.admin('POST', '/reset');
  rx = await new WebhookReceiver().start();
});
afterEach(() => rx.close());

async function register(extra: Record<string, unknown> = {}): Promise<number> {
  const r = await j.post('/rest/webhooks/1.0/webhook', { name: 'alertsync', url: rx.url, events: ALL_EVENTS, filters: { 'issue-related-events-section': '' }, excludeBody: false, ...extra }, { as: ADA });
  assert.equal(r.status, 201, r.text);
  return Number(String(r.body.self).split('/').pop());
}

async function settle(): Promise<void> {
  await j.admin('POST', '/webhooks/idle');
}

describe('registration (admin webhook REST API)', () => {
  it('an admin registers, lists, reads, updates and deletes; others get 403', async () => {
    const denied = await j.post('/rest/webhooks/1.0/webhook', { name: 'x', url: rx.url, events: ['jira:issue_created'] }, { as: VERA });
    assert.equal(denied.status, 403);
    const id = await register({ filters: { 'issue-related-events-section': 'project = SEC' } });
    const list = await j.get('/rest/webhooks/1.0/webhook', { as: ADA });
    assert.equal(list.body.length, 1);
    assert.equal(list.body[0].filters['issue-related-events-section'], 'project = SEC');
    assert.equal(list.body[0].secret, undefined, 'the secret is never shown');
    const put = await j.put(`/rest/webhooks/1.0/webhook/${id}`, { events: ['comment_created'] }, { as: ADA });
    assert.deepEqual(put.body.events, ['comment_created']);
    assert.equal((await j.delete(`/rest/webhooks/1.0/webhook/${id}`, { as: ADA })).status, 204);
    assert.equal((await j.get(`/rest/webhooks/1.0/webhook/${id}`, { as: ADA })).status, 404);
  });

  it('400 for a bad JQL filter, an unknown event or a bad URL', async () => {
    const jql = await j.post('/rest/webhooks/1.0/webhook', { name: 'x', url: rx.url, events: ['jira:issue_created'], filters: { 'issue-related-events-section': 'project = = SEC' } }, { as: ADA });
    assert.equal(jql.status, 400);
    assert.ok(jql.body.errors.filters);
    const ev = await j.post('/rest/webhooks/1.0/webhook', { name: 'x', url: rx.url, events: ['jira:nope'] }, { as: ADA });
    assert.equal(ev.status, 400);
    const url = await j.post('/rest/webhooks/1.0/webhook', { name: 'x', url: 'not a url', events: ['jira:issue_created'] }, { as: ADA });
    assert.equal(url.status, 400);
  });
});

describe('events and payloads', () => {
  it('jira:issue_created: v2 issue, wiki description, user without email, odd issue.self, headers', async () => {
    await register();
    const { id, key } = await j.createIssue({ description: adf('hello *world*'), labels: ['x'] }, { as: HUGO });
    await rx.waitFor(1);
    const d = rx.received[0]!;
    const p = d.body;
    assert.equal(p.webhookEvent, 'jira:issue_created');
    assert.equal(p.issue_event_type_name, 'issue_created');
    assert.equal(typeof p.timestamp, 'number');
    assert.ok(Math.abs(p.timestamp - Date.now()) < 60_000);
    assert.equal(p.user.accountId, HUGO_ID);
    assert.equal(p.user.emailAddress, undefined);
    assert.equal(p.issue.id, id);
    assert.equal(p.issue.key, key);
    assert.equal(p.issue.self, `${j.url}/rest/api/2/${id}`);
    assert.equal(typeof p.issue.fields.description, 'string');
    // plain text with wiki characters reads escaped in wiki markup (not bold): see smaller.test.ts
    assert.equal(p.issue.fields.description, 'hello \\*world\\*');
    assert.equal(p.issue.fields.reporter.emailAddress, undefined);
    assert.equal(p.issue.fields.status.statusCategory.key, 'new');
    assert.match(d.headers['x-atlassian-webhook-identifier'] as string, /^[0-9a-f-]{36}$/);
    assert.equal(d.headers['x-atlassian-webhook-flow'], 'Primary');
    assert.equal(d.headers['x-atlassian-webhook-retry'], undefined);
    assert.equal(d.headers['x-hub-signature'], undefined, 'unsigned without a secret');
  });

  it('jira:issue_updated for edit (issue_updated), transition (issue_generic), assign (issue_assigned), move (issue_moved)', async () => {
    const { key } = await j.createIssue({ labels: ['a'] });
    await register();
    await j.put(`/rest/api/3/issue/${key}`, { fields: { summary: 'new summary', labels: ['a', 'b'] } }, { as: HUGO });
    await j.post(`/rest/api/3/issue/${key}/transitions`, { transition: { id: '31' } });
    await j.put(`/rest/api/3/issue/${key}/assignee`, { accountId: HUGO_ID });
    await j.post('/rest/api/3/bulk/issues/move', { targetToSourcesMapping: { 'OPS,10001': { inferClassificationDefaults: true, inferFieldDefaults: true, inferStatusDefaults: true, inferSubtaskTypeDefault: true, issueIdsOrKeys: [key] } } });
    await rx.waitFor(4);
    await settle();
    const byType = (t: string) => rx.received.map((d) => d.body).find((p) => p.issue_event_type_name === t);
    const edit = byType('issue_updated');
    assert.equal(edit.user.accountId, HUGO_ID);
    assert.deepEqual(edit.changelog.items.map((i: { field: string }) => i.field), ['summary', 'labels']);
    assert.deepEqual(edit.changelog.items[1], { field: 'labels', fieldtype: 'jira', fieldId: 'labels', from: null, fromString: 'a', to: null, toString: 'a b' });
    assert.match(edit.changelog.id, /^\d+$/);
    const tr = byType('issue_generic');
    const status = tr.changelog.items.find((i: { field: string }) => i.field === 'status');
    assert.deepEqual(status, { field: 'status', fieldtype: 'jira', fieldId: 'status', from: '10000', fromString: 'To Do', to: '10001', toString: 'Done' });
    assert.ok(tr.changelog.items.some((i: { field: string; toString: string }) => i.field === 'resolution' && i.toString === 'Done'));
    assert.equal(tr.issue.fields.status.name, 'Done');
    const asg = byType('issue_assigned');
    assert.deepEqual(asg.changelog.items[0], { field: 'assignee', fieldtype: 'jira', fieldId: 'assignee', from: null, fromString: null, to: HUGO_ID, toString: 'Hugo Hidden', tmpFromAccountId: null, tmpToAccountId: HUGO_ID });
    assert.equal(asg.issue.fields.assignee.accountId, HUGO_ID);
    assert.equal(asg.issue.fields.assignee.emailAddress, undefined);
    const mv = byType('issue_moved');
    const keyItem = mv.changelog.items.find((i: { field: string }) => i.field === 'Key');
    assert.equal(keyItem.fromString, key);
    assert.match(keyItem.toString, /^OPS-\d+$/);
    assert.equal(keyItem.fieldId, undefined);
    const proj = mv.changelog.items.find((i: { field: string }) => i.field === 'project');
    assert.deepEqual([proj.from, proj.to], ['10000', '10001']);
    assert.equal(mv.issue.key, keyItem.toString);
  });

  it('comment_created / comment_updated / comment_deleted: reduced issue, wiki body, no top-level user; plus issue_commented', async () => {
    const { key, id } = await j.createIssue();
    await register();
    const c = await j.post(`/rest/api/3/issue/${key}/comment`, { body: adf('first') });
    await j.put(`/rest/api/3/issue/${key}/comment/${c.body.id as string}`, { body: adf('second') });
    await j.delete(`/rest/api/3/issue/${key}/comment/${c.body.id as string}`);
    await rx.waitFor(6);
    const created = rx.ofEvent('comment_created')[0]!.body;
    assert.equal(created.user, undefined);
    assert.equal(created.issue_event_type_name, undefined);
    assert.equal(created.comment.body, 'first');
    assert.equal(created.comment.author.accountId, BOT_ID);
    assert.equal(created.comment.author.emailAddress, undefined);
    assert.equal(created.comment.self, `${j.url}/rest/api/2/issue/${id}/comment/${c.body.id as string}`);
    assert.deepEqual(Object.keys(created.issue.fields).sort(), ['assignee', 'issuetype', 'priority', 'project', 'status', 'summary']);
    assert.equal(rx.ofEvent('comment_updated')[0]!.body.comment.body, 'second');
    assert.equal(rx.ofEvent('comment_deleted')[0]!.body.comment.id, c.body.id);
    const types = rx.ofEvent('jira:issue_updated').map((d) => d.body.issue_event_type_name).sort();
    assert.deepEqual(types, ['issue_comment_deleted', 'issue_comment_edited', 'issue_commented']);
    assert.equal(rx.ofEvent('jira:issue_updated').find((d) => d.body.issue_event_type_name === 'issue_commented')!.body.comment.body, 'first');
  });

  it('jira:issue_deleted carries the last snapshot; its comments follow as Secondary comment_deleted', async () => {
    const { key, id } = await j.createIssue();
    await j.post(`/rest/api/3/issue/${key}/comment`, { body: adf('c') });
    await register();
    await j.delete(`/rest/api/3/issue/${key}`);
    await rx.waitFor(2);
    const del = rx.ofEvent('jira:issue_deleted')[0]!;
    assert.equal(del.body.issue.id, id);
    assert.equal(del.body.changelog, undefined);
    assert.equal(del.body.issue_event_type_name, undefined);
    assert.equal(rx.ofEvent('comment_deleted')[0]!.headers['x-atlassian-webhook-flow'], 'Secondary');
  });

  it('changes by any user are delivered, and the JQL filter selects issues', async () => {
    await register({ filters: { 'issue-related-events-section': 'project = OPS' } });
    await j.createIssue({ summary: 'sec one' });
    await j.createIssue({ project: { key: 'OPS' }, summary: 'ops one' }, { as: HUGO });
    await j.createIssue({ project: { key: 'OPS' }, summary: 'ops two' }, { as: ADA });
    await settle();
    assert.deepEqual(rx.received.map((d) => d.body.issue.fields.summary).sort(), ['ops one', 'ops two']);
    assert.deepEqual(rx.received.map((d) => d.body.user.displayName).sort(), ['Ada Admin', 'Hugo Hidden']);
    // no email in webhooks, even for a user whose email is visible in REST
    assert.ok(rx.received.every((d) => d.body.user.emailAddress === undefined && d.body.issue.fields.reporter.emailAddress === undefined));
  });

  it('only the registered events are delivered', async () => {
    await register({ events: ['comment_created'] });
    const { key } = await j.createIssue();
    await j.post(`/rest/api/3/issue/${key}/comment`, { body: adf('c') });
    await settle();
    assert.deepEqual(rx.received.map((d) => d.body.webhookEvent), ['comment_created']);
  });
});

describe('signature', () => {
  it('X-Hub-Signature: sha256=<hex HMAC-SHA256 of the raw body> when a secret is set', async () => {
    await register({ secret: 'It5-a-secret' });
    await j.createIssue();
    await rx.waitFor(1);
    const d = rx.received[0]!;
    const expected = `sha256=${createHmac('sha256', 'It5-a-secret').update(d.raw).digest('hex')}`;
    assert.equal(d.headers['x-hub-signature'], expected);
  });
});

describe('retries', () => {
  it('a non-2xx answer is retried with the same identifier and a retry count', async () => {
    await register();
    rx.statuses = [500, 503];
    await j.createIssue();
    await rx.waitFor(3);
    await settle();
    const ids = new Set(rx.received.map((d) => d.headers['x-atlassian-webhook-identifier']));
    assert.equal(ids.size, 1);
    assert.deepEqual(rx.received.map((d) => d.headers['x-atlassian-webhook-retry']), [undefined, '1', '2']);
    assert.equal(rx.received[0]!.raw, rx.received[2]!.raw);
    const attempts = (await j.admin('GET', '/webhooks/attempts')).body;
    assert.deepEqual(attempts.map((a: { status: number }) => a.status), [500, 503, 200]);
  });

  it('a connection failure is retried until maxRetries, then given up', async () => {
    const dead = await new WebhookReceiver().start();
    const url = dead.url;
    await dead.close();
    await register({ url });
    await j.createIssue();
    await settle();
    const attempts = (await j.admin('GET', '/webhooks/attempts')).body;
    assert.equal(attempts.length, 4);
    assert.ok(attempts.every((a: { status: number | null; error?: string }) => a.status === null && a.error));
    assert.deepEqual(attempts.map((a: { retry: number }) => a.retry), [0, 1, 2, 3]);
  });
});

describe('delivery controls', () => {
  async function heldAfter(n: number): Promise<{ queueId: number; identifier: string; issueKey: string }[]> {
    await j.admin('POST', '/webhooks/hold');
    await register({ events: ['jira:issue_created'] });
    for (let i = 0; i < n; i++) await j.createIssue({ summary: `n${i}` });
    const held = (await j.admin('GET', '/webhooks/deliveries')).body;
    assert.equal(held.mode, 'hold');
    assert.equal(held.held.length, n);
    return held.held;
  }
  const summaries = () => rx.received.map((d) => d.body.issue.fields.summary);

  it('hold keeps deliveries back; release sends them in order', async () => {
    await heldAfter(3);
    await settle();
    assert.equal(rx.received.length, 0);
    const r = await j.admin('POST', '/webhooks/release', {});
    assert.equal(r.body.attempts.length, 3);
    assert.deepEqual(summaries(), ['n0', 'n1', 'n2']);
  });

  it('reorder: reversed, or an explicit order', async () => {
    const held = await heldAfter(3);
    await j.admin('POST', '/webhooks/release', { ids: [held[1]!.queueId] });
    await j.admin('POST', '/webhooks/release', { order: 'reverse' });
    assert.deepEqual(summaries(), ['n1', 'n2', 'n0']);
  });

  it('seeded shuffle gives the same order for the same seed', async () => {
    await heldAfter(6);
    await j.admin('POST', '/webhooks/release', { order: 'shuffle', seed: 42 });
    const first = summaries();
    assert.notDeepEqual(first, ['n0', 'n1', 'n2', 'n3', 'n4', 'n5']);
    await j.admin('POST', '/reset');
    rx.received.length = 0;
    await heldAfter(6);
    await j.admin('POST', '/webhooks/release', { order: 'shuffle', seed: 42 });
    assert.deepEqual(summaries(), first);
  });

  it('duplicate: the same delivery twice, same identifier and body', async () => {
    const held = await heldAfter(1);
    const dup = await j.admin('POST', '/webhooks/duplicate', { id: held[0]!.queueId, times: 2 });
    assert.equal(dup.body.queued.length, 2);
    await j.admin('POST', '/webhooks/release', {});
    assert.equal(rx.received.length, 3);
    assert.equal(new Set(rx.received.map((d) => d.headers['x-atlassian-webhook-identifier'])).size, 1);
    assert.equal(new Set(rx.received.map((d) => d.raw)).size, 1);
  });

  it('drop: a dropped delivery never arrives', async () => {
    const held = await heldAfter(3);
    const r = await j.admin('POST', '/webhooks/drop', { ids: [held[0]!.identifier] });
    assert.equal(r.body.dropped, 1);
    await j.admin('POST', '/webhooks/resume');
    await settle();
    assert.deepEqual(summaries(), ['n1', 'n2']);
    // back in auto mode: new changes flow without a release
    await j.createIssue({ summary: 'auto' });
    await rx.waitFor(3);
    assert.equal(summaries()[2], 'auto');
  });

  it('delivery is asynchronous: the REST answer does not wait for the receiver', async () => {
    await register({ events: ['jira:issue_created'] });
    rx.holdResponses = true; // the receiver reads the delivery and does not answer
    const res = await j.post('/rest/api/3/issue', { fields: { project: { key: 'SEC' }, issuetype: { name: 'Task' }, summary: 'async' } });
    assert.equal(res.status, 201);
    await rx.waitFor(1);
    assert.deepEqual((await j.admin('GET', '/webhooks/attempts')).body, [], 'the delivery is still unanswered');
    rx.releaseResponses();
    await settle();
    assert.equal((await j.admin('GET', '/webhooks/attempts')).body[0].status, 200);
  });
});
