// A storm drains at the Jira site's pace instead of being hammered into 429s: one bucket per site,
// shared by every destination on it and every replica (through the database).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startEmulator, type RunningEmulator } from '../../src/jira/emulator/index.js';
import { startTestService } from '../support/service.js';
import { startReplicas } from '../support/replicas.js';
import { BOT, issueCountsByAlert, waitFor } from '../support/delivery.js';

const R = 12;
const N = 240; // N / R = 20 s

const ENV = {
  ALERTSYNC_ALLOW_INSECURE_JIRA: '1',
  ALERTSYNC_WORKER_POLL_MS: '50',
  ALERTSYNC_JIRA_RATE_LIMIT: String(R),
  ALERTSYNC_RETRY_BASE_MS: '200',
  ALERTSYNC_RETRY_MAX_MS: '2000',
};

async function drain(emu: RunningEmulator, post: (alerts: unknown[]) => Promise<void>, label: string) {
  // Two destinations on the same site (two projects) share the bucket.
  const alerts = Array.from({ length: N }, (_, i) => ({ title: `${label} storm ${i}`, severity: i % 2 ? 'HIGH' : 'LOW', type: 'RULE' }));
  emu.emulator.faults.resetStats();
  const t0 = Date.now();
  await post(alerts);
  await waitFor(`${N} issues`, () => issueCountsByAlert(emu).size >= N, 120_000, 100);
  const seconds = (Date.now() - t0) / 1000;
  const stats = emu.emulator.faults.stats() as { accepted: number; rejected: number; windowSeconds: number; acceptedPerSecond: number };
  const total = stats.accepted + stats.rejected;
  const share429 = stats.rejected / total;
  console.log(`# ${label}: ${N} alerts at R=${R}/s drained in ${seconds.toFixed(1)} s (N/R = ${N / R} s, ratio ${(seconds / (N / R)).toFixed(2)}); ${stats.accepted} accepted, ${stats.rejected} answered 429 (${(share429 * 100).toFixed(2)}%); accepted rate ${stats.acceptedPerSecond.toFixed(2)}/s = ${(stats.acceptedPerSecond / R).toFixed(2)} R`);
  assert.equal(issueCountsByAlert(emu).size, N);
  assert.ok(share429 < 0.02, `${(share429 * 100).toFixed(2)}% of requests were answered 429`);
  assert.ok(stats.acceptedPerSecond >= 0.85 * R, `accepted ${stats.acceptedPerSecond.toFixed(2)}/s < 0.85 × ${R}`);
}

test(`rate limit, one replica: ${N} alerts against ${R} requests/s`, async () => {
  const emu = await startEmulator({ faults: { rateLimit: { perSecond: R } } });
  const svc = await startTestService('sqlite', ENV);
  try {
    for (const [projectKey, severities] of [['SEC', ['HIGH']], ['OPS', ['LOW']]] as const) {
      const r = await svc.api('POST', '/api/destinations', { name: projectKey, domain: emu.url, issueType: 'Task', projectKey, email: BOT.email, apiToken: BOT.apiToken, severities });
      assert.equal(r.status, 201, r.text);
    }
    await drain(emu, async (alerts) => {
      const r = await svc.api('POST', '/api/alerts/batch', { alerts });
      assert.equal(r.status, 201);
    }, 'one replica');
  } finally {
    await svc.close();
    await emu.close();
  }
});

test(`rate limit, two replicas on PostgreSQL: ${N} alerts against ${R} requests/s`, async () => {
  const emu = await startEmulator({ faults: { rateLimit: { perSecond: R } } });
  const r = await startReplicas(2, ENV);
  try {
    for (const [projectKey, severities] of [['SEC', ['HIGH']], ['OPS', ['LOW']]] as const) {
      const d = await r.api(0, 'POST', '/api/destinations', { name: projectKey, domain: emu.url, issueType: 'Task', projectKey, email: BOT.email, apiToken: BOT.apiToken, severities });
      assert.equal(d.status, 201);
    }
    await drain(emu, async (alerts) => {
      // Half the storm arrives at each replica.
      const [a, b] = await Promise.all([r.api(0, 'POST', '/api/alerts/batch', { alerts: alerts.slice(0, N / 2) }), r.api(1, 'POST', '/api/alerts/batch', { alerts: alerts.slice(N / 2) })]);
      assert.equal(a.status, 201);
      assert.equal(b.status, 201);
    }, 'two replicas');
    // Creates go out one by one or in bulk requests (createIssues), whichever each replica's sender chose.
    const byProcess = await r.query<{ pid: string; request: string; n: string }>(`select split_part(worker, '-', 2) as pid, request, count(*) as n from delivery_attempts where request in ('createIssue', 'createIssues') and outcome = 'ok' group by 1, 2 order by 1, 2`);
    console.log(`# creates by replica: ${byProcess.map((p) => `${p.pid} ${p.request} ${p.n}`).join('; ')}`);
    assert.equal(new Set(byProcess.map((p) => p.pid)).size, 2, 'both replicas delivered');
  } finally {
    await r.close();
    await emu.close();
  }
});
