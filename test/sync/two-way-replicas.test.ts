// Two replicas on PostgreSQL receiving Jira's webhooks behind one URL (a round-robin proxy on
// loopback, as a load balancer would): every delivery is sent twice (Jira's at-least-once) and
// the copies land on either replica; the reconciler runs on both (its lease lets one at a time).
// No event may be applied twice: each Jira comment is on its alert exactly once, each change once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { startEmulator } from '../../src/jira/emulator/index.js';
import { SeededRandom } from '../../src/jira/emulator/random.js';
import { startReplicas } from '../support/replicas.js';
import { waitFor } from '../support/delivery.js';
import { ADA, doc, jiraUser, para, registerWebhook, txt } from '../support/jira-user.js';

const MAPPING = { OPEN: 'To Do', TRIAGED: 'In Progress', RESOLVED: 'Done', CLOSED: 'Done' };
const N = 10;

/** Forwards each request to the next replica in turn (body and headers untouched). */
function roundRobin(ports: number[]): Promise<{ url: string; hits: number[]; statuses: Map<number, number>; close(): Promise<void> }> {
  const hits = ports.map(() => 0);
  const statuses = new Map<number, number>();
  let next = 0;
  const server = http.createServer((req, res) => {
    const i = next++ % ports.length;
    hits[i]!++;
    const up = http.request({ host: '127.0.0.1', port: ports[i], method: req.method, path: req.url, headers: req.headers }, (r) => {
      statuses.set(r.statusCode ?? 0, (statuses.get(r.statusCode ?? 0) ?? 0) + 1);
      res.writeHead(r.statusCode ?? 502, r.headers);
      r.pipe(res);
    });
    up.on('error', () => {
      res.writeHead(502);
      res.end();
    });
    req.pipe(up);
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as { port: number }).port;
      resolve({ url: `http://127.0.0.1:${port}`, hits, statuses, close: () => new Promise((r) => server.close(() => r())) });
    }),
  );
}

test('two replicas behind one webhook URL: duplicated and shuffled deliveries, no event applied twice [postgres]', async () => {
  const emu = await startEmulator();
  const reps = await startReplicas(2, { ALERTSYNC_ALLOW_INSECURE_JIRA: '1', ALERTSYNC_WORKER_POLL_MS: '50', ALERTSYNC_RETRY_BASE_MS: '50', ALERTSYNC_RETRY_MAX_MS: '200', ALERTSYNC_CREATE_RECHECK_MS: '200', ALERTSYNC_JIRA_RATE_LIMIT: '200', ALERTSYNC_RECONCILE_INTERVAL_MS: '1500', ALERTSYNC_PUBLIC_URL: 'https://alertsync.test' });
  const lb = await roundRobin(reps.ports);
  try {
    const ada = await reps.api(0, 'POST', '/api/users', { email: ADA.email, name: 'Ada', role: 'analyst' });
    const c = await reps.api(0, 'POST', '/api/destinations', { name: 'two-way', domain: emu.url, issueType: 'Task', projectKey: 'SEC', email: 'alertsync-bot@example.com', apiToken: 'ATATT-emulator-alertsync-bot', sync: { status: 'two_way', assignee: 'two_way', comments: 'two_way' }, statusMapping: MAPPING });
    assert.equal(c.status, 201, JSON.stringify(c.body));
    const dest = c.body.destination.id as string;
    await registerWebhook(emu, `${lb.url}/webhooks/jira/${dest}`, c.body.webhook.secret, dest);
    const ids: string[] = [];
    for (let i = 0; i < N; i++) ids.push((await reps.api(i % 2, 'POST', '/api/alerts', { title: `replica alert ${i}`, severity: 'LOW', type: 'RULE' })).body.id as string);
    const keyOf = new Map<string, string>();
    await waitFor('all issues', async () => {
      for (const id of ids) {
        if (keyOf.has(id)) continue;
        const links = (await reps.api(0, 'GET', `/api/alerts/${id}/deliveries`)).body.links as Array<{ issueKey: string }>;
        if (links[0]) keyOf.set(id, links[0].issueKey);
      }
      return keyOf.size === N;
    }, 60_000);

    emu.emulator.dispatcher.setMode('hold');
    const jira = jiraUser(emu, ADA.email);
    const rnd = new SeededRandom(5);
    const jiraComments = new Map<string, number>();
    for (const id of ids) {
      const key = keyOf.get(id)!;
      await jira.transition(key, rnd.next() < 0.5 ? 'In Progress' : 'Done');
      await jira.assign(key, ADA.accountId);
      const n = 1 + Math.floor(rnd.next() * 3);
      for (let k = 0; k < n; k++) await jira.comment(key, doc(para(txt(`replica note ${k} on ${key}`))));
      jiraComments.set(id, n);
    }
    for (const d of emu.emulator.dispatcher.heldDeliveries()) emu.emulator.dispatcher.duplicate(d.queueId, 1);
    const deliveries = emu.emulator.dispatcher.heldDeliveries().length;
    emu.emulator.dispatcher.setMode('auto');
    await emu.emulator.dispatcher.release({ order: 'shuffle', seed: 3 });
    assert.ok(lb.hits.every((h) => h > 0), `both replicas received webhooks: ${lb.hits}`);

    const BACK: Record<string, string> = { 'To Do': 'OPEN', 'In Progress': 'TRIAGED', Done: 'RESOLVED' };
    await waitFor(
      'every alert at its issue\'s state',
      async () => {
        for (const id of ids) {
          const issue = [...emu.emulator.store.issues.values()].find((i) => i.key === keyOf.get(id))!;
          const d = (await reps.api(1, 'GET', `/api/alerts/${id}`)).body;
          if (d.alert.status !== BACK[emu.emulator.store.statuses.get(issue.statusId)!.name] || d.alert.assigneeId !== ada.body.id || d.comments.length < jiraComments.get(id)!) return false;
        }
        return true;
      },
      90_000,
      200,
    );
    // Let duplicates and reconcile runs that may still be on their way finish, then count.
    await waitFor('no job left', async () => (await reps.query(`select count(*)::int as n from delivery_jobs where state in ('pending','running')`))[0]!.n === 0, 60_000);
    await new Promise((r) => setTimeout(r, 2000));
    for (const id of ids) {
      const d = (await reps.api(0, 'GET', `/api/alerts/${id}`)).body as { comments: unknown[]; history: Array<{ kind: string; origin: string }> };
      assert.equal(d.comments.length, jiraComments.get(id), `${keyOf.get(id)}: each Jira comment once`);
      const fromJira = d.history.filter((h) => h.origin === `destination:${dest}`);
      assert.equal(fromJira.filter((h) => h.kind === 'comment_added').length, jiraComments.get(id));
      assert.equal(fromJira.filter((h) => h.kind === 'assignee').length, 1, 'the assignment once');
      assert.equal(fromJira.filter((h) => h.kind === 'status').length, 1, 'the status change once');
    }
    const rows = await reps.query<{ auth: string; n: number }>(`select auth, count(*)::int as n from jira_webhook_inbox group by auth`);
    const signed = rows.find((r) => r.auth === 'signature')?.n ?? 0;
    assert.equal(signed, deliveries / 2, `${deliveries} deliveries (each twice) stored once each`);
    const runs = await reps.query<{ last_run_at: string | null }>(`select last_run_at from sync_reconcile where destination_id = $1`, [dest]);
    assert.ok(runs[0]?.last_run_at, 'the reconciler ran');
    console.log(`# answers ${JSON.stringify([...lb.statuses])}`);
    assert.ok([...lb.statuses.keys()].every((s) => s === 200 || s === 202), `only 2xx answers: ${JSON.stringify([...lb.statuses])}`);
    console.log(`# ${deliveries} deliveries (${deliveries / 2} distinct) split ${lb.hits.join('/')} between the replicas; ${signed} stored`);
  } catch (err) {
    for (const [i, p] of reps.procs.entries()) console.log(`# replica ${i} log tail:\n${p.output().split('\n').filter((l) => /"level":(40|50|60)/.test(l)).slice(-15).join('\n')}`);
    throw err;
  } finally {
    await lb.close();
    await reps.close();
    await emu.close();
  }
});
