// delivery_jobs carries only the indexes its queries use (migration 0015 dropped two that every
// write paid for and no query needed). Every query of the job repository that picks jobs by state
// or by destination must still find them by an index: SQLite's plan for it (EXPLAIN QUERY PLAN)
// never reads the whole table.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, SqliteDialect, sql, type CompiledQuery } from 'kysely';
import { openSqlite } from '../../src/storage/db.js';
import { migrateToLatest } from '../../src/storage/migrate.js';
import type { Database } from '../../src/storage/schema.js';
import * as repo from '../../src/storage/repositories/delivery.js';
import { oldestJobIn, jobCountsByDestinationAndState } from '../../src/storage/repositories/overview.js';

test('delivery_jobs: the dropped indexes are gone, and every query by state or destination still uses an index', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'alertsync-job-indexes-'));
  const storage = openSqlite(dir);
  try {
    await migrateToLatest(storage);
    const indexes = (await sql<{ name: string }>`select name from sqlite_master where type = 'index' and tbl_name = 'delivery_jobs' and name not like 'sqlite_%' order by name`.execute(storage.db)).rows.map((r) => r.name);
    assert.deepEqual(indexes, ['delivery_jobs_claim', 'delivery_jobs_destination_state', 'delivery_jobs_lease', 'delivery_jobs_pair']);
    // The worker's two indexes hold only the jobs they are for (0016-partial-job-indexes).
    const partial = (await sql<{ name: string; sql: string }>`select name, sql from sqlite_master where name in ('delivery_jobs_claim', 'delivery_jobs_lease') order by name`.execute(storage.db)).rows;
    assert.match(partial[0]!.sql, /\("lane", "next_run_at", "seq"\) where "state" = 'pending'$/);
    assert.match(partial[1]!.sql, /\("lease_until"\) where "state" = 'running'$/);

    // A second connection that records each statement the repository sends, to read its plan.
    const seen: CompiledQuery[] = [];
    const database = new SQLite(storage.sqlitePath!);
    const db = new Kysely<Database>({ dialect: new SqliteDialect({ database }), log: (e) => void seen.push(e.query) });
    const now = Date.now();
    for (let i = 0; i < 3; i++) {
      await repo.enqueueJob(db, { id: `job_${i}`, alertId: `alr_${i}`, destinationId: 'dst_1', siteHost: 'h.example', kind: 'create_issue', payload: { reason: 'routed' } as never, nextRunAt: now, now });
    }
    /** SQLite's plan for a recorded statement, one line per step. */
    const planOf = (q: CompiledQuery): string[] =>
      (database.prepare(`explain query plan ${q.sql}`).all(...(q.parameters as unknown[])) as Array<{ detail: string }>).map((p) => p.detail);
    const calls: Array<[string, () => Promise<unknown>]> = [
      ['reclaim running jobs', () => repo.reclaimRunningJobs(db, now)],
      ['oldest waiting job', () => oldestJobIn(db, ['pending', 'blocked'])],
      ['counts by state of a destination', () => repo.countJobsByState(db, 'dst_1')],
      ['count of a destination in states', () => repo.countDestinationJobs(db, 'dst_1', ['pending'])],
      ['move a destination\'s jobs', () => repo.moveDestinationJobs(db, 'dst_1', ['blocked'], 'pending', now)],
      ['replay a destination\'s failed jobs', () => repo.replayFailed(db, 'dst_1', now)],
      ['list a destination\'s jobs', () => repo.listJobs(db, { destinationId: 'dst_1', limit: 10 })],
      ['is a job due, then the claim', () => repo.claimBatch(db, 'sqlite', { owner: 'w', now, leaseMs: 1000, priority: 1, sync: 1, normal: 1, expired: false })],
      ['is a lease expired', () => repo.claimBatch(db, 'sqlite', { owner: 'w', now, leaseMs: 1000, priority: 1, sync: 1, normal: 1, expired: true })],
    ];
    for (const [what, call] of calls) {
      seen.length = 0;
      await call();
      assert.ok(seen.length > 0, what);
      for (const q of seen) {
        const details = planOf(q);
        const fullScan = details.filter((d) => /^SCAN (delivery_jobs|j)\b/.test(d) && !/USING (COVERING )?INDEX/.test(d));
        assert.deepEqual(fullScan, [], `${what}: ${q.sql}\n${details.join('\n')}`);
      }
    }
    // The worker's own queries walk the partial indexes (their WHERE says the state literally).
    const uses: Array<[string, () => Promise<unknown>, string]> = [
      ['is a job due, then the claim', () => repo.claimBatch(db, 'sqlite', { owner: 'w', now, leaseMs: 1000, priority: 1, sync: 1, normal: 1, expired: false }), 'delivery_jobs_claim'],
      ['is a lease expired, then the claim', () => repo.claimBatch(db, 'sqlite', { owner: 'w', now: now + 60_000, leaseMs: 1000, priority: 1, sync: 1, normal: 1, expired: true }), 'delivery_jobs_lease'],
      ['reclaim running jobs', () => repo.reclaimRunningJobs(db, now), 'delivery_jobs_lease'],
    ];
    for (const [what, call, index] of uses) {
      seen.length = 0;
      await call();
      const lookups = seen.filter((q) => /from "?delivery_jobs"? |update "?delivery_jobs"? /.test(q.sql) && !/\bjoin\b/.test(q.sql));
      assert.ok(lookups.length > 0, what);
      for (const q of lookups) assert.ok(planOf(q).some((d) => d.includes(`USING INDEX ${index}`) || d.includes(`USING COVERING INDEX ${index}`)), `${what}: ${q.sql}\n${planOf(q).join('\n')}`);
    }
    // The counts of every job by state read an index, not the table (a covering scan).
    seen.length = 0;
    await repo.countJobsByState(db);
    await jobCountsByDestinationAndState(db);
    for (const q of seen) {
      const details = planOf(q);
      assert.ok(details.some((d) => /(SCAN|SEARCH) (delivery_jobs|j) USING (COVERING )?INDEX/.test(d)), `${q.sql}\n${details.join('\n')}`);
    }
    await db.destroy();
  } finally {
    await storage.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
