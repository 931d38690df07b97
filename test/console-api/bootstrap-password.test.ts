// First start without ALERTSYNC_ADMIN_TOKEN: the admin's console password is written to
// <data dir>/admin-password (0600) next to admin-token, announced in the log by path only.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, statSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { forEachDb, startTestService } from '../support/service.js';
import { login } from '../support/console.js';

forEachDb('bootstrap admin password', (db) => {
  test('the generated password is in a 0600 file, never in the log, and signs the admin in', async () => {
    const svc = await startTestService(db, { ALERTSYNC_ADMIN_TOKEN: '', ALERTSYNC_WORKER_DISABLED: '1' });
    try {
      const file = join(svc.dataDir, 'admin-password');
      assert.equal(statSync(file).mode & 0o777, 0o600);
      assert.equal(statSync(join(svc.dataDir, 'admin-token')).mode & 0o777, 0o600);
      const password = readFileSync(file, 'utf8').trim();
      assert.ok(password.length >= 20);
      assert.ok(svc.logs.some((l) => l.includes(file)), 'the path is announced');
      assert.ok(!svc.logs.some((l) => l.includes(password)), 'the password is never logged');
      const s = await login(svc, 'admin@alertsync.local', password);
      assert.equal(s.body.user.role, 'admin');
    } finally {
      await svc.close();
    }
  });

  test('with ALERTSYNC_ADMIN_TOKEN set, no password file is written', async () => {
    const svc = await startTestService(db, { ALERTSYNC_WORKER_DISABLED: '1' });
    try {
      assert.equal(existsSync(join(svc.dataDir, 'admin-password')), false);
    } finally {
      await svc.close();
    }
  });
});
