// On PostgreSQL a job is also guarded by a session-level advisory lock held on its own connection
// for the whole run. A worker that stalls (SIGSTOP, a long GC pause, a frozen VM) past its lease
// keeps that lock, so no other replica can run the job until the stalled one has finished or died;
// a killed process loses its connection and with it the lock. This closes the one gap that lease
// fencing cannot: a stalled worker resuming in the middle of sending a create to Jira.
import { sql, type Kysely } from 'kysely';
import type { Database } from '../storage/schema.js';
import type { Dialect } from '../storage/db.js';

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
