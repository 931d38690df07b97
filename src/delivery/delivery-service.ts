// The outbox side of delivery: routing writes create jobs in the alert's own transaction; manual
// dispatch, test alerts and replays of failed jobs are use cases here. The worker runs the jobs.
import type { Clock } from '../clock.js';
import { conflict, invalid, notFound } from '../errors.js';
import { newId } from '../ids.js';
import type { AlertEvent } from '../alerts/alerts-service.js';
import { routeAlert } from '../destinations/routing.js';
import type { Destination } from '../destinations/destination.js';
import type { DestinationsService } from '../destinations/destinations-service.js';
import { findAlert } from '../storage/repositories/alerts.js';
import { recordAudit } from '../storage/repositories/audit.js';
import { listDestinations } from '../storage/repositories/destinations.js';
import * as repo from '../storage/repositories/delivery.js';
import type { Db } from '../storage/repositories/users.js';
import type { Actor } from '../users/user.js';
import { sleep } from './rate-limiter.js';
import { QUEUE_KINDS, type AlertLink, type DeliveryAttempt, type DeliveryJob } from './job.js';
import { notifyWork } from '../storage/notify.js';

export const TEST_WAIT_MS = 15_000;

export type TestOutcome =
  | { outcome: 'created'; issueKey: string; issueUrl: string; jobId: string }
  | { outcome: 'failed'; status: number | null; message: string; jiraMessages: string[]; jobId: string }
  | { outcome: 'pending'; message: string; jobId: string };

export class DeliveryService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly destinations: DestinationsService,
    private readonly wake: () => void,
    /** PostgreSQL: enqueues also NOTIFY the other replicas (delivered at commit). */
    private readonly notify = false,
  ) {}

  /** AlertsService commit listener: the worker of this process looks right after the commit. */
  readonly onAlertsCommitted = (): void => this.wake();

  /**
   * DestinationsService listener, inside the transaction of the change: a change releases the
   * destination's blocked jobs (in order); disabling pauses its queue, enabling resumes it;
   * deleting cancels its jobs at once.
   */
  readonly onDestinationChanged = async (tx: Db, change: { id: string; kind: 'updated' | 'deleted'; enabled: boolean }): Promise<void> => {
    const now = this.clock.now();
    if (change.kind === 'deleted') {
      await repo.moveDestinationJobs(tx, change.id, ['pending', 'blocked', 'paused'], 'cancelled', now, 'the destination was deleted');
      return;
    }
    if (!change.enabled) {
      await repo.moveDestinationJobs(tx, change.id, ['pending', 'blocked'], 'paused', now, 'the destination is disabled; its deliveries resume when it is enabled', QUEUE_KINDS);
      return;
    }
    const n = await repo.moveDestinationJobs(tx, change.id, ['blocked', 'paused'], 'pending', now);
    if (n > 0) await this.#notify(tx);
  };

  /** Releases a destination's blocked (or paused, if it is enabled) jobs without changing it. */
  async resume(actor: Actor, destinationId: string): Promise<{ released: number }> {
    const d = await this.destinations.get(destinationId);
    const now = this.clock.now();
    const released = await this.db.transaction().execute(async (tx) => {
      const n = await repo.moveDestinationJobs(tx, destinationId, d.enabled ? ['blocked', 'paused'] : ['blocked'], d.enabled ? 'pending' : 'paused', now);
      await recordAudit(tx, { at: now, actor, action: 'destination.resumed', targetType: 'destination', targetId: destinationId, details: { released: n } });
      await this.#notify(tx);
      return n;
    });
    this.wake();
    return { released };
  }

  /** Replays every failed create of a destination (each looks in Jira before creating). */
  async replayFailed(actor: Actor, destinationId: string): Promise<{ replayed: string[] }> {
    await this.destinations.get(destinationId);
    const now = this.clock.now();
    const replayed = await this.db.transaction().execute(async (tx) => {
      const ids = await repo.replayFailed(tx, destinationId, now);
      await recordAudit(tx, { at: now, actor, action: 'delivery.replayed_failed', targetType: 'destination', targetId: destinationId, details: { count: ids.length } });
      await this.#notify(tx);
      return ids;
    });
    this.wake();
    return { replayed };
  }

  /**
   * One-way sync (issue #11): a change of an alert becomes a job for each destination where the
   * alert has an issue (or one on its way) and the aspect's mode is not `off`; never for the
   * destination the change came from (two-way). Jobs of one alert and destination run in order,
   * after its create.
   */
  async #enqueueSync(tx: Db, event: AlertEvent & { kind: 'status' | 'assignee' | 'comment_added' | 'comment_edited' | 'comment_deleted' }): Promise<void> {
    const aspect = event.kind === 'status' ? 'status' : event.kind === 'assignee' ? 'assignee' : 'comments';
    const all = (await listDestinations(tx)).filter((d) => d.sync[aspect] !== 'off' && event.origin !== `destination:${d.id}`);
    if (all.length === 0) return;
    // The creates still to come are read before the links: a create that ends between the two
    // reads has committed its link before the second one (on PostgreSQL each statement of a
    // read-committed transaction sees what was committed before it). Read the other way round, a
    // create ending in between was seen neither open nor linked, and the change was lost (found by
    // test/sync/one-way-burst-replicas.test.ts: 79 of 80 comments).
    const creating = new Set<string>();
    for (const d of all) if (await repo.hasOpenJob(tx, event.alert.id, d.id, 'create_issue')) creating.add(d.id);
    const linked = new Set((await repo.listLinks(tx, event.alert.id)).map((l) => l.destinationId));
    let any = false;
    for (const d of all) {
      if (!linked.has(d.id) && !creating.has(d.id)) continue;
      const base = { id: newId('job', event.at), alertId: event.alert.id, destinationId: d.id, siteHost: d.siteHost, nextRunAt: event.at, now: event.at };
      const by = event.actor.name;
      if (event.kind === 'status') await repo.enqueueJob(tx, { ...base, kind: 'sync_status', payload: { from: event.from, to: event.to, by } });
      else if (event.kind === 'assignee') await repo.enqueueJob(tx, { ...base, kind: 'sync_assignee', payload: { to: event.to, by } });
      else {
        const op = event.kind === 'comment_added' ? 'create' : event.kind === 'comment_edited' ? 'edit' : 'delete';
        await repo.enqueueJob(tx, { ...base, kind: 'sync_comment', payload: { op, commentId: event.comment.id, by } });
      }
      any = true;
    }
    if (any) await this.#notify(tx);
  }

  async #notify(tx: Db): Promise<void> {
    if (this.notify) await notifyWork(tx);
  }

  /** AlertsService listener: a new alert gets one create job per matching enabled destination. */
  readonly onAlertEvent = async (tx: Db, event: AlertEvent): Promise<void> => {
    if (event.kind === 'status' || event.kind === 'assignee' || event.kind === 'comment_added' || event.kind === 'comment_edited' || event.kind === 'comment_deleted') {
      return this.#enqueueSync(tx, event);
    }
    if (event.kind !== 'created') return;
    // A batch of alerts is one transaction: its destinations are read once, and NOTIFY sent once.
    let seen = this.#inTransaction.get(tx);
    if (!seen) {
      seen = { destinations: listDestinations(tx), notified: false };
      this.#inTransaction.set(tx, seen);
    }
    const all = await seen.destinations;
    const ids = routeAlert(event.alert, all);
    if (ids.length === 0) return;
    const byId = new Map(all.map((d) => [d.id, d]));
    for (const id of ids) {
      const d = byId.get(id)!;
      await repo.enqueueJob(tx, { id: newId('job', event.at), alertId: event.alert.id, destinationId: id, siteHost: d.siteHost, kind: 'create_issue', payload: { reason: 'routing' }, nextRunAt: event.at, now: event.at });
    }
    // The worker of this process looks right after the commit (onAlertsCommitted); on PostgreSQL
    // the other replicas hear of it by NOTIFY, which PostgreSQL delivers at the commit.
    if (!seen.notified) {
      seen.notified = true;
      await this.#notify(tx);
    }
  };

  /** Per alerts transaction (a batch): its destinations as read in it, and whether it notified. */
  readonly #inTransaction = new WeakMap<Db, { destinations: Promise<Destination[]>; notified: boolean }>();

  async dispatch(actor: Actor, alertId: string, destinationId: string): Promise<DeliveryJob> {
    const now = this.clock.now();
    const d = await this.destinations.get(destinationId);
    const job = await this.db.transaction().execute(async (tx) => {
      const alert = await findAlert(tx, alertId);
      if (!alert) throw notFound('alert', alertId);
      if (!d.manualDispatch) throw conflict('manual_dispatch_off', `destination "${d.name}" does not allow manual dispatch (turn on manualDispatch to send alerts to it by hand)`);
      const link = await repo.findLink(tx, alertId, destinationId);
      if (link) throw conflict('already_linked', `the alert is already linked to ${link.issueKey} on destination "${d.name}"`, { issueKey: link.issueKey });
      if (await repo.hasOpenJob(tx, alertId, destinationId, 'create_issue')) throw conflict('already_dispatched', `the alert is already on its way to destination "${d.name}"`);
      const id = newId('job', now);
      // A manual dispatch searches Jira first: an earlier job may have created the issue.
      await repo.enqueueJob(tx, { id, alertId, destinationId, siteHost: d.siteHost, kind: 'create_issue', payload: { reason: 'manual', by: actor.name }, nextRunAt: now, now, lookFirst: true });
      await this.#notify(tx);
      await recordAudit(tx, { at: now, actor, action: 'alert.dispatched', targetType: 'alert', targetId: alertId, details: { destinationId, jobId: id } });
      return (await repo.findJob(tx, id))!;
    });
    this.wake();
    return job;
  }

  async retry(actor: Actor, jobId: string): Promise<DeliveryJob> {
    const now = this.clock.now();
    const job = await this.db.transaction().execute(async (tx) => {
      const j = await repo.findJob(tx, jobId);
      if (!j) throw notFound('delivery', jobId);
      if (j.kind === 'test_issue') throw invalid('not_replayable', 'a test alert is not replayed; send a new one');
      if (j.state !== 'failed' && j.state !== 'blocked') throw conflict('not_failed', `delivery ${jobId} is ${j.state}; only failed or blocked deliveries can be replayed`);
      await repo.resetJobForRetry(tx, jobId, now);
      await this.#notify(tx);
      await recordAudit(tx, { at: now, actor, action: 'delivery.retried', targetType: 'delivery', targetId: jobId, details: { alertId: j.alertId, destinationId: j.destinationId, lastError: j.lastError } });
      return (await repo.findJob(tx, jobId))!;
    });
    this.wake();
    return job;
  }

  /** Sends a test alert through the priority lane and waits (at most TEST_WAIT_MS) for the outcome. */
  async sendTest(actor: Actor, destinationId: string, waitMs = TEST_WAIT_MS): Promise<TestOutcome> {
    const d: Destination = await this.destinations.get(destinationId);
    const now = this.clock.now();
    const jobId = newId('job', now);
    await this.db.transaction().execute(async (tx) => {
      await repo.enqueueJob(tx, { id: jobId, alertId: `test-${jobId}`, destinationId, siteHost: d.siteHost, kind: 'test_issue', payload: { title: 'alertsync test alert', requestedBy: actor.name }, nextRunAt: now, now });
      await recordAudit(tx, { at: now, actor, action: 'destination.test_sent', targetType: 'destination', targetId: destinationId, details: { jobId } });
    });
    this.wake();
    const deadline = Date.now() + waitMs;
    for (;;) {
      const j = await repo.findJob(this.db, jobId);
      if (j && (j.state === 'done' || j.state === 'failed' || j.state === 'cancelled')) {
        const r = j.result ?? {};
        if (j.state === 'done' && typeof r.issueKey === 'string') return { outcome: 'created', issueKey: r.issueKey, issueUrl: String(r.issueUrl), jobId };
        return { outcome: 'failed', status: typeof r.status === 'number' ? r.status : j.lastStatus, message: String(r.message ?? j.lastError ?? 'failed'), jiraMessages: Array.isArray(r.jiraMessages) ? (r.jiraMessages as string[]) : [], jobId };
      }
      if (Date.now() >= deadline) return { outcome: 'pending', message: `no answer from Jira within ${Math.round(waitMs / 1000)} s; the test goes on in the background (delivery ${jobId})`, jobId };
      await sleep(50);
    }
  }

  async forAlert(alertId: string): Promise<{ links: AlertLink[]; jobs: DeliveryJob[]; attempts: DeliveryAttempt[] }> {
    if (!(await findAlert(this.db, alertId))) throw notFound('alert', alertId);
    const [links, jobs, attempts] = await Promise.all([repo.listLinks(this.db, alertId), repo.listJobs(this.db, { alertId, limit: 200 }), repo.listAttempts(this.db, { alertId, limit: 500 })]);
    return { links, jobs, attempts };
  }

  async forDestination(destinationId: string, limit: number): Promise<{ queue: Record<'pending' | 'running' | 'blocked' | 'paused' | 'failed', number>; jobs: DeliveryJob[]; attempts: DeliveryAttempt[] }> {
    await this.destinations.get(destinationId);
    const [jobs, attempts, counts] = await Promise.all([repo.listJobs(this.db, { destinationId, limit }), repo.listAttempts(this.db, { destinationId, limit }), repo.countJobsByState(this.db, destinationId)]);
    const queue = { pending: counts.pending ?? 0, running: counts.running ?? 0, blocked: counts.blocked ?? 0, paused: counts.paused ?? 0, failed: counts.failed ?? 0 };
    return { queue, jobs, attempts };
  }

  async job(jobId: string): Promise<{ job: DeliveryJob; attempts: DeliveryAttempt[] }> {
    const job = await repo.findJob(this.db, jobId);
    if (!job) throw notFound('delivery', jobId);
    return { job, attempts: await repo.listAttempts(this.db, { jobId, limit: 500 }) };
  }
}
