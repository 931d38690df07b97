// Precompiled statements (src/storage/precompiled.ts) inside a SQLite transaction run on the
// embedded database directly instead of through Kysely's executor. They must behave as through
// Kysely: part of the transaction (rolled back with it), the same answer for writes, reads and
// RETURNING, SQLite's own errors; outside a transaction they still wait for one in progress.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql, type Kysely } from 'kysely';
import { openSqlite } from '../../src/storage/db.js';
import { byColumns, precompiled } from '../../src/storage/precompiled.js';
import type { Database } from '../../src/storage/schema.js';

type AnyDb = Kysely<Record<string, Record<string, unknown>>>;
const any = (db: Kysely<Database>) => db as unknown as AnyDb;

const insert = precompiled<[number, string]>(2, (db, id, name) => any(db).insertInto('probe').values({ id, name }));
const insertReturning = precompiled<[number, string]>(2, (db, id, name) => any(db).insertInto('probe').values({ id, name }).returning(['id', 'name']));
const rename = precompiled<[string, number]>(2, (db, name, id) => any(db).updateTable('probe').set({ name }).where('id', '<=', id));
const read = precompiled<[number]>(1, (db, id) => any(db).selectFrom('probe').select(['id', 'name']).where('id', '=', id));

test('precompiled statements in a SQLite transaction: part of it, same answers as through Kysely, SQLite errors as they are', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'alertsync-precompiled-'));
  const storage = openSqlite(dir);
  try {
    const db = storage.db;
    await sql`create table probe (id integer primary key, name text not null)`.execute(db);
    // Outside a transaction (through Kysely) and inside one (direct): the same answers.
    const outside = await insert(db, 1, 'a');
    const inside = await db.transaction().execute(async (tx) => ({
      insert: await insert(tx, 2, 'b'),
      returning: await insertReturning(tx, 3, 'c'),
      update: await rename(tx, 'x', 2),
      read: await read(tx, 3),
    }));
    assert.deepEqual(outside, { numAffectedRows: 1n, insertId: 1n, rows: [] });
    assert.deepEqual(inside.insert, { numAffectedRows: 1n, insertId: 2n, rows: [] });
    assert.deepEqual(inside.returning.rows, [{ id: 3, name: 'c' }]);
    assert.equal(inside.update.numAffectedRows, 2n);
    assert.deepEqual(inside.read.rows, [{ id: 3, name: 'c' }]);
    assert.deepEqual(await read(db, 1), { rows: [{ id: 1, name: 'x' }] });

    // A failed transaction takes its direct statements with it.
    await assert.rejects(
      db.transaction().execute(async (tx) => {
        await insert(tx, 10, 'gone');
        await rename(tx, 'gone', 3);
        throw new Error('stop');
      }),
      /stop/,
    );
    assert.deepEqual((await sql<{ n: number }>`select count(*) as n from probe where id = 10 or name = 'gone'`.execute(db)).rows, [{ n: 0 }]);

    // SQLite's error, with its code, as a rejected promise (the unique-key retry of alerts reads the code).
    const err = await db.transaction().execute((tx) => insert(tx, 1, 'again')).catch((e: unknown) => e);
    assert.equal((err as { code?: string }).code, 'SQLITE_CONSTRAINT_PRIMARYKEY');

    // A statement outside any transaction waits for the transaction in progress to end.
    const order: string[] = [];
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const tx = db.transaction().execute(async (t) => {
      await insert(t, 20, 'in');
      order.push('in transaction');
      await held;
      order.push('commit');
    });
    await new Promise((r) => setImmediate(r));
    const after = insert(db, 21, 'out').then(() => order.push('outside'));
    await new Promise((r) => setImmediate(r));
    release();
    await Promise.all([tx, after]);
    assert.deepEqual(order, ['in transaction', 'commit', 'outside']);
  } finally {
    await storage.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('byColumns: one statement per set of defined columns, whatever the order of the keys; a row of another shape never reuses the last one', () => {
  let made = 0;
  const by = byColumns((columns) => ({ n: ++made, columns: columns.join(',') }));
  const a = by({ x: 1, y: 2 });
  assert.equal(a.run.columns, 'x,y');
  assert.equal(by({ x: 3, y: 4 }).run, a.run, 'the same shape: the same statement');
  assert.equal(by({ y: 5, x: 6 }).run, a.run, 'the same columns in another order: the same statement');
  const b = by({ x: 1, y: undefined });
  assert.equal(b.run.columns, 'x', 'an undefined value is no column');
  assert.equal(by({ x: 1, y: 2, z: 3 }).run.columns, 'x,y,z');
  assert.equal(by({ x: 1, z: 3 }).run.columns, 'x,z', 'as many columns as the last row, other ones');
  assert.equal(by({ x: 1, y: 2 }).run, a.run, 'a shape seen before: its statement again');
  assert.equal(made, 4);
});
