// Manual Jira account mappings (issue #11, assignee): admin-only API per Jira site, audited,
// validated (unknown user or site 404, bad account id 400), and read by the assignee sync through
// findMappedAccountId, on SQLite and PostgreSQL.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { forEachDb, startTestService, type TestService } from '../support/service.js';
import { findMappedAccountId } from '../../src/storage/repositories/jira-account-mappings.js';

const SITE = '127.0.0.1:9';
const HUGO_ID = '5d53f3cbc6b9320d9ea5bdc2';
const OTHER_ID = '712020:5f0c4a8e-2b6d-4c1e-9a37-1d2e3f4a5b6c';

forEachDb('jira account mappings', (db) => {
  let svc: TestService;
  let userId: string;
  let analystToken: string;
  before(async () => {
    svc = await startTestService(db, { ALERTSYNC_ALLOW_INSECURE_JIRA: '1', ALERTSYNC_WORKER_DISABLED: '1' });
    const d = await svc.api('POST', '/api/destinations', { name: 'site', domain: `http://${SITE}`, issueType: 'Task', projectKey: 'SEC', email: 'bot@example.com', apiToken: 'not-a-real-token-123' });
    assert.equal(d.status, 201, d.text);
    const u = await svc.api('POST', '/api/users', { email: 'hugo@example.com', name: 'Hugo', role: 'analyst' });
    assert.equal(u.status, 201, u.text);
    userId = u.body.id;
    analystToken = (await svc.api('POST', `/api/users/${userId}/tokens`, { name: 't' })).body.token;
  });
  after(async () => svc.close());

  const path = (uid = userId, host = SITE) => `/api/jira-sites/${host}/account-mappings/${uid}`;

  test('set, read, replace and remove a mapping; each change is audited once; the sync reads it', async () => {
    assert.equal(await findMappedAccountId(svc.service.storage.db, SITE, userId), null);
    const set = await svc.api('PUT', path(), { accountId: HUGO_ID });
    assert.equal(set.status, 200, set.text);
    assert.deepEqual({ ...set.body, createdAt: 0, updatedAt: 0 }, { siteHost: SITE, userId, accountId: HUGO_ID, createdAt: 0, updatedAt: 0 });
    assert.equal(await findMappedAccountId(svc.service.storage.db, SITE, userId), HUGO_ID);
    assert.equal(await findMappedAccountId(svc.service.storage.db, 'other.atlassian.net', userId), null, 'per site');

    const again = await svc.api('PUT', path(), { accountId: HUGO_ID });
    assert.equal(again.status, 200);
    const replaced = await svc.api('PUT', path(), { accountId: OTHER_ID });
    assert.equal(replaced.body.accountId, OTHER_ID);
    assert.equal(await findMappedAccountId(svc.service.storage.db, SITE, userId), OTHER_ID);
    assert.deepEqual((await svc.api('GET', path())).body, replaced.body);
    const list = await svc.api('GET', `/api/jira-sites/${SITE}/account-mappings`);
    assert.deepEqual(list.body, { mappings: [replaced.body] });

    const removed = await svc.api('DELETE', path());
    assert.equal(removed.status, 204);
    assert.equal(await findMappedAccountId(svc.service.storage.db, SITE, userId), null);
    assert.equal((await svc.api('GET', path())).status, 404);
    assert.equal((await svc.api('DELETE', path())).status, 404);

    const audit = await svc.api('GET', `/api/audit?targetId=${userId}`);
    const entries = audit.body.entries.filter((e: { action: string }) => e.action.startsWith('jira_account_mapping.')).reverse();
    assert.deepEqual(
      entries.map((e: { action: string; details: Record<string, unknown> }) => [e.action, e.details]),
      [
        ['jira_account_mapping.set', { siteHost: SITE, accountId: HUGO_ID, previousAccountId: null }],
        ['jira_account_mapping.set', { siteHost: SITE, accountId: OTHER_ID, previousAccountId: HUGO_ID }],
        ['jira_account_mapping.removed', { siteHost: SITE, accountId: OTHER_ID }],
      ],
      'the repeated identical PUT wrote no entry',
    );
    assert.ok(entries.every((e: { actor: { name: string } }) => e.actor.name === 'Administrator'));
  });

  test('refusals: unknown user or site 404, bad account id 400, non-admin 403; nothing written', async () => {
    const unknownUser = await svc.api('PUT', path('usr_nobody'), { accountId: HUGO_ID });
    assert.equal(unknownUser.status, 404, unknownUser.text);
    const unknownSite = await svc.api('PUT', path(userId, 'nowhere.atlassian.net'), { accountId: HUGO_ID });
    assert.equal(unknownSite.status, 404, unknownSite.text);
    for (const bad of ['has space', 'x'.repeat(129), '-leading-dash', 'semi;colon', '']) {
      const r = await svc.api('PUT', path(), { accountId: bad });
      assert.equal(r.status, 400, `${bad}: ${r.text}`);
    }
    assert.equal((await svc.api('PUT', path(), { accountId: HUGO_ID, extra: 1 })).status, 400);
    assert.equal((await svc.api('PUT', path(), { accountId: HUGO_ID }, analystToken)).status, 403);
    assert.equal((await svc.api('GET', `/api/jira-sites/${SITE}/account-mappings`, undefined, analystToken)).status, 403);
    assert.equal(await findMappedAccountId(svc.service.storage.db, SITE, userId), null);
    assert.equal(await findMappedAccountId(svc.service.storage.db, SITE, 'usr_nobody'), null);
  });
});
