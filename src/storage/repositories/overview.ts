// Read queries of GET /api/overview: alerts per hour and severity, jobs per destination and state,
// the oldest waiting job. The same SQL on SQLite and PostgreSQL (integer division of epoch ms).
import { sql } from 'kysely';
import type { Db } from './users.js';
import type { JobState } from '../../delivery/job.js';

export const HOUR_MS = 3_600_000;

/** Alerts created in [since, until), counted per hour (bucket = floor(created_at / 1 h)) and severity. */
export async function alertCountsByHour(db: Db, since: number, until: number): Promise<{ hour: number; severity: string; count: number }[]> {
  const hour = sql<number>`created_at / ${sql.lit(HOUR_MS)}`;
  const rows = await db
    .selectFrom('alerts')
    .select([hour.as('hour'), 'severity', (eb) => eb.fn.countAll<number>().as('n')])
    .where('created_at', '>=', since)
    .where('created_at', '<', until)
    .groupBy([hour, 'severity'])
    .execute();
  return rows.map((r) => ({ hour: Number(r.hour), severity: r.severity, count: Number(r.n) }));
}

export async function jobCountsByDestinationAndState(db: Db): Promise<{ destinationId: string; destinationName: string | null; state: string; count: number }[]> {
  const rows = await db
    .selectFrom('delivery_jobs as j')
    .leftJoin('destinations as d', 'd.id', 'j.destination_id')
    .select(['j.destination_id', 'd.name', 'j.state', (eb) => eb.fn.countAll<number>().as('n')])
    .groupBy(['j.destination_id', 'd.name', 'j.state'])
    .orderBy('j.destination_id')
    .orderBy('j.state')
    .execute();
  return rows.map((r) => ({ destinationId: r.destination_id, destinationName: r.name, state: r.state, count: Number(r.n) }));
}

/**
 * The job that has waited longest among those in `states` (by creation time). Jobs are found by
 * destination and state (delivery_jobs_destination_state), each destination in turn: no index
 * starts with the state any more (0016-partial-job-indexes). The waiting jobs of a destination are
 * cancelled when it is deleted; only a running job of it that is reclaimed afterwards waits unseen
 * here, until a worker claims it and cancels it.
 */
export async function oldestJobIn(db: Db, states: JobState[]): Promise<{ id: string; kind: string; destinationId: string; state: string; createdAt: number } | undefined> {
  const r = await db
    .selectFrom('delivery_jobs')
    .select(['id', 'kind', 'destination_id', 'state', 'created_at'])
    .where('destination_id', 'in', db.selectFrom('destinations').select('id'))
    .where('state', 'in', states)
    .orderBy('created_at')
    .orderBy('id')
    .limit(1)
    .executeTakeFirst();
  return r && { id: r.id, kind: r.kind, destinationId: r.destination_id, state: r.state, createdAt: Number(r.created_at) };
}
