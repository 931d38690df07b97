import { sql, type QueryResult, type RawBuilder } from 'kysely';
import type { Dialect } from '../db.js';
import type { AlertsTable, DeliveryJobsTable } from '../schema.js';
import type { Db } from './users.js';
import { byColumns, insertRow, precompiled } from '../precompiled.js';
import { toAlert } from './alerts.js';
import type { Alert } from '../../alerts/alert.js';
import { OPEN_STATES, SYNC_JOB_KINDS, laneOf, type PayloadOf, type AlertLink, type DeliveryAttempt, type DeliveryJob, type JobKind, type JobState, type Lane } from '../../delivery/job.js';

export function toJob(r: DeliveryJobsTable): DeliveryJob {
  return <DeliveryJob>{
    id: r.id,
    seq: Number(r.seq),
    alertId: r.alert_id,
    destinationId: r.destination_id,
    siteHost: r.site_host,
    kind: r.kind as JobKind,
    lane: r.lane as Lane,
    payload: JSON.parse(r.payload) as never,
    state: r.state as JobState,
    attempts: Number(r.attempts),
    nextRunAt: Number(r.next_run_at),
    leaseOwner: r.lease_owner,
    leaseUntil: r.lease_until === null ? null : Number(r.lease_until),
    fence: Number(r.fence),
    unknownSince: r.unknown_since === null ? null : Number(r.unknown_since),
    unknownUntil: r.unknown_until === null || r.unknown_until === undefined ? null : Number(r.unknown_until),
    sendingSince: r.sending_since === null || r.sending_since === undefined ? null : Number(r.sending_since),
    lookFirst: Number(r.look_first ?? 0) === 1,
    hadUnknown: Number(r.had_unknown) === 1,
    lastStatus: r.last_status === null ? null : Number(r.last_status),
    lastError: r.last_error,
    result: r.result === null ? null : (JSON.parse(r.result) as Record<string, unknown>),
    createdAt: Number(r.created_at),
    updatedAt: Number(r.updated_at),
  };
}

let seqCounter = 0;
/** Orders jobs of one alert and destination by creation: time in ms × 1000 + a per-process counter. */
export function nextSeq(now: number): number {
  seqCounter = (seqCounter + 1) % 1000;
  return now * 1000 + seqCounter;
}

export async function enqueueJob<K extends JobKind>(
  db: Db,
  j: { id: string; alertId: string; destinationId: string; siteHost: string; kind: K; payload: PayloadOf[K]; nextRunAt: number; now: number; lookFirst?: boolean },
): Promise<void> {
  await insertJobRow(db, {
      id: j.id,
      seq: nextSeq(j.now),
      alert_id: j.alertId,
      destination_id: j.destinationId,
      site_host: j.siteHost,
      kind: j.kind,
      lane: laneOf(j.kind),
      payload: JSON.stringify(j.payload),
      state: 'pending',
      attempts: 0,
      next_run_at: j.nextRunAt,
      lease_owner: null,
      lease_until: null,
      fence: 0,
      unknown_since: null,
      unknown_until: null,
      had_unknown: 0,
      look_first: j.lookFirst ? 1 : 0,
      last_status: null,
      last_error: null,
      result: null,
      created_at: j.now,
      updated_at: j.now,
    });
}

const insertJobRow = insertRow('delivery_jobs');
const insertAttemptRow = insertRow('delivery_attempts');

export interface ClaimOptions {
  owner: string;
  now: number;
  leaseMs: number;
  /** How many jobs of each lane to claim at most (0: none of that lane). */
  priority: number;
  sync: number;
  normal: number;
  /**
   * Due creates of the normal lane to claim beyond `normal` (decisions.ts `extraCreates`): the
   * ones after the first `normal` due jobs of the lane, so that a claim brings a bulk request's
   * worth. Ignored with `expired`.
   */
  creates?: number;
  /** Running jobs whose lease expired (their worker died or stalled) instead of due pending ones. */
  expired: boolean;
  /** A job this process is still running is never taken over by this process: its run goes on. */
  exclude?: string[];
  /**
   * Mark the claimed creates "may go out from now" (sending_since), so their runs write nothing
   * before their requests; false (the rate limit holds creates back) leaves that to each run.
   */
  markCreates?: boolean;
}

/** What a claimed batch needs before it runs: its alerts, their links on the jobs' destinations, the destinations' versions. */
export interface BatchRows {
  alerts: Map<string, Alert>;
  links: Map<string, AlertLink>;
  destinationVersions: Map<string, number>;
}

/** The values a claim statement binds (the rest of its text comes from the lanes, their limits and `expired`). */
interface ClaimValues {
  owner: unknown;
  now: unknown;
  leaseUntil: unknown;
  /** 1: the claim marks its creates (ClaimOptions.markCreates); 0: it does not. */
  markCreates: unknown;
  exclude: readonly unknown[];
}

const claimValues = (o: ClaimOptions): ClaimValues => ({ owner: o.owner, now: o.now, leaseUntil: o.now + o.leaseMs, markCreates: o.markCreates ? 1 : 0, exclude: o.exclude ?? [] });

/** The pieces of a claim statement (PostgreSQL's, built per claim; SQLite's, compiled once per shape): the lanes asked for, each lane's due jobs, their union, the claim's SET. */
function claimParts(dialect: Dialect, o: ClaimOptions, v: ClaimValues = claimValues(o)) {
  const lanes = LANES.filter((l) => o[l] > 0);
  const noEarlier = sql`not exists (
        select 1 from delivery_jobs e
        where e.alert_id = j.alert_id and e.destination_id = j.destination_id and e.seq < j.seq and e.state in (${sql.join(OPEN_STATES)})
          and not (e.kind = 'sweep_duplicates' and j.kind in (${sql.join([...SYNC_JOB_KINDS])})))`;
  // (A sync job does not wait for its alert's duplicate sweep, scheduled minutes after the create:
  // the issue it changes is linked already.)
  const lock = dialect === 'postgres' ? sql`for update skip locked` : sql``;
  const notMine = v.exclude.length > 0 ? sql`and j.id not in (${sql.join(v.exclude)})` : sql``;
  // The limits are written into the text (small integers, checked): SQLite plans a bound LIMIT
  // worse (the lane lookups took 3× as long with `limit ?`; bench/RESULTS.md).
  const limit = (lane: Lane) => sql.lit(Math.max(0, Math.floor(o[lane])));
  const laneDue = (lane: Lane) =>
    o.expired
      ? sql`select j.id from delivery_jobs j where j.state = 'running' and j.lease_until < ${v.now} and j.lane = ${lane} ${notMine} and ${noEarlier} order by j.lease_until limit ${limit(lane)} ${lock}`
      : sql`select j.id from delivery_jobs j where j.lane = ${lane} and j.state = 'pending' and j.next_run_at <= ${v.now} and ${noEarlier} order by j.next_run_at, j.seq limit ${limit(lane)} ${lock}`;
  // Each lane's lookup keeps its own limit and index order (PostgreSQL: each in its own CTE, as a
  // locking clause may not stand in a UNION).
  // The creates beyond the normal lane's limit: the lane's due creates after its first `normal`
  // due jobs (OFFSET; when some of those are sweeps, as many creates are left for the next claim).
  const extra = o.expired ? 0 : Math.max(0, Math.floor(o.creates ?? 0));
  const parts: Array<{ name: string; query: RawBuilder<unknown> }> = lanes.map((l) => ({ name: 'due_' + l, query: laneDue(l) }));
  if (extra > 0 && lanes.includes('normal')) {
    parts.push({
      name: 'due_creates',
      query: sql`select j.id from delivery_jobs j where j.lane = ${'normal'} and j.state = 'pending' and j.next_run_at <= ${v.now} and j.kind = 'create_issue' and ${noEarlier} order by j.next_run_at, j.seq limit ${sql.lit(extra)} offset ${limit('normal')} ${lock}`,
    });
  }
  const due = sql.join(parts.map((p) => (dialect === 'postgres' ? sql`select id from ${sql.ref(p.name)}` : sql`select id from (${p.query})`)), sql` union all `);
  // With `markCreates`, a create's claim is its mark: from now on its owner may send it
  // (sending_since). A mark the last owner left (it crashed, stalled or was stopped while it may
  // have sent) becomes "a create may have gone out" whose request end is unknown (unknown_since,
  // unknown_until null): the new owner looks before it creates (decisions.ts planLookup). SET reads
  // the row as it was before the update.
  const set = sql`state = 'running', lease_owner = ${v.owner}, lease_until = ${v.leaseUntil}, fence = fence + 1, updated_at = ${v.now},
      unknown_since = case when sending_since is null then unknown_since else coalesce(unknown_since, sending_since) end,
      unknown_until = case when sending_since is null then unknown_until else null end,
      sending_since = case when kind = 'create_issue' and ${v.markCreates} = 1 then cast(${v.now} as bigint) else null end`;
  return { lanes, parts, due, set };
}

/**
 * SQLite's claim: marks the due jobs running and returns them. The state re-check is written
 * `+state`, so that SQLite's planner finds the ids by key instead of walking the state index over
 * every pending job (a query-plan test holds this); null when no lane is asked for.
 */
export function sqliteClaimUpdate(o: ClaimOptions, v: ClaimValues = claimValues(o)) {
  const { lanes, due, set } = claimParts('sqlite', o, v);
  if (lanes.length === 0) return null;
  const was = o.expired ? sql`+state = 'running' and +lease_until < ${v.now}` : sql`+state = 'pending'`;
  return sql<DeliveryJobsTable>`update delivery_jobs set ${set} where id in (${due}) and ${was} returning *`;
}

// SQLite's claim path runs on every poll and every claim: its statements are built and compiled
// once per shape (precompiled.ts) instead of each time (Kysely's building and compiling of them was
// about 40% of the claim's own CPU, and much of its garbage: bench/RESULTS.md).
type Run = (db: Db, ...args: unknown[]) => Promise<QueryResult<unknown>>;
/** Claim statements by shape: expired or due, each lane's limit, how many ids are excluded (bounded). */
const sqliteClaims = new Map<string, Run>();
function runSqliteClaim(db: Db, o: ClaimOptions): Promise<QueryResult<DeliveryJobsTable>> {
  // Only the claim of expired leases leaves out this process's own jobs (a pending job is never one).
  const exclude = o.expired ? (o.exclude ?? []) : [];
  const creates = o.expired ? 0 : (o.creates ?? 0);
  const key = `${o.expired ? 1 : 0} ${o.priority} ${o.sync} ${o.normal} ${creates} ${exclude.length}`;
  let run = sqliteClaims.get(key);
  if (!run) {
    if (sqliteClaims.size >= 500) sqliteClaims.clear();
    const shape: ClaimOptions = { owner: '', now: 0, leaseMs: 0, priority: o.priority, sync: o.sync, normal: o.normal, creates, expired: o.expired };
    run = precompiled(4 + exclude.length, (_d, owner, now, leaseUntil, markCreates, ...ex) => sqliteClaimUpdate(shape, { owner, now, leaseUntil, markCreates, exclude: ex }) as RawBuilder<unknown>);
    sqliteClaims.set(key, run);
  }
  return run(db, o.owner, o.now, o.now + o.leaseMs, o.markCreates ? 1 : 0, ...exclude) as Promise<QueryResult<DeliveryJobsTable>>;
}
/**
 * `state = 'running'` with the state written into the statement: a query can walk the lease index,
 * which holds running jobs only, when its WHERE says so literally (0016-partial-job-indexes).
 */
export const RUNNING = sql<boolean>`state = 'running'`;

const LANE_ORDER: Record<Lane, number> = { priority: 0, sync: 1, normal: 2 };
/** Claimed jobs run by lane (priority, sync, normal), then by due time and sequence. */
const byLaneAndDue = (a: DeliveryJob, b: DeliveryJob): number => LANE_ORDER[a.lane] - LANE_ORDER[b.lane] || a.nextRunAt - b.nextRunAt || a.seq - b.seq;

/** "Is a pending job of these lanes due?", by set of lanes. */
const anyDueBy = new Map<string, Run>();

/** SQLite: is a pending job of one of these lanes due (an earlier job of its link may still hold it back)? */
async function anyDue(db: Db, lanes: Lane[], now: number): Promise<boolean> {
  const key = lanes.join(' ');
  let run = anyDueBy.get(key);
  if (!run) {
    run = precompiled(1, (_d, at) => sql`select 1 as due from delivery_jobs where lane in (${sql.join(lanes)}) and state = 'pending' and next_run_at <= ${at} limit 1`);
    anyDueBy.set(key, run);
  }
  return (await run(db, now)).rows.length > 0;
}

// The state a literal: the lease index holds running jobs only (0016-partial-job-indexes).
const leaseExpired = precompiled<[number]>(1, (d, now) => d.selectFrom('delivery_jobs').select('id').where(RUNNING).where('lease_until', '<', now as number).limit(sql.lit(1)));

async function anyLeaseExpired(db: Db, now: number): Promise<boolean> {
  return (await leaseExpired(db, now)).rows.length > 0;
}

/**
 * What each claimed job needs (SQLite, after the claim): the alert's columns (`id` null when the
 * job has none), the link's, the destination's version. The ids come as one JSON array, so the
 * statement is the same for any number of them.
 */
const readClaimed = precompiled<[string]>(
  1,
  (_d, ids) => sql`select j.id as job_id, a.*, l.issue_id as link_issue_id, l.issue_key as link_issue_key, l.issue_url as link_issue_url, l.created_at as link_created_at, d.updated_at as destination_version
      from delivery_jobs j ${claimJoins('j')} where j.id in (select value from json_each(${ids}))`,
);

/** The rows a claimed job needs, joined to it (alias `j`): its alert (not for a test job), its link, its destination. */
function claimJoins(j: string) {
  return sql`left join alerts a on a.id = ${sql.ref(j + '.alert_id')} and ${sql.ref(j + '.kind')} <> 'test_issue'
      left join alert_links l on l.alert_id = ${sql.ref(j + '.alert_id')} and l.destination_id = ${sql.ref(j + '.destination_id')}
      left join destinations d on d.id = ${sql.ref(j + '.destination_id')}`;
}

/**
 * Claims due jobs of the three lanes (priority, sync, normal) in one statement: pending ones whose time has come or, with
 * `expired`, running ones whose lease expired. A job is never claimed while an earlier job for the
 * same alert and destination is still pending or running. Each claim bumps the fence, so a worker
 * that lost its lease cannot commit over the new owner. Each lane's lookup walks an index in order
 * (0004-claim-indexes), so a claim costs the same with 10 or 100,000 jobs waiting.
 * The claimed jobs come with the rows they need (`BatchRows`): on PostgreSQL in the same statement,
 * on SQLite (whose RETURNING cannot join) in one more query. Jobs are ordered by lane (priority,
 * sync, normal), then by due time and sequence.
 */
export async function claimBatch(db: Db, dialect: Dialect, o: ClaimOptions): Promise<{ jobs: DeliveryJob[]; rows: BatchRows | null }> {
  const lanes = LANES.filter((l) => o[l] > 0);
  if (lanes.length === 0) return emptyClaim();
  // Leases seldom expire: a look at the lease index first spares the claim statement (and its
  // write) almost every time.
  if (o.expired && !(await anyLeaseExpired(db, o.now))) return emptyClaim();
  const rows = dialect === 'postgres' ? await claimRowsPostgres(db, o) : await claimRowsSqlite(db, o, lanes);
  if (rows === null) return emptyClaim();
  if (rows.kind === 'jobs only') return { jobs: rows.claimed.map(toJob).sort(byLaneAndDue), rows: null };
  const jobs = rows.claimed.map((r) => toJob(r.job)).sort(byLaneAndDue);
  const out: BatchRows = { alerts: new Map(), links: new Map(), destinationVersions: new Map() };
  for (const { job: j, alert, extra: r } of rows.claimed) {
    if (alert) out.alerts.set(j.alert_id, toAlert(alert));
    if (!r) continue;
    if (r.link_issue_id !== null) {
      out.links.set(linkKey(j.alert_id, j.destination_id), { alertId: j.alert_id, destinationId: j.destination_id, issueId: r.link_issue_id, issueKey: r.link_issue_key as string, issueUrl: r.link_issue_url as string, createdAt: Number(r.link_created_at) });
    }
    if (r.destination_version !== null) out.destinationVersions.set(j.destination_id, Number(r.destination_version));
  }
  return { jobs, rows: out };
}

const LANES = ['priority', 'sync', 'normal'] as const;
const emptyClaim = (): { jobs: DeliveryJob[]; rows: BatchRows } => ({ jobs: [], rows: { alerts: new Map(), links: new Map(), destinationVersions: new Map() } });

/** What the joins bring for a claimed job: its link's columns and its destination's version. */
type ClaimExtra = { link_issue_id: string | null; link_issue_key: string | null; link_issue_url: string | null; link_created_at: number | null; destination_version: number | null };
/**
 * Each claimed job's row, with what the joins brought for it: the alert's row (null: none or a
 * test job), the link's columns, the destination's version. The two are kept apart: a job row
 * spread into a new object with seven more properties falls back to a slow dictionary object in
 * V8 (10 µs a row; bench/RESULTS.md). `jobs only`: the claim's own rows, its read failed.
 */
type ClaimedRows =
  | { kind: 'joined'; claimed: Array<{ job: DeliveryJobsTable; alert: AlertsTable | null; extra: ClaimExtra | null }> }
  | { kind: 'jobs only'; claimed: DeliveryJobsTable[] };

/** PostgreSQL: the claim and the joins in one statement (null: nothing claimed). */
async function claimRowsPostgres(db: Db, o: ClaimOptions): Promise<ClaimedRows | null> {
  const { parts, due, set } = claimParts('postgres', o);
  const extra = sql`to_jsonb(a) as alert_row, l.issue_id as link_issue_id, l.issue_key as link_issue_key, l.issue_url as link_issue_url, l.created_at as link_created_at, d.updated_at as destination_version`;
  type Row = DeliveryJobsTable & ClaimExtra & { alert_row: AlertsTable | null };
  const claimed = (
    await sql<Row>`
    with ${sql.join(parts.map((p) => sql`${sql.ref(p.name)} as (${p.query})`))},
    due as (${due}),
    claimed as (update delivery_jobs set ${set} from due where delivery_jobs.id = due.id returning delivery_jobs.*)
    select c.*, ${extra} from claimed c ${claimJoins('c')}`.execute(db)
  ).rows;
  return claimed.length === 0 ? null : { kind: 'joined', claimed: claimed.map((r) => ({ job: r, alert: r.alert_row, extra: r })) };
}

/**
 * SQLite: one process, one claimer. The update re-checks the state it selected on, so a job
 * changed in between (replayed, cancelled) is simply not claimed; no transaction is needed.
 * The statement is compiled once per shape (runSqliteClaim), never built per claim. A read
 * first: most polls find nothing due, and a claim that updates nothing still costs a write
 * statement (about 95 µs against 16 µs for the read: bench/RESULTS.md). Null: nothing claimed.
 */
async function claimRowsSqlite(db: Db, o: ClaimOptions, lanes: Lane[]): Promise<ClaimedRows | null> {
  if (!o.expired && !(await anyDue(db, lanes, o.now))) return null;
  const claimed = (await runSqliteClaim(db, o)).rows;
  if (claimed.length === 0) return null;
  // If this read fails the jobs are claimed all the same: each then reads its own rows (rows: null).
  // A row of it is the alert's columns (`id` null when the job has no alert row) and the extras.
  type Read = ClaimExtra & { job_id: string; id: string | null };
  const read = await readClaimed(db, JSON.stringify(claimed.map((c) => c.id))).catch(() => null);
  if (!read) return { kind: 'jobs only', claimed };
  const byJob = new Map((read.rows as Read[]).map((r) => [r.job_id, r]));
  return {
    kind: 'joined',
    claimed: claimed.map((c) => {
      const r = byJob.get(c.id) ?? null;
      return { job: c, alert: r && r.id !== null ? (r as unknown as AlertsTable) : null, extra: r };
    }),
  };
}

/** Extends the lease if this worker still holds it (same fence); false = lost, stop now. */
export async function renewLease(db: Db, id: string, fence: number, until: number, now: number): Promise<boolean> {
  const r = await db.updateTable('delivery_jobs').set({ lease_until: until, updated_at: now }).where('id', '=', id).where('fence', '=', fence).where('state', '=', 'running').executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** Fenced update of a running job; false when another worker owns it now. */
export async function updateRunningJob(db: Db, id: string, fence: number, set: Partial<DeliveryJobsTable>): Promise<boolean> {
  const row = set as Record<string, unknown>;
  const { columns, run } = updateRunningBy(row);
  const r = await run(db, ...columns.map((c) => row[c]), id, fence);
  return Number(r.numAffectedRows) === 1;
}

// The fenced update runs for every mark and completion: compiled once per set of columns.
const updateRunningBy = byColumns((columns) =>
  precompiled(columns.length + 2, (db, ...a) =>
    db
      .updateTable('delivery_jobs')
      .set(Object.fromEntries(columns.map((c, i) => [c, a[i]])) as Partial<DeliveryJobsTable>)
      .where('id', '=', a[columns.length] as string)
      .where('fence', '=', a[columns.length + 1] as number)
      .where('state', '=', 'running'),
  ),
);

export async function findJob(db: Db, id: string): Promise<DeliveryJob | undefined> {
  const r = await db.selectFrom('delivery_jobs').selectAll().where('id', '=', id).executeTakeFirst();
  return r && toJob(r);
}

export async function listJobs(db: Db, by: { alertId?: string; destinationId?: string; states?: JobState[]; limit: number }): Promise<DeliveryJob[]> {
  let q = db.selectFrom('delivery_jobs').selectAll().orderBy('seq', 'desc').limit(by.limit);
  if (by.alertId) q = q.where('alert_id', '=', by.alertId);
  if (by.destinationId) q = q.where('destination_id', '=', by.destinationId);
  if (by.states?.length) q = q.where('state', 'in', by.states);
  return (await q.execute()).map(toJob);
}

export async function hasOpenJob(db: Db, alertId: string, destinationId: string, kind: JobKind): Promise<boolean> {
  const r = await db.selectFrom('delivery_jobs').select('id').where('alert_id', '=', alertId).where('destination_id', '=', destinationId).where('kind', '=', kind).where('state', 'in', OPEN_STATES).executeTakeFirst();
  return r !== undefined;
}

/** A replay: the job runs again and searches Jira before it creates anything (its mark is kept). */
export async function resetJobForRetry(db: Db, id: string, now: number): Promise<boolean> {
  const r = await db
    .updateTable('delivery_jobs')
    .set({ state: 'pending', next_run_at: now, attempts: 0, lease_owner: null, lease_until: null, look_first: 1, updated_at: now })
    .where('id', '=', id)
    .where('state', 'in', ['failed', 'blocked'])
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** Replays every failed or blocked create of a destination (each searches first); returns their ids. */
export async function replayFailed(db: Db, destinationId: string, now: number): Promise<string[]> {
  const r = await db
    .updateTable('delivery_jobs')
    .set({ state: 'pending', next_run_at: now, attempts: 0, lease_owner: null, lease_until: null, look_first: 1, updated_at: now })
    .where('destination_id', '=', destinationId)
    .where('kind', '=', 'create_issue')
    .where('state', 'in', ['failed', 'blocked'])
    .returning('id')
    .execute();
  return r.map((x) => x.id);
}

/** Moves a destination's jobs from some states to another (block, pause, release, cancel), keeping their order and due times. */
export async function moveDestinationJobs(db: Db, destinationId: string, from: JobState[], to: JobState, now: number, lastError?: string, kinds?: JobKind[]): Promise<number> {
  let q = db
    .updateTable('delivery_jobs')
    // next_run_at is kept: a released job runs when it was due (at once, or a sweep after its delay).
    .set({ state: to, updated_at: now, ...(lastError !== undefined ? { last_error: lastError } : {}) })
    .where('destination_id', '=', destinationId)
    .where('state', 'in', from);
  if (kinds) q = q.where('kind', 'in', kinds);
  const r = await q.executeTakeFirst();
  return Number(r.numUpdatedRows);
}

export async function countDestinationJobs(db: Db, destinationId: string, states: JobState[]): Promise<number> {
  const r = await db.selectFrom('delivery_jobs').select((eb) => eb.fn.countAll<number>().as('n')).where('destination_id', '=', destinationId).where('state', 'in', states).executeTakeFirstOrThrow();
  return Number(r.n);
}

/**
 * At the start of a process that owns the database alone (SQLite), every running job belongs to a
 * dead predecessor: it goes back to pending at once, fenced out, and a create it may have sent is
 * known to have ended (the process is gone), so its next owner waits only the recheck.
 */
export function reclaimDeadPredecessor(db: Db, now: number): Promise<number> {
  return reclaimRunningJobs(db, now);
}

/**
 * Puts running jobs back to pending at once, fenced out (all of them, or the one given at its
 * fence). A create their owner may have sent is known to have ended (`unknown_until`), so the next
 * owner waits only the recheck. The caller knows the owner is gone (dead process, free job lock).
 */
export async function reclaimRunningJobs(db: Db, now: number, only?: { id: string; fence: number }): Promise<number> {
  let q = db
    .updateTable('delivery_jobs')
    .set((eb) => ({
      state: 'pending',
      next_run_at: now,
      lease_owner: null,
      lease_until: null,
      fence: eb('fence', '+', 1),
      unknown_until: eb.case().when('unknown_since', 'is not', null).then(eb.fn.coalesce('unknown_until', eb.val(now))).else(null).end(),
      updated_at: now,
    }))
    .where(RUNNING);
  if (only) q = q.where('id', '=', only.id).where('fence', '=', only.fence);
  const r = await q.executeTakeFirst();
  return Number(r.numUpdatedRows);
}

export async function countJobsByState(db: Db, destinationId?: string): Promise<Record<string, number>> {
  let q = db.selectFrom('delivery_jobs').select(['state', (eb) => eb.fn.countAll<number>().as('n')]).groupBy('state');
  if (destinationId) q = q.where('destination_id', '=', destinationId);
  const rows = await q.execute();
  return Object.fromEntries(rows.map((r) => [r.state, Number(r.n)]));
}

export async function insertAttempt(db: Db, a: Omit<DeliveryAttempt, 'id'>): Promise<void> {
  await insertAttemptRow(db, {
      job_id: a.jobId,
      alert_id: a.alertId,
      destination_id: a.destinationId,
      worker: a.worker,
      at: a.at,
      duration_ms: Math.round(a.durationMs),
      request: a.request,
      outcome: a.outcome,
      http_status: a.httpStatus,
      issue_key: a.issueKey,
      error: a.error,
    });
}

export async function listAttempts(db: Db, by: { alertId?: string; destinationId?: string; jobId?: string; limit: number }): Promise<DeliveryAttempt[]> {
  let q = db.selectFrom('delivery_attempts').selectAll().orderBy('id', 'desc').limit(by.limit);
  if (by.alertId) q = q.where('alert_id', '=', by.alertId);
  if (by.destinationId) q = q.where('destination_id', '=', by.destinationId);
  if (by.jobId) q = q.where('job_id', '=', by.jobId);
  const rows = await q.execute();
  return rows.map((r) => ({
    id: Number(r.id),
    jobId: r.job_id,
    alertId: r.alert_id,
    destinationId: r.destination_id,
    worker: r.worker,
    at: Number(r.at),
    durationMs: Number(r.duration_ms),
    request: r.request,
    outcome: r.outcome as DeliveryAttempt['outcome'],
    httpStatus: r.http_status === null ? null : Number(r.http_status),
    issueKey: r.issue_key,
    error: r.error,
  }));
}

export async function findLink(db: Db, alertId: string, destinationId: string): Promise<AlertLink | undefined> {
  const r = await db.selectFrom('alert_links').selectAll().where('alert_id', '=', alertId).where('destination_id', '=', destinationId).executeTakeFirst();
  return r && { alertId: r.alert_id, destinationId: r.destination_id, issueId: r.issue_id, issueKey: r.issue_key, issueUrl: r.issue_url, createdAt: Number(r.created_at) };
}

export async function listLinks(db: Db, alertId: string): Promise<AlertLink[]> {
  const rows = await db.selectFrom('alert_links').selectAll().where('alert_id', '=', alertId).orderBy('created_at').execute();
  return rows.map((r) => ({ alertId: r.alert_id, destinationId: r.destination_id, issueId: r.issue_id, issueKey: r.issue_key, issueUrl: r.issue_url, createdAt: Number(r.created_at) }));
}

/** Inserts the link unless one exists; returns the link that holds. */
export async function insertLink(db: Db, l: AlertLink): Promise<void> {
  await insertLinkStatement(db, l.alertId, l.destinationId, l.issueId, l.issueKey, l.issueUrl, l.createdAt);
}

const insertLinkStatement = precompiled(6, (db, alertId, destinationId, issueId, issueKey, issueUrl, at) =>
  db
    .insertInto('alert_links')
    .values({ alert_id: alertId as string, destination_id: destinationId as string, issue_id: issueId as string, issue_key: issueKey as string, issue_url: issueUrl as string, created_at: at as number, updated_at: at as number })
    .onConflict((oc) => oc.columns(['alert_id', 'destination_id']).doNothing()),
);

export const linkKey = (alertId: string, destinationId: string): string => `${alertId} ${destinationId}`;
