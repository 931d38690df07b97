// Writes queued in one turn of the event loop share one commit; one that throws fails only itself.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { CommitBatcher } from '../../src/delivery/commit-batcher.js';
import { forEachDb, startTestService } from '../support/service.js';

forEachDb('commit batcher', (db) => {
  test('five writes in one turn → one commit; a failing write rolls back nothing but itself', async () => {
    const svc = await startTestService(db, { ALERTSYNC_WORKER_DISABLED: '1' });
    try {
      const kdb = svc.service.storage.db;
      await sql`create table batch_probe (id integer primary key, v text not null)`.execute(kdb);
      const b = new CommitBatcher(kdb);
      const ids = [1, 2, 3, 4, 5];
      const done = await Promise.all(ids.map((id) => b.run(async (tx) => (await sql`insert into batch_probe (id, v) values (${id}, ${'x'})`.execute(tx), id))));
      assert.deepEqual(done, ids);
      assert.deepEqual(b.stats, { commits: 1, writes: 5 });
      const results = await Promise.allSettled([
        b.run(async (tx) => (await sql`insert into batch_probe (id, v) values (${6}, ${'ok'})`.execute(tx), 'six')),
        b.run(async (tx) => (await sql`insert into batch_probe (id, v) values (${1}, ${'duplicate key'})`.execute(tx), 'dup')),
        b.run(async (tx) => (await sql`insert into batch_probe (id, v) values (${7}, ${'ok'})`.execute(tx), 'seven')),
      ]);
      assert.deepEqual(results.map((r) => r.status), ['fulfilled', 'rejected', 'fulfilled']);
      const rows = await sql<{ id: number }>`select id from batch_probe order by id`.execute(kdb);
      assert.deepEqual(rows.rows.map((r) => Number(r.id)), [1, 2, 3, 4, 5, 6, 7]);
    } finally {
      await svc.close();
    }
  });
});
