// On PostgreSQL a job is also guarded by a session-level advisory lock held on its own connection
// for the whole run. A worker that stalls (SIGSTOP, a long GC pause, a frozen VM) past its lease
// keeps that lock, so no other replica can run the job until the stalled one has finished or died;
// a killed process loses its connection and with it the lock. This closes the one gap that lease
// fencing cannot: a stalled worker resuming in the middle of sending a create to Jira.
import { sql, type Kysely } from 'kysely';
import type { Database } from '../storage/schema.js';
import type { Dialect } from '../storage/db.js';
import { reclaimRunningJobs, RUNNING } from '../storage/repositories/delivery.js';

export type JobLock = <T>(jobId: string, run: () => Promise<T>) => Promise<{ locked: true; value: T } | { locked: false }>;

export function createJobLock(db: Kysely<Database>, dialect: Dialect): JobLock {
  if (dialect !== 'postgres') {
    // One process owns an SQLite file: the lease and the fence are enough.
    return async (_jobId, run) => ({ locked: true, value: await run() });
  }
  return (jobId, run) =>
    db.connection().execute(async (conn) => {
      const key = sql`hashtextextended(${'alertsync-job:' + jobId}, 0)`;
      const got = await sql<{ ok: boolean }>`select pg_try_advisory_lock(${key}) as ok`.execute(conn);
      if (!got.rows[0]?.ok) return { locked: false as const };
      try {
        return { locked: true as const, value: await run() };
      } finally {
        await sql`select pg_advisory_unlock(${key})`.execute(conn);
      }
    });
}

/**
 * PostgreSQL, at the start of a process: running jobs that no process is running any more (their
 * lock is free: their worker died, with its connection) are taken back at once instead of when
 * their lease expires. Only jobs claimed at least `minAgeMs` ago are looked at (a live worker takes
 * its job's lock right after the claim); each is fenced out, and a mark its sender never closed gets
 * `unknown_until` = now: holding the lock, we know that sender's request is over.
 */
export async function reclaimUnlockedJobs(db: Kysely<Database>, now: number, minAgeMs: number): Promise<number> {
  const rows = await db
    .selectFrom('delivery_jobs')
    .select(['id', 'fence'])
    .where(RUNNING)
    .where('updated_at', '<', now - minAgeMs)
    .limit(1000)
    .execute();
  let n = 0;
  for (const r of rows) {
    const key = sql`hashtextextended(${'alertsync-job:' + r.id}, 0)`;
    n += await db.connection().execute(async (conn) => {
      const got = await sql<{ ok: boolean }>`select pg_try_advisory_lock(${key}) as ok`.execute(conn);
      if (!got.rows[0]?.ok) return 0;
      try {
        return await reclaimRunningJobs(conn, now, r);
      } finally {
        await sql`select pg_advisory_unlock(${key})`.execute(conn);
      }
    });
  }
  return n;
}
