// The delivery runner: runs due outbox jobs inside each service process. It owns what every job
// kind shares — claim, lease, fence, the PostgreSQL job lock, release, the delivery log and what
// follows a failure (decisions.ts) — and hands each job to the handler of its kind (handlers/).
// Guarantee (docs/delivery.md): one Jira issue per alert and destination, provided Jira's search
// shows a new issue within ALERTSYNC_CREATE_RECHECK_MS; where it lags longer, the sweep closes
// the extra issues.
import { randomBytes } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import type { Logger } from 'pino';
import type { Clock } from '../clock.js';
import type { Dialect } from '../storage/db.js';
import type { Db } from '../storage/repositories/users.js';
import * as repo from '../storage/repositories/delivery.js';
import { findAlert } from '../storage/repositories/alerts.js';
import type { DeliveryJobsTable } from '../storage/schema.js';
import { BULK_CREATE_LIMIT, JiraError, type JiraClient } from '../jira/client/index.js';
import type { Destination } from '../destinations/destination.js';
import { newId } from '../ids.js';
import { claimPlan, decideAfterFailure, extraCreates, requestSize, slotlessCap, worthClaiming, type Failure, type Timing } from './decisions.js';
import { QUEUE_KINDS, type DeliveryJob, type JobKind, type Lane } from './job.js';
import { sleep, type SiteRateLimiter } from './rate-limiter.js';
import { reclaimUnlockedJobs, type JobLock } from './job-lock.js';

/** A live worker takes its job's lock right after the claim: only older running jobs are reclaimed. */
const RECLAIM_MIN_AGE_MS = 2000;
import { CommitBatcher } from './commit-batcher.js';
import { CreateSender, type ReservationTicket } from './create-sender.js';
import { JobYielded, SentCreateError, type JobContext, type JobHandler, type JobRun } from './handlers/context.js';
import { createIssueHandler } from './handlers/create-issue.js';
import { testIssueHandler } from './handlers/test-issue.js';
import { sweepDuplicatesHandler } from './handlers/sweep-duplicates.js';
import { syncAssigneeHandler, syncCommentHandler, syncStatusHandler } from './handlers/sync.js';
import { applyJiraEventHandler } from './handlers/apply-jira-event.js';
import type { AlertChanges } from './handlers/context.js';

export interface WorkerSettings extends Timing {
  /** Creates of one destination due together go in one bulk request (default true; ALERTSYNC_JIRA_BULK_CREATE_DISABLED). */
  bulkCreate?: boolean;
  sweepDelayMs: number;
  pollMs: number;
  concurrency: number;
  publicUrl: string;
}

export interface JiraAccess {
  destination: Destination;
  client: JiraClient;
  /** The run is over with this client (a superseded client closes once no run uses it). */
  release(): void;
}

export interface WorkerDeps {
  db: Db;
  dialect: Dialect;
  clock: Clock;
  logger: Logger;
  limiter: SiteRateLimiter;
  settings: WorkerSettings;
  /** The destination and a client for it, or null when it was deleted; `known.version` (read with the claimed batch) saves a query. */
  jiraFor(destinationId: string, known?: { version: number | undefined }): Promise<JiraAccess | null>;
  recordDestinationError(destinationId: string, message: string | null): Promise<void>;
  /** Runs a job under its cross-process lock (PostgreSQL); `locked: false` = someone still holds it. */
  lockJob: JobLock;
  /** The alert use cases two-way sync applies Jira's changes through. */
  alerts?: AlertChanges;
  onJobFinished?(job: DeliveryJob, outcome: string): void;
  /** Called after a job failed for good or was blocked (after its state is committed). */
  onFailed?(job: DeliveryJob, state: 'failed' | 'blocked', error: string): void;
  /** Subscribes to "new work was committed" from other processes (PostgreSQL LISTEN); returns a stop function. */
  listen?(onWork: () => void): Promise<() => Promise<void>>;
}

/** Named points of a create's run where a test can hold the job (the in-process stand-in for a stall). */
export type PausePoint = 'before-mark' | 'after-mark' | 'before-send' | 'after-send';

export interface WorkerTestHooks {
  pause?: (point: PausePoint, job: DeliveryJob) => Promise<void>;
}

type Loaded = repo.BatchRows;

const HANDLERS: { [K in JobKind]: JobHandler<K> } = {
  create_issue: createIssueHandler,
  test_issue: testIssueHandler,
  sweep_duplicates: sweepDuplicatesHandler,
  sync_status: syncStatusHandler,
  sync_assignee: syncAssigneeHandler,
  sync_comment: syncCommentHandler,
  apply_jira_event: applyJiraEventHandler,
};

const BLOCKED_NOTE = 'its deliveries wait: change the destination (or POST /api/destinations/{id}/resume) to release them';
const FAILED_NOTE = 'fix the cause, then replay it: POST /api/deliveries/{id}/retry';

export class DeliveryWorker {
  readonly id = `w-${process.pid}-${randomBytes(3).toString('hex')}`;
  #running = false;
  #loop: Promise<void> | null = null;
  #inflight = new Map<string, Promise<void>>();
  /** The jobs in flight and their runs (stop() asks whether each create may have been sent). */
  readonly #inflightJobs = new Map<string, { job: DeliveryJob; run: JobRun }>();
  /** Jobs running now, per lane (each lane has its own slots: decisions.laneSlots). */
  readonly #inflightLane: Record<Lane, number> = { priority: 0, sync: 0, normal: 0 };
  /** Running jobs of the normal lane that are not creates (duplicate sweeps). */
  #normalOthers = 0;
  #lastExpiredScan = 0;
  #newWork = true;
  #wake: (() => void) | null = null;
  #unlisten: (() => Promise<void>) | null = null;
  readonly #stop = new AbortController();
  /** #currentDestination's reads of this turn of the event loop. */
  readonly #destinationNow = new Map<string, Promise<Destination | null>>();
  /** Test-only: set by tests to hold a job at a named point; never set in production. */
  readonly testHooks: WorkerTestHooks = {};
  /** Marks and completions of jobs running side by side share one commit. */
  readonly commits: CommitBatcher;
  /** Creates of jobs running side by side go to Jira together (bulk create). */
  readonly creates: CreateSender;

  constructor(private readonly deps: WorkerDeps) {
    // Every running job waiting for a rate-limit token (or a retry) listens on the stop signal: as
    // many listeners as jobs run at once (at most six times the concurrency, and the sync and test
    // slots), each removed when its wait ends. Node's default of 10 would warn of a leak.
    setMaxListeners(0, this.#stop.signal);
    this.commits = new CommitBatcher(deps.db);
    this.creates = new CreateSender({
      clock: deps.clock,
      timing: deps.settings,
      bulk: deps.settings.bulkCreate ?? true,
      acquire: (site) => deps.limiter.acquire(site, { signal: this.#stop.signal }),
      // A create waiting with others for one request's token frees its slot: claim more.
      onSlotsFreed: () => this.#wake?.(),
      // Create requests on their way stay within the create slots that sweeps leave.
      maxRequests: () => deps.settings.concurrency - this.#normalOthers,
      requestSize: () => requestSize(deps.settings.concurrency, deps.dialect === 'postgres', BULK_CREATE_LIMIT),
    });
  }

  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#loop = this.#run();
  }

  /** New work was committed: look now instead of at the next poll. */
  wake(): void {
    this.#newWork = true;
    this.#wake?.();
  }

  /**
   * Stops claiming, waits (bounded) for jobs in flight, then releases the ones still running so that
   * another process can take them at once. A released create that may have been sent keeps its
   * mark, so its next owner looks it up in Jira before creating anything. Leaves no timer behind.
   */
  async stop(waitMs = 10_000): Promise<void> {
    if (!this.#running) return;
    this.#running = false;
    this.wake();
    await this.#loop;
    await this.#unlisten?.().catch(() => {});
    if (this.#inflight.size > 0) {
      let timer: NodeJS.Timeout | undefined;
      const all = Promise.allSettled([...this.#inflight.values()]);
      await Promise.race([all, new Promise((r) => (timer = setTimeout(r, waitMs)))]);
      clearTimeout(timer);
    }
    const unfinished = [...this.#inflightJobs.values()];
    this.#stop.abort(new Error('worker stopped'));
    const now = this.deps.clock.now();
    for (const { job, run } of unfinished) {
      // A create that never reached its request leaves no mark: its next owner creates at once.
      const mayHaveSent = run.sending;
      await repo
        .updateRunningJob(this.deps.db, job.id, job.fence, { state: 'pending', next_run_at: now, lease_owner: null, lease_until: null, ...(mayHaveSent ? {} : { sending_since: null }), updated_at: now })
        .catch((err) => this.deps.logger.warn({ err, jobId: job.id }, 'could not release a job at shutdown; its lease will expire'));
    }
  }

  get inflight(): number {
    return this.#inflight.size;
  }

  /**
   * The creates and sweeps that hold a create slot (ALERTSYNC_WORKER_CONCURRENCY): every running
   * job of the normal lane, except that the creates of one bulk request (waiting for its token, or
   * sent and not yet answered) hold one slot between them (create-sender.ts, `freedSlots`), up to
   * `slotlessCap` freed slots (decisions.ts: on PostgreSQL each running job holds a pool connection
   * for its job lock, so at most twice the concurrency run at once; on SQLite six times).
   */
  #busyNormal(): number {
    const { settings, dialect } = this.deps;
    return this.#inflightLane.normal - Math.min(this.creates.freedSlots, slotlessCap(settings.concurrency, dialect === 'postgres'));
  }

  /**
   * The destination as it is now (null: deleted), asked once per destination and turn of the event
   * loop however many requests ask (jiraFor reads its version, and the whole row only when it changed).
   */
  #currentDestination(id: string): Promise<Destination | null> {
    let p = this.#destinationNow.get(id);
    if (!p) {
      p = this.deps.jiraFor(id).then((a) => {
        a?.release();
        return a?.destination ?? null;
      });
      this.#destinationNow.set(id, p);
      setImmediate(() => this.#destinationNow.delete(id));
    }
    return p;
  }

  async #run(): Promise<void> {
    const { settings, logger, dialect, db, clock } = this.deps;
    if (dialect === 'sqlite') {
      // One process owns an SQLite database: jobs left running belong to a dead predecessor.
      const n = await repo.reclaimDeadPredecessor(db, clock.now()).catch((err) => {
        logger.error({ err }, 'could not reclaim the jobs of a previous process; their leases will expire');
        return 0;
      });
      if (n > 0) logger.info({ jobs: n }, 'reclaimed the jobs a previous process left running');
    } else {
      // PostgreSQL: jobs whose lock is free are run by no one (their worker died): take them back now.
      const n = await reclaimUnlockedJobs(db as never, clock.now(), RECLAIM_MIN_AGE_MS).catch((err) => {
        logger.warn({ err }, 'could not look for jobs left by dead processes; their leases will expire');
        return 0;
      });
      if (n > 0) logger.info({ jobs: n }, 'reclaimed running jobs no process was running (a dead predecessor\'s)');
    }
    if (this.deps.listen) {
      this.#unlisten = await this.deps.listen(() => this.wake()).catch((err) => {
        logger.warn({ err }, 'could not listen for new work; relying on the poll');
        return null;
      });
    }
    while (this.#running) {
      const batches: Array<{ jobs: DeliveryJob[]; rows: Loaded | null }> = [];
      let claimedCount = 0;
      this.#newWork = false;
      try {
        const now = clock.now();
        const plan = claimPlan({ concurrency: settings.concurrency, inflight: { ...this.#inflightLane, normal: this.#busyNormal() }, now, lastExpiredScan: this.#lastExpiredScan, pollMs: settings.pollMs });
        if (plan.scanExpired) this.#lastExpiredScan = now;
        // Creates are marked by their claim unless the rate limit holds them back (create-sender.ts `throttled`).
        const base = { owner: this.id, now, leaseMs: settings.leaseMs, exclude: [...this.#inflightJobs.keys()], markCreates: !this.creates.throttled(now) };
        // Every lane in one statement, which also brings the batch's alerts, links and destination versions.
        // With bulk create, up to a request's worth of creates beyond the free slots (decisions.ts extraCreates).
        const creates = extraCreates({ concurrency: settings.concurrency, jobHoldsConnection: dialect === 'postgres', inflightNormal: this.#inflightLane.normal, free: plan.normal, bulk: settings.bulkCreate ?? true, bulkLimit: BULK_CREATE_LIMIT });
        const fresh = await repo.claimBatch(db, dialect, { ...base, priority: plan.priority, sync: plan.sync, normal: plan.normal, creates, expired: false });
        batches.push(fresh);

        if (plan.scanExpired) {
          const left = (lane: Lane) => plan[lane] - fresh.jobs.filter((j) => j.lane === lane).length;
          const rest = { priority: left('priority'), sync: left('sync'), normal: left('normal') };
          if (rest.priority > 0 || rest.sync > 0 || rest.normal > 0) batches.push(await repo.claimBatch(db, dialect, { ...base, ...rest, expired: true }));
        }
      } catch (err) {
        logger.error({ err }, 'claiming delivery jobs failed');
      }
      for (const b of batches) {
        claimedCount += b.jobs.length;
        for (const job of b.jobs) this.#launch(job, b.rows);
      }
      const batchFree = worthClaiming(settings.concurrency, this.#busyNormal());
      if ((claimedCount === 0 && !this.#newWork) || !batchFree) await this.#idle(!batchFree);
    }
  }

  /** Waits for the next poll, new work, or (when `forSlots`) enough free slots for a batch claim. */
  #idle(forSlots: boolean): Promise<void> {
    return new Promise((resolve) => {
      const { concurrency, pollMs } = this.deps.settings;
      const done = () => {
        clearTimeout(t);
        this.#wake = null;
        resolve();
      };
      const t = setTimeout(done, pollMs);
      this.#wake = () => {
        if (!forSlots || this.#newWork || !this.#running || worthClaiming(concurrency, this.#busyNormal())) done();
      };
    });
  }

  #launch(job: DeliveryJob, loaded: Loaded | null): void {
    this.#inflightLane[job.lane]++;
    const other = job.lane === 'normal' && job.kind !== 'create_issue';
    if (other) this.#normalOthers++;
    const run: JobRun = { mark: job.unknownSince === null ? null : { since: job.unknownSince, until: job.unknownUntil }, leaseUntil: job.leaseUntil, sending: false };
    this.#inflightJobs.set(job.id, { job, run });
    const p = this.#executeLocked(job, run, loaded)
      .catch(async (err) => {
        if (this.#stop.signal.aborted) return;
        // Something failed outside the handler's own failure handling (taking the job's lock, the
        // write of a failure's outcome: a database error): the job would stay running until its
        // lease ends. Put it back instead (still counted in flight, so this process does not claim it meanwhile).
        this.deps.logger.error({ err, jobId: job.id }, 'delivery job crashed; putting it back');
        await this.#releaseCrashed(job, err);
      })
      .finally(() => {
        this.#inflight.delete(job.id);
        this.#inflightJobs.delete(job.id);
        this.#inflightLane[job.lane]--;
        if (other) {
          this.#normalOthers--;
          this.creates.slotsChanged();
        }
        // A finished sync or test job may free the next job of its link (serialized per alert and
        // destination): look again now, without waiting for a batch of create slots.
        if (job.lane !== 'normal') this.#newWork = true;
        this.#wake?.();
      });
    this.#inflight.set(job.id, p);
  }

  /**
   * A crashed run gives its job back (fenced, retried with backoff like a local failure). Its mark
   * stays as the database has it (the run may have committed one; the next run looks it up). The
   * write is tried again while the lease lasts: the database that failed the run may fail it too.
   */
  async #releaseCrashed(job: DeliveryJob, err: unknown): Promise<void> {
    const { db, clock, settings, logger } = this.deps;
    const message = `local error: ${err instanceof Error ? err.message : String(err)}`;
    for (let wait = Math.max(50, Math.min(settings.pollMs, 1000)); ; wait = Math.min(wait * 2, 2000)) {
      const now = clock.now();
      const d = decideAfterFailure({ kind: 'local', status: null, retryAfterMs: null }, { jobKind: job.kind, sentAt: null, markBefore: null, attempts: job.attempts, now }, settings);
      try {
        if (d.action === 'retry') {
          await repo.updateRunningJob(db, job.id, job.fence, { state: 'pending', attempts: job.attempts + 1, next_run_at: d.at, lease_owner: null, lease_until: null, last_status: null, last_error: message, updated_at: now });
        }
        return;
      } catch (e) {
        if (job.leaseUntil !== null && now + wait >= job.leaseUntil) {
          logger.warn({ err: e, jobId: job.id }, 'could not put a crashed job back; its lease will expire');
          return;
        }
      }
      try {
        await sleep(wait, this.#stop.signal);
      } catch {
        return; // stopping: stop() releases the jobs still in flight
      }
    }
  }

  async #executeLocked(job: DeliveryJob, run: JobRun, loaded: Loaded | null): Promise<void> {
    const r = await this.deps.lockJob(job.id, () => this.#execute(job, run, loaded));
    if (r.locked) return;
    // A stalled worker still runs this job (PostgreSQL lock): give it back, try again later.
    const now = this.deps.clock.now();
    await repo.updateRunningJob(this.deps.db, job.id, job.fence, { state: 'pending', next_run_at: now + Math.max(this.deps.settings.pollMs, 500), lease_owner: null, lease_until: null, sending_since: null, updated_at: now });
    this.deps.logger.info({ jobId: job.id }, 'job is still locked by a stalled worker; retrying later');
  }

  async #execute(job: DeliveryJob, run: JobRun, loaded: Loaded | null): Promise<void> {
    // The job's logger is made only when something is logged (most runs log nothing).
    let child: Logger | undefined;
    const log = (): Logger => (child ??= this.deps.logger.child({ jobId: job.id, alertId: job.alertId, destinationId: job.destinationId, kind: job.kind }));
    let access: JiraAccess | null;
    try {
      access = await this.deps.jiraFor(job.destinationId, loaded ? { version: loaded.destinationVersions.get(job.destinationId) } : undefined);
    } catch (err) {
      await this.#handleFailure(job, run, null, err, null, 0, log);
      return;
    }
    if (!access) {
      await this.#finish(job, 'cancelled', { lastError: 'the destination was deleted' });
      return;
    }
    // One handler per kind; the job's kind picks it (and types its payload).
    const ctx = this.#context(job, access, run, loaded) as JobContext<never>;
    const handler = HANDLERS[job.kind] as JobHandler<never>;
    try {
      await handler.run(ctx);
    } catch (err) {
      if (err instanceof JobYielded) {
        if (err.reason === 'fenced') log().warn('lost the lease of the job to another worker; its new owner carries on');
        return;
      }
      const jiraErr = err instanceof SentCreateError ? err.error : err instanceof JiraError ? err : null;
      if (jiraErr?.kind === 'rate_limited') await this.deps.limiter.block(job.siteHost, jiraErr.retryAfterMs ?? 1000).catch(() => {});
      if (jiraErr && handler.onFailed) {
        try {
          if (await handler.onFailed(ctx, jiraErr)) return;
        } catch (e) {
          if (e instanceof JobYielded) return;
          throw e;
        }
      }
      await this.#handleFailure(job, run, access, err, err instanceof SentCreateError ? err.sentAt : null, err instanceof SentCreateError ? err.durationMs : 0, log);
    } finally {
      access.release();
    }
  }

  #context(job: DeliveryJob, access: JiraAccess, run: JobRun, loaded: Loaded | null): JobContext {
    const { db, clock, settings } = this.deps;
    const update = (set: Partial<DeliveryJobsTable>) => this.commits.run((tx) => repo.updateRunningJob(tx, job.id, job.fence, { updated_at: clock.now(), ...set }));
    let ticket: ReservationTicket | undefined;
    return {
      job,
      alerts: this.deps.alerts ?? null,
      access,
      run,
      db,
      clock,
      settings,
      // Test alerts and sync jobs may take the token kept back from creates: a storm does not hold them back.
      acquire: (priority = job.lane !== 'normal') => this.deps.limiter.acquire(job.siteHost, { priority, signal: this.#stop.signal }),
      sendCreate: (issue, leaseUntil, stillWanted) => {
        run.sending = true;
        return this.creates.send(access.client, job.siteHost, issue, leaseUntil, stillWanted, ticket);
      },
      currentDestination: () => this.#currentDestination(job.destinationId),
      // The create goes in its reservation's request (a reservation, one token, is never split: create-sender.ts).
      reserveCreate: () =>
        this.creates.reserve(access.client, job.siteHost).then((t) => {
          ticket = t;
        }),
      update,
      attempt: (request, outcome, status, issueKey, error, durationMs) =>
        repo.insertAttempt(db, { jobId: job.id, alertId: job.alertId, destinationId: job.destinationId, worker: this.id, at: clock.now(), durationMs, request, outcome, httpStatus: status, issueKey, error }),
      complete: async (result, link, attempt) => {
        const now = clock.now();
        const ok = await this.commits.run(async (tx) => {
          const full = link ? { ...result, issueUrl: link.issueUrl } : result;
          if (attempt) {
            // The attempt is logged whatever happens to the fence: it did happen.
            await repo.insertAttempt(tx, { jobId: job.id, alertId: job.alertId, destinationId: job.destinationId, worker: this.id, at: now, durationMs: attempt.durationMs, request: attempt.request, outcome: attempt.outcome, httpStatus: attempt.status, issueKey: attempt.issueKey, error: attempt.error });
          }
          if (!(await repo.updateRunningJob(tx, job.id, job.fence, doneSet(full, now)))) return false;
          if (link) {
            await repo.insertLink(tx, { alertId: job.alertId, destinationId: job.destinationId, issueId: link.issueId, issueKey: link.issueKey, issueUrl: link.issueUrl, createdAt: now });
            if (link.sweep) {
              await repo.enqueueJob(tx, { id: newId('job', now), alertId: job.alertId, destinationId: job.destinationId, siteHost: job.siteHost, kind: 'sweep_duplicates', payload: {}, nextRunAt: now + settings.sweepDelayMs, now });
            }
          }
          return true;
        });
        if (!ok) throw new JobYielded('fenced');
        if (access.destination.lastError !== null) await this.deps.recordDestinationError(job.destinationId, null);
        this.deps.onJobFinished?.(job, 'done');
      },
      defer: async (at, set = {}) => {
        const now = clock.now();
        const ok = await update({ state: 'pending', next_run_at: at, lease_owner: null, lease_until: null, sending_since: null, updated_at: now, ...set });
        throw new JobYielded(ok ? 'deferred' : 'fenced');
      },
      finish: (state, o) => this.#finish(job, state, o),
      fail: async (request, message, status = null) => {
        await repo.insertAttempt(db, { jobId: job.id, alertId: job.alertId, destinationId: job.destinationId, worker: this.id, at: clock.now(), durationMs: 0, request, outcome: 'failed', httpStatus: status, issueKey: null, error: message });
        await this.#finish(job, 'failed', { lastStatus: status, lastError: message });
        await this.deps.recordDestinationError(job.destinationId, message);
        this.deps.onFailed?.(job, 'failed', message);
      },
      findAlert: async () => (loaded && job.kind !== 'test_issue' ? loaded.alerts.get(job.alertId) : findAlert(db, job.alertId)),
      findLink: async () => (loaded ? loaded.links.get(repo.linkKey(job.alertId, job.destinationId)) : repo.findLink(db, job.alertId, job.destinationId)),
      // No hook (production): a promise already settled, no async function per point of every run.
      pause: (point) => this.testHooks.pause?.(point, job) ?? SETTLED,
    };
  }

  /** After a failed run: the decision (decisions.ts) and its effects. */
  async #handleFailure(job: DeliveryJob, run: JobRun, access: JiraAccess | null, err: unknown, sentAt: number | null, durationMs: number, logOf: () => Logger): Promise<void> {
    const log = logOf();
    const { settings, clock } = this.deps;
    const now = clock.now();
    const jiraErr = err instanceof SentCreateError ? err.error : err instanceof JiraError ? err : null;
    // Any error of ours (a database hiccup, a bug) is a local cause: retried, never a Jira failure.
    const local = jiraErr === null;
    const failure: Failure = local ? { kind: 'local', status: null, retryAfterMs: null } : { kind: jiraErr.kind, status: jiraErr.status, retryAfterMs: jiraErr.retryAfterMs };
    const message = jiraErr ? jiraErr.message : `local error: ${err instanceof Error ? err.message : String(err)}`;
    if (local) log.warn({ err }, 'a delivery met a local error; it will be retried');
    const othersCreated = err instanceof SentCreateError && err.othersCreated;
    const d = decideAfterFailure(failure, { jobKind: job.kind, sentAt, markBefore: run.mark, attempts: job.attempts, now, othersCreated }, settings);
    await repo
      .insertAttempt(this.deps.db, { jobId: job.id, alertId: job.alertId, destinationId: job.destinationId, worker: this.id, at: now, durationMs, request: jiraErr?.operation ?? 'local', outcome: d.outcome, httpStatus: failure.status, issueKey: null, error: message })
      .catch((e) => log.warn({ err: e }, 'could not write the delivery log'));
    // What the run learned is in the decision's mark: the claim's mark of this run goes.
    const marks = { unknown_since: d.mark?.since ?? null, unknown_until: d.mark?.until ?? null, sending_since: null };
    if (d.action === 'retry') {
      const ok = await repo.updateRunningJob(this.deps.db, job.id, job.fence, {
        state: 'pending',
        attempts: job.attempts + 1,
        next_run_at: d.at,
        lease_owner: null,
        lease_until: null,
        ...marks,
        had_unknown: job.hadUnknown || d.outcome === 'unknown' ? 1 : 0,
        last_status: failure.status,
        last_error: message,
        updated_at: now,
      });
      log.info({ status: failure.status, kind: failure.kind, retryInMs: d.at - now, ok }, 'delivery will be retried');
      return;
    }
    const state = d.action === 'block' ? 'blocked' : 'failed';
    const ok = await repo.updateRunningJob(this.deps.db, job.id, job.fence, { state, lease_owner: null, lease_until: null, ...marks, last_status: failure.status, last_error: message, updated_at: now });
    if (!ok) return;
    if (state === 'blocked') {
      // The same cause stops every delivery of the destination: park them all, in order.
      await repo.moveDestinationJobs(this.deps.db, job.destinationId, ['pending'], 'blocked', now, `waiting: ${message}`, QUEUE_KINDS);
    }
    if (access) await this.deps.recordDestinationError(job.destinationId, `${message} (${state === 'blocked' ? BLOCKED_NOTE : FAILED_NOTE})`);
    this.deps.onJobFinished?.(job, state);
    this.deps.onFailed?.(job, state, message);
    log.warn({ status: failure.status, kind: failure.kind, jira: jiraErr?.jiraMessages, state }, state === 'blocked' ? 'delivery blocked until the destination changes' : 'delivery failed permanently');
  }

  async #finish(job: DeliveryJob, state: 'failed' | 'cancelled' | 'paused', o: { lastStatus?: number | null; lastError?: string | null; result?: Record<string, unknown> }): Promise<void> {
    const now = this.deps.clock.now();
    await repo.updateRunningJob(this.deps.db, job.id, job.fence, {
      state,
      lease_owner: null,
      lease_until: null,
      sending_since: null,
      last_status: o.lastStatus ?? null,
      last_error: o.lastError ?? null,
      ...(o.result ? { result: JSON.stringify(o.result) } : {}),
      updated_at: now,
    });
    if (state !== 'paused') this.deps.onJobFinished?.(job, state);
  }
}

const SETTLED: Promise<void> = Promise.resolve();

function doneSet(result: Record<string, unknown>, now: number): Partial<DeliveryJobsTable> {
  return { state: 'done', lease_owner: null, lease_until: null, unknown_since: null, unknown_until: null, sending_since: null, look_first: 0, last_error: null, result: JSON.stringify(result), updated_at: now };
}
