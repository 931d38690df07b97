// Console sign-in over real HTTP, on SQLite and PostgreSQL: login, cookie flags, the session cookie
// on every /api route with the same roles, CSRF on changes, origin `console`, logout, expiry (moved
// by an injected clock, no sleeps), disabled users.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { forEachDb, startTestService, type TestService } from '../support/service.js';
import { ManualClock, login, rawLogin, userWithPassword, withSession } from '../support/console.js';

const IDLE_MS = 10 * 60_000;
const MAX_MS = 60 * 60_000;

forEachDb('console sessions', (db) => {
  let svc: TestService;
  const clock = new ManualClock();
  const pw = { analyst: 'analyst password 1', viewer: 'viewer password 1' };
  const ids: Record<string, string> = {};
  before(async () => {
    svc = await startTestService(db, { ALERTSYNC_WORKER_DISABLED: '1', ALERTSYNC_SESSION_IDLE_MS: String(IDLE_MS), ALERTSYNC_SESSION_MAX_MS: String(MAX_MS) }, undefined, { clock });
    ids.analyst = await userWithPassword(svc, 'ana@example.com', 'analyst', pw.analyst);
    ids.viewer = await userWithPassword(svc, 'vic@example.com', 'viewer', pw.viewer);
  });
  after(async () => svc.close());

  test('sign-in answers the user and a CSRF token and sets an HttpOnly, SameSite=Strict, Secure cookie', async () => {
    const s = await login(svc, '  ANA@example.com ', pw.analyst);
    assert.deepEqual(s.body.user, { id: ids.analyst, email: 'ana@example.com', name: 'User ana@example.com', role: 'analyst' });
    assert.match(s.csrfToken, /^[A-Za-z0-9_-]{40,}$/);
    const flags = s.setCookie.split(';').map((p) => p.trim().toLowerCase());
    for (const f of ['httponly', 'samesite=strict', 'path=/', 'secure']) assert.ok(flags.includes(f), `${f} in ${s.setCookie}`);
    assert.ok(flags.some((f) => f === `max-age=${MAX_MS / 1000}`), s.setCookie);
    // Only a hash of the session id is stored.
    const sessionId = s.cookie.split('=')[1]!;
    const rows = await svc.service.storage.db.selectFrom('console_sessions').selectAll().execute();
    assert.ok(rows.length >= 1);
    assert.ok(!JSON.stringify(rows).includes(sessionId), 'the session id itself is not stored');
    const again = await withSession(svc, s, 'GET', '/api/session');
    assert.equal(again.status, 200);
    assert.deepEqual(again.body, { user: s.body.user, csrfToken: s.csrfToken });
    assert.equal(again.headers.get('cache-control'), 'no-store');
  });

  test('a wrong password, an unknown email and a user without a password get one answer', async () => {
    const answers = [];
    for (const [email, password] of [['ana@example.com', 'not the password'], ['nobody@example.com', pw.analyst], ['admin@alertsync.local', 'whatever it is'], ['ana@example.com', pw.analyst + 'x'.repeat(300)]]) {
      const r = await rawLogin(svc, email!, password!);
      assert.equal(r.status, 401);
      assert.deepEqual(r.setCookie, []);
      answers.push(JSON.stringify(r.body));
    }
    assert.equal(new Set(answers).size, 1, answers.join('\n'));
    assert.match(answers[0]!, /the email or password is not correct/);
    for (const why of ['wrong_password', 'unknown_email', 'no_password']) assert.ok(svc.logs.some((l) => l.includes(`"loginRefused":"${why}"`)), why);
    assert.ok(!svc.logs.some((l) => l.includes('not the password')), 'a tried password is never logged');
    assert.equal((await svc.api('GET', '/api/session', undefined, null)).status, 401);
  });

  test('the session cookie works on every /api route with the same role permissions', async () => {
    const ana = await login(svc, 'ana@example.com', pw.analyst);
    const vic = await login(svc, 'vic@example.com', pw.viewer);
    assert.equal((await withSession(svc, ana, 'GET', '/api/users/me')).body.id, ids.analyst);
    assert.equal((await withSession(svc, vic, 'GET', '/api/alerts')).status, 200);
    assert.equal((await withSession(svc, vic, 'GET', '/api/audit')).status, 403);
    const created = await withSession(svc, ana, 'POST', '/api/alerts', { title: 'from the console', severity: 'HIGH', type: 'RULE' });
    assert.equal(created.status, 201, created.text);
    const refused = await withSession(svc, vic, 'PUT', `/api/alerts/${created.body.id}/status`, { status: 'TRIAGED' });
    assert.equal(refused.status, 403);
    assert.equal(refused.body.error.code, 'forbidden');
    assert.match(refused.body.error.message, /the viewer role may not do this/);
    assert.equal((await withSession(svc, vic, 'POST', '/api/users', { email: 'x@example.com', name: 'X', role: 'viewer' })).status, 403);
    assert.equal((await withSession(svc, ana, 'POST', '/api/users', { email: 'x@example.com', name: 'X', role: 'viewer' })).status, 403);
    // A garbage cookie is refused like an unknown token.
    const bad = await svc.api('GET', '/api/alerts', undefined, null, { cookie: 'alertsync_session=nope' });
    assert.equal(bad.status, 401);
    assert.match(bad.body.error.message, /console session is not valid/);
  });

  test('with the cookie every change needs X-CSRF-Token; with a bearer token none is needed; origin console is recorded', async () => {
    const ana = await login(svc, 'ana@example.com', pw.analyst);
    const a = await svc.api('POST', '/api/alerts', { title: 'csrf', severity: 'LOW', type: 'RULE' });
    const id = a.body.id;
    for (const csrf of [null, '', 'wrong-token', (await login(svc, 'vic@example.com', pw.viewer)).csrfToken]) {
      const r = await withSession(svc, ana, 'PUT', `/api/alerts/${id}/status`, { status: 'TRIAGED' }, csrf);
      assert.equal(r.status, 403, `csrf ${csrf}`);
      assert.equal(r.body.error.code, 'csrf');
    }
    const comment = await withSession(svc, ana, 'POST', `/api/alerts/${id}/comments`, { body: 'x' }, null);
    assert.equal(comment.status, 403);
    const ok = await withSession(svc, ana, 'PUT', `/api/alerts/${id}/status`, { status: 'TRIAGED' });
    assert.equal(ok.status, 200, ok.text);
    assert.equal((await withSession(svc, ana, 'POST', `/api/alerts/${id}/comments`, { body: 'from the console' })).status, 201);
    // Bearer: no CSRF token, origin api; a cookie sent along does not make it a console request.
    assert.equal((await svc.api('PUT', `/api/alerts/${id}/status`, { status: 'RESOLVED' }, undefined, { cookie: ana.cookie })).status, 200);
    // Reads need no CSRF token.
    const d = await withSession(svc, ana, 'GET', `/api/alerts/${id}`, undefined, null);
    assert.equal(d.status, 200);
    const statusChanges = d.body.history.filter((h: any) => h.kind === 'status').map((h: any) => [h.to, h.origin, h.actor.id]);
    assert.deepEqual(statusChanges, [['TRIAGED', 'console', ids.analyst], ['RESOLVED', 'api', d.body.history[0].actor.id]]);
    assert.equal(d.body.comments[0].origin, 'console');
    // The old X-Alertsync-Client header no longer makes a bearer request a console one.
    assert.equal((await svc.api('PUT', `/api/alerts/${id}/status`, { status: 'OPEN' }, undefined, { 'x-alertsync-client': 'console' })).status, 200);
    const d2 = await svc.api('GET', `/api/alerts/${id}`);
    assert.equal(d2.body.history.at(-1).origin, 'api');
  });

  test('sign-out ends the session on the server (CSRF token required while it is valid)', async () => {
    const s = await login(svc, 'vic@example.com', pw.viewer);
    const before = await svc.service.storage.db.selectFrom('console_sessions').select('id_hash').execute();
    const noCsrf = await withSession(svc, s, 'DELETE', '/api/session', undefined, null);
    assert.equal(noCsrf.status, 403);
    assert.equal(noCsrf.body.error.code, 'csrf');
    const out = await withSession(svc, s, 'DELETE', '/api/session');
    assert.equal(out.status, 204);
    assert.match(out.headers.get('set-cookie') ?? '', /alertsync_session=;.*Expires=Thu, 01 Jan 1970/i);
    const after = await svc.service.storage.db.selectFrom('console_sessions').select('id_hash').execute();
    assert.equal(after.length, before.length - 1);
    assert.equal((await withSession(svc, s, 'GET', '/api/session')).status, 401);
    assert.equal((await withSession(svc, s, 'GET', '/api/alerts')).status, 401);
    // Signing out again (or without a session) is harmless.
    assert.equal((await withSession(svc, s, 'DELETE', '/api/session')).status, 204);
    assert.equal((await svc.api('DELETE', '/api/session', undefined, null)).status, 204);
  });

  test('a session ends after the idle timeout and at its absolute end, however active', async () => {
    const idle = await login(svc, 'vic@example.com', pw.viewer);
    clock.advance(IDLE_MS - 1_000);
    assert.equal((await withSession(svc, idle, 'GET', '/api/session')).status, 200, 'still within the idle time');
    clock.advance(IDLE_MS - 1_000);
    assert.equal((await withSession(svc, idle, 'GET', '/api/alerts')).status, 200, 'the last use restarted the idle time');
    clock.advance(IDLE_MS);
    const ended = await withSession(svc, idle, 'GET', '/api/alerts');
    assert.equal(ended.status, 401);
    assert.ok(svc.logs.some((l) => l.includes('"sessionRefused":"idle"')));

    const busy = await login(svc, 'vic@example.com', pw.viewer);
    let elapsed = 0;
    while (elapsed + IDLE_MS / 2 < MAX_MS) {
      clock.advance(IDLE_MS / 2);
      elapsed += IDLE_MS / 2;
      assert.equal((await withSession(svc, busy, 'GET', '/api/alerts')).status, 200, `used every ${IDLE_MS / 2} ms, alive at ${elapsed} ms`);
    }
    clock.advance(MAX_MS - elapsed);
    assert.equal((await withSession(svc, busy, 'GET', '/api/alerts')).status, 401);
    assert.ok(svc.logs.some((l) => l.includes('"sessionRefused":"expired"')));
  });

  test('a disabled user loses its sessions and cannot sign in', async () => {
    const id = await userWithPassword(svc, 'dis@example.com', 'analyst', 'disabled password');
    const s = await login(svc, 'dis@example.com', 'disabled password');
    assert.equal((await svc.api('PATCH', `/api/users/${id}`, { disabled: true })).status, 200);
    assert.equal((await withSession(svc, s, 'GET', '/api/alerts')).status, 401);
    const r = await rawLogin(svc, 'dis@example.com', 'disabled password');
    assert.equal(r.status, 401);
    assert.match(r.body.error.message, /the email or password is not correct/);
  });
});

describe('console session cookie with an http public URL', () => {
  test('the cookie is not marked Secure (the console would be unusable over plain http)', async () => {
    const svc = await startTestService('sqlite', { ALERTSYNC_WORKER_DISABLED: '1', ALERTSYNC_PUBLIC_URL: 'http://127.0.0.1:8080' });
    try {
      await userWithPassword(svc, 'plain@example.com', 'viewer', 'plain http password');
      const s = await login(svc, 'plain@example.com', 'plain http password');
      const flags = s.setCookie.split(';').map((p) => p.trim().toLowerCase());
      assert.ok(flags.includes('httponly') && flags.includes('samesite=strict'), s.setCookie);
      assert.ok(!flags.includes('secure'), s.setCookie);
      const inv = await svc.api('POST', `/api/users/${s.body.user.id}/invites`);
      assert.match(inv.body.url, /^http:\/\/127\.0\.0\.1:8080\/invite\//);
    } finally {
      await svc.close();
    }
  });
});
