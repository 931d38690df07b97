// The Jira webhook inbox (issue #12): a verified delivery is stored durably, deduplicated by Jira's
// delivery identifier and by the hash of its body, then answered. Events for issues alertsync did
// not create, or touching no aspect synced two-way, are stored as 'ignored' with the reason; the
// rest are 'pending' for the worker. The HTTP route (src/http/routes/jira-webhooks.ts) verifies
// the credentials before calling this; nothing here sees a secret.
import { createHash } from 'node:crypto';
import type { Clock } from '../clock.js';
import type { Destination } from '../destinations/destination.js';
import type { Db } from '../storage/repositories/users.js';
import { insertInboxEvent, isLinkedIssue, listInboxEvents, type InboxEvent } from '../storage/repositories/jira-inbox.js';
import { findDestination } from '../storage/repositories/destinations.js';
import { admitJiraEvent, summarizeJiraEvent } from './inbox-admission.js';
import type { WebhookAuthKind } from '../security/webhook-auth.js';

export interface ReceivedDelivery {
  destination: Destination;
  deliveryId: string | null;
  eventName: string | null;
  rawBody: Buffer;
  body: unknown;
  auth: WebhookAuthKind;
}

export type ReceiveOutcome = { result: 'stored'; state: 'pending' | 'ignored'; reason: string | null } | { result: 'duplicate' };

export class JiraInboxService {
  constructor(private readonly deps: { db: Db; clock: Clock }) {}

  /** The destination a webhook URL names, or undefined (no secrets returned). */
  async destination(id: string): Promise<Destination | undefined> {
    return (await findDestination(this.deps.db, id))?.destination;
  }

  /** Stores the delivery; throws when storage fails (the route answers 503 so Jira retries). */
  async receive(d: ReceivedDelivery): Promise<ReceiveOutcome> {
    const summary = summarizeJiraEvent(d.body);
    const linked = await isLinkedIssue(this.deps.db, d.destination.id, summary.issueId, summary.issueKey);
    const admission = admitJiraEvent(summary, d.destination.sync, linked);
    const state = admission.state;
    const reason = admission.state === 'ignored' ? admission.reason : null;
    const stored = await insertInboxEvent(this.deps.db, {
      destinationId: d.destination.id,
      deliveryId: d.deliveryId,
      contentHash: createHash('sha256').update(d.rawBody).digest('hex'),
      receivedAt: this.deps.clock.now(),
      eventName: d.eventName,
      issueId: summary.issueId,
      issueKey: summary.issueKey,
      auth: d.auth,
      state,
      reason,
      payload: d.rawBody.toString('utf8'),
    });
    if (stored === 'duplicate') return { result: 'duplicate' };
    return { result: 'stored', state, reason };
  }

  async list(destinationId: string): Promise<InboxEvent[]> {
    return listInboxEvents(this.deps.db, destinationId);
  }
}
