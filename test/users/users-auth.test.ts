import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { forEachDb, startTestService, type TestService } from '../support/service.js';

forEachDb('users, tokens and roles', (db) => {
  let svc: TestService;
  const tokens: Record<string, string> = {};
  const ids: Record<string, string> = {};
  before(async () => {
    svc = await startTestService(db);
    for (const role of ['analyst', 'viewer', 'ingest', 'admin']) {
      const u = await svc.api('POST', '/api/users', { email: `${role}2@example.com`, name: `The ${role}`, role });
      assert.equal(u.status, 201, u.text);
      ids[role] = u.body.id;
      const t = await svc.api('POST', `/api/users/${u.body.id}/tokens`, { name: `${role} token` });
      assert.equal(t.status, 201);
      assert.equal(t.headers.get('cache-control'), 'no-store');
      tokens[role] = t.body.token;
    }
  });
  after(async () => svc.close());

  test('401 without a token, with a malformed header, with an unknown token', async () => {
    for (const [token, header] of [[null, undefined], [null, 'Basic abc'], ['ast_nope', undefined]] as const) {
      const r = await svc.api('GET', '/api/alerts', undefined, token, header ? { authorization: header } : {});
      assert.equal(r.status, 401);
      assert.equal(r.body.error.code, 'unauthorized');
      assert.equal(r.headers.get('www-authenticate'), 'Bearer');
    }
  });

  test('each role may do exactly what it is granted', async () => {
    const alert = await svc.api('POST', '/api/alerts', { title: 'r', severity: 'LOW', type: 'RULE' }, tokens.ingest);
    assert.equal(alert.status, 201, 'ingest may create alerts');
    const id = alert.body.id;
    const matrix: Array<[string, string, unknown, Record<string, number>]> = [
      ['GET', '/api/alerts', undefined, { admin: 200, analyst: 200, viewer: 200, ingest: 403 }],
      ['GET', `/api/alerts/${id}`, undefined, { admin: 200, analyst: 200, viewer: 200, ingest: 403 }],
      ['PUT', `/api/alerts/${id}/status`, { status: 'TRIAGED' }, { admin: 200, analyst: 200, viewer: 403, ingest: 403 }],
      ['POST', `/api/alerts/${id}/comments`, { body: 'hi' }, { admin: 201, analyst: 201, viewer: 403, ingest: 403 }],
      ['GET', '/api/users', undefined, { admin: 200, analyst: 200, viewer: 200, ingest: 403 }],
      ['GET', '/api/users/me', undefined, { admin: 200, analyst: 200, viewer: 200, ingest: 200 }],
      ['POST', '/api/users', { email: 'x@example.com', name: 'X', role: 'viewer' }, { admin: 201, analyst: 403, viewer: 403, ingest: 403 }],
      ['GET', '/api/audit', undefined, { admin: 200, analyst: 403, viewer: 403, ingest: 403 }],
    ];
    for (const [method, path, body, expected] of matrix) {
      for (const role of ['analyst', 'viewer', 'ingest', 'admin']) {
        const r = await svc.api(method, path, body, tokens[role]);
        assert.equal(r.status, expected[role], `${role} ${method} ${path}: ${r.text}`);
        if (r.status === 403) assert.match(r.body.error.message, new RegExp(`the ${role} role may not do this`));
      }
    }
  });

  test('a revoked token, a disabled user and an expired token are refused', async () => {
    const u = await svc.api('POST', '/api/users', { email: 'temp@example.com', name: 'Temp', role: 'analyst' });
    const t1 = await svc.api('POST', `/api/users/${u.body.id}/tokens`, { name: 'one' });
    const t2 = await svc.api('POST', `/api/users/${u.body.id}/tokens`, { name: 'two', expiresInDays: null });
    assert.equal((await svc.api('GET', '/api/users/me', undefined, t1.body.token)).status, 200);
    const list = await svc.api('GET', `/api/users/${u.body.id}/tokens`);
    assert.equal(list.body.tokens.length, 2);
    assert.ok(list.body.tokens[0].lastUsedAt, 'last use is recorded');
    assert.ok(!JSON.stringify(list.body).includes(t1.body.token), 'tokens are never listed');
    assert.equal((await svc.api('DELETE', `/api/users/${u.body.id}/tokens/${t1.body.apiToken.id}`)).status, 204);
    const revoked = await svc.api('GET', '/api/users/me', undefined, t1.body.token);
    assert.equal(revoked.status, 401);
    // One answer for every refused token (issue 9, defect 9): the reason is in the log only.
    assert.equal(revoked.body.error.message, 'the API token is not valid');
    assert.ok(svc.logs.some((l) => l.includes('"tokenRefused":"revoked"')), 'the reason is logged');
    assert.equal((await svc.api('PATCH', `/api/users/${u.body.id}`, { disabled: true })).status, 200);
    const disabled = await svc.api('GET', '/api/users/me', undefined, t2.body.token);
    assert.equal(disabled.status, 401);
    assert.equal(disabled.body.error.message, 'the API token is not valid');
    assert.ok(svc.logs.some((l) => l.includes('"tokenRefused":"user_disabled"')));
    // Expiry: move the token's expiry into the past through the database, as time would.
    const v = await svc.api('POST', `/api/users/${ids.viewer}/tokens`, { name: 'short', expiresInDays: 1 });
    await svc.service.storage.db.updateTable('api_tokens').set({ expires_at: Date.now() - 1 }).where('id', '=', v.body.apiToken.id).execute();
    const expired = await svc.api('GET', '/api/users/me', undefined, v.body.token);
    assert.equal(expired.status, 401);
    assert.equal(expired.body.error.message, 'the API token is not valid');
    assert.ok(svc.logs.some((l) => l.includes('"tokenRefused":"expired"')));
    for (const r of [revoked, disabled, expired]) assert.doesNotMatch(r.text, /revoked|expired|disabled/);
  });

  test('users are unique by email, case-insensitively; admins cannot lock themselves out', async () => {
    const dup = await svc.api('POST', '/api/users', { email: 'ANALYST2@example.com', name: 'Dup', role: 'viewer' });
    assert.equal(dup.status, 409);
    assert.match(dup.body.error.message, /analyst2@example.com already exists/);
    const me = await svc.api('GET', '/api/users/me');
    const self = await svc.api('PATCH', `/api/users/${me.body.id}`, { role: 'viewer' });
    assert.equal(self.status, 400);
    assert.match(self.body.error.message, /cannot disable or demote their own account/);
    const renamed = await svc.api('PATCH', `/api/users/${ids.viewer}`, { name: 'Vee', role: 'analyst' });
    assert.equal(renamed.status, 200);
    assert.equal(renamed.body.role, 'analyst');
    await svc.api('PATCH', `/api/users/${ids.viewer}`, { role: 'viewer' });
  });

  test('the audit log records user and token changes with their actor, newest first, without secrets', async () => {
    const r = await svc.api('GET', '/api/audit?limit=500');
    assert.equal(r.status, 200);
    const actions = r.body.entries.map((e: any) => e.action);
    for (const a of ['user.created', 'token.created', 'token.revoked', 'user.disabled', 'user.updated']) assert.ok(actions.includes(a), `missing ${a}`);
    const ids2 = r.body.entries.map((e: any) => e.id);
    assert.deepEqual(ids2, [...ids2].sort((a: number, b: number) => b - a));
    const created = r.body.entries.find((e: any) => e.action === 'user.created' && e.details.email === 'temp@example.com');
    assert.equal(created.actor.name, 'Administrator');
    const text = JSON.stringify(r.body);
    for (const t of Object.values(tokens)) assert.ok(!text.includes(t));
    assert.ok(!text.includes(svc.adminToken));
    const page = await svc.api('GET', `/api/audit?limit=2&before=${ids2[1]}`);
    assert.deepEqual(page.body.entries.map((e: any) => e.id), ids2.slice(2, 4));
  });
});
