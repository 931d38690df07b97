// The claim statement takes due jobs of both lanes (each lane within its own limit) and brings the
// rows the batch needs: each job's alert, its link on the job's destination, the destination's
// version; it marks the creates it claims (markCreates) and folds a mark left behind. The hot statements compiled once (storage/precompiled.ts) run with each call's values,
// on the database and inside a transaction, on both dialects.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startEmulator, type RunningEmulator } from '../../src/jira/emulator/index.js';
import { claimBatch, enqueueJob, findJob, insertLink, linkKey, sqliteClaimUpdate, updateRunningJob } from '../../src/storage/repositories/delivery.js';
import { CompiledQuery } from 'kysely';
import { precompiled } from '../../src/storage/precompiled.js';
import { newId } from '../../src/ids.js';
import { findAlert } from '../../src/storage/repositories/alerts.js';
import { planLookup } from '../../src/delivery/decisions.js';
import type { DeliveryJob } from '../../src/delivery/job.js';
import { forEachDb, startTestService, type TestService } from '../support/service.js';
import { createEmulatorDestination } from '../support/delivery.js';

forEachDb('claim batch and precompiled statements', (db) => {
  let svc: TestService;
  let emu: RunningEmulator;
  before(async () => {
    emu = await startEmulator();
    svc = await startTestService(db, { ALERTSYNC_ALLOW_INSECURE_JIRA: '1', ALERTSYNC_WORKER_DISABLED: '1' });
  });
  after(async () => {
    await svc.close();
    await emu.close();
  });

  test('one claim: both lanes within their limits, priority first, with alerts, links and destination versions', async () => {
    const kdb = svc.service.storage.db;
    const dialect = svc.service.storage.dialect;
    const destinationId = await createEmulatorDestination(svc, emu);
    // Routed alerts enqueue their create jobs (the worker is off, so they stay pending).
    const alerts: string[] = [];
    for (let i = 0; i < 4; i++) {
      const r = await svc.api('POST', '/api/alerts', { title: `claim ${i}`, severity: 'HIGH', type: 'RULE' });
      assert.equal(r.status, 201, r.text);
      alerts.push(r.body.id as string);
    }
    const now = Date.now();
    await insertLink(kdb, { alertId: alerts[1]!, destinationId, issueId: '10001', issueKey: 'SEC-1', issueUrl: 'http://x/browse/SEC-1', createdAt: now });
    const pid = newId('job', now);
    await enqueueJob(kdb, { id: pid, alertId: 'test-alert', destinationId, siteHost: '127.0.0.1', kind: 'test_issue', payload: { summary: 's' } as never, nextRunAt: now, now });

    const first = await claimBatch(kdb, dialect, { owner: 'w-test', now: now + 1, leaseMs: 60_000, priority: 1, sync: 0, normal: 3, expired: false });
    assert.equal(first.jobs.length, 4);
    assert.equal(first.jobs[0]!.id, pid, 'the priority job comes first');
    assert.deepEqual(first.jobs.slice(1).map((j) => j.alertId), alerts.slice(0, 3), 'normal jobs in the order they were enqueued');
    assert.ok(first.jobs.every((j) => j.state === 'running' && j.leaseOwner === 'w-test' && j.fence === 1));
    assert.ok(first.rows);
    assert.deepEqual([...first.rows.alerts.keys()].sort(), alerts.slice(0, 3).sort(), 'the alerts of the create jobs (none for the test job)');
    assert.equal(first.rows.alerts.get(alerts[0]!)!.title, 'claim 0');
    // Every column of the job and of its alert, as stored (on SQLite the jobs come from the claim, their alerts from the read after it).
    for (const j of first.jobs) assert.deepEqual(j, await findJob(kdb, j.id));
    for (const id of alerts.slice(0, 3)) assert.deepEqual(first.rows.alerts.get(id), await findAlert(kdb, id));
    assert.deepEqual([...first.rows.links.values()].map((l) => [l.alertId, l.issueKey]), [[alerts[1], 'SEC-1']]);
    const version = await kdb.selectFrom('destinations').select('updated_at').where('id', '=', destinationId).executeTakeFirstOrThrow();
    assert.equal(first.rows.destinationVersions.get(destinationId), Number(version.updated_at));
    assert.equal(first.rows.destinationVersions.size, 1);

    // The rest: one normal job left; the priority lane is empty.
    const second = await claimBatch(kdb, dialect, { owner: 'w-test', now: now + 2, leaseMs: 60_000, priority: 1, sync: 0, normal: 3, expired: false });
    assert.deepEqual(second.jobs.map((j) => j.alertId), [alerts[3]]);
    // Nothing due; an expired-lease scan finds nothing before the leases end, everything after.
    assert.equal((await claimBatch(kdb, dialect, { owner: 'w-test', now: now + 3, leaseMs: 60_000, priority: 1, sync: 0, normal: 8, expired: false })).jobs.length, 0);
    assert.equal((await claimBatch(kdb, dialect, { owner: 'w-2', now: now + 4, leaseMs: 60_000, priority: 1, sync: 0, normal: 8, expired: true })).jobs.length, 0);
    const again = await claimBatch(kdb, dialect, { owner: 'w-2', now: now + 120_000, leaseMs: 60_000, priority: 1, sync: 0, normal: 2, expired: true, exclude: [first.jobs[1]!.id] });
    assert.equal(again.jobs.length, 3, 'one priority and two normal jobs (one excluded)');
    assert.ok(!again.jobs.some((j) => j.id === first.jobs[1]!.id));
    assert.ok(again.jobs.every((j) => j.fence === 2 && j.leaseOwner === 'w-2'));
  });

  test('the sync lane: a sync job enqueued after a backlog of creates is claimed within its own limit, before them', async () => {
    const kdb = svc.service.storage.db;
    const dialect = svc.service.storage.dialect;
    const destinationId = await createEmulatorDestination(svc, emu);
    const made: string[] = [];
    for (let i = 0; i < 4; i++) made.push((await svc.api('POST', '/api/alerts', { title: `lane ${i}`, severity: 'HIGH', type: 'RULE' })).body.id as string);
    // The first alert has its issue already (its create is done): a sync job of it may run.
    const linked = made[0]!;
    await kdb.updateTable('delivery_jobs').set({ state: 'done' }).where('alert_id', '=', linked).execute();
    const now = Date.now();
    await insertLink(kdb, { alertId: linked, destinationId, issueId: '10009', issueKey: 'SEC-9', issueUrl: 'http://x/browse/SEC-9', createdAt: now });
    await enqueueJob(kdb, { id: newId('job', now + 5), alertId: linked, destinationId, siteHost: '127.0.0.1', kind: 'sync_status', payload: { from: 'OPEN', to: 'TRIAGED', by: 't' }, nextRunAt: now + 5, now: now + 5 });
    const syncJob = await kdb.selectFrom('delivery_jobs').select(['id', 'lane']).where('alert_id', '=', linked).where('kind', '=', 'sync_status').executeTakeFirstOrThrow();
    assert.equal(syncJob.lane, 'sync', 'a sync kind is queued in the sync lane');
    // No create slot free: the sync job is claimed all the same.
    const onlySync = await claimBatch(kdb, dialect, { owner: 'w-lane', now: now + 10, leaseMs: 60_000, priority: 0, sync: 2, normal: 0, expired: false });
    assert.deepEqual(onlySync.jobs.map((j) => [j.id, j.lane, j.kind]), [[syncJob.id, 'sync', 'sync_status']]);
    assert.equal(onlySync.rows!.links.get(linkKey(linked, destinationId))?.issueKey, 'SEC-9', 'with its link');
    // The creates wait for create slots, in their order.
    const creates = await claimBatch(kdb, dialect, { owner: 'w-lane', now: now + 11, leaseMs: 60_000, priority: 0, sync: 2, normal: 2, expired: false });
    assert.equal(creates.jobs.length, 2);
    assert.ok(creates.jobs.every((j) => j.lane === 'normal' && j.kind === 'create_issue' && made.slice(1).includes(j.alertId)));
    assert.equal(creates.jobs[0]!.alertId, made[1], 'the oldest create first');
    // Leave no job of this test for the next one.
    await kdb.updateTable('delivery_jobs').set({ state: 'cancelled' }).where('alert_id', 'in', made).where('state', 'in', ['pending', 'running']).execute();
  });

  test('a precompiled statement runs with each call\'s values, on the database and in a transaction; built once per dialect', async () => {
    const kdb = svc.service.storage.db;
    let builds = 0;
    const countFor = precompiled(2, (d, state, kind) => {
      builds++;
      return d.selectFrom('delivery_jobs').select((eb) => eb.fn.countAll<number>().as('n')).where('state', '=', state as string).where('kind', '=', kind as string).where('lane', '=', 'normal');
    });
    const n = async (d: typeof kdb, state: string, kind: string) => Number(((await countFor(d, state, kind)).rows[0] as { n: number }).n);
    const running = await n(kdb, 'running', 'create_issue');
    assert.ok(running >= 1);
    assert.equal(await n(kdb, 'pending', 'create_issue'), 0);
    assert.equal(await n(kdb, 'running', 'test_issue'), 0, 'the constant lane = normal is kept (the test job is priority)');
    await kdb.transaction().execute(async (tx) => assert.equal(await n(tx, 'running', 'create_issue'), running));
    assert.equal(builds, 1);

    // The fenced update, compiled per set of columns, writes what it is given and respects the fence.
    const job = (await claimBatch(kdb, svc.service.storage.dialect, { owner: 'w-3', now: Date.now() + 600_000, leaseMs: 60_000, priority: 0, sync: 0, normal: 1, expired: true })).jobs[0]!;
    assert.equal(await updateRunningJob(kdb, job.id, job.fence - 1, { last_error: 'stale' }), false);
    assert.equal(await updateRunningJob(kdb, job.id, job.fence, { last_error: 'one', updated_at: 5 }), true);
    assert.equal(await updateRunningJob(kdb, job.id, job.fence, { last_error: 'two', updated_at: 6 }), true);
    const row = await findJob(kdb, job.id);
    assert.equal(row!.lastError, 'two');
    assert.equal(row!.updatedAt, 6);
  });

  if (db === 'sqlite') {
    test('the SQLite claim finds its jobs by key, not by walking every pending job (query plan)', async () => {
      const kdb = svc.service.storage.db;
      for (const expired of [false, true]) {
        const q = sqliteClaimUpdate({ owner: 'w-plan', now: Date.now(), leaseMs: 1000, priority: 1, sync: 0, normal: 4, expired, exclude: ['x'] })!.compile(kdb);
        const plan = await kdb.executeQuery(CompiledQuery.raw(`explain query plan ${q.sql}`, [...q.parameters]));
        const details = (plan.rows as Array<{ detail: string }>).map((r) => r.detail);
        // The update's own rows: found by the primary key (the subquery lists the ids).
        const outer = details[0] ?? '';
        assert.match(outer, /^SEARCH delivery_jobs USING (INDEX sqlite_autoindex_delivery_jobs_1|PRIMARY KEY|INTEGER PRIMARY KEY) \(id=\?\)/, details.join(' | '));
      }
    });
  }

  test('a claim with markCreates marks its creates "may go out from now" (not its other jobs); the next claim turns a mark left behind into "may have gone out, end unknown"', async () => {
    const kdb = svc.service.storage.db;
    const dialect = svc.service.storage.dialect;
    const destinationId = await createEmulatorDestination(svc, emu);
    const made: string[] = [];
    for (let i = 0; i < 3; i++) made.push((await svc.api('POST', '/api/alerts', { title: `mark ${i}`, severity: 'HIGH', type: 'RULE' })).body.id as string);
    const [fresh, marked, linked] = made as [string, string, string];
    // An earlier run of `marked` may have sent its create (sent at 111, known ended by 222).
    await kdb.updateTable('delivery_jobs').set({ unknown_since: 111, unknown_until: 222 }).where('alert_id', '=', marked).execute();
    // `linked` has its issue: a sync job of it (not a create) is due.
    await kdb.updateTable('delivery_jobs').set({ state: 'done' }).where('alert_id', '=', linked).execute();
    const now = Date.now();
    await insertLink(kdb, { alertId: linked, destinationId, issueId: '10077', issueKey: 'SEC-77', issueUrl: 'http://x/browse/SEC-77', createdAt: now });
    await enqueueJob(kdb, { id: newId('job', now), alertId: linked, destinationId, siteHost: '127.0.0.1', kind: 'sync_status', payload: { from: 'OPEN', to: 'TRIAGED', by: 't' }, nextRunAt: now, now });
    const byAlert = (jobs: DeliveryJob[]) => new Map(jobs.map((j) => [j.alertId, j]));

    const first = byAlert((await claimBatch(kdb, dialect, { owner: 'w-mark', now: now + 1, leaseMs: 1000, priority: 0, sync: 2, normal: 4, expired: false, markCreates: true })).jobs);
    assert.equal(first.size, 3);
    assert.deepEqual([first.get(fresh)!.sendingSince, first.get(fresh)!.unknownSince], [now + 1, null], 'a create: marked by its claim');
    assert.deepEqual([first.get(marked)!.sendingSince, first.get(marked)!.unknownSince, first.get(marked)!.unknownUntil], [now + 1, 111, 222], 'the earlier mark is kept as it was');
    assert.equal(first.get(linked)!.sendingSince, null, 'a sync job sends no create');

    // Its owner dies with the marks set; once the leases end another owner takes the jobs over.
    const next = byAlert((await claimBatch(kdb, dialect, { owner: 'w-next', now: now + 5000, leaseMs: 1000, priority: 0, sync: 2, normal: 4, expired: true })).jobs);
    assert.equal(next.size, 3);
    const f = next.get(fresh)!;
    assert.deepEqual([f.unknownSince, f.unknownUntil, f.sendingSince], [now + 1, null, null], 'the left mark: a create may have gone out since the claim, end unknown (and no claim mark without markCreates)');
    assert.deepEqual(planLookup({ mark: { since: f.unknownSince!, until: f.unknownUntil }, lookFirst: f.lookFirst }, now + 5000, { createRecheckMs: 700 }), { action: 'wait', at: now + 5700, mark: { since: now + 1, until: now + 5000 } }, 'the new owner looks before it creates');
    const m = next.get(marked)!;
    assert.deepEqual([m.unknownSince, m.unknownUntil], [111, null], 'the earlier mark, now with an unknown end (the last owner may have sent since)');
    assert.deepEqual([next.get(linked)!.unknownSince, next.get(linked)!.sendingSince], [null, null]);
    await kdb.updateTable('delivery_jobs').set({ state: 'cancelled' }).where('alert_id', 'in', made).where('state', 'in', ['pending', 'running']).execute();
  });
  test('a claim with `creates` also takes the due creates after the normal lane\'s first jobs (a bulk request\'s worth), never a sweep beyond the lane\'s limit', async () => {
    const kdb = svc.service.storage.db;
    const dialect = svc.service.storage.dialect;
    const destinationId = await createEmulatorDestination(svc, emu);
    const made: string[] = [];
    for (let i = 0; i < 6; i++) made.push((await svc.api('POST', '/api/alerts', { title: `extra ${i}`, severity: 'HIGH', type: 'RULE' })).body.id as string);
    // Only this test's destination (the alerts are routed to the earlier tests' too).
    await kdb.updateTable('delivery_jobs').set({ state: 'cancelled' }).where('alert_id', 'in', made).where('destination_id', '<>', destinationId).execute();
    // The first alert has its issue: two duplicate sweeps of it (normal lane) are due before every create.
    const swept = made[0]!;
    await kdb.updateTable('delivery_jobs').set({ state: 'done' }).where('alert_id', '=', swept).execute();
    const now = Date.now();
    const created = await kdb.selectFrom('delivery_jobs').select('next_run_at').where('alert_id', '=', made[1]!).where('destination_id', '=', destinationId).executeTakeFirstOrThrow();
    for (const k of [1, 2]) await enqueueJob(kdb, { id: newId('job', now + k), alertId: swept, destinationId, siteHost: '127.0.0.1', kind: 'sweep_duplicates', payload: {}, nextRunAt: Number(created.next_run_at) - 10 + k, now: now + k });
    const [c1, c2, c3, c4, c5] = made.slice(1) as [string, string, string, string, string];

    // Two normal slots free and two more creates: the lane's first two (a sweep, the oldest
    // create), then the two creates after them. The second sweep is not taken: only creates go beyond.
    const first = await claimBatch(kdb, dialect, { owner: 'w-extra', now: now + 10, leaseMs: 60_000, priority: 0, sync: 0, normal: 2, creates: 2, expired: false });
    assert.deepEqual(first.jobs.map((j) => j.kind).sort(), ['create_issue', 'create_issue', 'create_issue', 'sweep_duplicates']);
    assert.deepEqual(first.jobs.filter((j) => j.kind === 'create_issue').map((j) => j.alertId), [c1, c3, c4], 'the creates after the first two of the lane (the one passed over stays for the next claim), in order');
    assert.deepEqual([...first.rows!.alerts.keys()].sort(), [swept, c1, c3, c4].sort(), 'with their alerts');
    // Without a normal slot, no create is taken beyond it.
    assert.equal((await claimBatch(kdb, dialect, { owner: 'w-extra', now: now + 11, leaseMs: 60_000, priority: 0, sync: 0, normal: 0, creates: 5, expired: false })).jobs.length, 0);
    // Left due: the second sweep (held back behind the first, running) and two creates: a queue of
    // creates only, of which `normal` + `creates`.
    const second = await claimBatch(kdb, dialect, { owner: 'w-extra', now: now + 12, leaseMs: 60_000, priority: 0, sync: 0, normal: 1, creates: 1, expired: false });
    assert.deepEqual(second.jobs.map((j) => [j.kind, j.alertId]), [['create_issue', c2], ['create_issue', c5]]);
    // A claim of expired leases takes no creates beyond its limits.
    const expired = await claimBatch(kdb, dialect, { owner: 'w-other', now: now + 120_000, leaseMs: 60_000, priority: 0, sync: 0, normal: 1, creates: 5, expired: true });
    assert.equal(expired.jobs.length, 1);
    await kdb.updateTable('delivery_jobs').set({ state: 'cancelled' }).where('alert_id', 'in', made).where('state', 'in', ['pending', 'running']).execute();
  });
  // Last: its claim takes every due job the earlier tests left.
  if (db === 'sqlite') {
    test('the SQLite claim: when the read of its rows with their alerts fails, its jobs come with their own rows (each then reads what it needs)', async () => {
      const kdb = svc.service.storage.db;
      const destinationId = await createEmulatorDestination(svc, emu);
      const r = await svc.api('POST', '/api/alerts', { title: 'read fails', severity: 'HIGH', type: 'RULE' });
      assert.equal(r.status, 201, r.text);
      const alertId = r.body.id as string;
      // The read after the claim joins the alerts table: without it that read fails, the claim does not.
      await kdb.executeQuery(CompiledQuery.raw('alter table alerts rename to alerts_away'));
      let claimed: Awaited<ReturnType<typeof claimBatch>>;
      try {
        claimed = await claimBatch(kdb, 'sqlite', { owner: 'w-read', now: Date.now() + 1, leaseMs: 60_000, priority: 0, sync: 0, normal: 50, expired: false });
      } finally {
        await kdb.executeQuery(CompiledQuery.raw('alter table alerts_away rename to alerts'));
      }
      const job = claimed.jobs.find((j) => j.alertId === alertId && j.destinationId === destinationId);
      assert.ok(job, 'the job was claimed and returned');
      assert.equal(claimed.rows, null);
      assert.deepEqual(job, await findJob(kdb, job.id));
      assert.equal(job.state, 'running');
      assert.equal(job.leaseOwner, 'w-read');
    });
  }
});
