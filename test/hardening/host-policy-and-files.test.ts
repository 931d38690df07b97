// Smaller hardening points (issue 9, item 10): addresses a Jira site may not resolve to, and the
// modes of the data directory and database files.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { addressRefusal } from '../../src/destinations/host-policy.js';
import { startTestService } from '../support/service.js';

test('addressRefusal: IPv4-compatible and IPv4-mapped IPv6 are judged by the IPv4 inside', () => {
  const rows: Array<[string, RegExp | null]> = [
    ['93.184.216.34', null],
    ['2606:2800:220:1:248:1893:25c8:1946', null],
    ['127.0.0.1', /loopback/],
    ['::1', /loopback/],
    ['::', /unspecified/],
    ['::7f00:1', /loopback address \(IPv4-compatible IPv6 of 127\.0\.0\.1\)/],
    ['::127.0.0.1', /loopback/],
    ['::a00:1', /private address \(IPv4-compatible IPv6 of 10\.0\.0\.1\)/],
    ['::a9fe:a9fe', /linkLocal/],
    ['::c0a8:101', /private/],
    ['::5db8:d822', /IPv4-compatible IPv6 address \(::93\.184\.216\.34, deprecated/],
    ['::ffff:7f00:1', /loopback/],
    ['::ffff:10.1.2.3', /private/],
    ['64:ff9b::7f00:1', /rfc6052/],
    ['fd00::1', /uniqueLocal/],
    ['fe80::1', /linkLocal/],
    ['not-an-ip', /not an IP address/],
  ];
  for (const [address, expected] of rows) {
    const why = addressRefusal(address);
    if (expected === null) assert.equal(why, null, address);
    else assert.match(why ?? 'accepted', expected, address);
  }
});

const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

test('SQLite: data directory 0700 and database files 0600, also when they existed with wider modes', async () => {
  const parent = mkdtempSync(join(tmpdir(), 'alertsync-modes-'));
  dirs.push(parent);
  const dataDir = join(parent, 'data');
  const old = process.umask(0o022);
  try {
    // First start in a fresh directory.
    let svc = await startTestService('sqlite', { ALERTSYNC_WORKER_DISABLED: '1' }, { dataDir, databaseUrl: null, secretKey: randomBytes(32).toString('base64'), adminToken: `admin-${randomBytes(16).toString('hex')}` });
    const reuse = { dataDir, databaseUrl: null, secretKey: svc.config.secretKey!, adminToken: svc.adminToken };
    assert.equal((await svc.api('POST', '/api/alerts', { title: 'wal', severity: 'LOW', type: 'RULE' })).status, 201);
    const db = join(dataDir, 'alertsync.db');
    assert.equal(statSync(dataDir).mode & 0o777, 0o700);
    for (const f of [db, `${db}-wal`, `${db}-shm`]) {
      assert.ok(existsSync(f), f);
      assert.equal(statSync(f).mode & 0o777, 0o600, f);
    }
    await svc.stop();
    // Someone widened the modes: the next start narrows them again.
    chmodSync(dataDir, 0o755);
    for (const f of [db, `${db}-wal`, `${db}-shm`]) if (existsSync(f)) chmodSync(f, 0o644);
    writeFileSync(join(dataDir, 'unrelated.txt'), 'x');
    svc = await startTestService('sqlite', { ALERTSYNC_WORKER_DISABLED: '1' }, reuse);
    assert.equal((await svc.api('POST', '/api/alerts', { title: 'wal2', severity: 'LOW', type: 'RULE' })).status, 201);
    assert.equal(statSync(dataDir).mode & 0o777, 0o700);
    for (const f of [db, `${db}-wal`, `${db}-shm`]) if (existsSync(f)) assert.equal(statSync(f).mode & 0o777, 0o600, f);
    await svc.stop();
  } finally {
    process.umask(old);
  }
});
