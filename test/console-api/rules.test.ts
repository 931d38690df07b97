// Table tests of the console's sign-in decisions (src/users/console-rules.ts) and of the password hash.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { csrfRequired, inviteVerdict, loginThrottle, sessionNeedsTouch, sessionVerdict } from '../../src/users/console-rules.js';
import { hashPassword, verifyPassword } from '../../src/security/passwords.js';

test('sessionVerdict', () => {
  const idle = 1_000;
  const cases: Array<[string, { lastSeenAt: number; expiresAt: number }, boolean, number, string]> = [
    ['fresh', { lastSeenAt: 100, expiresAt: 10_000 }, false, 100, 'valid'],
    ['just inside the idle time', { lastSeenAt: 100, expiresAt: 10_000 }, false, 1_099, 'valid'],
    ['idle exactly', { lastSeenAt: 100, expiresAt: 10_000 }, false, 1_100, 'idle'],
    ['at the absolute end', { lastSeenAt: 9_900, expiresAt: 10_000 }, false, 10_000, 'expired'],
    ['past both: expired wins', { lastSeenAt: 0, expiresAt: 10_000 }, false, 20_000, 'expired'],
    ['disabled user wins', { lastSeenAt: 100, expiresAt: 10_000 }, true, 100, 'user_disabled'],
  ];
  for (const [name, s, disabled, now, want] of cases) assert.equal(sessionVerdict(s, { disabled }, now, idle), want, name);
});

test('sessionNeedsTouch: at most once a minute', () => {
  assert.equal(sessionNeedsTouch(0, 59_999), false);
  assert.equal(sessionNeedsTouch(0, 60_000), true);
});

test('loginThrottle', () => {
  const limit = { maxFailures: 3, windowMs: 1_000 };
  const cases: Array<[string, number[], number, { allowed: true } | { allowed: false; retryAfterMs: number }]> = [
    ['no failures', [], 5_000, { allowed: true }],
    ['below the limit', [4_500, 4_600], 5_000, { allowed: true }],
    ['at the limit: wait for the oldest to leave', [4_500, 4_600, 4_700], 5_000, { allowed: false, retryAfterMs: 500 }],
    ['old failures do not count', [3_000, 3_900, 4_600, 4_700], 5_000, { allowed: true }],
    ['a failure exactly a window old does not count', [4_000, 4_600, 4_700], 5_000, { allowed: true }],
    ['above the limit: wait until only max-1 remain', [4_100, 4_200, 4_300, 4_900], 5_000, { allowed: false, retryAfterMs: 200 }],
    ['unsorted input', [4_700, 4_500, 4_600], 5_000, { allowed: false, retryAfterMs: 500 }],
  ];
  for (const [name, failures, now, want] of cases) assert.deepEqual(loginThrottle(failures, now, limit), want, name);
});

test('csrfRequired', () => {
  const cases: Array<[string, 'bearer' | 'session', boolean]> = [
    ['GET', 'session', false],
    ['HEAD', 'session', false],
    ['OPTIONS', 'session', false],
    ['POST', 'session', true],
    ['PUT', 'session', true],
    ['patch', 'session', true],
    ['DELETE', 'session', true],
    ['POST', 'bearer', false],
    ['DELETE', 'bearer', false],
  ];
  for (const [method, auth, want] of cases) assert.equal(csrfRequired(method, auth), want, `${method} ${auth}`);
});

test('inviteVerdict', () => {
  const cases: Array<[string, { expiresAt: number; usedAt: number | null }, boolean, number, string]> = [
    ['usable', { expiresAt: 1_000, usedAt: null }, false, 999, 'usable'],
    ['expired at its end', { expiresAt: 1_000, usedAt: null }, false, 1_000, 'expired'],
    ['used', { expiresAt: 1_000, usedAt: 500 }, false, 600, 'used'],
    ['disabled user', { expiresAt: 1_000, usedAt: null }, true, 600, 'user_disabled'],
  ];
  for (const [name, inv, disabled, now, want] of cases) assert.equal(inviteVerdict(inv, { disabled }, now), want, name);
});

test('password hashes: salted, self-describing, checked in constant time; malformed hashes never match', async () => {
  const a = await hashPassword('correct horse battery');
  const b = await hashPassword('correct horse battery');
  assert.match(a, /^scrypt\$32768\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{86}$/);
  assert.notEqual(a, b, 'a fresh salt each time');
  assert.equal(await verifyPassword('correct horse battery', a), true);
  assert.equal(await verifyPassword('correct horse batterY', a), false);
  for (const bad of ['', 'sha256$abc', a.replace('scrypt$32768', 'scrypt$3'), a.replace('scrypt$32768', 'scrypt$33554432'), a.slice(0, -4)]) {
    assert.equal(await verifyPassword('correct horse battery', bad), false, bad);
  }
});
