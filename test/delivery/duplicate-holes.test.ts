// The three ways the "one issue per alert and destination" promise used to break (issue #8), each
// reproduced deterministically: a job paused at a named point of its run (the worker's test pause
// hook, the in-process equivalent of a SIGSTOP of that job), a lost create followed by a refused
// lookup, and destination edits while deliveries run.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmulator, type RunningEmulator } from '../../src/jira/emulator/index.js';
import { DB_KINDS, startTestService, type DbKind, type TestService } from '../support/service.js';
import { BOT, createEmulatorDestination, issueCountsByAlert, issuesForAlert, waitFor } from '../support/delivery.js';
import type { PausePoint } from '../../src/delivery/worker.js';

// Jira's search shows a new issue after 600 ms; the recheck waits 1.2 s; a lease is 1.2 s.
const SETTINGS = {
  ALERTSYNC_ALLOW_INSECURE_JIRA: '1',
  ALERTSYNC_WORKER_POLL_MS: '20',
  ALERTSYNC_RETRY_BASE_MS: '50',
  ALERTSYNC_RETRY_MAX_MS: '300',
  ALERTSYNC_JIRA_TIMEOUT_MS: '800',
  ALERTSYNC_JOB_LEASE_MS: '1200',
  ALERTSYNC_CREATE_RECHECK_MS: '1200',
  ALERTSYNC_SWEEP_DELAY_MS: '3600000',
  ALERTSYNC_JIRA_RATE_LIMIT: '1000',
};
const SEARCH_LAG_MS = 600;
const STALL_MS = 3500; // well past the lease (1.2 s) and the recheck (1.2 s)

/** Starts `n` services (replicas) on one database; on SQLite only one process may own the file. */
async function startReplicas(db: DbKind, n: number): Promise<TestService[]> {
  const first = await startTestService(db, SETTINGS);
  const all = [first];
  for (let i = 1; i < n; i++) {
    all.push(await startTestService(db, SETTINGS, { dataDir: mkdtempSync(join(tmpdir(), 'alertsync-replica-')), databaseUrl: first.databaseUrl, secretKey: first.config.secretKey!, adminToken: first.adminToken }));
  }
  return all;
}

const POINTS: PausePoint[] = ['before-mark', 'after-mark', 'before-send', 'after-send'];

for (const db of DB_KINDS) {
  const replicas = db === 'postgres' ? 2 : 1;
  describe(`hole 1: a job stalled past its lease never yields a second issue [${db}, ${replicas} replica(s)]`, () => {
    let emu: RunningEmulator;
    let svcs: TestService[];
    let destinationId: string;
    before(async () => {
      emu = await startEmulator({ faults: { searchLagMs: SEARCH_LAG_MS } });
      svcs = await startReplicas(db, replicas);
      destinationId = await createEmulatorDestination(svcs[0]!, emu);
    });
    after(async () => {
      for (const s of svcs) s.service.worker.testHooks.pause = undefined;
      for (const s of svcs.slice(1)) {
        await s.stop();
        rmSync(s.dataDir, { recursive: true, force: true });
      }
      await svcs[0]!.close();
      await emu.close();
    });

    for (const point of POINTS) {
      test(`stalled ${point} for ${STALL_MS} ms → exactly one issue`, async () => {
        let release!: () => void;
        const released = new Promise<void>((r) => (release = r));
        let reached!: (leaseUntil: number | null) => void;
        const reachedP = new Promise<number | null>((r) => (reached = r));
        let armed = true;
        for (const s of svcs) {
          s.service.worker.testHooks.pause = async (p, job) => {
            if (p !== point || !armed || job.kind !== 'create_issue') return;
            armed = false;
            reached(job.leaseUntil);
            await released;
          };
        }
        const alert = await svcs[svcs.length - 1]!.api('POST', '/api/alerts', { title: `stall ${point}`, severity: 'HIGH', type: 'RULE' });
        assert.equal(alert.status, 201);
        await reachedP;
        // The stall: a fixed length (a setting), longer than the lease and the recheck together.
        await new Promise((r) => setTimeout(r, STALL_MS));
        release();
        for (const s of svcs) s.service.worker.testHooks.pause = undefined;
        await waitFor('the link', async () => (await svcs[0]!.api('GET', `/api/alerts/${alert.body.id}/deliveries`)).body.links[0], 30_000);
        // Let every late request and every lookup settle (two recheck periods), then count.
        await waitFor('no open create job', async () => {
          const r = await svcs[0]!.api('GET', `/api/alerts/${alert.body.id}/deliveries`);
          return !r.body.jobs.some((j: any) => j.kind === 'create_issue' && (j.state === 'pending' || j.state === 'running'));
        }, 30_000);
        await new Promise((r) => setTimeout(r, 2 * SEARCH_LAG_MS));
        const issues = issuesForAlert(emu, alert.body.id);
        const log = (await svcs[0]!.api('GET', `/api/alerts/${alert.body.id}/deliveries`)).body;
        assert.equal(issues.length, 1, `issues ${issues.map((i) => i.key).join(', ')}; attempts ${JSON.stringify(log.attempts.map((a: any) => [a.worker, a.request, a.outcome, a.issueKey, a.error]))}`);
        assert.equal(log.links[0].issueId, issues[0]!.id);
        assert.ok(destinationId);
      });
    }
  });
}

for (const db of DB_KINDS) {
  describe(`hole 2: "a create may have gone out" survives a refused lookup [${db}]`, () => {
    let emu: RunningEmulator;
    let svc: TestService;
    before(async () => {
      emu = await startEmulator({ faults: { searchLagMs: 100 } });
      svc = await startTestService(db, { ...SETTINGS, ALERTSYNC_CREATE_RECHECK_MS: '1500' });
    });
    after(async () => {
      await svc.close();
      await emu.close();
    });

    /** The create reaches Jira, which stores the issue; its answer is lost. Returns the alert id. */
    async function lostCreate(severity: string, title: string): Promise<string> {
      emu.emulator.configureFaults({ searchLagMs: 100, createHook: true });
      const alert = await svc.api('POST', '/api/alerts', { title, severity, type: 'RULE' });
      const held = await emu.emulator.createHook.next(20_000);
      assert.ok(held, 'the create reached Jira and its answer is held');
      return alert.body.id as string;
    }
    async function refusedLookup(alertId: string) {
      const stopped = await waitFor('the refused lookup', async () => (await svc.api('GET', `/api/alerts/${alertId}/deliveries`)).body.jobs.find((j: any) => j.kind === 'create_issue' && (j.state === 'failed' || j.state === 'blocked')), 20_000);
      assert.equal(stopped.lastStatus, 401);
      assert.equal(stopped.state, 'blocked', 'a 401 is curable by a change of the destination: the job waits for it');
      const log = (await svc.api('GET', `/api/alerts/${alertId}/deliveries`)).body;
      assert.ok(log.attempts.some((a: any) => a.request === 'searchJql' && a.httpStatus === 401), JSON.stringify(log.attempts));
      assert.equal(issuesForAlert(emu, alertId).length, 1, 'Jira stored the first create');
      return stopped;
    }
    async function oneLinkedIssue(alertId: string) {
      const link = await waitFor('the link', async () => (await svc.api('GET', `/api/alerts/${alertId}/deliveries`)).body.links[0], 20_000);
      const issues = issuesForAlert(emu, alertId);
      assert.equal(issues.length, 1, `issues: ${issues.map((i) => i.key).join(', ')}`);
      assert.equal(link.issueId, issues[0]!.id);
    }

    test('lost create, token revoked in Jira, lookup 401 (blocked, mark kept), token valid again, POST retry → it looks first and links the stored issue', async () => {
      await createEmulatorDestination(svc, emu, { severities: ['HIGH'] });
      const alertId = await lostCreate('HIGH', 'lost then revoked');
      const credential = `${BOT.email}:${BOT.apiToken}`;
      const bot = emu.emulator.store.usersByCredential.get(credential)!;
      emu.emulator.store.usersByCredential.delete(credential);
      try {
        emu.emulator.createHook.releaseAll('destroy');
        emu.emulator.configureFaults({ searchLagMs: 100 });
        const stopped = await refusedLookup(alertId);
        assert.ok(stopped.id);
      } finally {
        emu.emulator.store.usersByCredential.set(credential, bot);
      }
      const jobId = (await svc.api('GET', `/api/alerts/${alertId}/deliveries`)).body.jobs.find((j: any) => j.kind === 'create_issue').id;
      assert.equal((await svc.api('POST', `/api/deliveries/${jobId}/retry`)).status, 202);
      await oneLinkedIssue(alertId);
    });

    test('lost create, destination token changed to a wrong one, lookup 401 (blocked); fixing the destination releases it and it looks first', async () => {
      const destinationId = await createEmulatorDestination(svc, emu, { severities: ['CRITICAL'] });
      const alertId = await lostCreate('CRITICAL', 'lost then wrong token');
      const bad = await svc.api('PATCH', `/api/destinations/${destinationId}`, { apiToken: 'ATATT-wrong-token' });
      assert.equal(bad.status, 200, bad.text);
      emu.emulator.createHook.releaseAll('destroy');
      emu.emulator.configureFaults({ searchLagMs: 100 });
      await refusedLookup(alertId);
      const fixed = await svc.api('PATCH', `/api/destinations/${destinationId}`, { apiToken: BOT.apiToken });
      assert.equal(fixed.status, 200, fixed.text);
      await oneLinkedIssue(alertId);
    });

    test('a manual dispatch looks first: an issue already carrying the labels is linked, not created again', async () => {
      const destinationId = await createEmulatorDestination(svc, emu, { severities: ['LOW'], manualDispatch: true });
      const alert = await svc.api('POST', '/api/alerts', { title: 'dispatched by hand', severity: 'INFO', type: 'RULE' });
      // An earlier create for this alert and destination reached Jira and nothing here knows it.
      const made = await fetch(`${emu.url}/rest/api/3/issue`, {
        method: 'POST',
        headers: { authorization: `Basic ${Buffer.from(`${BOT.email}:${BOT.apiToken}`).toString('base64')}`, 'content-type': 'application/json' },
        body: JSON.stringify({ fields: { project: { key: 'SEC' }, issuetype: { name: 'Task' }, summary: 'dispatched by hand', labels: [`alertsync-${alert.body.id}`, `alertsync-dest-${destinationId}`] } }),
      });
      assert.equal(made.status, 201);
      await new Promise((r) => setTimeout(r, 300)); // past the emulator's search lag (100 ms)
      assert.equal((await svc.api('POST', `/api/alerts/${alert.body.id}/dispatch`, { destinationId })).status, 202);
      await oneLinkedIssue(alert.body.id);
    });
  });
}

/** Hole 3's outcome: every alert got exactly one issue, and no create job of the destination failed. */
async function noneFailedOneIssueEach(svc: TestService, emu: RunningEmulator, destinationId: string, ids: string[]): Promise<void> {
  await waitFor(`${ids.length} issues`, () => issueCountsByAlert(emu).size === ids.length, 60_000, 50);
  const jobs = (await svc.api('GET', `/api/destinations/${destinationId}/deliveries?limit=500`)).body.jobs.filter((j: any) => j.kind === 'create_issue');
  assert.deepEqual(jobs.filter((j: any) => j.state === 'failed').map((j: any) => j.lastError), []);
  const counts = issueCountsByAlert(emu);
  for (const id of ids) assert.equal(counts.get(id), 1, `alert ${id} has ${counts.get(id)} issues`);
}

for (const db of DB_KINDS) {
  test(`hole 3: 16 renames during 30 deliveries fail none and duplicate none [${db}]`, async () => {
    const emu = await startEmulator({ faults: { latency: { ms: 150 }, searchLagMs: 100 } });
    const svc = await startTestService(db, { ...SETTINGS, ALERTSYNC_JIRA_TIMEOUT_MS: '3000', ALERTSYNC_JOB_LEASE_MS: '6000', ALERTSYNC_CREATE_RECHECK_MS: '400', ALERTSYNC_WORKER_CONCURRENCY: '8', ALERTSYNC_JIRA_RATE_LIMIT: '5', ALERTSYNC_JIRA_BULK_CREATE_DISABLED: '1' });
    try {
      const destinationId = await createEmulatorDestination(svc, emu);
      const batch = await svc.api('POST', '/api/alerts/batch', { alerts: Array.from({ length: 30 }, (_, i) => ({ title: `rename ${i}`, severity: 'HIGH', type: 'RULE' })) });
      assert.equal(batch.status, 201);
      const ids: string[] = batch.body.alerts.map((a: { id: string }) => a.id);
      // 30 single creates at 5 requests/s take about 6 s; 16 renames, 60 ms apart, land among them.
      // (Bulk create is off here: with it the 30 creates leave in a few requests within a second,
      // before most renames; a fresh-clone CI run saw only 7 of 16 land during delivery.)
      let duringDelivery = 0;
      for (let renames = 0; renames < 16; renames++) {
        if (emu.emulator.store.issues.size < 30) duringDelivery++;
        const r = await svc.api('PATCH', `/api/destinations/${destinationId}`, { name: `renamed ${renames}` });
        assert.equal(r.status, 200, r.text);
        await new Promise((res) => setTimeout(res, 60));
      }
      assert.ok(duringDelivery >= 8, `only ${duringDelivery} of 16 renames happened while deliveries were running`);
      await noneFailedOneIssueEach(svc, emu, destinationId, ids);
    } finally {
      await svc.close();
      await emu.close();
    }
  });
}

// Hole 3 with bulk create: renames while a bulk request is on its way (its answer held by the
// emulator's create hook, so the renames surely land during it) and while the next creates wait for
// their token under a 1 request/s limit, then more renames while the rest drain.
for (const db of DB_KINDS) {
  test(`hole 3, bulk create: renames during a bulk request on its way and during the creates waiting for their token fail none and duplicate none [${db}]`, async () => {
    const emu = await startEmulator({ faults: { latency: { ms: 50 }, searchLagMs: 100, createHook: true } });
    const svc = await startTestService(db, { ...SETTINGS, ALERTSYNC_JIRA_TIMEOUT_MS: '20000', ALERTSYNC_JOB_LEASE_MS: '30000', ALERTSYNC_CREATE_RECHECK_MS: '400', ALERTSYNC_WORKER_CONCURRENCY: '4', ALERTSYNC_JIRA_RATE_LIMIT: '1' });
    try {
      const destinationId = await createEmulatorDestination(svc, emu);
      const batch = await svc.api('POST', '/api/alerts/batch', { alerts: Array.from({ length: 30 }, (_, i) => ({ title: `bulk rename ${i}`, severity: 'HIGH', type: 'RULE' })) });
      assert.equal(batch.status, 201);
      const ids: string[] = batch.body.alerts.map((a: { id: string }) => a.id);
      // Every create is held: more issues stored than requests held means a bulk request is on its
      // way. (On PostgreSQL the first token may go to a lone create: a batch's jobs take their
      // locks one by one; the next request carries the creates that waited for its token.)
      await waitFor('a bulk request held by the emulator', () => emu.emulator.store.issues.size > emu.emulator.createHook.list().length, 20_000, 20);
      const rename = async (n: number) => {
        const r = await svc.api('PATCH', `/api/destinations/${destinationId}`, { name: `bulk renamed ${n}` });
        assert.equal(r.status, 200, r.text);
      };
      for (let n = 0; n < 8; n++) await rename(n);
      assert.ok(emu.emulator.createHook.list().length >= 1, 'the renames happened while create requests were held');
      emu.emulator.configureFaults({ latency: { ms: 50 }, searchLagMs: 100 });
      emu.emulator.createHook.releaseAll('send');
      let duringDelivery = 0;
      for (let n = 8; n < 16; n++) {
        if (emu.emulator.store.issues.size < 30) duringDelivery++;
        await rename(n);
        await new Promise((res) => setTimeout(res, 60));
      }
      assert.ok(duringDelivery >= 4, `only ${duringDelivery} of the last 8 renames happened while deliveries were running`);
      await noneFailedOneIssueEach(svc, emu, destinationId, ids);
    } finally {
      emu.emulator.createHook.releaseAll('destroy');
      await svc.close();
      await emu.close();
    }
  });
}
