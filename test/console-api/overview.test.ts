// GET /api/overview against known data, on SQLite and PostgreSQL: alerts seeded through the API at
// known times (injected clock), jobs left pending (worker off), a site's configured rate; then the
// real worker against the Jira emulator for the measured request rate and done deliveries.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startEmulator, type RunningEmulator } from '../../src/jira/emulator/index.js';
import { SiteRequestMeter } from '../../src/delivery/site-request-meter.js';
import { hourlyBuckets } from '../../src/overview/overview-service.js';
import { forEachDb, startTestService, type TestService } from '../support/service.js';
import { ManualClock, login, userWithPassword, withSession } from '../support/console.js';
import { createEmulatorDestination, waitFor } from '../support/delivery.js';

const H = 3_600_000;
const NOW_HOUR = Date.UTC(2026, 10, 28, 10); // the current hour's start in the test

forEachDb('overview', (db) => {
  let svc: TestService;
  const clock = new ManualClock(NOW_HOUR - 30 * H + 5 * 60_000);
  let alpha: string;
  let beta: string;
  const firstJobAt = NOW_HOUR - 5 * H + 10 * 60_000;
  before(async () => {
    svc = await startTestService(db, { ALERTSYNC_WORKER_DISABLED: '1' }, undefined, { clock });
    const post = async (severity: string, n = 1) => {
      for (let i = 0; i < n; i++) assert.equal((await svc.api('POST', '/api/alerts', { title: `${severity} ${i}`, severity, type: 'RULE' })).status, 201);
    };
    // 30 h before the current hour (only in a 48-hour overview), before any destination exists.
    await post('CRITICAL');
    clock.advance(NOW_HOUR - 5 * H + 10 * 60_000 - clock.now());
    const mk = async (name: string, domain: string, severities: string[]) => {
      const r = await svc.api('POST', '/api/destinations', { name, domain, issueType: 'Task', projectKey: 'SEC', email: 'bot@example.com', apiToken: 'token-123', severities });
      assert.equal(r.status, 201, r.text);
      return r.body.destination.id as string;
    };
    alpha = await mk('Alpha', 'https://alpha-sec.atlassian.net', ['HIGH', 'CRITICAL']);
    beta = await mk('Beta', 'https://beta-sec.atlassian.net', ['INFO', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL']);
    // 5 h before the current hour: one LOW, one INFO (Beta only).
    await post('LOW');
    clock.advance(60_000);
    await post('INFO');
    // 3 h before: one MEDIUM.
    clock.advance(2 * H);
    await post('MEDIUM');
    // The current hour: two HIGH, one CRITICAL (both destinations).
    clock.advance(NOW_HOUR + 20 * 60_000 - clock.now());
    await post('HIGH', 2);
    await post('CRITICAL');
    clock.advance(15 * 60_000);
    assert.equal((await svc.api('PUT', '/api/jira-sites/alpha-sec.atlassian.net/rate-limit', { ratePerSec: 5 })).status, 200);
  });
  after(async () => svc.close());

  test('alerts over the last 24 hours, per hour and severity', async () => {
    const r = await svc.api('GET', '/api/overview');
    assert.equal(r.status, 200, r.text);
    const buckets = r.body.alertsOverTime;
    assert.equal(buckets.length, 24);
    assert.equal(buckets[0].bucketStart, new Date(NOW_HOUR - 23 * H).toISOString());
    assert.equal(buckets[23].bucketStart, new Date(NOW_HOUR).toISOString());
    const nonEmpty = buckets.filter((b: any) => b.critical + b.high + b.medium + b.low + b.info > 0);
    assert.deepEqual(nonEmpty, [
      { bucketStart: new Date(NOW_HOUR - 5 * H).toISOString(), critical: 0, high: 0, medium: 0, low: 1, info: 1 },
      { bucketStart: new Date(NOW_HOUR - 3 * H).toISOString(), critical: 0, high: 0, medium: 1, low: 0, info: 0 },
      { bucketStart: new Date(NOW_HOUR).toISOString(), critical: 1, high: 2, medium: 0, low: 0, info: 0 },
    ]);
    const wide = await svc.api('GET', '/api/overview?hours=48');
    assert.equal(wide.body.alertsOverTime.length, 48);
    assert.deepEqual(wide.body.alertsOverTime.find((b: any) => b.bucketStart === new Date(NOW_HOUR - 30 * H).toISOString()), { bucketStart: new Date(NOW_HOUR - 30 * H).toISOString(), critical: 1, high: 0, medium: 0, low: 0, info: 0 });
    assert.equal((await svc.api('GET', '/api/overview?hours=720')).body.alertsOverTime.length, 720);
    for (const bad of ['0', '721', 'x']) assert.equal((await svc.api('GET', `/api/overview?hours=${bad}`)).status, 400, bad);
  });

  test('deliveries by state per destination, the oldest waiting job, the sites with their limits', async () => {
    const r = await svc.api('GET', '/api/overview');
    assert.deepEqual(r.body.deliveriesByState, [
      { destinationId: alpha, destinationName: 'Alpha', state: 'pending', count: 3 },
      { destinationId: beta, destinationName: 'Beta', state: 'pending', count: 6 },
    ].sort((a, b) => a.destinationId.localeCompare(b.destinationId)));
    const oldest = r.body.oldestWaitingJob;
    assert.equal(oldest.kind, 'create_issue');
    assert.equal(oldest.destinationId, beta);
    assert.equal(oldest.state, 'pending');
    assert.equal(oldest.waitingSince, new Date(firstJobAt).toISOString());
    assert.equal(oldest.waitingSinceMs, clock.now() - firstJobAt);
    assert.deepEqual(r.body.sites, [{ host: 'alpha-sec.atlassian.net', requestsPerSecond: 0, limitPerSecond: 5, configuredPerSecond: 5 }]);
  });

  test('every role that reads alerts may read it, with a token or a console session; ingest may not', async () => {
    const viewer = await userWithPassword(svc, 'viewer.overview@example.com', 'viewer', 'viewer overview pw');
    assert.ok(viewer);
    const s = await login(svc, 'viewer.overview@example.com', 'viewer overview pw');
    assert.equal((await withSession(svc, s, 'GET', '/api/overview', undefined, null)).status, 200);
    const ingest = await svc.api('POST', '/api/users', { email: 'ingest.overview@example.com', name: 'I', role: 'ingest' });
    const t = await svc.api('POST', `/api/users/${ingest.body.id}/tokens`, { name: 't' });
    assert.equal((await svc.api('GET', '/api/overview', undefined, t.body.token)).status, 403);
  });
});

describe('overview with the worker and the Jira emulator', () => {
  let svc: TestService;
  let emu: RunningEmulator;
  before(async () => {
    emu = await startEmulator();
    svc = await startTestService('sqlite', { ALERTSYNC_ALLOW_INSECURE_JIRA: '1', ALERTSYNC_WORKER_POLL_MS: '20', ALERTSYNC_JIRA_RATE_LIMIT: '1000' });
  });
  after(async () => {
    await svc.close();
    await emu.close();
  });

  test('a delivered alert shows as done, the site with its measured request rate and its limit, nothing waiting', async () => {
    const dest = await createEmulatorDestination(svc, emu);
    const a = await svc.api('POST', '/api/alerts', { title: 'overview e2e', severity: 'HIGH', type: 'RULE' });
    await waitFor('the issue link', async () => (await svc.api('GET', `/api/alerts/${a.body.id}/deliveries`)).body.links[0]);
    const r = await waitFor('the done job in the overview', async () => {
      const o = await svc.api('GET', '/api/overview');
      return o.body.deliveriesByState.some((d: any) => d.destinationId === dest && d.state === 'done') && o;
    });
    assert.deepEqual(r.body.deliveriesByState.filter((d: any) => d.destinationId === dest), [{ destinationId: dest, destinationName: r.body.deliveriesByState[0].destinationName, state: 'done', count: 1 }]);
    assert.equal(r.body.oldestWaitingJob, null);
    const host = new URL(emu.url).host;
    const site = r.body.sites.find((s: any) => s.host === host);
    assert.ok(site, JSON.stringify(r.body.sites));
    // At least the create request in the last 60 s: 1/60 per second or more.
    assert.ok(site.requestsPerSecond >= 1 / 60 - 0.001, JSON.stringify(site));
    assert.equal(site.configuredPerSecond, 1000);
    assert.ok(site.limitPerSecond > 0 && site.limitPerSecond <= 1000, JSON.stringify(site));
    assert.equal(r.body.alertsOverTime.at(-1).high, 1);
  });
});

test('hourlyBuckets: every hour present, the current one last, unknown severities ignored', () => {
  const now = 10 * H + 123;
  const b = hourlyBuckets([{ hour: 8, severity: 'HIGH', count: 2 }, { hour: 10, severity: 'INFO', count: 1 }, { hour: 10, severity: 'WEIRD', count: 7 }, { hour: 5, severity: 'LOW', count: 1 }], now, 3);
  assert.deepEqual(b, [
    { bucketStart: 8 * H, critical: 0, high: 2, medium: 0, low: 0, info: 0 },
    { bucketStart: 9 * H, critical: 0, high: 0, medium: 0, low: 0, info: 0 },
    { bucketStart: 10 * H, critical: 0, high: 0, medium: 0, low: 0, info: 1 },
  ]);
});

test('SiteRequestMeter: requests per second over the last window, per site', () => {
  const clock = new ManualClock(1_000_000);
  const m = new SiteRequestMeter(clock, 10_000);
  for (let i = 0; i < 20; i++) m.record('a.example');
  clock.advance(5_000);
  for (let i = 0; i < 10; i++) m.record('b.example');
  assert.deepEqual([...m.rates()], [['a.example', 2], ['b.example', 1]]);
  clock.advance(5_000);
  assert.deepEqual([...m.rates()], [['b.example', 1]], 'a.example left the window');
  clock.advance(5_000);
  assert.deepEqual([...m.rates()], []);
});
