// Invite links end to end over real HTTP, on SQLite and PostgreSQL: created by an admin (audited,
// shown once, only a hash stored), looked up, used once to set a password, expired by an injected
// clock, replaced by a newer link; setting a password ends the user's sessions.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { dumpTables, forEachDb, startTestService, type TestService } from '../support/service.js';
import { ManualClock, inviteToken, login, rawLogin, withSession } from '../support/console.js';

const TTL_MS = 2 * 86_400_000;

forEachDb('console invites', (db) => {
  let svc: TestService;
  const clock = new ManualClock();
  before(async () => {
    svc = await startTestService(db, { ALERTSYNC_WORKER_DISABLED: '1', ALERTSYNC_INVITE_TTL_MS: String(TTL_MS) }, undefined, { clock });
  });
  after(async () => svc.close());

  const newUser = async (email: string, role = 'analyst') => {
    const u = await svc.api('POST', '/api/users', { email, name: `Name of ${email}`, role });
    assert.equal(u.status, 201, u.text);
    return u.body.id as string;
  };

  test('an admin creates a one-time link; it names the user; it sets the password once', async () => {
    const id = await newUser('inv@example.com');
    const inv = await svc.api('POST', `/api/users/${id}/invites`);
    assert.equal(inv.status, 201, inv.text);
    assert.equal(inv.headers.get('cache-control'), 'no-store');
    assert.match(inv.body.url, /^https:\/\/alertsync\.test\/invite\/[A-Za-z0-9_-]{43}$/);
    assert.equal(inv.body.expiresAt, new Date(clock.now() + TTL_MS).toISOString());
    const token = inviteToken(inv.body.url);
    assert.ok(!(await dumpTables(svc.service.storage)).includes(token), 'only a hash of the token is stored');
    const audit = await svc.api('GET', '/api/audit');
    assert.ok(audit.body.entries.some((e: any) => e.action === 'user.invite_created' && e.targetId === id), JSON.stringify(audit.body).slice(0, 500));

    const look = await svc.api('GET', `/api/invites/${token}`, undefined, null);
    assert.equal(look.status, 200);
    assert.deepEqual(look.body, { email: 'inv@example.com', name: 'Name of inv@example.com', expiresAt: inv.body.expiresAt });

    for (const [password, code] of [['short pass', 'password_too_short'], ['x'.repeat(257), 'password_too_long']] as const) {
      const r = await svc.api('POST', `/api/invites/${token}`, { password }, null);
      assert.equal(r.status, 400);
      assert.equal(r.body.error.code, code);
    }
    assert.equal((await svc.api('GET', `/api/invites/${token}`, undefined, null)).status, 200, 'a refused password does not use the link');
    assert.equal((await svc.api('POST', `/api/invites/${token}`, { password: 'x'.repeat(256) }, null)).status, 204);
    const s = await login(svc, 'inv@example.com', 'x'.repeat(256));
    assert.equal(s.body.user.id, id);

    // Used: one answer for used, unknown and expired links.
    const used = await svc.api('GET', `/api/invites/${token}`, undefined, null);
    const unknown = await svc.api('GET', `/api/invites/${'A'.repeat(43)}`, undefined, null);
    const reuse = await svc.api('POST', `/api/invites/${token}`, { password: 'another password 2' }, null);
    for (const r of [used, unknown, reuse]) {
      assert.equal(r.status, 404);
      assert.deepEqual(r.body, used.body);
    }
    assert.equal((await rawLogin(svc, 'inv@example.com', 'another password 2')).status, 401, 'the reused link set nothing');
  });

  test('a link expires; a newer link replaces an older one; only admins create links', async () => {
    const id = await newUser('exp@example.com');
    const first = inviteToken((await svc.api('POST', `/api/users/${id}/invites`)).body.url);
    clock.advance(TTL_MS - 1);
    assert.equal((await svc.api('GET', `/api/invites/${first}`, undefined, null)).status, 200);
    clock.advance(1);
    assert.equal((await svc.api('GET', `/api/invites/${first}`, undefined, null)).status, 404);
    assert.equal((await svc.api('POST', `/api/invites/${first}`, { password: 'expired password' }, null)).status, 404);

    const second = inviteToken((await svc.api('POST', `/api/users/${id}/invites`)).body.url);
    const third = inviteToken((await svc.api('POST', `/api/users/${id}/invites`)).body.url);
    assert.equal((await svc.api('GET', `/api/invites/${second}`, undefined, null)).status, 404, 'the newer link replaced it');
    assert.equal((await svc.api('POST', `/api/invites/${third}`, { password: 'third password' }, null)).status, 204);

    // An analyst (even signed in, with its CSRF token) may not create links.
    const s = await login(svc, 'exp@example.com', 'third password');
    const refused = await withSession(svc, s, 'POST', `/api/users/${id}/invites`);
    assert.equal(refused.status, 403);
    assert.equal((await svc.api('POST', '/api/users/usr_nope/invites')).status, 404);
    // A disabled user gets no link.
    const dis = await newUser('gone@example.com');
    await svc.api('PATCH', `/api/users/${dis}`, { disabled: true });
    const r = await svc.api('POST', `/api/users/${dis}/invites`);
    assert.equal(r.status, 400);
    assert.equal(r.body.error.code, 'user_disabled');
  });

  test("setting a password through a link ends the user's sessions", async () => {
    const id = await newUser('reset@example.com');
    assert.equal((await svc.api('POST', `/api/invites/${inviteToken((await svc.api('POST', `/api/users/${id}/invites`)).body.url)}`, { password: 'first password 1' }, null)).status, 204);
    const a = await login(svc, 'reset@example.com', 'first password 1');
    const b = await login(svc, 'reset@example.com', 'first password 1');
    assert.equal((await withSession(svc, a, 'GET', '/api/alerts')).status, 200);
    const link = inviteToken((await svc.api('POST', `/api/users/${id}/invites`)).body.url);
    assert.equal((await svc.api('POST', `/api/invites/${link}`, { password: 'second password 2' }, null)).status, 204);
    for (const s of [a, b]) assert.equal((await withSession(svc, s, 'GET', '/api/alerts')).status, 401);
    assert.equal((await rawLogin(svc, 'reset@example.com', 'first password 1')).status, 401);
    await login(svc, 'reset@example.com', 'second password 2');
    const audit = await svc.api('GET', '/api/audit');
    const set = audit.body.entries.filter((e: any) => e.action === 'user.password_set' && e.targetId === id);
    assert.equal(set.length, 2);
    assert.ok(!JSON.stringify(audit.body).includes('second password 2'));
  });
});
