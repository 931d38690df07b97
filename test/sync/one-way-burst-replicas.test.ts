// One-way sync: a burst of changes while Jira is down collapses to the final state (one transition
// path, one assignment) with every comment once and in order; and two replicas on PostgreSQL
// sharing the work post no comment twice. Read back from the emulator.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startEmulator } from '../../src/jira/emulator/index.js';
import { startTestService } from '../support/service.js';
import { startReplicas } from '../support/replicas.js';
import { BOT, createEmulatorDestination, issuesForAlert, waitFor } from '../support/delivery.js';

const SEC_MAPPING = { OPEN: 'To Do', TRIAGED: 'In Progress', RESOLVED: 'Done', CLOSED: 'Done' };
const ALL_ONE_WAY = { status: 'one_way', assignee: 'one_way', comments: 'one_way' };
const ADA = '5b10ac8d82e05b22cc7d4ef5';

function text(node: unknown): string {
  if (!node || typeof node !== 'object') return '';
  const n = node as { text?: string; content?: unknown[] };
  return (n.text ?? '') + (n.content ?? []).map(text).join('');
}

type Issue = ReturnType<typeof issuesForAlert>[number];
const changes = (issue: Issue, field: string) => issue.changelog.flatMap((h) => h.items).filter((i) => i.field === field);

test('a burst of 50 status and assignee changes while Jira answers 503 ends in the final state: one transition path, one assignment, every comment once and in order [sqlite]', async () => {
  const emu = await startEmulator();
  const svc = await startTestService('sqlite', { ALERTSYNC_ALLOW_INSECURE_JIRA: '1', ALERTSYNC_WORKER_POLL_MS: '50', ALERTSYNC_RETRY_BASE_MS: '50', ALERTSYNC_RETRY_MAX_MS: '300' });
  try {
    const d = await createEmulatorDestination(svc, emu, { sync: ALL_ONE_WAY, statusMapping: SEC_MAPPING });
    const ada = (await svc.api('POST', '/api/users', { email: 'ada.admin@example.com', name: 'Ada', role: 'analyst' })).body;
    const vera = (await svc.api('POST', '/api/users', { email: 'vera.viewer@example.com', name: 'Vera', role: 'analyst' })).body;
    const a = (await svc.api('POST', '/api/alerts', { title: 'bursty', severity: 'HIGH', type: 'RULE' })).body.id as string;
    await waitFor('the issue', () => issuesForAlert(emu, a).length === 1 && (svc.api('GET', `/api/alerts/${a}/deliveries`).then((r) => r.body.links.length === 1)));
    const issue = issuesForAlert(emu, a)[0]!;

    emu.emulator.configureFaults({ serverErrors: { rate: 1 } });
    const statuses = ['TRIAGED', 'OPEN', 'RESOLVED', 'TRIAGED', 'CLOSED'] as const;
    const comments: string[] = [];
    for (let i = 0; i < 50; i++) {
      if (i % 2 === 0) assert.equal((await svc.api('PUT', `/api/alerts/${a}/status`, { status: statuses[(i / 2) % statuses.length] })).status, 200);
      else assert.equal((await svc.api('PUT', `/api/alerts/${a}/assignee`, { userId: i % 4 === 1 ? vera.id : ada.id })).status, 200);
      if (i % 10 === 5) {
        const body = `burst comment ${comments.length}`;
        assert.equal((await svc.api('POST', `/api/alerts/${a}/comments`, { body })).status, 201);
        comments.push(body);
      }
    }
    // Last: RESOLVED (Done) and Ada.
    assert.equal((await svc.api('PUT', `/api/alerts/${a}/status`, { status: 'RESOLVED' })).status, 200);
    assert.equal((await svc.api('PUT', `/api/alerts/${a}/assignee`, { userId: ada.id })).status, 200);
    // Jira answered nothing but 503 so far.
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(changes(issue, 'status').length, 0);
    emu.emulator.configureFaults({});

    await waitFor('the final state in Jira', () => emu.emulator.store.statuses.get(issue.statusId)!.name === 'Done' && issue.assigneeId === ADA && issue.comments.filter((c) => text(c.body).includes('burst comment')).length === comments.length, 30_000);
    await waitFor('every job done', async () => ((await svc.api('GET', `/api/alerts/${a}/deliveries`)).body.jobs as Array<{ state: string }>).every((j) => j.state === 'done'), 30_000);
    assert.deepEqual(changes(issue, 'status').map((i) => i.toString), ['Done'], 'one transition path (SEC: one hop)');
    assert.equal(changes(issue, 'assignee').length, 1, 'one assignment');
    const synced = issue.comments.map((c) => text(c.body)).filter((t) => t.includes('burst comment'));
    assert.deepEqual(synced.map((t) => /burst comment \d+/.exec(t)![0]), comments, 'every comment once, in order');
    assert.equal(issue.comments.filter((c) => /changed the status/.test(text(c.body))).length, 1, 'one status comment for the collapsed change');
    void d;
  } finally {
    await svc.close();
    await emu.close();
  }
});

test('two replicas on PostgreSQL share the sync work: every issue right, no comment twice', async () => {
  const emu = await startEmulator();
  const r = await startReplicas(2, { ALERTSYNC_ALLOW_INSECURE_JIRA: '1', ALERTSYNC_WORKER_POLL_MS: '50', ALERTSYNC_RETRY_BASE_MS: '50', ALERTSYNC_RETRY_MAX_MS: '300', ALERTSYNC_CREATE_RECHECK_MS: '300' });
  try {
    const d = await r.api(0, 'POST', '/api/destinations', { name: 'replicas', domain: emu.url, issueType: 'Task', projectKey: 'SEC', email: BOT.email, apiToken: BOT.apiToken, sync: ALL_ONE_WAY, statusMapping: SEC_MAPPING });
    assert.equal(d.status, 201, JSON.stringify(d.body));
    const ids: string[] = [];
    for (let i = 0; i < 40; i++) ids.push((await r.api(i % 2, 'POST', '/api/alerts', { title: `replica ${i}`, severity: 'HIGH', type: 'RULE' })).body.id);
    await Promise.all(
      ids.map(async (id, i) => {
        for (let c = 0; c < 2; c++) assert.equal((await r.api((i + c) % 2, 'POST', `/api/alerts/${id}/comments`, { body: `replica note ${c}` })).status, 201);
        assert.equal((await r.api((i + 1) % 2, 'PUT', `/api/alerts/${id}/status`, { status: 'TRIAGED' })).status, 200);
      }),
    );
    await waitFor('every issue in progress with its comments', () =>
      ids.every((id) => {
        const [issue] = issuesForAlert(emu, id);
        return issue && emu.emulator.store.statuses.get(issue.statusId)!.name === 'In Progress' && issue.comments.length >= 3;
      }), 120_000).catch(async (err) => {
      const rows = await r.query<{ kind: string; state: string; last_error: string | null; n: string }>('select kind, state, last_error, count(*) as n from delivery_jobs group by kind, state, last_error');
      // What the replicas warned about (a crashed job, a failed claim) says why a job was left behind.
      const warnings = r.procs.flatMap((p, i) => p.output().split('\n').filter((l) => /"level":(40|50)/.test(l)).slice(-10).map((l) => `replica ${i}: ${l.slice(0, 600)}`));
      throw new Error(`${(err as Error).message}: ${JSON.stringify(rows)}\n${warnings.join('\n')}`);
    });
    await waitFor('no sync job left', async () => {
      const rows = await r.query<{ n: string }>("select count(*) as n from delivery_jobs where state in ('pending', 'running') and kind <> 'sweep_duplicates'");
      return Number(rows[0]!.n) === 0;
    }, 60_000);
    const workers = await r.query<{ worker: string }>("select distinct worker from delivery_attempts where request = 'addComment'");
    for (const id of ids) {
      const issues = issuesForAlert(emu, id);
      assert.equal(issues.length, 1);
      const bodies = issues[0]!.comments.map((c) => text(c.body));
      assert.equal(bodies.filter((b) => b.includes('replica note 0')).length, 1, JSON.stringify(bodies));
      assert.equal(bodies.filter((b) => b.includes('replica note 1')).length, 1, JSON.stringify(bodies));
      assert.equal(bodies.filter((b) => /changed the status from OPEN to TRIAGED/.test(b)).length, 1, JSON.stringify(bodies));
    }
    console.log(`# comments were posted by ${workers.length} workers`);
  } finally {
    await r.close();
    await emu.close();
  }
});
