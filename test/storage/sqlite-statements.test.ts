// The embedded database's statements: kept by SQL text, rows read as arrays and built as objects
// (src/storage/sqlite-statements.ts). The rows must be what better-sqlite3 itself returns.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { sql } from 'kysely';
import { openSqlite } from '../../src/storage/db.js';
import { rowBuilder } from '../../src/storage/sqlite-statements.js';

test('rowBuilder: names as given (quotes and spaces too), a later column of the same name wins', () => {
  const build = rowBuilder(['id', 'a "b"', 'id', 'x y']);
  assert.deepEqual(build([1, 2, 3, 4]), { id: 3, 'a "b"': 2, 'x y': 4 });
});

test('rows through Kysely equal better-sqlite3 own rows; a schema change shows in a statement prepared before it', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'alertsync-stmts-'));
  const storage = openSqlite(dir);
  try {
    const db = storage.db;
    await sql`create table probe (id integer primary key, name text, score real, data blob)`.execute(db);
    await sql`insert into probe (id, name, score, data) values (1, 'a', 1.5, x'00ff'), (2, null, 2, null)`.execute(db);
    const q = sql<Record<string, unknown>>`select p.*, q.id as id, q.name as other from probe p left join probe q on q.id = p.id + 1 order by p.id`;
    const ours = (await q.execute(db)).rows;
    const plain = new SQLite(join(dir, 'alertsync.db'), { readonly: true });
    const theirs = plain.prepare(q.compile(db).sql).all();
    plain.close();
    assert.deepEqual(ours, theirs);
    assert.deepEqual(ours[0], { id: 2, name: 'a', score: 1.5, data: Buffer.from([0, 255]), other: null });
    // The same text again (the kept statement), then after a column is added.
    const all = sql<Record<string, unknown>>`select * from probe where id = ${1}`;
    assert.deepEqual(Object.keys((await all.execute(db)).rows[0]!), ['id', 'name', 'score', 'data']);
    await sql`alter table probe add column extra text default 'e'`.execute(db);
    assert.deepEqual((await all.execute(db)).rows[0], { id: 1, name: 'a', score: 1.5, data: Buffer.from([0, 255]), extra: 'e' });
    // Writes report their changes; a write with RETURNING reads its rows.
    const upd = await db.updateTable('probe' as never).set({ name: 'b' } as never).where('id' as never, '=', 2 as never).executeTakeFirst();
    assert.equal(Number(upd.numUpdatedRows), 1);
    const ret = await sql<{ id: number; name: string }>`update probe set name = 'c' where id <= 2 returning id, name`.execute(db);
    assert.deepEqual(ret.rows, [{ id: 1, name: 'c' }, { id: 2, name: 'c' }]);
    // Streaming reads build the same objects.
    const streamed: unknown[] = [];
    for await (const r of db.selectFrom('probe' as never).select(['id' as never, 'name' as never]).orderBy('id' as never).stream()) streamed.push(r);
    assert.deepEqual(streamed, [{ id: 1, name: 'c' }, { id: 2, name: 'c' }]);
  } finally {
    await storage.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('values: each kind is stored as better-sqlite3 stores it; an array or an object value is refused, never taken apart', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'alertsync-stmts-'));
  const storage = openSqlite(dir);
  try {
    const db = storage.db;
    await sql`create table vals (a, b, c, d, e)`.execute(db);
    const values = ['text', 42, 2.5, Buffer.from([1, 2]), null] as const;
    await sql`insert into vals (a, b, c, d, e) values (${values[0]}, ${values[1]}, ${values[2]}, ${values[3]}, ${values[4]})`.execute(db);
    await db.insertInto('vals' as never).values({ a: 'x', b: 10n, c: null, d: new Uint8Array([3]), e: 0 } as never).execute();
    const rows = (await sql<Record<string, unknown>>`select a, b, c, d, e from vals order by rowid`.execute(db)).rows;
    assert.deepEqual(rows, [
      { a: 'text', b: 42, c: 2.5, d: Buffer.from([1, 2]), e: null },
      { a: 'x', b: 10, c: null, d: Buffer.from([3]), e: 0 },
    ]);
    // Passed one by one, an array of one value would be bound as that value, a plain object as
    // named values: both must fail as better-sqlite3 fails them when the values come as an array.
    for (const bad of [['y'], { a: 'y' }]) {
      await assert.rejects(sql`insert into vals (a) values (${bad})`.execute(db), TypeError);
      await assert.rejects(sql`select * from vals where a = ${bad}`.execute(db), TypeError);
    }
    assert.equal((await sql<{ n: number }>`select count(*) as n from vals`.execute(db)).rows[0]!.n, 2);
  } finally {
    await storage.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
