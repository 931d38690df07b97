// The real service process is SIGKILLed again and again while it delivers, some kills landing in
// the worst window (Jira stored the issue, the answer has not reached us), and restarted each
// time: every alert still ends up with exactly one issue.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { startEmulator } from '../../src/jira/emulator/index.js';
import { spawnService, type ServiceProcess } from '../support/process.js';
import { freePortSync } from '../support/ports.js';
import { BOT, issueCountsByAlert, waitFor } from '../support/delivery.js';

// Enough for the storm to outlast the kills on a fast machine (a fresh-clone run with 300 had every
// alert delivered before the last kill, so the kills no longer proved anything).
const ALERTS = 600;
const KILLS = 12;
const HOOK_KILLS = 6;

test(`crash: ${ALERTS} alerts delivered through ${KILLS} SIGKILLs (${HOOK_KILLS} inside the create window) → exactly ${ALERTS} issues`, async () => {
  const emu = await startEmulator({ faults: { searchLagMs: 200 } });
  const dir = mkdtempSync(join(tmpdir(), 'alertsync-crash-'));
  const port = freePortSync();
  const admin = `admin-${randomBytes(16).toString('hex')}`;
  const env = {
    ALERTSYNC_DATA_DIR: dir,
    PORT: String(port),
    ALERTSYNC_ADMIN_TOKEN: admin,
    ALERTSYNC_ALLOW_INSECURE_JIRA: '1',
    ALERTSYNC_WORKER_POLL_MS: '50',
    ALERTSYNC_JIRA_TIMEOUT_MS: '1000',
    ALERTSYNC_JOB_LEASE_MS: '1500',
    ALERTSYNC_CREATE_RECHECK_MS: '600',
    ALERTSYNC_RETRY_BASE_MS: '100',
    ALERTSYNC_RETRY_MAX_MS: '1000',
    // Bulk create sends the creates of the jobs running side by side together (up to 32 with the
    // default concurrency when the rate limit binds): a slow site keeps the storm going through all the kills.
    ALERTSYNC_JIRA_RATE_LIMIT: '3',
    ALERTSYNC_SWEEP_DELAY_MS: '3600000',
    LOG_LEVEL: 'info',
  };
  const api = async (method: string, path: string, body?: unknown) => {
    const r = await fetch(`http://127.0.0.1:${port}${path}`, { method, headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
    return { status: r.status, body: (await r.json()) as any };
  };
  let proc: ServiceProcess | null = null;
  const start = async () => {
    proc = spawnService(env);
    await proc.waitForLine(/alertsync is up/, 60_000);
    return proc;
  };
  const kill = async (p: ServiceProcess) => {
    p.child.kill('SIGKILL');
    await p.exited;
  };
  let hookKills = 0;
  let timedKills = 0;
  try {
    let p = await start();
    const d = await api('POST', '/api/destinations', { name: 'crash', domain: emu.url, issueType: 'Task', projectKey: 'SEC', email: BOT.email, apiToken: BOT.apiToken });
    assert.equal(d.status, 201, JSON.stringify(d.body));
    const batch = await api('POST', '/api/alerts/batch', { alerts: Array.from({ length: ALERTS }, (_, i) => ({ title: `crash ${i}`, severity: 'CRITICAL', type: 'RULE' })) });
    assert.equal(batch.status, 201);
    const ids: string[] = batch.body.alerts.map((a: { id: string }) => a.id);

    for (let k = 0; k < KILLS; k++) {
      if (hookKills < HOOK_KILLS && k % 2 === 0) {
        // Hold the next create after Jira stored it, and kill the service inside that window.
        emu.emulator.configureFaults({ searchLagMs: 200, createHook: true });
        const held = await emu.emulator.createHook.next(20_000);
        assert.ok(held, 'a create was held');
        await kill(p);
        hookKills++;
        emu.emulator.createHook.releaseAll('destroy');
        emu.emulator.configureFaults({ searchLagMs: 200 });
      } else {
        await new Promise((r) => setTimeout(r, 200 + Math.floor(Math.random() * 900)));
        await kill(p);
        timedKills++;
      }
      p = await start();
    }
    const delivered = issueCountsByAlert(emu).size;
    console.log(`# ${hookKills + timedKills} SIGKILLs: ${hookKills} inside the create window (issue stored, answer held), ${timedKills} at random moments; ${delivered}/${ALERTS} alerts had issues at the last kill`);
    assert.ok(delivered < ALERTS, 'the kills happened while alerts were still being delivered');
    await waitFor('every alert to have an issue', () => issueCountsByAlert(emu).size === ALERTS, 120_000, 200);
    // Let rechecks and lease expiries settle, then check nothing is left to do.
    await waitFor('no create job left', async () => {
      const log = await api('GET', `/api/destinations/${d.body.destination.id}/deliveries?limit=500`);
      return !log.body.jobs.some((j: { kind: string; state: string }) => j.kind === 'create_issue' && (j.state === 'pending' || j.state === 'running'));
    }, 60_000, 250);
    const counts = issueCountsByAlert(emu);
    for (const id of ids) assert.equal(counts.get(id), 1, `alert ${id} has ${counts.get(id)} issues`);
    assert.equal([...counts.values()].reduce((a, b) => a + b, 0), ALERTS);
    assert.ok(hookKills >= 5 && hookKills + timedKills >= 10);
  } finally {
    if (proc) {
      (proc as ServiceProcess).child.kill('SIGKILL');
      await (proc as ServiceProcess).exited;
    }
    await emu.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
