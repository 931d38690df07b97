import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { freePortSync } from '../support/ports.js';
import { spawnService } from '../support/process.js';
import { createTestDatabase } from '../support/postgres.js';

const key = () => randomBytes(32).toString('base64');

test('a bad configuration value stops the process with one line naming the variable', async () => {
  const cases: Array<[Record<string, string>, RegExp]> = [
    [{ PORT: 'eighty' }, /^alertsync: configuration error: PORT: must be a whole number, got "eighty"$/],
    [{ PORT: '70000' }, /^alertsync: configuration error: PORT: must be between 0 and 65535, got 70000$/],
    [{ DATABASE_URL: 'mysql://x@localhost/db', ALERTSYNC_SECRET_KEY: key() }, /^alertsync: configuration error: DATABASE_URL: must be a postgres:\/\/ URL/],
    [{ DATABASE_URL: 'postgres://x@127.0.0.1:1/db' }, /^alertsync: configuration error: ALERTSYNC_SECRET_KEY: is required with DATABASE_URL/],
    [{ ALERTSYNC_PUBLIC_URL: 'ftp://alerts.example.com' }, /^alertsync: configuration error: ALERTSYNC_PUBLIC_URL: must use http or https/],
    [{ ALERTSYNC_ADMIN_TOKEN: 'short' }, /^alertsync: configuration error: ALERTSYNC_ADMIN_TOKEN: must be at least 24 characters long$/],
    [{ ALERTSYNC_JIRA_HOSTS: 'good.example.com,bad host' }, /^alertsync: configuration error: ALERTSYNC_JIRA_HOSTS: "bad host" is not a host name/],
    [{ ALERTSYNC_ALLOW_INSECURE_JIRA: 'maybe' }, /^alertsync: configuration error: ALERTSYNC_ALLOW_INSECURE_JIRA: must be 1 or 0, got "maybe"$/],
    [{ ALERTSYNC_JIRA_TIMEOUT_MS: '5000', ALERTSYNC_JOB_LEASE_MS: '1000' }, /^alertsync: configuration error: ALERTSYNC_JOB_LEASE_MS: must be longer than ALERTSYNC_JIRA_TIMEOUT_MS/],
    [{ ALERTSYNC_SECRET_KEY: 'not-a-key' }, /^alertsync: cannot start: ALERTSYNC_SECRET_KEY: must be 32 random bytes/],
  ];
  const dir = mkdtempSync(join(tmpdir(), 'alertsync-cfg-'));
  try {
    await Promise.all(
      cases.map(async ([env, re]) => {
        const p = spawnService({ ALERTSYNC_DATA_DIR: dir, PORT: '0', ...env });
        const { code } = await p.exited;
        assert.equal(code, 2, p.output());
        const lines = p.output().trim().split('\n');
        assert.equal(lines.length, 1, `one line, got:\n${p.output()}`);
        assert.match(lines[0]!, re);
      }),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('first start on SQLite: key and admin token files (0600), path printed not token, SIGTERM stops cleanly, a changed key is refused', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'alertsync-first-'));
  try {
    const port = freePortSync();
    const p = spawnService({ ALERTSYNC_DATA_DIR: dir, PORT: String(port) });
    await p.waitForLine(/alertsync is up/);
    const tokenFile = join(dir, 'admin-token');
    const token = readFileSync(tokenFile, 'utf8').trim();
    assert.equal(statSync(tokenFile).mode & 0o777, 0o600);
    assert.equal(statSync(join(dir, 'secret.key')).mode & 0o777, 0o600);
    assert.ok(p.output().includes(tokenFile), 'the token file path is printed');
    assert.ok(!p.output().includes(token), 'the token is never printed');
    const health = await fetch(`http://127.0.0.1:${port}/healthz`);
    assert.equal(health.status, 200);
    const me = await fetch(`http://127.0.0.1:${port}/api/users/me`, { headers: { authorization: `Bearer ${token}` } });
    assert.equal(me.status, 200);
    assert.equal(((await me.json()) as { role: string }).role, 'admin');
    for (const line of p.output().trim().split('\n').filter((l) => l.startsWith('{'))) JSON.parse(line);
    p.child.kill('SIGTERM');
    const { code } = await p.exited;
    assert.equal(code, 0);
    assert.match(p.output(), /"msg":"stopped"/);

    // The same data dir with another key: refused with a clear message.
    const q = spawnService({ ALERTSYNC_DATA_DIR: dir, PORT: '0', ALERTSYNC_SECRET_KEY: key() });
    assert.equal((await q.exited).code, 2);
    assert.match(q.output(), /ALERTSYNC_SECRET_KEY: this key is not the one the database was set up with \(fingerprint mismatch\)/);
    // A second start with the key file keeps the token and generates nothing new.
    const r = spawnService({ ALERTSYNC_DATA_DIR: dir, PORT: '0' });
    await r.waitForLine(/alertsync is up/);
    assert.equal(readFileSync(tokenFile, 'utf8').trim(), token);
    assert.ok(!/generated/.test(r.output()));
    r.child.kill('SIGTERM');
    assert.equal((await r.exited).code, 0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('three replicas starting together on one fresh PostgreSQL database migrate once and all serve', async () => {
  const url = await createTestDatabase('replicas');
  const secret = key();
  const admin = `admin-${randomBytes(16).toString('hex')}`;
  const dirs = [0, 1, 2].map(() => mkdtempSync(join(tmpdir(), 'alertsync-rep-')));
  const ports = dirs.map(() => freePortSync());
  const procs = dirs.map((d, i) => spawnService({ ALERTSYNC_DATA_DIR: d, PORT: String(ports[i]), DATABASE_URL: url, ALERTSYNC_SECRET_KEY: secret, ALERTSYNC_ADMIN_TOKEN: admin }));
  try {
    await Promise.all(procs.map((p) => p.waitForLine(/alertsync is up/, 60_000)));
    for (const port of ports) {
      const r = await fetch(`http://127.0.0.1:${port}/readyz`);
      assert.equal(r.status, 200);
      const me = await fetch(`http://127.0.0.1:${port}/api/users/me`, { headers: { authorization: `Bearer ${admin}` } });
      assert.equal(me.status, 200);
    }
    const migrated = procs.filter((p) => /database migrated/.test(p.output())).length;
    assert.equal(migrated, 1, 'exactly one replica ran the migrations');
  } finally {
    for (const p of procs) p.child.kill('SIGTERM');
    await Promise.all(procs.map((p) => p.exited));
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  }
});
