// The two-way reconciler (issue #12 "Nothing missed"): Jira's webhooks are best effort, so per
// destination with an aspect synced two-way, every interval, one replica (a lease row in
// sync_reconcile) searches the destination's issues changed since its watermark
// (`labels = alertsync-dest-<id> AND updated >= -<n>m`, a relative date, so the integration
// account's time zone does not matter) and feeds what differs from the alert into the same inbox
// as the webhooks, as events built from the issue's current state. The worker then applies them
// by the same rules (apply_jira_event). Events are built deterministically from the issue, so a
// state already fed is dropped by the inbox's content hash.
import type { Logger } from 'pino';
import type { Clock } from '../clock.js';
import type { Destination } from '../destinations/destination.js';
import type { JiraClient } from '../jira/client/index.js';
import type { Db } from '../storage/repositories/users.js';
import { listDestinations } from '../storage/repositories/destinations.js';
import { findLinkedAlertId } from '../storage/repositories/jira-inbox.js';
import { findAlert } from '../storage/repositories/alerts.js';
import * as inbound from '../storage/repositories/sync-inbound.js';
import { findWritten } from '../storage/repositories/sync.js';
import { reconcileEvents } from './reconcile-events.js';
import { jiraTime } from './jira-event.js';
import type { JiraInboxService } from './jira-inbox-service.js';

export interface ReconcilerDeps {
  db: Db;
  clock: Clock;
  logger: Logger;
  intervalMs: number;
  owner: string;
  inbox: JiraInboxService;
  jiraFor(destinationId: string): Promise<{ client: JiraClient; release(): void } | null>;
  acquire(siteHost: string): Promise<void>;
}

/** How far back the first run of a destination looks. */
const FIRST_LOOK_BACK_MS = 3_600_000;

export class Reconciler {
  #timer: NodeJS.Timeout | null = null;
  #running: Promise<void> | null = null;
  #stopped = false;

  constructor(private readonly deps: ReconcilerDeps) {}

  /** Starts the runs; an interval of 0 turns the reconciler off (webhooks only). */
  start(): void {
    if (this.deps.intervalMs <= 0) return;
    this.#stopped = false;
    this.#schedule(Math.min(this.deps.intervalMs, 1000));
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer) clearTimeout(this.#timer);
    await this.#running;
  }

  #schedule(ms: number): void {
    if (this.#stopped) return;
    this.#timer = setTimeout(() => {
      this.#running = this.runOnce()
        .catch((err: unknown) => this.deps.logger.warn({ err }, 'reconcile run failed'))
        .finally(() => {
          this.#running = null;
          // Looks for its turn often (cheap: one lease update per destination), so a run starts at most
          // about a second after the interval ends.
          this.#schedule(Math.max(100, Math.min(this.deps.intervalMs / 10, 1000)));
        });
    }, ms);
    this.#timer.unref();
  }

  /** One pass over the two-way destinations whose turn it is (lease free or expired). */
  async runOnce(): Promise<void> {
    const { db, clock, owner, intervalMs } = this.deps;
    const all = (await listDestinations(db)).filter((d) => d.enabled && Object.values(d.sync).includes('two_way'));
    for (const d of all) {
      if (this.#stopped) return;
      const startedAt = clock.now();
      if (!(await inbound.takeReconcileLease(db, d.id, owner, startedAt, startedAt + intervalMs))) continue;
      let watermark: number | null = null;
      let result: string;
      try {
        const r = await this.#reconcile(d, startedAt);
        watermark = r.watermark;
        result = `${r.issues} issue(s) changed, ${r.fed} event(s) fed`;
      } catch (err) {
        result = `failed: ${err instanceof Error ? err.message : String(err)}`;
        this.deps.logger.warn({ destinationId: d.id, err }, 'reconcile failed');
      }
      const prev = await inbound.findReconcileState(db, d.id);
      await inbound.finishReconcile(db, d.id, owner, { watermark: watermark ?? prev?.watermark ?? null, at: clock.now(), result, until: startedAt + intervalMs });
    }
  }

  async #reconcile(d: Destination, now: number): Promise<{ watermark: number; issues: number; fed: number }> {
    const { db } = this.deps;
    const state = await inbound.findReconcileState(db, d.id);
    const since = state?.watermark ?? now - FIRST_LOOK_BACK_MS;
    const minutes = Math.max(1, Math.ceil((now - since) / 60_000) + 1);
    const access = await this.deps.jiraFor(d.id);
    if (!access) return { watermark: since, issues: 0, fed: 0 };
    let fed = 0;
    let watermark = since;
    try {
      await this.deps.acquire(d.siteHost);
      const issues = await access.client.searchAll(`labels = "alertsync-dest-${d.id}" AND updated >= -${minutes}m ORDER BY updated ASC`, ['status', 'assignee', 'updated']);
      for (const issue of issues) {
        const updated = jiraTime(issue.updated);
        if (updated !== null) watermark = Math.max(watermark, Math.min(updated, now));
        const alertId = await findLinkedAlertId(db, d.id, issue.id, issue.key);
        if (alertId === null) continue;
        const alert = await findAlert(db, alertId);
        if (!alert) continue;
        let comments = null;
        if (d.sync.comments === 'two_way') {
          await this.deps.acquire(d.siteHost);
          comments = await access.client.listComments(issue.key);
        }
        const events = reconcileEvents({
          destination: d,
          issue,
          comments,
          alertStatus: alert.status,
          written: { status: await findWritten(db, alertId, d.id, 'status'), assignee: await findWritten(db, alertId, d.id, 'assignee') },
          inboundComments: await inbound.listInboundComments(db, alertId, d.id),
          ownComments: await inbound.listOwnJiraComments(db, alertId, d.id),
        });
        for (const body of events) {
          const raw = Buffer.from(JSON.stringify(body));
          const r = await this.deps.inbox.receive({ destination: d, deliveryId: null, eventName: 'alertsync:reconcile', rawBody: raw, body, auth: 'reconcile' });
          if (r.result === 'stored' && r.state === 'pending') fed++;
        }
      }
      return { watermark, issues: issues.length, fed };
    } finally {
      access.release();
    }
  }
}
