// The Jira webhook inbox (issue #12): a verified delivery is stored durably, deduplicated by Jira's
// delivery identifier and by the hash of its body, then answered. Events for issues alertsync did
// not create, or touching no aspect synced two-way, are stored as 'ignored' with the reason; the
// rest are 'pending', with an apply_jira_event job for the worker in the same transaction (so a
// stored event is never without its job); the worker wakes after the commit (other replicas
// through NOTIFY on PostgreSQL). The HTTP route (src/http/routes/jira-webhooks.ts) verifies
// the credentials before calling this; nothing here sees a secret.
import { createHash } from 'node:crypto';
import type { Clock } from '../clock.js';
import type { Destination } from '../destinations/destination.js';
import type { Db } from '../storage/repositories/users.js';
import { insertInboxEvent, findLastReceived, findLinkedAlertId, listInboxEvents, type InboxEvent } from '../storage/repositories/jira-inbox.js';
import { enqueueJob } from '../storage/repositories/delivery.js';
import { notifyWork } from '../storage/notify.js';
import { newId } from '../ids.js';
import { findDestination } from '../storage/repositories/destinations.js';
import { admitJiraEvent, summarizeJiraEvent } from './inbox-admission.js';
import type { WebhookAuthKind } from '../security/webhook-auth.js';

export interface ReceivedDelivery {
  destination: Destination;
  deliveryId: string | null;
  eventName: string | null;
  rawBody: Buffer;
  body: unknown;
  /** How the delivery proved itself, or 'reconcile' for an event the reconciler built from the issue. */
  auth: WebhookAuthKind | 'reconcile';
}

export type ReceiveOutcome = { result: 'stored'; state: 'pending' | 'ignored'; reason: string | null } | { result: 'duplicate' };

/** A webhook delivery this process refused (kept in memory per process; the last one per destination). */
export interface WebhookRefusal {
  at: number;
  status: number;
  reason: string;
}

/** What the destination's setup view shows about its webhook (docs/two-way.md). */
export interface WebhookSetup {
  url: string;
  events: string[];
  jqlFilter: string;
  authentication: string[];
  lastReceived: { at: number; event: string | null; auth: string; state: string; reason: string | null } | null;
  lastRefused: WebhookRefusal | null;
}

/** The Jira events to register, and the JQL filter that sends only this destination's issues. */
export const WEBHOOK_EVENTS = ['jira:issue_updated', 'comment_created', 'comment_updated', 'comment_deleted'];
export const webhookJqlFilter = (destinationId: string): string => `labels = alertsync-dest-${destinationId}`;

export class JiraInboxService {
  readonly #refused = new Map<string, WebhookRefusal>();

  constructor(private readonly deps: { db: Db; clock: Clock; wake?: () => void; notify?: boolean }) {}

  /** The destination a webhook URL names, or undefined (no secrets returned). */
  async destination(id: string): Promise<Destination | undefined> {
    return (await findDestination(this.deps.db, id))?.destination;
  }

  /** Stores the delivery; throws when storage fails (the route answers 503 so Jira retries). */
  async receive(d: ReceivedDelivery): Promise<ReceiveOutcome> {
    const summary = summarizeJiraEvent(d.body);
    const alertId = await findLinkedAlertId(this.deps.db, d.destination.id, summary.issueId, summary.issueKey);
    const admission = admitJiraEvent(summary, d.destination.sync, alertId !== null);
    const state = admission.state;
    const reason = admission.state === 'ignored' ? admission.reason : null;
    const now = this.deps.clock.now();
    const stored = await this.deps.db.transaction().execute(async (tx) => {
      const r = await insertInboxEvent(tx, {
        destinationId: d.destination.id,
        deliveryId: d.deliveryId,
        contentHash: createHash('sha256').update(d.rawBody).digest('hex'),
        receivedAt: now,
        eventName: d.eventName,
        issueId: summary.issueId,
        issueKey: summary.issueKey,
        auth: d.auth,
        state,
        reason,
        payload: d.rawBody.toString('utf8'),
      });
      if (r !== 'duplicate' && state === 'pending' && alertId !== null) {
        await enqueueJob(tx, { id: newId('job', now), alertId, destinationId: d.destination.id, siteHost: d.destination.siteHost, kind: 'apply_jira_event', payload: { inboxId: r.id }, nextRunAt: now, now });
        if (this.deps.notify) await notifyWork(tx);
      }
      return r;
    });
    if (stored === 'duplicate') return { result: 'duplicate' };
    if (state === 'pending') this.deps.wake?.();
    return { result: 'stored', state, reason };
  }

  /** Remembers the last refused delivery of a destination (no body, no secret: status and reason). */
  noteRefusal(destinationId: string, status: number, reason: string): void {
    this.#refused.set(destinationId, { at: this.deps.clock.now(), status, reason: reason.slice(0, 300) });
  }

  async setup(destinationId: string, url: string): Promise<WebhookSetup> {
    const last = await findLastReceived(this.deps.db, destinationId);
    return {
      url,
      events: WEBHOOK_EVENTS,
      jqlFilter: webhookJqlFilter(destinationId),
      authentication: ['X-Hub-Signature: sha256=<HMAC-SHA256 of the body with the secret> (a Jira admin webhook with the secret)', 'Authorization: Bearer <secret> (an automation rule)'],
      lastReceived: last ? { at: last.receivedAt, event: last.eventName, auth: last.auth, state: last.state, reason: last.reason } : null,
      lastRefused: this.#refused.get(destinationId) ?? null,
    };
  }

  async list(destinationId: string): Promise<InboxEvent[]> {
    return listInboxEvents(this.deps.db, destinationId);
  }
}
