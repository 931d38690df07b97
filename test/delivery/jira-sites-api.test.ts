// PUT /api/jira-sites/{host}/rate-limit: only for the site of an existing destination, audited, and
// the learned rate starts again from the new setting. (Refused inputs: test/http/bad-request-cases.)
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { forEachDb, startTestService, type TestService } from '../support/service.js';

forEachDb('jira sites api', (db) => {
  let svc: TestService;
  before(async () => {
    svc = await startTestService(db, { ALERTSYNC_ALLOW_INSECURE_JIRA: '1', ALERTSYNC_WORKER_DISABLED: '1', ALERTSYNC_JIRA_RATE_LIMIT: '10' });
    const d = await svc.api('POST', '/api/destinations', { name: 'site', domain: 'http://127.0.0.1:9', issueType: 'Task', projectKey: 'SEC', email: 'bot@example.com', apiToken: 'not-a-real-token-123' });
    assert.equal(d.status, 201, d.text);
  });
  after(async () => svc.close());

  test('setting the rate of a destination\'s site answers the site and writes an audit entry', async () => {
    const r = await svc.api('PUT', '/api/jira-sites/127.0.0.1:9/rate-limit', { ratePerSec: 2.5, burst: 3 });
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.body, { siteHost: '127.0.0.1:9', ratePerSec: 2.5, learnedRatePerSec: 2.5, burst: 3 });
    const sites = await svc.api('GET', '/api/jira-sites');
    assert.deepEqual(sites.body.sites, [r.body]);
    const audit = await svc.api('GET', '/api/audit?action=jira_site.rate_limit_set');
    assert.equal(audit.body.entries.length, 1, audit.text);
    const e = audit.body.entries[0];
    assert.equal(e.targetType, 'jira_site');
    assert.equal(e.targetId, '127.0.0.1:9');
    assert.equal(e.actor.name, 'Administrator');
    assert.deepEqual({ ratePerSec: e.details.ratePerSec, burst: e.details.burst, previous: e.details.previous }, { ratePerSec: 2.5, burst: 3, previous: { ratePerSec: 10, burst: 5 } });
  });

  test('a host that no destination uses is 404, creates no site and is not audited', async () => {
    const r = await svc.api('PUT', '/api/jira-sites/made-up.example:443/rate-limit', { ratePerSec: 5 });
    assert.equal(r.status, 404, r.text);
    const sites = await svc.api('GET', '/api/jira-sites');
    assert.deepEqual(sites.body.sites.map((s: { siteHost: string }) => s.siteHost), ['127.0.0.1:9']);
    const audit = await svc.api('GET', '/api/audit?action=jira_site.rate_limit_set');
    assert.equal(audit.body.entries.length, 1);
  });
});
