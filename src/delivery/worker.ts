// The delivery worker: runs due outbox jobs inside each service process. Guarantee (docs/delivery.md):
// one Jira issue per alert and destination, provided Jira's search shows a new issue within
// ALERTSYNC_CREATE_RECHECK_MS; where it lags longer, the duplicate sweep closes the extra issues.
//  - A job is owned through a lease longer than the Jira timeout; every claim bumps the job's fence,
//    and every write of a worker is fenced, so a stalled worker cannot commit over a new owner.
//  - Before a create is sent, `unknown_since` is committed. Whoever runs the job next (after a
//    crash, a timeout, a lost answer) first waits until unknown_since + recheck, then looks the issue
//    up by its labels through JQL, and links it instead of creating a second one.
import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import type { Clock } from '../clock.js';
import type { Dialect } from '../storage/db.js';
import type { Db } from '../storage/repositories/users.js';
import * as repo from '../storage/repositories/delivery.js';
import { findAlert } from '../storage/repositories/alerts.js';
import type { DeliveryJobsTable } from '../storage/schema.js';
import { JiraError, type JiraClient, type JiraIssue } from '../jira/client/index.js';
import type { Destination } from '../destinations/destination.js';
import { doc, paragraph, text } from '../jira/format/adf.js';
import { retryDelayMs } from './backoff.js';
import { buildCreateIssueFields } from './issue-request.js';
import { lookupLabels, type DeliveryAttempt, type DeliveryJob } from './job.js';
import { sleep, type SiteRateLimiter } from './rate-limiter.js';
import { newId } from '../ids.js';
import type { JobLock } from './job-lock.js';

export interface WorkerSettings {
  leaseMs: number;
  jiraTimeoutMs: number;
  retryBaseMs: number;
  retryMaxMs: number;
  createRecheckMs: number;
  sweepDelayMs: number;
  pollMs: number;
  concurrency: number;
  publicUrl: string;
}

export interface JiraAccess {
  destination: Destination;
  client: JiraClient;
}

export interface WorkerDeps {
  db: Db;
  dialect: Dialect;
  clock: Clock;
  logger: Logger;
  limiter: SiteRateLimiter;
  settings: WorkerSettings;
  /** The destination and a client for it, or null when it was deleted. */
  jiraFor(destinationId: string): Promise<JiraAccess | null>;
  recordDestinationError(destinationId: string, message: string | null): Promise<void>;
  /** Runs a job under its cross-process lock (PostgreSQL); `locked: false` = someone still holds it. */
  lockJob: JobLock;
  onJobFinished?(job: DeliveryJob, outcome: string): void;
}

type Outcome = { kind: 'done'; result: Record<string, unknown> } | { kind: 'fenced' };

/** A test alert refused with 429 is tried again while it is this young (the caller waits 15 s). */
const TEST_RETRY_WINDOW_MS = 10_000;

const PERMANENT_NOTE = 'fix the cause (destination settings, Jira permissions), then replay it: POST /api/deliveries/{id}/retry';

export class DeliveryWorker {
  readonly id = `w-${process.pid}-${randomBytes(3).toString('hex')}`;
  #running = false;
  #loop: Promise<void> | null = null;
  #inflight = new Map<string, Promise<void>>();
  readonly #inflightJobs = new Map<string, DeliveryJob>();
  #inflightPriority = 0;
  #lastExpiredScan = 0;
  #lastPriorityScan = 0;
  #newWork = true;
  #wake: (() => void) | null = null;
  readonly #stop = new AbortController();

  constructor(private readonly deps: WorkerDeps) {}

  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#loop = this.#run();
  }

  /** New work was committed in this process: look now instead of at the next poll. */
  wake(): void {
    this.#newWork = true;
    this.#wake?.();
  }

  #slotFreed(): void {
    this.#wake?.();
  }

  /**
   * Stops claiming, waits (bounded) for jobs in flight, then releases the ones still running so that
   * another process can take them at once. A released create that may have been sent keeps its
   * `unknown_since`, so its next owner looks it up in Jira before creating anything.
   */
  async stop(waitMs = 10_000): Promise<void> {
    if (!this.#running) return;
    this.#running = false;
    this.wake();
    await this.#loop;
    const all = Promise.allSettled([...this.#inflight.values()]);
    await Promise.race([all, sleep(waitMs).catch(() => {})]);
    const unfinished = [...this.#inflightJobs.values()];
    this.#stop.abort(new Error('worker stopped'));
    const now = this.deps.clock.now();
    for (const job of unfinished) {
      await repo
        .updateRunningJob(this.deps.db, job.id, job.fence, { state: 'pending', next_run_at: now, lease_owner: null, lease_until: null, updated_at: now })
        .catch((err) => this.deps.logger.warn({ err, jobId: job.id }, 'could not release a job at shutdown; its lease will expire'));
    }
  }

  get inflight(): number {
    return this.#inflight.size;
  }

  async #run(): Promise<void> {
    const { settings, logger } = this.deps;
    while (this.#running) {
      let claimed: DeliveryJob[] = [];
      try {
        const now = this.deps.clock.now();
        const normalFree = settings.concurrency - (this.#inflight.size - this.#inflightPriority);
        // One slot is always kept for the priority lane (test alerts), whatever a storm does.
        // Jobs whose lease expired (a dead or stalled worker) are looked for once per poll period.
        const expired = now - this.#lastExpiredScan >= settings.pollMs;
        if (expired) this.#lastExpiredScan = now;
        const claim = (lane: 'priority' | 'normal', limit: number, exp: boolean) =>
          repo.claimJobs(this.deps.db, this.deps.dialect, { owner: this.id, now, leaseMs: settings.leaseMs, limit, lane, expired: exp });
        if (this.#inflightPriority < 1) {
          claimed.push(...(await claim('priority', 1, false)));
          if (expired && claimed.length === 0) claimed.push(...(await claim('priority', 1, true)));
        }
        if (normalFree > 0) {
          const fresh = await claim('normal', normalFree, false);
          claimed.push(...fresh);
          if (expired && fresh.length < normalFree) claimed.push(...(await claim('normal', normalFree - fresh.length, true)));
        }
      } catch (err) {
        logger.error({ err }, 'claiming delivery jobs failed');
        claimed = [];
      }
      for (const job of claimed) this.#launch(job);
      // Claim again once a quarter of the slots are free (or at the next poll): one query then
      // fills several slots instead of one query per finished job.
      const busy = this.#inflight.size - this.#inflightPriority;
      const batchFree = settings.concurrency - busy >= Math.max(1, Math.floor(settings.concurrency / 4));
      if (claimed.length === 0 || !batchFree) await this.#idle(!batchFree);
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
        const free = concurrency - (this.#inflight.size - this.#inflightPriority);
        if (!forSlots || this.#newWork || !this.#running || free >= Math.max(1, Math.floor(concurrency / 4))) done();
      };
    });
  }

  #launch(job: DeliveryJob): void {
    const priority = job.lane === 'priority';
    if (priority) this.#inflightPriority++;
    this.#inflightJobs.set(job.id, job);
    const p = this.#executeLocked(job)
      .catch((err) => {
        if (!this.#stop.signal.aborted) this.deps.logger.error({ err, jobId: job.id }, 'delivery job crashed');
      })
      .finally(() => {
        this.#inflight.delete(job.id);
        this.#inflightJobs.delete(job.id);
        if (priority) this.#inflightPriority--;
        this.#slotFreed();
      });
    this.#inflight.set(job.id, p);
  }

  async #executeLocked(job: DeliveryJob): Promise<void> {
    const r = await this.deps.lockJob(job.id, () => this.#execute(job));
    if (r.locked) return;
    // A stalled worker still holds the job: leave it alone and look again later.
    const now = this.deps.clock.now();
    await repo.updateRunningJob(this.deps.db, job.id, job.fence, { state: 'pending', next_run_at: now + Math.max(this.deps.settings.pollMs, 500), lease_owner: null, lease_until: null, updated_at: now });
    this.deps.logger.info({ jobId: job.id }, 'job is still locked by a stalled worker; retrying later');
  }

  async #execute(job: DeliveryJob): Promise<void> {
    const log = this.deps.logger.child({ jobId: job.id, alertId: job.alertId, destinationId: job.destinationId, kind: job.kind });
    const access = await this.deps.jiraFor(job.destinationId);
    if (!access) {
      await this.#finish(job, 'cancelled', { lastError: 'the destination was deleted' });
      return;
    }
    try {
      let outcome: Outcome;
      switch (job.kind) {
        case 'create_issue':
          outcome = await this.#createIssue(job, access);
          break;
        case 'test_issue':
          outcome = await this.#testIssue(job, access);
          break;
        case 'sweep_duplicates':
          outcome = await this.#sweep(job, access);
          break;
      }
      if (outcome.kind === 'fenced') log.warn('lost the lease of the job to another worker; its new owner carries on');
    } catch (err) {
      if (err instanceof Deferred) return;
      if (!(err instanceof JiraError) && !(err instanceof SendError)) throw err;
      await this.#handleJiraError(job, err, log);
    }
  }

  // ---- create --------------------------------------------------------------------------------

  async #createIssue(job: DeliveryJob, access: JiraAccess): Promise<Outcome> {
    const { db, clock, settings } = this.deps;
    const existing = await repo.findLink(db, job.alertId, job.destinationId);
    if (existing) return this.#complete(job, { issueId: existing.issueId, issueKey: existing.issueKey, note: 'already linked' });
    const alert = await findAlert(db, job.alertId);
    if (!alert) return this.#finishOutcome(job, 'cancelled', 'the alert no longer exists');

    if (job.unknownSince !== null) {
      // An earlier create may have reached Jira. Search only once Jira's search can show it.
      const due = job.unknownSince + settings.createRecheckMs;
      if (clock.now() < due) return this.#defer(job, due, { unknown_since: job.unknownSince });
      const found = await this.#findByLabels(job, access);
      if (found.length > 0) {
        const first = found[0]!;
        await this.#attempt(job, 'search', 'found', 200, first.key, found.length > 1 ? `${found.length} issues carry the labels; the oldest is linked, the sweep closes the others` : null, 0);
        return this.#linkAndComplete(job, access, first, true);
      }
      await this.#attempt(job, 'search', 'absent', 200, null, `no issue carries the labels ${settings.createRecheckMs} ms after the unknown create: creating it`, 0);
    }

    const fields = buildCreateIssueFields(alert, access.destination, { publicUrl: settings.publicUrl, lookup: true });
    await this.deps.limiter.acquire(job.siteHost, { signal: this.#stop.signal });
    const sentAt = clock.now();
    // Commit "a create is on its way" before sending: a crash from here on leaves the trace.
    if (!(await repo.updateRunningJob(db, job.id, job.fence, { unknown_since: sentAt, lease_until: sentAt + settings.leaseMs, updated_at: sentAt }))) return { kind: 'fenced' };
    const sendingJob: DeliveryJob = { ...job, unknownSince: sentAt };
    const t0 = performance.now();
    let created;
    try {
      created = await access.client.createIssue(fields);
    } catch (err) {
      if (err instanceof JiraError) throw new SendError(sendingJob, err, performance.now() - t0);
      throw err;
    }
    await this.#attempt(job, 'createIssue', 'ok', 201, created.key, null, performance.now() - t0);
    return this.#linkAndComplete(sendingJob, access, { id: created.id, key: created.key }, sendingJob.hadUnknown || job.unknownSince !== null);
  }

  async #findByLabels(job: DeliveryJob, access: JiraAccess): Promise<JiraIssue[]> {
    const [alertLabel, destLabel] = lookupLabels(job.alertId, job.destinationId);
    await this.deps.limiter.acquire(job.siteHost, { signal: this.#stop.signal });
    const jql = `labels = "${alertLabel}" AND labels = "${destLabel}" ORDER BY created ASC`;
    return access.client.searchAll(jql, ['summary', 'status', 'created', 'labels'], { pageSize: 50, maxIssues: 200 });
  }

  async #linkAndComplete(job: DeliveryJob, access: JiraAccess, issue: { id: string; key: string }, sweep: boolean): Promise<Outcome> {
    const { db, clock, settings } = this.deps;
    const now = clock.now();
    const issueUrl = `${access.destination.domain}/browse/${issue.key}`;
    const ok = await db.transaction().execute(async (tx) => {
      const result = { issueId: issue.id, issueKey: issue.key, issueUrl };
      if (!(await repo.updateRunningJob(tx, job.id, job.fence, doneSet(result, now)))) return false;
      await repo.insertLink(tx, { alertId: job.alertId, destinationId: job.destinationId, issueId: issue.id, issueKey: issue.key, issueUrl, createdAt: now });
      if (sweep) {
        await repo.enqueueJob(tx, { id: newId('job', now), alertId: job.alertId, destinationId: job.destinationId, siteHost: job.siteHost, kind: 'sweep_duplicates', lane: 'normal', payload: {}, nextRunAt: now + settings.sweepDelayMs, now });
      }
      return true;
    });
    if (!ok) return { kind: 'fenced' };
    if (access.destination.lastError !== null) await this.deps.recordDestinationError(job.destinationId, null);
    this.deps.onJobFinished?.(job, 'done');
    return { kind: 'done', result: { issueKey: issue.key } };
  }

  // ---- test alert ------------------------------------------------------------------------------

  async #testIssue(job: DeliveryJob, access: JiraAccess): Promise<Outcome> {
    const { clock, settings } = this.deps;
    const now = clock.now();
    const alert = {
      id: job.alertId,
      title: String(job.payload.title ?? 'alertsync test alert'),
      description: `This is a test alert sent from alertsync by ${String(job.payload.requestedBy ?? 'an administrator')} to check the destination "${access.destination.name}". You can close or delete this issue.`,
      severity: 'INFO' as const,
      type: 'RULE' as const,
      ruleId: 'alertsync.test-alert',
      runbook: null,
      tags: ['test'],
      context: { test: true, destination: access.destination.name, sentAt: new Date(now).toISOString() },
    };
    // A test alert is not stored: its issue links to the test's delivery job, which exists.
    const fields = buildCreateIssueFields(alert, access.destination, { publicUrl: settings.publicUrl, lookup: false, linkPath: `/api/deliveries/${encodeURIComponent(job.id)}` });
    await this.deps.limiter.acquire(job.siteHost, { priority: true, signal: this.#stop.signal });
    const t0 = performance.now();
    try {
      const created = await access.client.createIssue(fields);
      await this.#attempt(job, 'createIssue', 'ok', 201, created.key, null, performance.now() - t0);
      if (access.destination.lastError !== null) await this.deps.recordDestinationError(job.destinationId, null);
      return this.#complete(job, { ok: true, issueId: created.id, issueKey: created.key, issueUrl: `${access.destination.domain}/browse/${created.key}` });
    } catch (err) {
      if (!(err instanceof JiraError)) throw err;
      // A 429 says nothing about the destination's settings, and Jira made nothing: try again while
      // the person who asked is still waiting (the answer waits up to TEST_WAIT_MS).
      if (err.kind === 'rate_limited' && clock.now() - job.createdAt < TEST_RETRY_WINDOW_MS) {
        await this.#attempt(job, 'createIssue', 'retry', err.status, null, err.message, performance.now() - t0);
        await this.deps.limiter.block(job.siteHost, err.retryAfterMs ?? 1000);
        const next = clock.now() + Math.min(err.retryAfterMs ?? 1000, 5000);
        await repo.updateRunningJob(this.deps.db, job.id, job.fence, { state: 'pending', attempts: job.attempts + 1, next_run_at: next, lease_owner: null, lease_until: null, last_status: err.status, last_error: err.message, updated_at: clock.now() });
        return { kind: 'done', result: {} };
      }
      await this.#attempt(job, 'createIssue', 'failed', err.status, null, err.message, performance.now() - t0);
      // Otherwise a test is one attempt: its outcome goes back to the person who asked.
      await this.#finish(job, 'failed', {
        lastStatus: err.status,
        lastError: err.message,
        result: { ok: false, status: err.status, kind: err.kind, message: err.message, jiraMessages: err.jiraMessages },
      });
      return { kind: 'done', result: {} };
    }
  }

  // ---- duplicate sweep -------------------------------------------------------------------------

  async #sweep(job: DeliveryJob, access: JiraAccess): Promise<Outcome> {
    const link = await repo.findLink(this.deps.db, job.alertId, job.destinationId);
    if (!link) return this.#finishOutcome(job, 'cancelled', 'no linked issue to keep');
    const found = await this.#findByLabels(job, access);
    const closed: string[] = [];
    for (const issue of found) {
      if (issue.id === link.issueId || issue.status?.category === 'done') continue;
      await this.deps.limiter.acquire(job.siteHost, { signal: this.#stop.signal });
      const transitions = await access.client.getTransitions(issue.id);
      const toDone = transitions.find((t) => t.to.category === 'done' && t.isAvailable && t.requiredFields.length === 0) ?? transitions.find((t) => t.to.category === 'done');
      await this.deps.limiter.acquire(job.siteHost, { signal: this.#stop.signal });
      await access.client.addComment(
        issue.id,
        doc(paragraph(text(`Duplicate of ${link.issueKey}: alertsync created this issue twice for one alert because Jira's search did not show the first one in time. ${toDone ? 'Closed' : 'Please close it'}; the alert is tracked in ${link.issueKey}.`))) as never,
      );
      if (toDone) {
        await this.deps.limiter.acquire(job.siteHost, { signal: this.#stop.signal });
        await access.client.transitionIssue(issue.id, toDone.id);
      }
      closed.push(issue.key);
      await this.#attempt(job, 'closeDuplicate', 'ok', 204, issue.key, toDone ? null : 'no transition to a done status; commented only', 0);
    }
    return this.#complete(job, { kept: link.issueKey, closed });
  }

  // ---- outcomes --------------------------------------------------------------------------------

  async #handleJiraError(job: DeliveryJob, raw: JiraError | SendError, log: Logger): Promise<void> {
    const { settings, clock } = this.deps;
    const sent = raw instanceof SendError;
    const err = raw instanceof SendError ? raw.error : raw;
    const current = raw instanceof SendError ? raw.job : job;
    const now = clock.now();
    // Did Jira perhaps act on the request? A refusal (429, 4xx) says no; silence or 5xx may mean yes.
    const maybeDone = sent && (err.kind === 'network' || err.kind === 'timeout' || err.kind === 'server' || err.kind === 'unexpected');
    const unknownSince = maybeDone ? current.unknownSince : job.unknownSince;
    if (err.kind === 'rate_limited') await this.deps.limiter.block(job.siteHost, err.retryAfterMs ?? retryDelayMs(1, { baseMs: settings.retryBaseMs, maxMs: settings.retryMaxMs }));
    await this.#attempt(job, err.operation, maybeDone ? 'unknown' : err.retryable ? 'retry' : 'failed', err.status, null, err.message, raw instanceof SendError ? raw.durationMs : 0);
    if (err.retryable || maybeDone) {
      const attempts = job.attempts + 1;
      let next = now + retryDelayMs(attempts, { baseMs: settings.retryBaseMs, maxMs: settings.retryMaxMs, retryAfterMs: err.retryAfterMs });
      if (unknownSince !== null) next = Math.max(next, unknownSince + settings.createRecheckMs);
      const ok = await repo.updateRunningJob(this.deps.db, job.id, job.fence, {
        state: 'pending',
        attempts,
        next_run_at: next,
        lease_owner: null,
        lease_until: null,
        unknown_since: unknownSince,
        had_unknown: job.hadUnknown || maybeDone ? 1 : 0,
        last_status: err.status,
        last_error: err.message,
        updated_at: now,
      });
      log.info({ status: err.status, kind: err.kind, retryInMs: next - now, ok }, 'delivery will be retried');
      return;
    }
    // Permanent: stop, and show Jira's own words on the alert's delivery log and the destination.
    await this.#finish(job, 'failed', { lastStatus: err.status, lastError: err.message, unknownSince: null });
    await this.deps.recordDestinationError(job.destinationId, `${err.message} (${PERMANENT_NOTE})`);
    log.warn({ status: err.status, kind: err.kind, jira: err.jiraMessages }, 'delivery failed permanently');
  }

  async #defer(job: DeliveryJob, at: number, extra: Partial<DeliveryJobsTable>): Promise<Outcome> {
    const now = this.deps.clock.now();
    const ok = await repo.updateRunningJob(this.deps.db, job.id, job.fence, { state: 'pending', next_run_at: at, lease_owner: null, lease_until: null, updated_at: now, ...extra });
    if (!ok) return { kind: 'fenced' };
    throw new Deferred();
  }

  async #complete(job: DeliveryJob, result: Record<string, unknown>): Promise<Outcome> {
    const ok = await repo.updateRunningJob(this.deps.db, job.id, job.fence, doneSet(result, this.deps.clock.now()));
    if (!ok) return { kind: 'fenced' };
    this.deps.onJobFinished?.(job, 'done');
    return { kind: 'done', result };
  }

  async #finishOutcome(job: DeliveryJob, state: 'cancelled' | 'failed', message: string): Promise<Outcome> {
    await this.#finish(job, state, { lastError: message });
    return { kind: 'done', result: {} };
  }

  async #finish(job: DeliveryJob, state: 'failed' | 'cancelled', o: { lastStatus?: number | null; lastError?: string | null; result?: Record<string, unknown>; unknownSince?: null }): Promise<void> {
    const now = this.deps.clock.now();
    await repo.updateRunningJob(this.deps.db, job.id, job.fence, {
      state,
      lease_owner: null,
      lease_until: null,
      last_status: o.lastStatus ?? null,
      last_error: o.lastError ?? null,
      ...(o.result ? { result: JSON.stringify(o.result) } : {}),
      ...(o.unknownSince === null ? { unknown_since: null } : {}),
      updated_at: now,
    });
    this.deps.onJobFinished?.(job, state);
  }

  async #attempt(job: DeliveryJob, request: string, outcome: DeliveryAttempt['outcome'], status: number | null, issueKey: string | null, error: string | null, durationMs: number): Promise<void> {
    await repo.insertAttempt(this.deps.db, { jobId: job.id, alertId: job.alertId, destinationId: job.destinationId, worker: this.id, at: this.deps.clock.now(), durationMs, request, outcome, httpStatus: status, issueKey, error });
  }
}

function doneSet(result: Record<string, unknown>, now: number): Partial<DeliveryJobsTable> {
  return { state: 'done', lease_owner: null, lease_until: null, unknown_since: null, last_error: null, result: JSON.stringify(result), updated_at: now };
}

/** The job was put back to wait (recheck delay); nothing else to do now. */
class Deferred extends Error {}

/** A JiraError raised by a send whose request may have reached Jira. */
class SendError extends Error {
  constructor(
    readonly job: DeliveryJob,
    readonly error: JiraError,
    readonly durationMs: number,
  ) {
    super(error.message);
  }
}
