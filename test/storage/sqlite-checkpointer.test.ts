// WAL checkpoints of the embedded database in a thread of their own (src/storage/sqlite-checkpointer.ts):
// the service's connection never checkpoints, the thread does, and if the thread fails SQLite's
// automatic checkpoint is back on.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { sql } from 'kysely';
import { openSqlite } from '../../src/storage/db.js';
import { startCheckpointer } from '../../src/storage/sqlite-checkpointer.js';

async function until(probe: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > end) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

test('the thread copies the WAL into the database file (the connection itself never checkpoints); closing leaves no WAL', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'alertsync-ckpt-'));
  const path = join(dir, 'alertsync.db');
  try {
    const storage = openSqlite(dir);
    const db = storage.db;
    assert.deepEqual((await sql<{ wal_autocheckpoint: number }>`pragma wal_autocheckpoint`.execute(db)).rows, [{ wal_autocheckpoint: 0 }]);
    await sql`create table probe (id integer primary key, data text)`.execute(db);
    const before = statSync(path).size;
    // 2,000 pages of rows, twice SQLite's automatic threshold: without a checkpoint they stay in the WAL.
    for (let i = 0; i < 40; i++) await sql`insert into probe (data) select ${'x'.repeat(4000)} from (with recursive n(k) as (select 1 union all select k + 1 from n where k < 50) select k from n)`.execute(db);
    await until(() => statSync(path).size > before + 2000 * 4096, 'the rows in the database file');
    await sql`insert into probe (data) values ('after')`.execute(db);
    await storage.close();
    assert.equal(existsSync(`${path}-wal`), false, 'the last connection to close checkpoints and removes the WAL');
    const plain = new SQLite(path, { readonly: true });
    assert.equal((plain.prepare('select count(*) as n from probe').get() as { n: number }).n, 2001);
    plain.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a thread that cannot start turns the automatic checkpoint back on and says why', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'alertsync-ckpt-'));
  const path = join(dir, 'alertsync.db');
  const database = new SQLite(path);
  try {
    database.pragma('journal_mode = WAL');
    const errors: Error[] = [];
    const ck = startCheckpointer(database, path, { everyMs: 50, driver: join(dir, 'no-such-driver.js'), onError: (e) => errors.push(e) });
    assert.equal(database.pragma('wal_autocheckpoint', { simple: true }), 0);
    await until(() => errors.length > 0, 'the thread to fail');
    assert.match(String(errors[0]), /no-such-driver/);
    assert.equal(database.pragma('wal_autocheckpoint', { simple: true }), 1000);
    await ck.stop();
  } finally {
    database.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
