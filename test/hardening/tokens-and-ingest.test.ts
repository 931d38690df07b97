// Tokens and the ingest role (issue 9, defects 2, 8 and 9), over real HTTP on both databases.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { forEachDb, startTestService, type TestService } from '../support/service.js';

forEachDb('the ingest role gets a receipt, never the stored alert', (db) => {
  let svc: TestService;
  let ingest: string;
  before(async () => {
    svc = await startTestService(db, { ALERTSYNC_WORKER_DISABLED: '1' });
    const u = await svc.api('POST', '/api/users', { email: 'ingest@example.com', name: 'Sender', role: 'ingest' });
    ingest = (await svc.api('POST', `/api/users/${u.body.id}/tokens`, { name: 't' })).body.token;
  });
  after(async () => svc.close());

  test('POST /api/alerts and the batch: { id, created } only', async () => {
    const stored = await svc.api('POST', '/api/alerts', { title: 'Stored title', description: 'stored description', severity: 'HIGH', type: 'RULE', dedupKey: 'k-ingest', context: { host: 'db-1' } });
    assert.equal(stored.status, 201);
    assert.equal(stored.body.title, 'Stored title', 'a caller that may read alerts gets the alert');
    await svc.api('PUT', `/api/alerts/${stored.body.id}/status`, { status: 'TRIAGED' });

    const again = await svc.api('POST', '/api/alerts', { title: 'other', severity: 'LOW', type: 'RULE', dedupKey: 'k-ingest' }, ingest);
    assert.equal(again.status, 200, again.text);
    assert.deepEqual(again.body, { id: stored.body.id, created: false });
    const fresh = await svc.api('POST', '/api/alerts', { title: 'new', severity: 'LOW', type: 'RULE' }, ingest);
    assert.equal(fresh.status, 201);
    assert.deepEqual(Object.keys(fresh.body).sort(), ['created', 'id']);
    assert.equal(fresh.body.created, true);

    const batch = await svc.api('POST', '/api/alerts/batch', { alerts: [{ title: 'x', severity: 'LOW', type: 'RULE', dedupKey: 'k-ingest' }, { title: 'y', severity: 'LOW', type: 'RULE' }] }, ingest);
    assert.equal(batch.status, 201, batch.text);
    assert.deepEqual(batch.body.alerts[0], { id: stored.body.id, created: false });
    assert.deepEqual(Object.keys(batch.body.alerts[1]).sort(), ['created', 'id']);
    for (const r of [again, fresh, batch]) assert.doesNotMatch(r.text, /Stored title|stored description|db-1|TRIAGED|HIGH/);
  });
});

forEachDb('API tokens', (db) => {
  let svc: TestService;
  after(async () => svc?.close());

  test('a changed ALERTSYNC_ADMIN_TOKEN revokes the one it replaces; going back neither revives it nor revokes the newer one', async () => {
    const first = `first-admin-${randomBytes(12).toString('hex')}`;
    const second = `second-admin-${randomBytes(12).toString('hex')}`;
    const secretKey = randomBytes(32).toString('base64');
    svc = await startTestService(db, { ALERTSYNC_WORKER_DISABLED: '1', ALERTSYNC_SECRET_KEY: secretKey, ALERTSYNC_ADMIN_TOKEN: first });
    assert.equal((await svc.api('GET', '/api/users/me', undefined, first)).status, 200);
    const reuse = { dataDir: svc.dataDir, databaseUrl: svc.databaseUrl, secretKey };
    await svc.stop();

    svc = await startTestService(db, { ALERTSYNC_WORKER_DISABLED: '1' }, { ...reuse, adminToken: second });
    assert.equal((await svc.api('GET', '/api/users/me', undefined, second)).status, 200);
    assert.equal((await svc.api('GET', '/api/users/me', undefined, first)).status, 401, 'the replaced bootstrap token still works');
    const audit = await svc.api('GET', '/api/audit?limit=500', undefined, second);
    assert.ok(audit.body.entries.some((e: any) => e.action === 'token.revoked' && e.details.reason === 'ALERTSYNC_ADMIN_TOKEN changed'), JSON.stringify(audit.body).slice(0, 300));
    await svc.stop();

    svc = await startTestService(db, { ALERTSYNC_WORKER_DISABLED: '1' }, { ...reuse, adminToken: first });
    assert.equal((await svc.api('GET', '/api/users/me', undefined, first)).status, 401);
    assert.ok(svc.logs.some((l) => l.includes('ALERTSYNC_ADMIN_TOKEN holds a token that was revoked')));
    assert.equal((await svc.api('GET', '/api/users/me', undefined, second)).status, 200, 'a stale value (a replica started with the old setting) revokes nothing');
    await svc.stop();

    svc = await startTestService(db, { ALERTSYNC_WORKER_DISABLED: '1' }, { ...reuse, adminToken: second });
    assert.equal((await svc.api('GET', '/api/users/me', undefined, second)).status, 200);
    assert.equal((await svc.api('GET', '/api/users/me', undefined, first)).status, 401, 'a revoked value stays revoked');
    await svc.close();
    svc = undefined as never;
    rmSync(reuse.dataDir, { recursive: true, force: true });
  });

  test('the token label shown in lists holds nothing of the secret', async () => {
    svc = await startTestService(db, { ALERTSYNC_WORKER_DISABLED: '1' });
    const me = await svc.api('GET', '/api/users/me');
    const created = await svc.api('POST', `/api/users/${me.body.id}/tokens`, { name: 'labelled' });
    const token: string = created.body.token;
    assert.match(token, /^ast_[A-Za-z0-9_-]{6}\.[A-Za-z0-9_-]{43}$/);
    const list = await svc.api('GET', `/api/users/${me.body.id}/tokens`);
    const labels = list.body.tokens.map((t: any) => t.prefix as string);
    const generated = list.body.tokens.find((t: any) => t.id === created.body.apiToken.id);
    assert.equal(generated.prefix, token.slice(0, 10), 'the label is the start of the token: its short id');
    assert.ok(!token.slice(11).includes(generated.prefix.slice(4)), 'the short id is not part of the secret');
    const env = list.body.tokens.find((t: any) => t.name === 'ALERTSYNC_ADMIN_TOKEN');
    assert.match(env.prefix, /^env_[A-Za-z0-9_-]{6}$/);
    assert.ok(!svc.adminToken.includes(env.prefix.slice(4)), 'nothing of the chosen admin token is shown');
    assert.equal(new Set(labels).size, labels.length);
    assert.equal((await svc.api('GET', '/api/users/me', undefined, token)).status, 200);
    await svc.close();
    svc = undefined as never;
  });
});
