// Two service processes on one PostgreSQL database share the work without doing any item twice,
// even when one of them stalls (SIGSTOP) past its lease and then wakes up.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startEmulator } from '../../src/jira/emulator/index.js';
import { startReplicas } from '../support/replicas.js';
import { BOT, issueCountsByAlert, waitFor } from '../support/delivery.js';

test('replicas: 2 processes, 50 ms Jira latency, 500 alerts → 500 issues, each process ≥ 20%; a SIGSTOP past the lease makes no duplicate', async () => {
  const emu = await startEmulator({ faults: { latency: { ms: 50 }, searchLagMs: 100 } });
  const r = await startReplicas(2, {
    ALERTSYNC_ALLOW_INSECURE_JIRA: '1',
    ALERTSYNC_WORKER_POLL_MS: '50',
    ALERTSYNC_WORKER_CONCURRENCY: '8',
    ALERTSYNC_JIRA_TIMEOUT_MS: '1500',
    ALERTSYNC_JOB_LEASE_MS: '2500',
    ALERTSYNC_CREATE_RECHECK_MS: '500',
    ALERTSYNC_RETRY_BASE_MS: '100',
    ALERTSYNC_RETRY_MAX_MS: '1000',
    ALERTSYNC_SWEEP_DELAY_MS: '1500',
    ALERTSYNC_JIRA_RATE_LIMIT: '1000',
  });
  try {
    for (const port of r.ports) assert.equal((await fetch(`http://127.0.0.1:${port}/readyz`)).status, 200, 'both ready before alerts arrive');
    const d = await r.api(0, 'POST', '/api/destinations', { name: 'replicas', domain: emu.url, issueType: 'Task', projectKey: 'SEC', email: BOT.email, apiToken: BOT.apiToken });
    assert.equal(d.status, 201);
    const batch = await r.api(1, 'POST', '/api/alerts/batch', { alerts: Array.from({ length: 500 }, (_, i) => ({ title: `replica ${i}`, severity: 'HIGH', type: 'RULE' })) });
    assert.equal(batch.status, 201);
    const ids: string[] = batch.body.alerts.map((a: { id: string }) => a.id);
    await waitFor('500 issues', () => issueCountsByAlert(emu).size === 500, 120_000, 100);
    const counts = issueCountsByAlert(emu);
    for (const id of ids) assert.equal(counts.get(id), 1);
    const byProcess = await r.query<{ pid: string; n: string }>(
      `select split_part(worker, '-', 2) as pid, count(*) as n from delivery_attempts where request in ('createIssue', 'createIssues') and outcome = 'ok' group by 1 order by 1`,
    );
    console.log(`# creates per process: ${byProcess.map((x) => `pid ${x.pid}: ${x.n}`).join(', ')}`);
    assert.equal(byProcess.length, 2);
    for (const x of byProcess) assert.ok(Number(x.n) >= 100, `process ${x.pid} made ${x.n} of 500 (< 20%)`);

    // Stall one process past its lease while it holds jobs, then let it go on.
    const more = await r.api(0, 'POST', '/api/alerts/batch', { alerts: Array.from({ length: 200 }, (_, i) => ({ title: `stalled ${i}`, severity: 'HIGH', type: 'RULE' })) });
    const moreIds: string[] = more.body.alerts.map((a: { id: string }) => a.id);
    const victim = r.procs[0]!;
    await waitFor('the victim to hold jobs', async () => (await r.query<{ n: string }>(`select count(*) as n from delivery_jobs where state = 'running' and lease_owner like $1`, [`w-${victim.child.pid}-%`]))[0]!.n !== '0', 10_000, 5);
    victim.child.kill('SIGSTOP');
    const held = await r.query<{ n: string }>(`select count(*) as n from delivery_jobs where state = 'running' and lease_owner like $1`, [`w-${victim.child.pid}-%`]);
    await new Promise((res) => setTimeout(res, 4000));
    victim.child.kill('SIGCONT');
    await waitFor('700 alerts with issues', () => issueCountsByAlert(emu).size === 700, 120_000, 100);
    await waitFor('no job left', async () => (await r.query<{ n: string }>(`select count(*) as n from delivery_jobs where state in ('pending', 'running')`))[0]!.n === '0', 60_000, 200);
    const after = issueCountsByAlert(emu);
    const stalledTotal = moreIds.reduce((a, id) => a + (after.get(id) ?? 0), 0);
    const lookedUp = await r.query<{ outcome: string; n: string }>(`select outcome, count(*) as n from delivery_attempts where request = 'search' group by outcome order by outcome`);
    console.log(`# SIGSTOP for 4 s (lease 2.5 s) while holding ${held[0]!.n} jobs; lookups after reclaim: ${JSON.stringify(lookedUp)}; ${stalledTotal} issues for 200 alerts`);
    for (const id of [...ids, ...moreIds]) {
      if (after.get(id) !== 1) {
        const at = await r.query(`select worker, at, request, outcome, http_status, issue_key, error from delivery_attempts where alert_id = $1 order by id`, [id]);
        const jobs = await r.query(`select id, kind, state, fence, unknown_since, had_unknown, last_error from delivery_jobs where alert_id = $1`, [id]);
        console.log(`# alert ${id} (stalled pid ${victim.child.pid}): attempts ${JSON.stringify(at)}, jobs ${JSON.stringify(jobs)}`);
      }
    }
    for (const id of [...ids, ...moreIds]) assert.equal(after.get(id), 1, `alert ${id} has ${after.get(id)} issues`);
  } finally {
    await r.close();
    await emu.close();
  }
});
