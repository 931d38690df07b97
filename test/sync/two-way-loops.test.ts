// No loops (issue #12): one alert linked to a two-way destination and two one-way destinations
// (one on the same Jira site and project as the two-way one, one on another site). 1,000 random
// changes, made from both sides without waiting for the sync, interleave with it. After it goes
// quiet: the same final state on the alert and on every issue, and each change crossed each link
// at most once (counted in the emulators' request logs and the alert's history).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startEmulator, type RunningEmulator } from '../../src/jira/emulator/index.js';
import { SeededRandom } from '../../src/jira/emulator/random.js';
import { DB_KINDS, startTestService, type TestService } from '../support/service.js';
import { waitFor } from '../support/delivery.js';
import { ADA, doc, jiraUser, para, registerWebhook, txt } from '../support/jira-user.js';

const MAPPING = { OPEN: 'To Do', TRIAGED: 'In Progress', RESOLVED: 'Done', CLOSED: 'Done' };
const CHANGES = Number(process.env.TWO_WAY_LOOP_CHANGES ?? 1000);
const ENV = {
  ALERTSYNC_ALLOW_INSECURE_JIRA: '1',
  ALERTSYNC_WORKER_POLL_MS: '50',
  ALERTSYNC_RETRY_BASE_MS: '50',
  ALERTSYNC_RETRY_MAX_MS: '200',
  ALERTSYNC_CREATE_RECHECK_MS: '200',
  ALERTSYNC_JIRA_RATE_LIMIT: '500',
  ALERTSYNC_RECONCILE_INTERVAL_MS: '0',
};
const BOT = '712020:5f0c4a8e-2b6d-4c1e-9a37-1d2e3f4a5b6c';

async function destination(svc: TestService, emu: RunningEmulator, name: string, mode: 'one_way' | 'two_way'): Promise<string> {
  const r = await svc.api('POST', '/api/destinations', { name, domain: emu.url, issueType: 'Task', projectKey: 'SEC', email: 'alertsync-bot@example.com', apiToken: 'ATATT-emulator-alertsync-bot', sync: { status: mode, assignee: mode, comments: mode }, statusMapping: MAPPING });
  assert.equal(r.status, 201, r.text);
  const id = r.body.destination.id as string;
  if (mode === 'two_way') await registerWebhook(emu, `${svc.url}/webhooks/jira/${id}`, r.body.webhook.secret, id);
  return id;
}

for (const db of (process.env.TWO_WAY_LOOP_DB ? [process.env.TWO_WAY_LOOP_DB as (typeof DB_KINDS)[number]] : DB_KINDS)) {
  test(`${CHANGES} random changes from both sides converge, each crossing each link at most once [${db}]`, async () => {
    const site1 = await startEmulator({ requestLogSize: 200_000 });
    const site2 = await startEmulator({ requestLogSize: 200_000 });
    const svc = await startTestService(db, ENV);
    try {
      const ada = (await svc.api('POST', '/api/users', { email: ADA.email, name: 'Ada', role: 'analyst' })).body.id as string;
      const T = await destination(svc, site1, 'two-way', 'two_way');
      const O1 = await destination(svc, site1, 'one-way same project', 'one_way');
      const O2 = await destination(svc, site2, 'one-way other site', 'one_way');
      const emuOf = new Map([[T, site1], [O1, site1], [O2, site2]]);
      const id = (await svc.api('POST', '/api/alerts', { title: 'Loop check', severity: 'HIGH', type: 'RULE' })).body.id as string;
      const keys = await waitFor('three issues', async () => {
        const links = (await svc.api('GET', `/api/alerts/${id}/deliveries`)).body.links as Array<{ destinationId: string; issueKey: string }>;
        return links.length === 3 ? new Map(links.map((l) => [l.destinationId, l.issueKey])) : null;
      });
      const issueOf = (d: string) => [...emuOf.get(d)!.emulator.store.issues.values()].find((i) => i.key === keys.get(d))!;
      const startSeq = new Map([...emuOf.values()].map((e) => [e, e.emulator.requests.at(-1)?.seq ?? 0]));

      const rnd = new SeededRandom(2026);
      const jira = jiraUser(site1, ADA.email);
      const tKey = keys.get(T)!;
      const made = { alert: { status: 0, assignee: 0, comment: 0 }, jira: { status: 0, assignee: 0, comment: 0 } };
      for (let i = 0; i < CHANGES; i++) {
        const side = rnd.next() < 0.5 ? 'alert' : 'jira';
        const what = rnd.next();
        if (side === 'alert') {
          if (what < 0.4) {
            const to = (['OPEN', 'TRIAGED', 'RESOLVED', 'CLOSED'] as const)[Math.floor(rnd.next() * 4)]!;
            const r = await svc.api('PUT', `/api/alerts/${id}/status`, { status: to });
            assert.equal(r.status, 200, r.text);
            made.alert.status++;
          } else if (what < 0.75) {
            const r = await svc.api('PUT', `/api/alerts/${id}/assignee`, rnd.next() < 0.6 ? { userId: ada } : { userId: null });
            assert.equal(r.status, 200, r.text);
            made.alert.assignee++;
          } else {
            const r = await svc.api('POST', `/api/alerts/${id}/comments`, { body: `alert side ${i}` });
            assert.equal(r.status, 201, r.text);
            made.alert.comment++;
          }
        } else if (what < 0.4) {
          const target = ['To Do', 'In Progress', 'Done'][Math.floor(rnd.next() * 3)]!;
          if (await jira.transition(tKey, target)) made.jira.status++;
        } else if (what < 0.75) {
          await jira.assign(tKey, rnd.next() < 0.6 ? ADA.accountId : null);
          made.jira.assignee++;
        } else {
          await jira.comment(tKey, doc(para(txt(`jira side ${i}`))));
          made.jira.comment++;
        }
      }

      // Quiet: no job left to run and no webhook in flight, for a while.
      let calm = 0;
      await waitFor(
        'the sync to go quiet',
        async () => {
          await site1.emulator.dispatcher.idle();
          const open = await svc.service.storage.db.selectFrom('delivery_jobs').select('id').where('state', 'in', ['pending', 'running']).execute();
          calm = open.length === 0 ? calm + 1 : 0;
          return calm >= 10;
        },
        240_000,
        100,
      );
      const failed = await svc.service.storage.db.selectFrom('delivery_jobs').select(['kind', 'state', 'last_error']).where('state', 'in', ['failed', 'blocked']).execute();
      assert.deepEqual(failed, [], 'no job failed');

      // The same final state everywhere.
      const detail = (await svc.api('GET', `/api/alerts/${id}`)).body as { alert: { status: keyof typeof MAPPING; assigneeId: string | null }; comments: Array<{ body: string }>; history: Array<{ kind: string; origin: string }> };
      const want = MAPPING[detail.alert.status];
      for (const d of [T, O1, O2]) {
        const issue = issueOf(d);
        assert.equal(emuOf.get(d)!.emulator.store.statuses.get(issue.statusId)!.name, want, `status of ${d === T ? 'the two-way' : 'a one-way'} issue`);
        assert.equal(issue.assigneeId, detail.alert.assigneeId === ada ? ADA.accountId : null, 'assignee');
      }
      const text = (c: { body: unknown }) => JSON.stringify(c.body);
      const count = (list: Array<{ body: unknown }>, re: RegExp) => list.filter((c) => re.test(text(c))).length;
      assert.equal(detail.comments.length, made.alert.comment + made.jira.comment, 'the alert has every comment once');
      assert.equal(count(issueOf(T).comments, /alert side/), made.alert.comment, 'the two-way issue got each alert comment once');
      assert.equal(count(issueOf(T).comments, /jira side/), made.jira.comment, 'and kept its own');
      for (const d of [O1, O2]) {
        assert.equal(count(issueOf(d).comments, /alert side/), made.alert.comment, 'each alert comment once on a one-way issue');
        assert.equal(count(issueOf(d).comments, /jira side/), made.jira.comment, 'each Jira comment once on a one-way issue');
      }

      // Each change crosses each link at most once.
      const history = detail.history;
      const fromJira = history.filter((h) => h.origin === `destination:${T}`);
      const alertChanges = (kind: string) => history.filter((h) => h.kind === kind).length;
      assert.ok(fromJira.filter((h) => h.kind === 'status').length <= made.jira.status, 'Jira status changes reach the alert at most once');
      assert.ok(fromJira.filter((h) => h.kind === 'assignee').length <= made.jira.assignee, 'Jira assignments reach the alert at most once');
      assert.equal(fromJira.filter((h) => h.kind === 'comment_added').length, made.jira.comment);
      for (const d of [T, O1, O2]) {
        const e = emuOf.get(d)!;
        const since = startSeq.get(e)!;
        const writes = e.emulator.requests.filter((r) => r.seq > since && r.accountId === BOT && r.path.includes(`/issue/${keys.get(d)}`) && r.method !== 'GET');
        const n = (re: RegExp, method: string) => writes.filter((r) => r.method === method && re.test(r.path)).length;
        const echoesExcluded = d === T ? history.filter((h) => h.origin !== `destination:${T}`) : history;
        const statusChanges = echoesExcluded.filter((h) => h.kind === 'status').length;
        assert.ok(n(/\/transitions$/, 'POST') <= statusChanges, `${d}: ${n(/\/transitions$/, 'POST')} transitions for ${statusChanges} status changes`);
        assert.ok(n(/\/assignee$/, 'PUT') <= echoesExcluded.filter((h) => h.kind === 'assignee').length, `${d}: assignments`);
        const comments = echoesExcluded.filter((h) => h.kind === 'comment_added').length;
        assert.ok(n(/\/comment$/, 'POST') <= comments + statusChanges, `${d}: comment posts`);
      }
      console.log(
        `# [${db}] ${CHANGES} changes (alert side ${JSON.stringify(made.alert)}, Jira side ${JSON.stringify(made.jira)}); alert history ${history.length} entries, ${fromJira.length} from Jira; status changes on the alert ${alertChanges('status')}`,
      );
    } finally {
      await svc.stop();
      await site1.close();
      await site2.close();
    }
  });
}
