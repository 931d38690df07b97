// Failed sign-ins are limited per email and per client address (ALERTSYNC_LOGIN_MAX_FAILURES within
// ALERTSYNC_LOGIN_WINDOW_MS), on SQLite and PostgreSQL; the window is moved by an injected clock.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { forEachDb, startTestService, type TestService } from '../support/service.js';
import { ManualClock, login, rawLogin, userWithPassword } from '../support/console.js';

const WINDOW_MS = 900_000;

forEachDb('console sign-in rate limit', (db) => {
  let svc: TestService;
  const clock = new ManualClock();
  before(async () => {
    svc = await startTestService(db, { ALERTSYNC_WORKER_DISABLED: '1', ALERTSYNC_LOGIN_MAX_FAILURES: '3', ALERTSYNC_LOGIN_WINDOW_MS: String(WINDOW_MS) }, undefined, { clock });
    await userWithPassword(svc, 'lim@example.com', 'analyst', 'the right password');
    await userWithPassword(svc, 'other@example.com', 'viewer', 'other right password');
  });
  after(async () => svc.close());

  test('after the allowed failures for an email, even the right password gets 429 with Retry-After until the window passes', async () => {
    // Each failure from another loopback address: only the email's count reaches the limit.
    for (let i = 0; i < 3; i++) assert.equal((await rawLogin(svc, 'lim@example.com', `wrong ${i}`, `127.0.0.${i + 2}`)).status, 401);
    clock.advance(60_000);
    const limited = await rawLogin(svc, 'LIM@example.com', 'the right password', '127.0.0.9');
    assert.equal(limited.status, 429);
    assert.equal(limited.body.error.code, 'too_many_attempts');
    assert.equal(limited.headers.get('retry-after'), String((WINDOW_MS - 60_000) / 1000));
    assert.deepEqual(limited.setCookie, []);
    clock.advance(WINDOW_MS - 60_000 - 1);
    assert.equal((await rawLogin(svc, 'lim@example.com', 'the right password')).status, 429, 'one ms before the window passes');
    assert.equal((await rawLogin(svc, 'other@example.com', 'other right password')).status, 200, 'another email from the same addresses is not limited');
    clock.advance(1);
    await login(svc, 'lim@example.com', 'the right password');
  });

  test('failures from one client address count across emails', async () => {
    clock.advance(WINDOW_MS);
    // The IP count is shared by every request from 127.0.0.1 in this test, whatever the email.
    for (const email of ['a@example.com', 'b@example.com', 'c@example.com']) assert.equal((await rawLogin(svc, email, 'nope nope nope')).status, 401);
    const limited = await rawLogin(svc, 'other@example.com', 'other right password');
    assert.equal(limited.status, 429);
    assert.equal(limited.headers.get('retry-after'), String(WINDOW_MS / 1000));
    clock.advance(WINDOW_MS);
    await login(svc, 'other@example.com', 'other right password');
  });

  test('a successful sign-in clears the failures of its email', async () => {
    clock.advance(WINDOW_MS);
    assert.equal((await rawLogin(svc, 'lim@example.com', 'wrong again')).status, 401);
    assert.equal((await rawLogin(svc, 'lim@example.com', 'wrong again')).status, 401);
    await login(svc, 'lim@example.com', 'the right password');
    clock.advance(WINDOW_MS);
    assert.equal((await rawLogin(svc, 'lim@example.com', 'wrong again')).status, 401);
    assert.equal((await rawLogin(svc, 'lim@example.com', 'wrong again')).status, 401);
    await login(svc, 'lim@example.com', 'the right password');
  });
});
