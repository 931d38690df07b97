// A restarted single process takes over its dead predecessor's jobs at start (within the recheck,
// not the lease); new work is picked up right after its commit, and on PostgreSQL by every replica
// through LISTEN/NOTIFY, without waiting for the poll.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { startEmulator } from '../../src/jira/emulator/index.js';
import { spawnService, type ServiceProcess } from '../support/process.js';
import { freePortSync } from '../support/ports.js';
import { DB_KINDS, startTestService, type TestService } from '../support/service.js';
import { createTestDatabase } from '../support/postgres.js';
import { BOT, createEmulatorDestination, issuesForAlert, waitFor } from '../support/delivery.js';

for (const db of DB_KINDS) test(`${db} restart: the job in flight at a SIGKILL is linked within the recheck after restart, not after the 60 s lease`, async () => {
  const emu = await startEmulator({ faults: { searchLagMs: 100 } });
  const dir = mkdtempSync(join(tmpdir(), 'alertsync-restart-'));
  const port = freePortSync();
  const admin = `admin-${randomBytes(16).toString('hex')}`;
  const pg: Record<string, string> = db === 'postgres' ? { DATABASE_URL: await createTestDatabase('restart'), ALERTSYNC_SECRET_KEY: randomBytes(32).toString('base64') } : {};
  const env = {
    ...pg,
    ALERTSYNC_DATA_DIR: dir,
    PORT: String(port),
    ALERTSYNC_ADMIN_TOKEN: admin,
    ALERTSYNC_ALLOW_INSECURE_JIRA: '1',
    ALERTSYNC_WORKER_POLL_MS: '100',
    ALERTSYNC_JIRA_TIMEOUT_MS: '5000',
    ALERTSYNC_JOB_LEASE_MS: '60000',
    ALERTSYNC_CREATE_RECHECK_MS: '1000',
    LOG_LEVEL: 'info',
  };
  const api = async (method: string, path: string, body?: unknown) => {
    const r = await fetch(`http://127.0.0.1:${port}${path}`, { method, headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
    return { status: r.status, body: (await r.json()) as any };
  };
  let proc: ServiceProcess | null = null;
  try {
    proc = spawnService(env);
    await proc.waitForLine(/alertsync is up/, 60_000);
    const d = await api('POST', '/api/destinations', { name: 'restart', domain: emu.url, issueType: 'Task', projectKey: 'SEC', email: BOT.email, apiToken: BOT.apiToken });
    assert.equal(d.status, 201);
    emu.emulator.configureFaults({ searchLagMs: 100, createHook: true });
    const alert = await api('POST', '/api/alerts', { title: 'in flight at the kill', severity: 'HIGH', type: 'RULE' });
    assert.ok(await emu.emulator.createHook.next(20_000), 'the create reached Jira');
    proc.child.kill('SIGKILL');
    await proc.exited;
    emu.emulator.createHook.releaseAll('destroy');
    emu.emulator.configureFaults({ searchLagMs: 100 });
    if (db === 'postgres') await new Promise((r) => setTimeout(r, 2100)); // only jobs claimed ≥ 2 s ago are looked at
    proc = spawnService(env);
    await proc.waitForLine(/alertsync is up/, 60_000);
    const restarted = Date.now();
    await waitFor('the link after restart', async () => (await api('GET', `/api/alerts/${alert.body.id}/deliveries`)).body.links[0], 20_000, 50);
    const took = Date.now() - restarted;
    console.log(`# linked ${took} ms after the restart (recheck 1 s, lease 60 s)`);
    assert.ok(took < 15_000, `took ${took} ms`);
    assert.equal(issuesForAlert(emu, alert.body.id).length, 1, 'found by the lookup, not created again');
  } finally {
    if (proc) {
      proc.child.kill('SIGKILL');
      await proc.exited;
    }
    await emu.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

for (const db of DB_KINDS) {
  test(`new work is picked up after its commit, not at the next poll (10 s) [${db}${db === 'postgres' ? ', by the other replica through NOTIFY' : ''}]`, async () => {
    const emu = await startEmulator();
    const settings = { ALERTSYNC_ALLOW_INSECURE_JIRA: '1', ALERTSYNC_WORKER_POLL_MS: '10000', ALERTSYNC_JIRA_RATE_LIMIT: '1000' };
    const svcs: TestService[] = [];
    try {
      if (db === 'sqlite') svcs.push(await startTestService(db, settings));
      else {
        // The replica that takes the alert runs no worker: only the other one can deliver it.
        svcs.push(await startTestService(db, { ...settings, ALERTSYNC_WORKER_DISABLED: '1' }));
        const first = svcs[0]!;
        svcs.push(await startTestService(db, settings, { dataDir: mkdtempSync(join(tmpdir(), 'alertsync-replica-')), databaseUrl: first.databaseUrl, secretKey: first.config.secretKey!, adminToken: first.adminToken }));
      }
      await createEmulatorDestination(svcs[0]!, emu);
      // Let every worker go idle on its 10 s poll.
      await new Promise((r) => setTimeout(r, 300));
      const t0 = Date.now();
      const alert = await svcs[0]!.api('POST', '/api/alerts', { title: 'wake me', severity: 'HIGH', type: 'RULE' });
      await waitFor('the issue', () => issuesForAlert(emu, alert.body.id).length === 1, 8000, 10);
      console.log(`# issue created ${Date.now() - t0} ms after the alert (poll 10 s)`);
    } finally {
      for (const s of svcs.slice(1)) {
        await s.stop();
        rmSync(s.dataDir, { recursive: true, force: true });
      }
      await svcs[0]?.close();
      await emu.close();
    }
  });
}
