// A wrong rate setting is learned away: the service is set to 10 requests/s, the Jira site (the
// emulator's rate-limit fault) allows 5. The limiter lowers the site's rate from Jira's 429s and
// X-RateLimit-* headers (down fast, up slowly), so after convergence fewer than 2% of the requests
// are answered 429 (before the learning: 16.7% in this test). One process on SQLite; two replicas sharing the
// learned rate on PostgreSQL. The learned rate shows in GET /api/jira-sites.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startEmulator, type RunningEmulator } from '../../src/jira/emulator/index.js';
import { startTestService } from '../support/service.js';
import { startReplicas } from '../support/replicas.js';
import { BOT, issueCountsByAlert, waitFor } from '../support/delivery.js';

const SITE_RATE = 5;
const CONFIGURED = 10;
/** Alerts in the storm; the first CONVERGE issues are the learning phase, the rest is measured. */
const N = Number(process.env.RATE_LEARNING_ALERTS ?? 200);
const CONVERGE = Number(process.env.RATE_LEARNING_CONVERGE ?? 60);
const DRAIN_TIMEOUT_MS = Number(process.env.RATE_LEARNING_TIMEOUT_MS ?? 180_000);

const ENV = {
  // One request per issue: the learning is measured over a few hundred requests (with bulk create
  // 200 alerts are about 30 requests, too few to measure a share of 429s below 2%).
  ALERTSYNC_JIRA_BULK_CREATE_DISABLED: '1',
  ALERTSYNC_ALLOW_INSECURE_JIRA: '1',
  ALERTSYNC_WORKER_POLL_MS: '50',
  ALERTSYNC_JIRA_RATE_LIMIT: String(CONFIGURED),
  ALERTSYNC_RETRY_BASE_MS: '200',
  ALERTSYNC_RETRY_MAX_MS: '2000',
};

type Stats = { accepted: number; rejected: number; acceptedPerSecond: number };

async function storm(emu: RunningEmulator, post: (alerts: unknown[]) => Promise<void>, sites: () => Promise<any[]>, label: string) {
  const alerts = Array.from({ length: N }, (_, i) => ({ title: `${label} learning ${i}`, severity: 'HIGH', type: 'RULE' }));
  emu.emulator.faults.resetStats();
  await post(alerts);
  await waitFor(`${CONVERGE} issues (learning)`, () => issueCountsByAlert(emu).size >= CONVERGE, DRAIN_TIMEOUT_MS, 20);
  const learning = emu.emulator.faults.stats() as Stats;
  emu.emulator.faults.resetStats();
  await waitFor(`${N} issues`, () => issueCountsByAlert(emu).size >= N, DRAIN_TIMEOUT_MS, 100);
  const measured = emu.emulator.faults.stats() as Stats;
  const share = measured.rejected / (measured.accepted + measured.rejected);
  const [site] = await sites();
  console.log(
    `# ${label}: learning phase ${learning.accepted} accepted / ${learning.rejected} 429; after it ${measured.accepted} accepted / ${measured.rejected} 429 ` +
      `(${(share * 100).toFixed(2)}%), accepted ${measured.acceptedPerSecond.toFixed(2)}/s; learned rate ${site.learnedRatePerSec}/s (configured ${site.ratePerSec}/s)`,
  );
  assert.equal(issueCountsByAlert(emu).size, N, 'one issue per alert');
  assert.ok(learning.rejected > 0, 'the wrong setting was noticed (429s while learning)');
  assert.ok(share < 0.02, `${(share * 100).toFixed(2)}% of requests were answered 429 after convergence`);
  assert.ok(measured.acceptedPerSecond >= 0.6 * SITE_RATE, `the site was kept busy: ${measured.acceptedPerSecond.toFixed(2)}/s`);
  assert.equal(site.ratePerSec, CONFIGURED);
  assert.ok(site.learnedRatePerSec < CONFIGURED && site.learnedRatePerSec <= SITE_RATE * 1.3, `learned ${site.learnedRatePerSec}/s`);
}

test(`rate learning, one process (SQLite): ${CONFIGURED}/s configured against a ${SITE_RATE}/s site`, async () => {
  const emu = await startEmulator({ faults: { rateLimit: { perSecond: SITE_RATE } } });
  const svc = await startTestService('sqlite', ENV);
  try {
    const d = await svc.api('POST', '/api/destinations', { name: 'SEC', domain: emu.url, issueType: 'Task', projectKey: 'SEC', email: BOT.email, apiToken: BOT.apiToken });
    assert.equal(d.status, 201, d.text);
    await storm(
      emu,
      async (alerts) => assert.equal((await svc.api('POST', '/api/alerts/batch', { alerts })).status, 201),
      async () => (await svc.api('GET', '/api/jira-sites')).body.sites,
      'sqlite',
    );
  } finally {
    await svc.close();
    await emu.close();
  }
});

test(`rate learning, two replicas (PostgreSQL) share the learned rate`, async () => {
  const emu = await startEmulator({ faults: { rateLimit: { perSecond: SITE_RATE } } });
  const r = await startReplicas(2, ENV);
  try {
    const d = await r.api(0, 'POST', '/api/destinations', { name: 'SEC', domain: emu.url, issueType: 'Task', projectKey: 'SEC', email: BOT.email, apiToken: BOT.apiToken });
    assert.equal(d.status, 201);
    await storm(
      emu,
      async (alerts) => {
        const [a, b] = await Promise.all([r.api(0, 'POST', '/api/alerts/batch', { alerts: alerts.slice(0, N / 2) }), r.api(1, 'POST', '/api/alerts/batch', { alerts: alerts.slice(N / 2) })]);
        assert.equal(a.status, 201);
        assert.equal(b.status, 201);
      },
      async () => (await r.api(1, 'GET', '/api/jira-sites')).body.sites,
      'postgres, two replicas',
    );
  } finally {
    await r.close();
    await emu.close();
  }
});
