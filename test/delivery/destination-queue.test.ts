// What a user expects of a destination's queue (issue #8): fixing credentials resumes the backlog
// in order, an explicit resume and a bulk replay, disabling pauses, enabling resumes, deleting
// cancels at once.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startEmulator, type RunningEmulator } from '../../src/jira/emulator/index.js';
import { forEachDb, startTestService, type TestService } from '../support/service.js';
import { BOT, createEmulatorDestination, issuesForAlert, waitFor } from '../support/delivery.js';

const SETTINGS = {
  ALERTSYNC_ALLOW_INSECURE_JIRA: '1',
  ALERTSYNC_WORKER_POLL_MS: '20',
  ALERTSYNC_RETRY_BASE_MS: '50',
  ALERTSYNC_RETRY_MAX_MS: '300',
  ALERTSYNC_JIRA_TIMEOUT_MS: '2000',
  ALERTSYNC_JOB_LEASE_MS: '4000',
  ALERTSYNC_CREATE_RECHECK_MS: '300',
  ALERTSYNC_JIRA_RATE_LIMIT: '1000',
  // One job at a time: "in order" is then the order of the issues' creation.
  ALERTSYNC_WORKER_CONCURRENCY: '1',
};

forEachDb('a destination\'s queue', (db) => {
  let svc: TestService;
  let emu: RunningEmulator;
  before(async () => {
    emu = await startEmulator({ faults: { searchLagMs: 50 } });
    svc = await startTestService(db, SETTINGS);
  });
  after(async () => {
    await svc.close();
    await emu.close();
  });

  const queue = async (id: string) => (await svc.api('GET', `/api/destinations/${id}/deliveries?limit=500`)).body.queue;
  const storm = async (n: number, severity: string, tag: string): Promise<string[]> => {
    const r = await svc.api('POST', '/api/alerts/batch', { alerts: Array.from({ length: n }, (_, i) => ({ title: `${tag} ${i}`, severity, type: 'RULE' })) });
    assert.equal(r.status, 201, r.text);
    return r.body.alerts.map((a: { id: string }) => a.id);
  };
  const createdInOrder = (ids: string[]) => {
    const issues = ids.map((id) => issuesForAlert(emu, id));
    for (const [i, list] of issues.entries()) assert.equal(list.length, 1, `alert ${i} has ${list.length} issues`);
    const numbers = issues.map((l) => Number(l[0]!.key.split('-')[1]));
    assert.deepEqual(numbers, [...numbers].sort((a, b) => a - b), 'released in order');
  };

  test('fixing the token resumes a backlog of 20 alerts that met 401: blocked, shown on the destination, then delivered in order', async () => {
    const id = await createEmulatorDestination(svc, emu, { severities: ['HIGH'], apiToken: 'ATATT-wrong' });
    const ids = await storm(20, 'HIGH', 'backlog');
    await waitFor('all 20 blocked', async () => (await queue(id)).blocked === 20, 20_000);
    const dest = (await svc.api('GET', `/api/destinations/${id}`)).body;
    assert.match(dest.lastError, /401.*change the destination/);
    assert.equal(ids.filter((a) => issuesForAlert(emu, a).length > 0).length, 0);
    assert.equal((await svc.api('PATCH', `/api/destinations/${id}`, { apiToken: BOT.apiToken })).status, 200);
    await waitFor('20 issues', () => ids.every((a) => issuesForAlert(emu, a).length === 1), 20_000);
    createdInOrder(ids);
    // The last issue exists in Jira a moment before its job's completion commits.
    await waitFor('an empty queue', async () => JSON.stringify(await queue(id)) === JSON.stringify({ pending: 0, running: 0, blocked: 0, paused: 0, failed: 0 }), 10_000);
  });

  test('POST /api/destinations/{id}/resume releases blocked jobs without a change (the cause was on Jira\'s side)', async () => {
    const id = await createEmulatorDestination(svc, emu, { severities: ['MEDIUM'] });
    const credential = `${BOT.email}:${BOT.apiToken}`;
    const bot = emu.emulator.store.usersByCredential.get(credential)!;
    emu.emulator.store.usersByCredential.delete(credential);
    let ids: string[];
    try {
      ids = await storm(5, 'MEDIUM', 'resume');
      await waitFor('all 5 blocked', async () => (await queue(id)).blocked === 5, 20_000);
    } finally {
      emu.emulator.store.usersByCredential.set(credential, bot);
    }
    const r = await svc.api('POST', `/api/destinations/${id}/resume`);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.released, 5);
    await waitFor('5 issues', () => ids.every((a) => issuesForAlert(emu, a).length === 1), 20_000);
    createdInOrder(ids);
  });

  test('POST /api/destinations/{id}/deliveries/replay-failed replays them all; each searches Jira first', async () => {
    const id = await createEmulatorDestination(svc, emu, { severities: ['LOW'] });
    const credential = `${BOT.email}:${BOT.apiToken}`;
    const bot = emu.emulator.store.usersByCredential.get(credential)!;
    emu.emulator.store.usersByCredential.delete(credential);
    let ids: string[];
    try {
      ids = await storm(4, 'LOW', 'replay');
      await waitFor('all 4 stopped', async () => (await queue(id)).blocked === 4, 20_000);
    } finally {
      emu.emulator.store.usersByCredential.set(credential, bot);
    }
    const r = await svc.api('POST', `/api/destinations/${id}/deliveries/replay-failed`);
    assert.equal(r.status, 202, r.text);
    assert.equal(r.body.replayed.length, 4);
    await waitFor('4 issues', () => ids.every((a) => issuesForAlert(emu, a).length === 1), 20_000);
    const log = (await svc.api('GET', `/api/destinations/${id}/deliveries?limit=500`)).body;
    assert.equal(log.attempts.filter((a: any) => a.request === 'search' && a.outcome === 'absent').length, 4, 'every replay searched before creating');
  });

  test('disabling pauses the queue at once, enabling resumes it; nothing is lost or doubled', async () => {
    emu.emulator.configureFaults({ searchLagMs: 50, latency: { ms: 40 } });
    try {
      const id = await createEmulatorDestination(svc, emu, { severities: ['CRITICAL'] });
      const ids = await storm(40, 'CRITICAL', 'pause');
      await waitFor('a few issues', () => ids.filter((a) => issuesForAlert(emu, a).length > 0).length >= 3, 20_000, 5);
      assert.equal((await svc.api('PATCH', `/api/destinations/${id}`, { enabled: false })).status, 200);
      const atDisable = ids.filter((a) => issuesForAlert(emu, a).length > 0).length;
      assert.ok(atDisable < 40, 'disabled while the queue was still full');
      await new Promise((r) => setTimeout(r, 500));
      const later = ids.filter((a) => issuesForAlert(emu, a).length > 0).length;
      assert.ok(later <= atDisable + 1, `after disabling, at most the one create in flight finishes (${atDisable} → ${later})`);
      const q = await queue(id);
      assert.equal(q.pending, 0);
      assert.equal(q.paused, 40 - later);
      assert.equal((await svc.api('PATCH', `/api/destinations/${id}`, { enabled: true })).status, 200);
      await waitFor('40 issues', () => ids.every((a) => issuesForAlert(emu, a).length === 1), 20_000);
    } finally {
      emu.emulator.configureFaults({ searchLagMs: 50 });
    }
  });

  test('deleting a destination cancels its jobs at once', async () => {
    const id = await createEmulatorDestination(svc, emu, { severities: ['INFO'], enabled: true, apiToken: 'ATATT-wrong' });
    await storm(10, 'INFO', 'delete');
    await waitFor('blocked', async () => (await queue(id)).blocked === 10, 20_000);
    assert.equal((await svc.api('DELETE', `/api/destinations/${id}`)).status, 204);
    const rows = await svc.service.storage.db.selectFrom('delivery_jobs').select(['state']).where('destination_id', '=', id).execute();
    assert.equal(rows.length, 10);
    assert.deepEqual([...new Set(rows.map((r) => r.state))], ['cancelled']);
  });
});
