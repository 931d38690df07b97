// Two-way sync (issue #12) end to end: the service and the Jira emulator over real HTTP. Changes
// are made in the emulator as Jira users would (REST v3 with their own tokens); the emulator sends
// its signed admin webhooks to the service, which applies them to the alert. Results are read back
// through the API (the alert) and from the emulator's store (the issues).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startEmulator, type RunningEmulator } from '../../src/jira/emulator/index.js';
import { DB_KINDS, startTestService, type TestService } from '../support/service.js';
import { createEmulatorDestination, waitFor } from '../support/delivery.js';
import { ADA, HUGO, doc, jiraUser, para, registerWebhook, txt } from '../support/jira-user.js';

const MAPPING = { OPEN: 'To Do', TRIAGED: 'In Progress', RESOLVED: 'Done', CLOSED: 'Done' };
const ENV = { ALERTSYNC_ALLOW_INSECURE_JIRA: '1', ALERTSYNC_WORKER_POLL_MS: '50', ALERTSYNC_RETRY_BASE_MS: '50', ALERTSYNC_RETRY_MAX_MS: '200', ALERTSYNC_CREATE_RECHECK_MS: '200' };

type Detail = { alert: { status: string; assigneeId: string | null }; comments: Array<{ id: string; body: string; origin: string }>; history: Array<{ kind: string; origin: string; actor: { type: string } }> };

async function twoWayDestination(svc: TestService, emu: RunningEmulator, name: string, sync: Record<string, string>): Promise<string> {
  const r = await svc.api('POST', '/api/destinations', {
    name,
    domain: emu.url,
    issueType: 'Task',
    projectKey: 'SEC',
    email: 'alertsync-bot@example.com',
    apiToken: 'ATATT-emulator-alertsync-bot',
    sync,
    statusMapping: MAPPING,
  });
  assert.equal(r.status, 201, r.text);
  const id = r.body.destination.id as string;
  if (r.body.webhook) await registerWebhook(emu, `${svc.url}/webhooks/jira/${id}`, r.body.webhook.secret as string, id);
  return id;
}

async function linkKeys(svc: TestService, alertId: string, n: number): Promise<Map<string, string>> {
  return waitFor(`${n} issues of ${alertId}`, async () => {
    const r = await svc.api('GET', `/api/alerts/${alertId}/deliveries`);
    const links = r.body.links as Array<{ destinationId: string; issueKey: string }>;
    return links.length === n ? new Map(links.map((l) => [l.destinationId, l.issueKey])) : null;
  });
}

const detail = async (svc: TestService, id: string): Promise<Detail> => (await svc.api('GET', `/api/alerts/${id}`)).body as Detail;

/** Waits until no job of the service is pending or running and the emulator has no webhook in flight. */
async function quiet(svc: TestService): Promise<void> {
  let calm = 0;
  await waitFor('the sync to go quiet', async () => {
    const r = await svc.api('GET', '/api/deliveries?state=pending&limit=1');
    const r2 = await svc.api('GET', '/api/deliveries?state=running&limit=1');
    const busy = (r.body.items?.length ?? r.body.length ?? 0) + (r2.body.items?.length ?? r2.body.length ?? 0);
    calm = busy === 0 ? calm + 1 : 0;
    return calm >= 6;
  }, 60_000, 100);
}

for (const db of DB_KINDS) {
  test(`Jira changes reach the alert only where the aspect is two_way; comments created, edited, deleted [${db}]`, async () => {
    // Only one destination per Jira site may sync two-way: three emulated sites.
    const emus = [await startEmulator(), await startEmulator(), await startEmulator()];
    const svc = await startTestService(db, ENV);
    try {
      const ada = await svc.api('POST', '/api/users', { email: ADA.email, name: 'Ada', role: 'analyst' });
      assert.equal(ada.status, 201, ada.text);
      // Each aspect in each mode once (a Latin square of three destinations).
      const A = await twoWayDestination(svc, emus[0]!, 'A', { status: 'two_way', assignee: 'one_way', comments: 'off' });
      const B = await twoWayDestination(svc, emus[1]!, 'B', { status: 'one_way', assignee: 'off', comments: 'two_way' });
      const C = await twoWayDestination(svc, emus[2]!, 'C', { status: 'off', assignee: 'two_way', comments: 'one_way' });
      const emuOf = new Map([[A, emus[0]!], [B, emus[1]!], [C, emus[2]!]]);
      const created = await svc.api('POST', '/api/alerts', { title: 'Root login', severity: 'HIGH', type: 'RULE' });
      const id = created.body.id as string;
      const keys = await linkKeys(svc, id, 3);
      await quiet(svc);
      const jira = (d: string) => jiraUser(emuOf.get(d)!, ADA.email);

      for (const d of [B, C]) await jira(d).transition(keys.get(d)!, 'In Progress');
      for (const d of [A, B]) await jira(d).assign(keys.get(d)!, ADA.accountId);
      for (const d of [A, C]) await jira(d).comment(keys.get(d)!, doc(para(txt('not carried'))));
      await quiet(svc);
      let a = await detail(svc, id);
      assert.equal(a.alert.status, 'OPEN', 'status changed only on B (one_way) and C (off)');
      assert.equal(a.alert.assigneeId, null, 'assigned only on A (one_way) and B (off)');
      assert.deepEqual(a.comments, [], 'comments only on A (off) and C (one_way)');

      await jira(A).transition(keys.get(A)!, 'In Progress');
      await jira(C).assign(keys.get(C)!, ADA.accountId);
      const jc = await jira(B).comment(keys.get(B)!, doc(para(txt('Looks like '), txt('a real', 'strong'), txt(' login'))));
      a = await waitFor('the three changes on the alert', async () => {
        const x = await detail(svc, id);
        return x.alert.status === 'TRIAGED' && x.alert.assigneeId === ada.body.id && x.comments.length === 1 ? x : null;
      });
      assert.equal(a.comments[0]!.body, '\\[Ada Admin] commented on Jira:\n\nLooks like **a real** login');
      assert.equal(a.comments[0]!.origin, `destination:${B}`);
      const fromJira = a.history.filter((h) => h.origin.startsWith('destination:'));
      assert.deepEqual(fromJira.map((h) => `${h.kind} ${h.origin}`).sort(), [`assignee destination:${C}`, `comment_added destination:${B}`, `status destination:${A}`].sort());

      await jira(B).editComment(keys.get(B)!, jc, doc(para(txt('Edited: '), txt('false alarm', 'em'))));
      a = await waitFor('the edit on the alert', async () => {
        const x = await detail(svc, id);
        return x.comments[0]?.body.includes('Edited') ? x : null;
      });
      assert.equal(a.comments[0]!.body, '\\[Ada Admin] commented on Jira:\n\nEdited: _false alarm_');
      await jira(B).deleteComment(keys.get(B)!, jc);
      await waitFor('the delete on the alert', async () => ((await detail(svc, id)).comments.length === 0 ? true : null));
      await quiet(svc);

      // Passed on by the other destinations' own modes, never back: the comment went to C (one_way),
      // the assignee to A (one_way), the status to B (one_way); nothing came back to its origin.
      const issue = (d: string) => [...emuOf.get(d)!.emulator.store.issues.values()].find((i) => i.key === keys.get(d))!;
      const statusOf = (d: string) => emuOf.get(d)!.emulator.store.statuses.get(issue(d).statusId)!.name;
      assert.equal(statusOf(B), 'In Progress');
      assert.equal(issue(A).assigneeId, ADA.accountId);
      const carried = (d: string) => issue(d).comments.filter((c) => JSON.stringify(c.body).includes('Looks like') || JSON.stringify(c.body).includes('Edited'));
      assert.equal(carried(B).length, 0, 'deleted in Jira');
      assert.equal(carried(C).length, 0, 'carried to C, then its delete too');
      const h = await detail(svc, id);
      assert.equal(h.history.filter((x) => x.origin.startsWith('destination:')).length, 5, 'status, assignee, comment added, edited, deleted: each once');
    } finally {
      await svc.stop();
      for (const e of emus) await e.close();
    }
  });
}

test('formatting: a Jira comment keeps bold, italic, strike, links, code, quotes, lists; a table and an image become text', async () => {
  const emu = await startEmulator();
  const svc = await startTestService('sqlite', ENV);
  try {
    const B = await twoWayDestination(svc, emu, 'B', { status: 'off', assignee: 'off', comments: 'two_way' });
    const id = (await svc.api('POST', '/api/alerts', { title: 'Formats', severity: 'LOW', type: 'RULE' })).body.id as string;
    const key = (await linkKeys(svc, id, 1)).get(B)!;
    const jira = jiraUser(emu, ADA.email);
    await jira.comment(
      key,
      doc(
        para(txt('b', 'strong'), txt(' '), txt('i', 'em'), txt(' '), txt('s', 'strike'), txt(' '), { type: 'text', text: 'site', marks: [{ type: 'link', attrs: { href: 'https://example.com/x' } }] }),
        { type: 'codeBlock', attrs: { language: 'bash' }, content: [txt('whoami')] },
        { type: 'blockquote', content: [para(txt('quoted'))] },
        { type: 'bulletList', content: [{ type: 'listItem', content: [para(txt('one'))] }, { type: 'listItem', content: [para(txt('two'))] }] },
        { type: 'orderedList', content: [{ type: 'listItem', content: [para(txt('first'))] }] },
        { type: 'table', content: [{ type: 'tableRow', content: [{ type: 'tableCell', content: [para(txt('cellA'))] }, { type: 'tableCell', content: [para(txt('cellB'))] }] }] },
        { type: 'mediaSingle', content: [{ type: 'media', attrs: { type: 'external', url: 'https://example.com/shot.png', alt: 'screenshot' } }] },
      ),
    );
    const body = await waitFor('the comment on the alert', async () => (await detail(svc, id)).comments[0]?.body);
    for (const want of ['**b**', '_i_', '~~s~~', '[site](https://example.com/x)', '```', 'whoami', '> quoted', '- one', '- two', '1. first', 'cellA', 'cellB']) assert.ok(body.includes(want), `${JSON.stringify(body)} should include ${want}`);
    assert.ok(!/^\s*\|/m.test(body) && !/---/.test(body), `the table is text, not a Markdown table: ${body}`);
    assert.ok(!body.includes('!['), `the image is not an image: ${body}`);
  } finally {
    await svc.stop();
    await emu.close();
  }
});

test('a hidden-email Jira user is resolved by the manual mapping', async () => {
  const emu = await startEmulator();
  const svc = await startTestService('sqlite', ENV);
  try {
    const hugo = await svc.api('POST', '/api/users', { email: HUGO.email, name: 'Hugo', role: 'analyst' });
    const C = await twoWayDestination(svc, emu, 'C', { status: 'off', assignee: 'two_way', comments: 'off' });
    const id = (await svc.api('POST', '/api/alerts', { title: 'Hidden', severity: 'LOW', type: 'RULE' })).body.id as string;
    const key = (await linkKeys(svc, id, 1)).get(C)!;
    await quiet(svc);
    const jira = jiraUser(emu, ADA.email);
    await jira.assign(key, HUGO.accountId);
    const row = await waitFor('the event applied', async () => (await svc.service.inbox.list(C)).find((e) => e.state === 'applied' && e.payload.includes(HUGO.accountId)));
    assert.match(row.reason ?? '', /hides the e-mail/);
    assert.equal((await detail(svc, id)).alert.assigneeId, null);

    // The setup view: what to register, the last delivery received, the last one refused.
    let setup = (await svc.api('GET', `/api/destinations/${C}/webhook`)).body;
    assert.equal(setup.url, `https://alertsync.test/webhooks/jira/${C}`);
    assert.deepEqual(setup.events, ['jira:issue_updated', 'comment_created', 'comment_updated', 'comment_deleted']);
    assert.equal(setup.jqlFilter, `labels = alertsync-dest-${C}`);
    assert.equal(setup.lastReceived.event, 'jira:issue_updated');
    assert.equal(setup.lastReceived.auth, 'signature');
    assert.equal(setup.lastRefused, null);
    const bad = await fetch(`${svc.url}/webhooks/jira/${C}`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-hub-signature': 'sha256=' + '0'.repeat(64) }, body: '{}' });
    assert.equal(bad.status, 401);
    setup = (await svc.api('GET', `/api/destinations/${C}/webhook`)).body;
    assert.equal(setup.lastRefused.status, 401);
    assert.match(setup.lastRefused.reason, /does not match/);

    const host = new URL(emu.url).host;
    const m = await svc.api('PUT', `/api/jira-sites/${host}/account-mappings/${hugo.body.id}`, { accountId: HUGO.accountId });
    assert.ok(m.status === 200 || m.status === 201, m.text);
    await jira.assign(key, null);
    await jira.assign(key, HUGO.accountId);
    await waitFor('Hugo on the alert', async () => ((await detail(svc, id)).alert.assigneeId === hugo.body.id ? true : null));
  } finally {
    await svc.stop();
    await emu.close();
  }
});

for (const db of DB_KINDS) {
  test(`the same deliveries twice and in reverse order: the alert ends at the issue's last state (no reconciler) [${db}]`, async () => {
    const emu = await startEmulator();
    const svc = await startTestService(db, { ...ENV, ALERTSYNC_RECONCILE_INTERVAL_MS: '0' });
    try {
      const ada = await svc.api('POST', '/api/users', { email: ADA.email, name: 'Ada', role: 'analyst' });
      const T = await twoWayDestination(svc, emu, 'T', { status: 'two_way', assignee: 'two_way', comments: 'two_way' });
      const id = (await svc.api('POST', '/api/alerts', { title: 'Reorder', severity: 'LOW', type: 'RULE' })).body.id as string;
      const key = (await linkKeys(svc, id, 1)).get(T)!;
      await quiet(svc);
      emu.emulator.dispatcher.setMode('hold');
      const jira = jiraUser(emu, ADA.email);
      await jira.transition(key, 'In Progress');
      await jira.assign(key, ADA.accountId);
      const cid = await jira.comment(key, doc(para(txt('first words'))));
      await jira.transition(key, 'Done');
      await jira.assign(key, null);
      await jira.editComment(key, cid, doc(para(txt('second words'))));
      await jira.transition(key, 'In Progress');
      await jira.assign(key, ADA.accountId);
      await jira.editComment(key, cid, doc(para(txt('last words'))));
      for (const d of emu.emulator.dispatcher.heldDeliveries()) emu.emulator.dispatcher.duplicate(d.queueId, 1);
      emu.emulator.dispatcher.setMode('auto');
      await emu.emulator.dispatcher.release({ order: 'reverse' });
      await quiet(svc);
      const a = await detail(svc, id);
      assert.equal(a.alert.status, 'TRIAGED');
      assert.equal(a.alert.assigneeId, ada.body.id);
      assert.deepEqual(a.comments.map((c) => c.body), ['\\[Ada Admin] commented on Jira:\n\nlast words']);
      const fromJira = a.history.filter((h) => h.origin === `destination:${T}`).map((h) => h.kind);
      assert.deepEqual(fromJira.sort(), ['assignee', 'comment_added', 'status'], 'the newest event of each field applied once; older ones and copies dropped');
    } finally {
      await svc.stop();
      await emu.close();
    }
  });
}
