// One-way sync (issue #11) end to end: the service and the Jira emulator over real HTTP; every
// result is read back from the emulator's store (Jira's own truth), not from our tables.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startEmulator, type RunningEmulator } from '../../src/jira/emulator/index.js';
import { DB_KINDS, startTestService, type TestService } from '../support/service.js';
import { createEmulatorDestination, issuesForAlert, waitFor } from '../support/delivery.js';

const SEC_MAPPING = { OPEN: 'To Do', TRIAGED: 'In Progress', RESOLVED: 'Done', CLOSED: 'Done' };
const OPS_MAPPING = { OPEN: 'To Do', TRIAGED: 'In Progress', RESOLVED: 'In Review', CLOSED: 'Closed' };
const ADA = '5b10ac8d82e05b22cc7d4ef5';
const HUGO = '5d53f3cbc6b9320d9ea5bdc2';
const ENV = { ALERTSYNC_ALLOW_INSECURE_JIRA: '1', ALERTSYNC_WORKER_POLL_MS: '50', ALERTSYNC_RETRY_BASE_MS: '50', ALERTSYNC_RETRY_MAX_MS: '200', ALERTSYNC_CREATE_RECHECK_MS: '200' };

type Issue = ReturnType<typeof issuesForAlert>[number];

function statusName(emu: RunningEmulator, issue: Issue): string {
  return emu.emulator.store.statuses.get(issue.statusId)!.name;
}

/** All the text of an ADF document. */
function text(node: unknown): string {
  if (!node || typeof node !== 'object') return '';
  const n = node as { text?: string; content?: unknown[] };
  return (n.text ?? '') + (n.content ?? []).map(text).join(n.content && (node as { type?: string }).type === 'doc' ? '\n' : '');
}

async function issueOf(svc: TestService, emu: RunningEmulator, alertId: string, destinationId: string): Promise<Issue> {
  const link = await waitFor(`the issue of ${alertId}`, async () => {
    const r = await svc.api('GET', `/api/alerts/${alertId}/deliveries`);
    return (r.body.links as Array<{ destinationId: string; issueId: string }>).find((l) => l.destinationId === destinationId);
  });
  return emu.emulator.store.issues.get(link.issueId)!;
}

/** Waits until no job of the alert is still to run (pending, running). */
async function settled(svc: TestService, alertId: string): Promise<Array<{ kind: string; state: string; lastError: string | null; destinationId: string }>> {
  return waitFor('the alert\'s jobs to settle', async () => {
    const r = await svc.api('GET', `/api/alerts/${alertId}/deliveries`);
    const jobs = r.body.jobs as Array<{ kind: string; state: string; lastError: string | null; destinationId: string }>;
    return jobs.every((j) => j.state !== 'pending' && j.state !== 'running') ? jobs : null;
  }, 30_000);
}

for (const db of DB_KINDS) {
  test(`each aspect reaches the issue in one_way and two_way, never in off [${db}]`, async () => {
    const emu = await startEmulator();
    const svc = await startTestService(db, ENV);
    try {
      const modes = ['off', 'one_way', 'two_way'] as const;
      const dest: Record<string, string> = {};
      for (const m of modes) dest[m] = await createEmulatorDestination(svc, emu, { name: `sync ${m}`, sync: { status: m, assignee: m, comments: m }, statusMapping: SEC_MAPPING });
      const ada = await svc.api('POST', '/api/users', { email: 'ada.admin@example.com', name: 'Ada', role: 'analyst' });
      assert.equal(ada.status, 201, ada.text);
      const alert = await svc.api('POST', '/api/alerts', { title: 'Root login', severity: 'HIGH', type: 'RULE' });
      const id = alert.body.id as string;
      const issues = Object.fromEntries(await Promise.all(modes.map(async (m) => [m, await issueOf(svc, emu, id, dest[m]!)] as const)));

      assert.equal((await svc.api('PUT', `/api/alerts/${id}/status`, { status: 'TRIAGED' })).status, 200);
      assert.equal((await svc.api('PUT', `/api/alerts/${id}/assignee`, { email: 'ada.admin@example.com' })).status, 200);
      const c = await svc.api('POST', `/api/alerts/${id}/comments`, { body: 'First look: **root** login from `10.0.0.1`' });
      assert.equal(c.status, 201, c.text);
      const c2 = await svc.api('POST', `/api/alerts/${id}/comments`, { body: 'to be removed' });
      assert.equal((await svc.api('PUT', `/api/alerts/${id}/comments/${c.body.id}`, { body: 'First look: **root** login from `10.0.0.2`' })).status, 200);
      assert.equal((await svc.api('DELETE', `/api/alerts/${id}/comments/${c2.body.id}`)).status, 204);
      const jobs = await settled(svc, id);
      assert.deepEqual(jobs.filter((j) => j.state !== 'done').map((j) => `${j.kind}: ${j.lastError}`), []);

      for (const m of modes) {
        const issue = issues[m]!;
        const comments = issue.comments.map((x) => text(x.body));
        if (m === 'off') {
          assert.equal(statusName(emu, issue), 'To Do', 'off: status untouched');
          assert.equal(issue.assigneeId, null, 'off: assignee untouched');
          assert.deepEqual(comments, [], 'off: no comment');
          continue;
        }
        assert.equal(statusName(emu, issue), 'In Progress', `${m}: status`);
        assert.equal(issue.assigneeId, ADA, `${m}: assignee`);
        const synced = comments.filter((t) => t.includes('commented on alertsync'));
        assert.equal(synced.length, 1, `${m}: one comment left (the other deleted): ${JSON.stringify(comments)}`);
        assert.match(synced[0]!, /10\.0\.0\.2/, `${m}: the edit reached Jira`);
        assert.ok(comments.some((t) => /changed the status from OPEN to TRIAGED in alertsync/.test(t)), `${m}: the status comment: ${JSON.stringify(comments)}`);
        const prop = issue.comments.find((x) => text(x.body).includes('commented on alertsync'))!.properties.get('alertsync') as { commentId: string };
        assert.equal(prop.commentId, c.body.id, 'the Jira comment names the alertsync comment');
      }

      // Unassigning the alert unassigns the issue.
      assert.equal((await svc.api('PUT', `/api/alerts/${id}/assignee`, {})).status, 200);
      await waitFor('the unassignment', () => issues.one_way!.assigneeId === null && issues.two_way!.assigneeId === null);
    } finally {
      await svc.close();
      await emu.close();
    }
  });
}

test('status through the OPS workflow: three hops with the resolution filled; a removed path is a clear error [sqlite]', async () => {
  const emu = await startEmulator();
  const svc = await startTestService('sqlite', ENV);
  try {
    const d = await createEmulatorDestination(svc, emu, { projectKey: 'OPS', sync: { status: 'one_way', assignee: 'off', comments: 'off' }, statusMapping: OPS_MAPPING });
    const a = (await svc.api('POST', '/api/alerts', { title: 'disk full', severity: 'HIGH', type: 'RULE' })).body.id as string;
    const issue = await issueOf(svc, emu, a, d);
    assert.equal((await svc.api('PUT', `/api/alerts/${a}/status`, { status: 'CLOSED' })).status, 200);
    await waitFor('Closed in Jira', () => statusName(emu, issue) === 'Closed');
    assert.ok(issue.resolutionId, 'the resolution was filled');
    const hops = (issue.changelog ?? []).flatMap((h: { items: Array<{ field: string; toString: string | null }> }) => h.items).filter((i) => i.field === 'status').map((i) => i.toString);
    assert.deepEqual(hops, ['In Progress', 'In Review', 'Closed']);
    await waitFor('the status comment', () => issue.comments.some((c) => /changed the status from OPEN to CLOSED/.test(text(c.body))));

    // A Jira admin removes "Close": no path to Closed any more.
    const ops = [...emu.emulator.store.projects.values()].find((p) => p.key === 'OPS')!;
    ops.workflow.transitions = ops.workflow.transitions.filter((t) => t.name !== 'Close');
    const b = (await svc.api('POST', '/api/alerts', { title: 'disk full again', severity: 'HIGH', type: 'RULE' })).body.id as string;
    const issueB = await issueOf(svc, emu, b, d);
    assert.equal((await svc.api('PUT', `/api/alerts/${b}/status`, { status: 'CLOSED' })).status, 200);
    const jobs = await settled(svc, b);
    const failed = jobs.find((j) => j.kind === 'sync_status');
    assert.equal(failed?.state, 'failed');
    assert.match(failed!.lastError!, /cannot move OPS-\d+ to "Closed"/);
    assert.equal((await svc.api('GET', `/api/alerts/${b}`)).body.alert?.status ?? (await svc.api('GET', `/api/alerts/${b}`)).body.status, 'CLOSED', 'the alert keeps the status the user set');
    const dest = await svc.api('GET', `/api/destinations/${d}`);
    assert.match(JSON.stringify(dest.body), /cannot move OPS-\d+ to \\"Closed\\"/, 'the destination shows the error');
    assert.notEqual(statusName(emu, issueB), 'Closed');
  } finally {
    await svc.close();
    await emu.close();
  }
});

test('assignee: hidden email leaves the issue and says why; a manual mapping wins; a user Jira will not assign shows its message [sqlite]', async () => {
  const emu = await startEmulator();
  const svc = await startTestService('sqlite', ENV);
  try {
    const d = await createEmulatorDestination(svc, emu, { sync: { status: 'off', assignee: 'one_way', comments: 'off' } });
    const hugo = (await svc.api('POST', '/api/users', { email: 'hugo.hidden@example.com', name: 'Hugo', role: 'analyst' })).body;
    const vera = (await svc.api('POST', '/api/users', { email: 'vera.viewer@example.com', name: 'Vera', role: 'analyst' })).body;
    const a = (await svc.api('POST', '/api/alerts', { title: 'assign me', severity: 'HIGH', type: 'RULE' })).body.id as string;
    const issue = await issueOf(svc, emu, a, d);

    assert.equal((await svc.api('PUT', `/api/alerts/${a}/assignee`, { userId: hugo.id })).status, 200);
    let jobs = await settled(svc, a);
    const hidden = jobs.find((j) => j.kind === 'sync_assignee')!;
    assert.equal(hidden.state, 'failed');
    assert.match(hidden.lastError!, /hugo\.hidden@example\.com/);
    assert.match(hidden.lastError!, /account-mappings/);
    assert.equal(issue.assigneeId, null, 'the issue is left as it is');

    const host = new URL(emu.url).host;
    const m = await svc.api('PUT', `/api/jira-sites/${encodeURIComponent(host)}/account-mappings/${hugo.id}`, { accountId: HUGO });
    assert.equal(m.status, 200, m.text);
    await svc.api('PUT', `/api/alerts/${a}/assignee`, {});
    assert.equal((await svc.api('PUT', `/api/alerts/${a}/assignee`, { userId: hugo.id })).status, 200);
    await waitFor('Hugo assigned by the mapping', () => issue.assigneeId === HUGO);

    assert.equal((await svc.api('PUT', `/api/alerts/${a}/assignee`, { userId: vera.id })).status, 200);
    jobs = await settled(svc, a);
    const refused = jobs.filter((j) => j.kind === 'sync_assignee' && j.state === 'failed' && /cannot be assigned issues/.test(j.lastError ?? ''));
    assert.equal(refused.length, 1, `Jira's own message is on the delivery: ${JSON.stringify(jobs)}`);
    assert.equal(issue.assigneeId, HUGO);
  } finally {
    await svc.close();
    await emu.close();
  }
});

test('a sync change does not wait for the duplicate sweep that follows a create whose answer was lost [sqlite]', async () => {
  const emu = await startEmulator();
  const svc = await startTestService('sqlite', { ...ENV, ALERTSYNC_SWEEP_DELAY_MS: '3600000', ALERTSYNC_JIRA_TIMEOUT_MS: '1000' });
  try {
    const d = await createEmulatorDestination(svc, emu, { sync: { status: 'one_way', assignee: 'off', comments: 'off' }, statusMapping: SEC_MAPPING });
    // The create's answer is lost (Jira stored the issue): the job finds it by its labels, and a
    // duplicate sweep is scheduled an hour later.
    emu.emulator.configureFaults({ lostAnswers: { count: 1, mode: 'destroy', match: { method: 'POST' } } });
    const a = (await svc.api('POST', '/api/alerts', { title: 'lost answer', severity: 'HIGH', type: 'RULE' })).body.id as string;
    const issue = await issueOf(svc, emu, a, d);
    const jobs = (await svc.api('GET', `/api/alerts/${a}/deliveries`)).body.jobs as Array<{ kind: string; state: string }>;
    assert.ok(jobs.some((j) => j.kind === 'sweep_duplicates' && j.state === 'pending'), `a sweep waits: ${JSON.stringify(jobs)}`);
    assert.equal((await svc.api('PUT', `/api/alerts/${a}/status`, { status: 'TRIAGED' })).status, 200);
    await waitFor('the status in Jira before the sweep', () => statusName(emu, issue) === 'In Progress', 20_000);
  } finally {
    await svc.close();
    await emu.close();
  }
});

test('a change made before the issue exists waits for the create; a comment create whose answer is lost is posted once; turning an aspect on later does not replay [sqlite]', async () => {
  const emu = await startEmulator();
  const svc = await startTestService('sqlite', ENV);
  try {
    const d = await createEmulatorDestination(svc, emu, { sync: { status: 'one_way', assignee: 'off', comments: 'one_way' }, statusMapping: SEC_MAPPING });
    // Hold the create inside Jira (stored, not answered) while the alert changes.
    emu.emulator.configureFaults({ createHook: true });
    const a = (await svc.api('POST', '/api/alerts', { title: 'early changes', severity: 'HIGH', type: 'RULE' })).body.id as string;
    assert.ok(await emu.emulator.createHook.next(20_000), 'the create is held');
    assert.equal((await svc.api('PUT', `/api/alerts/${a}/status`, { status: 'TRIAGED' })).status, 200);
    assert.equal((await svc.api('POST', `/api/alerts/${a}/comments`, { body: 'before the issue' })).status, 201);
    emu.emulator.configureFaults({});
    emu.emulator.createHook.releaseAll('send');
    const issue = await issueOf(svc, emu, a, d);
    await waitFor('the early changes on the issue', () => statusName(emu, issue) === 'In Progress' && issue.comments.some((c) => text(c.body).includes('before the issue')));

    // The next comment create: Jira stores it, its answer is lost; the retry finds it by its property.
    emu.emulator.configureFaults({ lostAnswers: { count: 1, mode: 'destroy', match: { method: 'POST', path: `/rest/api/3/issue/${issue.key}/comment` } } });
    assert.equal((await svc.api('POST', `/api/alerts/${a}/comments`, { body: 'lost answer' })).status, 201);
    await waitFor('the job done', async () => ((await svc.api('GET', `/api/alerts/${a}/deliveries`)).body.jobs as Array<{ kind: string; state: string }>).every((j) => j.state === 'done' || j.kind === 'sweep_duplicates'));
    assert.equal(issue.comments.filter((c) => text(c.body).includes('lost answer')).length, 1, 'posted once');
    const attempts = (await svc.api('GET', `/api/alerts/${a}/deliveries`)).body.attempts as Array<{ request: string; outcome: string }>;
    assert.ok(attempts.some((x) => x.request === 'getCommentsWithProperties' && x.outcome === 'found'), `the retry looked first: ${JSON.stringify(attempts.map((x) => `${x.request}:${x.outcome}`))}`);

    // Assignee sync is off: an assignment queues nothing; turning it on does not replay it.
    const ada = (await svc.api('POST', '/api/users', { email: 'ada.admin@example.com', name: 'Ada', role: 'analyst' })).body;
    assert.equal((await svc.api('PUT', `/api/alerts/${a}/assignee`, { userId: ada.id })).status, 200);
    const on = await svc.api('PATCH', `/api/destinations/${d}`, { sync: { status: 'one_way', assignee: 'one_way', comments: 'one_way' } });
    assert.equal(on.status, 200, on.text);
    assert.equal((await svc.api('POST', `/api/alerts/${a}/comments`, { body: 'after turning assignee on' })).status, 201);
    await waitFor('the later comment', () => issue.comments.some((c) => text(c.body).includes('after turning assignee on')));
    const jobs = (await svc.api('GET', `/api/alerts/${a}/deliveries`)).body.jobs as Array<{ kind: string }>;
    assert.equal(jobs.filter((j) => j.kind === 'sync_assignee').length, 0, 'no assignee job: history is not replayed');
    assert.equal(issue.assigneeId, null);
  } finally {
    await svc.close();
    await emu.close();
  }
});

test("the destination's statusResolution fills the Close screen; one the screen does not offer is a clear error [sqlite]", async () => {
  const emu = await startEmulator();
  const svc = await startTestService('sqlite', ENV);
  try {
    const d = await createEmulatorDestination(svc, emu, { projectKey: 'OPS', sync: { status: 'one_way', assignee: 'off', comments: 'off' }, statusMapping: OPS_MAPPING, statusResolution: "won't do" });
    assert.equal((await svc.api('GET', `/api/destinations/${d}`)).body.destination?.statusResolution ?? (await svc.api('GET', `/api/destinations/${d}`)).body.statusResolution, "won't do");
    const a = (await svc.api('POST', '/api/alerts', { title: 'wont do', severity: 'HIGH', type: 'RULE' })).body.id as string;
    const issue = await issueOf(svc, emu, a, d);
    assert.equal((await svc.api('PUT', `/api/alerts/${a}/status`, { status: 'CLOSED' })).status, 200);
    await waitFor('Closed', () => statusName(emu, issue) === 'Closed');
    assert.equal(issue.resolutionId, '10001', "the setting's resolution (Won't Do), matched by name ignoring case");

    assert.equal((await svc.api('PATCH', `/api/destinations/${d}`, { statusResolution: 'Fixed' })).status, 200);
    const b = (await svc.api('POST', '/api/alerts', { title: 'fixed?', severity: 'HIGH', type: 'RULE' })).body.id as string;
    const issueB = await issueOf(svc, emu, b, d);
    assert.equal((await svc.api('PUT', `/api/alerts/${b}/status`, { status: 'CLOSED' })).status, 200);
    const jobs = await settled(svc, b);
    const failed = jobs.find((j) => j.kind === 'sync_status')!;
    assert.equal(failed.state, 'failed');
    assert.match(failed.lastError!, /"Fixed" set on the destination is not offered/);
    assert.notEqual(statusName(emu, issueB), 'Closed');
  } finally {
    await svc.close();
    await emu.close();
  }
});
