// The decisions of the delivery engine, as pure functions (no I/O, no clock: `now` is given).
// The runner and the handlers around them only read and write what these decide; the table tests
// in test/delivery/decisions.test.ts pin each rule. docs/delivery.md explains the guarantee.
import type { JiraErrorKind } from '../jira/client/index.js';
import { retryDelayMs } from './backoff.js';
import type { JobKind, Lane } from './job.js';

/**
 * "A create may have gone out": sent at `since`; its request is known to have ended by `until`
 * (null = its sender never said: it crashed or stalled, so the one who takes the job over uses the
 * moment it got the job, when that request had certainly ended: see `planLookup`).
 */
export interface Mark {
  since: number;
  until: number | null;
}

export interface Timing {
  leaseMs: number;
  jiraTimeoutMs: number;
  createRecheckMs: number;
  retryBaseMs: number;
  retryMaxMs: number;
}

/** Room kept between the end of a create's timeout and the end of its lease (clock skew, commits). */
export function sendMarginMs(t: Pick<Timing, 'leaseMs' | 'jiraTimeoutMs'>): number {
  return Math.max(0, Math.min(1000, Math.floor((t.leaseMs - t.jiraTimeoutMs) / 2)));
}

/**
 * A create may be sent only if it ends (answer or timeout) inside the sender's lease, with margin:
 * a process resuming from a stall past its lease sends nothing.
 */
export function maySend(now: number, leaseUntil: number | null, t: Pick<Timing, 'leaseMs' | 'jiraTimeoutMs'>): boolean {
  return leaseUntil !== null && now + t.jiraTimeoutMs + sendMarginMs(t) <= leaseUntil;
}

export type LookupPlan =
  | { action: 'create' }
  /** Search only at `at`: before, Jira's search may not show an issue that request created. */
  | { action: 'wait'; at: number; mark: Mark & { until: number } }
  | { action: 'search'; mark: (Mark & { until: number }) | null };

/**
 * Before a create: a job with a mark waits until Jira's search can show what the marked request
 * created (the later of its send and its known end, plus the recheck), then searches. A mark whose
 * sender never said when its request ended gets `until = now`: whoever runs the job now got it
 * after that request had ended (on PostgreSQL the sender holds the job's lock for the whole run
 * and a dead sender's connection, lock and socket are gone; on SQLite a process never takes over
 * a job it still runs, so the sender is a dead predecessor). Replays and dispatches search first.
 */
export function planLookup(job: { mark: Mark | null; lookFirst: boolean }, now: number, t: Pick<Timing, 'createRecheckMs'>): LookupPlan {
  if (job.mark) {
    const mark = { since: job.mark.since, until: job.mark.until ?? now };
    const at = Math.max(mark.since, mark.until) + t.createRecheckMs;
    return now < at ? { action: 'wait', at, mark } : { action: 'search', mark };
  }
  return job.lookFirst ? { action: 'search', mark: null } : { action: 'create' };
}

export type AfterLookup<I> = { action: 'link'; issue: I; sweep: boolean } | { action: 'create' };

/** After a search answered: link the oldest issue found (a sweep closes any other), or create. */
export function afterLookup<I>(found: I[], hadMark: boolean): AfterLookup<I> {
  if (found.length === 0) return { action: 'create' };
  return { action: 'link', issue: found[0]!, sweep: hadMark || found.length > 1 };
}

export interface Failure {
  kind: JiraErrorKind | 'local';
  status: number | null;
  retryAfterMs: number | null;
}

export type FailureDecision =
  | { action: 'retry'; at: number; mark: Mark | null; outcome: 'unknown' | 'retry' }
  | { action: 'block' | 'fail'; mark: Mark | null; outcome: 'failed' };

const RETRYABLE = new Set<Failure['kind']>(['network', 'timeout', 'rate_limited', 'server', 'conflict', 'local']);
/** Jira refused the request: nothing was made. */
const REFUSED = new Set<Failure['kind']>(['rate_limited', 'conflict', 'auth', 'forbidden', 'not_found', 'invalid']);
/** Failures a change of the destination can cure: its jobs wait for that change (blocked). */
export const CURABLE = new Set<Failure['kind']>(['auth', 'forbidden', 'not_found', 'invalid']);

/**
 * What to do after a failed call. `sentAt` is set when the call was a create that may have reached
 * Jira; `markBefore` is the job's mark before that call. Anything but a refusal after a send may
 * have made the issue: the job keeps a mark (closed: its request ended `now`), and a mark is only
 * ever dropped after a search answered. A local cause (a closed client, a database error) is
 * retried, never a permanent failure. A failure the destination can cure blocks create jobs,
 * unless Jira refused only this issue of a bulk create and made others of the same request
 * (`othersCreated`): then the job fails alone.
 */
export function decideAfterFailure(
  f: Failure,
  ctx: { jobKind: JobKind; sentAt: number | null; markBefore: Mark | null; attempts: number; now: number; othersCreated?: boolean },
  t: Pick<Timing, 'createRecheckMs' | 'retryBaseMs' | 'retryMaxMs'>,
  random: () => number = Math.random,
): FailureDecision {
  const maybeDone = ctx.sentAt !== null && !REFUSED.has(f.kind);
  const mark: Mark | null = maybeDone ? { since: ctx.sentAt!, until: ctx.now } : ctx.markBefore;
  if (RETRYABLE.has(f.kind) || maybeDone) {
    let at = ctx.now + retryDelayMs(ctx.attempts + 1, { baseMs: t.retryBaseMs, maxMs: t.retryMaxMs, retryAfterMs: f.retryAfterMs, random });
    if (mark) at = Math.max(at, Math.max(mark.since, mark.until ?? ctx.now) + t.createRecheckMs);
    return { action: 'retry', at, mark, outcome: maybeDone ? 'unknown' : 'retry' };
  }
  // Refused alone in a bulk create whose other issues were made: the destination works, the cause
  // is this issue's own (a field of its alert): it fails alone and the destination's queue goes on.
  if (ctx.jobKind === 'create_issue' && CURABLE.has(f.kind) && !ctx.othersCreated) return { action: 'block', mark, outcome: 'failed' };
  // A sync change refused for the destination's credentials or permissions waits with the queue;
  // one refused for its own content (a user Jira will not assign, a deleted issue) fails alone.
  if (isSyncKind(ctx.jobKind) && (f.kind === 'auth' || f.kind === 'forbidden')) return { action: 'block', mark, outcome: 'failed' };
  return { action: 'fail', mark, outcome: 'failed' };
}

/**
 * The slots of a worker, per lane: `concurrency` for creates and sweeps (the creates waiting
 * together for one bulk request's token hold one slot between them: worker.ts), a quarter of it (at
 * least one) more for sync jobs (a person's change waits for no storm of creates), one more for a
 * test alert. On PostgreSQL each running job holds a pool connection (its job lock): the pool is
 * sized from the total (storage/db.ts).
 */
export function laneSlots(concurrency: number): Record<Lane, number> {
  return { priority: 1, sync: Math.max(1, Math.ceil(concurrency / 4)), normal: concurrency };
}

/** How many jobs of each lane to claim now: each lane up to its free slots. */
export function claimPlan(s: { concurrency: number; inflight: Record<Lane, number>; now: number; lastExpiredScan: number; pollMs: number }): {
  priority: number;
  sync: number;
  normal: number;
  scanExpired: boolean;
} {
  const slots = laneSlots(s.concurrency);
  const free = (lane: Lane) => Math.max(0, slots[lane] - s.inflight[lane]);
  return { priority: free('priority'), sync: free('sync'), normal: free('normal'), scanExpired: s.now - s.lastExpiredScan >= s.pollMs };
}

/** Claim again at once only when a quarter of the normal slots are free: one query fills several. */
export function worthClaiming(concurrency: number, inflightNormal: number): boolean {
  return concurrency - inflightNormal >= Math.max(1, Math.floor(concurrency / 4));
}

/**
 * How many create requests of `requestSize` may be on their way at once, as the jobs that may run
 * at once are counted (`slotlessCap`): one is claimed and built while the others are answered.
 * - PostgreSQL (each running job holds a pool connection): two.
 * - SQLite (a running job costs its memory only): three. With two, the service sat idle for about a
 *   tenth of a drain, each time both requests waited on Jira (waits of 5 ms and more, as long as the
 *   emulator's own garbage collections, outlast the building of the next request); with three it
 *   was 94–96% busy (docs/decisions/three-requests-on-their-way.md).
 */
export function requestsOnTheirWay(jobHoldsConnection: boolean): number {
  return jobHoldsConnection ? 2 : 3;
}

/**
 * How many running creates may hold no create slot (ALERTSYNC_WORKER_CONCURRENCY) between them: the
 * creates waiting together for one request's token, and those of a bulk request on its way, count
 * as one slot per request (create-sender.ts, `freedSlots`); this caps what they give back.
 * - When each running job holds a database connection (PostgreSQL: its job lock; the pool is sized
 *   for twice the concurrency, storage/db.ts): the concurrency, so at most twice it run at once.
 * - Otherwise (SQLite) a running job costs its memory only: five times the concurrency, so that
 *   three requests of twice the concurrency fit (`requestsOnTheirWay`): at most six times the
 *   concurrency run at once.
 */
export function slotlessCap(concurrency: number, jobHoldsConnection: boolean): number {
  return jobHoldsConnection ? concurrency : 5 * concurrency;
}

/**
 * How many due creates to claim beyond the normal lane's free slots (issue #8, cost per issue). With
 * bulk create on, a claim brings up to a request's worth (`requestSize`: a share of the jobs that
 * may run at once, `concurrency` + `slotlessCap`, at most `bulkLimit`, 50): the creates of a claim go
 * out together, so requests, claims and commits carry more issues each, and `requestsOnTheirWay`
 * such requests fit, so one is claimed and built while the others are answered. Only creates are
 * claimed so (a sweep beyond a slot would be one more search on its way), only when a slot is free
 * at all (`free` > 0), and never at concurrency 1 (one job at a time, in order). The create
 * requests on their way stay within the slots (create-sender.ts, `maxRequests`), so a lone create
 * of another destination waits for one.
 */
export function extraCreates(s: { concurrency: number; jobHoldsConnection: boolean; inflightNormal: number; free: number; bulk: boolean; bulkLimit: number }): number {
  if (!s.bulk || s.free <= 0 || s.concurrency < 2) return 0;
  const mayRun = s.concurrency + slotlessCap(s.concurrency, s.jobHoldsConnection);
  const claim = Math.min(requestSize(s.concurrency, s.jobHoldsConnection, s.bulkLimit), mayRun - s.inflightNormal);
  return Math.max(0, claim - s.free);
}

/**
 * How many creates a claim brings, and how many creates of several reservations one request may
 * gather (create-sender.ts): the jobs that may run at once shared by `requestsOnTheirWay` requests
 * (twice the concurrency on SQLite, the concurrency on PostgreSQL), at most a request (`bulkLimit`). A reservation larger
 * than this (the rate limit binds: up to 50 wait for one token) still goes as one request.
 */
export function requestSize(concurrency: number, jobHoldsConnection: boolean, bulkLimit: number): number {
  return Math.max(1, Math.min(bulkLimit, Math.floor((concurrency + slotlessCap(concurrency, jobHoldsConnection)) / requestsOnTheirWay(jobHoldsConnection))));
}

/** The sync job kinds: one-way (issue #11) and the two-way apply (issue #12). */
export function isSyncKind(kind: JobKind): boolean {
  return kind === 'sync_status' || kind === 'sync_assignee' || kind === 'sync_comment' || kind === 'apply_jira_event';
}
