// A PATCH that changes nothing writes nothing: no audit entry, no updatedAt bump (issue 9, item 10).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { dumpTables, forEachDb, startTestService, type TestService } from '../support/service.js';

forEachDb('a PATCH that changes nothing', (db) => {
  let svc: TestService;
  before(async () => {
    svc = await startTestService(db, { ALERTSYNC_ALLOW_INSECURE_JIRA: '1', ALERTSYNC_WORKER_DISABLED: '1' });
  });
  after(async () => svc.close());

  test('user: same name, same role, same email (other case) writes nothing', async () => {
    const u = await svc.api('POST', '/api/users', { email: 'same@example.com', name: 'Same', role: 'viewer' });
    assert.equal(u.status, 201, u.text);
    const dump = await dumpTables(svc.service.storage);
    for (const patch of [{ name: 'Same' }, { name: '  Same ' }, { role: 'viewer' }, { email: 'SAME@example.com' }, { disabled: false }]) {
      const r = await svc.api('PATCH', `/api/users/${u.body.id}`, patch);
      assert.equal(r.status, 200, r.text);
      assert.equal(r.body.updatedAt, u.body.updatedAt);
    }
    assert.equal(await dumpTables(svc.service.storage), dump);
  });

  test('destination: same fields and the same API token write nothing', async () => {
    const d = await svc.api('POST', '/api/destinations', {
      name: 'Same', domain: 'http://127.0.0.1:9', issueType: 'Bug', projectKey: 'SEC', email: 'bot@example.com', apiToken: 'atl-same', enabled: false,
    });
    assert.equal(d.status, 201, d.text);
    const id = d.body.destination.id;
    const dump = await dumpTables(svc.service.storage);
    for (const patch of [{ name: 'Same' }, { apiToken: 'atl-same' }, { enabled: false, projectKey: 'SEC' }, { statusMapping: {} }]) {
      const r = await svc.api('PATCH', `/api/destinations/${id}`, patch);
      assert.equal(r.status, 200, r.text);
      assert.equal(r.body.destination.updatedAt, d.body.destination.updatedAt);
    }
    assert.equal(await dumpTables(svc.service.storage), dump);
    const changed = await svc.api('PATCH', `/api/destinations/${id}`, { name: 'Other' });
    assert.equal(changed.status, 200);
    assert.notEqual(await dumpTables(svc.service.storage), dump, 'a real change is written');
  });
});
