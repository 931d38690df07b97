// The Jira webhook inbox (migration 0010): verified deliveries stored before they are answered.
import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';
import type { Db } from './users.js';

export interface JiraWebhookInboxTable {
  id: number | string;
  destination_id: string;
  delivery_id: string | null;
  content_hash: string;
  received_at: number;
  event_name: string | null;
  issue_id: string | null;
  issue_key: string | null;
  auth: string;
  state: string;
  reason: string | null;
  payload: string;
}

type InboxDb = Kysely<Database & { jira_webhook_inbox: Omit<JiraWebhookInboxTable, 'id'> & { id?: number | string } }>;
const ib = (db: Db) => db as unknown as InboxDb;

/** pending: the worker applies it (an apply_jira_event job); applied: done (reason = what it left as it was); ignored: never applied. */
export type InboxState = 'pending' | 'ignored' | 'applied';

export interface NewInboxEvent {
  destinationId: string;
  deliveryId: string | null;
  contentHash: string;
  receivedAt: number;
  eventName: string | null;
  issueId: string | null;
  issueKey: string | null;
  /** How the delivery proved itself: 'signature' or 'bearer' (never the secret); 'reconcile' = built by the reconciler. */
  auth: 'signature' | 'bearer' | 'reconcile';
  state: InboxState;
  reason: string | null;
  payload: string;
}

export interface InboxEvent extends NewInboxEvent {
  id: string;
}

/** Stores the event (its row id); 'duplicate' when this destination already holds the same delivery id or body. */
export async function insertInboxEvent(db: Db, e: NewInboxEvent): Promise<{ id: string } | 'duplicate'> {
  // ON CONFLICT DO NOTHING rather than catching the unique violation: inside a PostgreSQL
  // transaction a violation aborts the transaction (its commit would fail, and Jira get a 503).
  const r = await ib(db)
    .insertInto('jira_webhook_inbox')
    .values({
      destination_id: e.destinationId,
      delivery_id: e.deliveryId,
      content_hash: e.contentHash,
      received_at: e.receivedAt,
      event_name: e.eventName,
      issue_id: e.issueId,
      issue_key: e.issueKey,
      auth: e.auth,
      state: e.state,
      reason: e.reason,
      payload: e.payload,
    })
    .onConflict((oc) => oc.doNothing())
    .returning('id')
    .executeTakeFirst();
  return r ? { id: String(r.id) } : 'duplicate';
}

export async function listInboxEvents(db: Db, destinationId: string): Promise<InboxEvent[]> {
  const rows = await ib(db).selectFrom('jira_webhook_inbox').selectAll().where('destination_id', '=', destinationId).orderBy('id').execute();
  return rows.map((r) => ({
    id: String(r.id),
    destinationId: r.destination_id,
    deliveryId: r.delivery_id,
    contentHash: r.content_hash,
    receivedAt: Number(r.received_at),
    eventName: r.event_name,
    issueId: r.issue_id,
    issueKey: r.issue_key,
    auth: r.auth as 'signature' | 'bearer' | 'reconcile',
    state: r.state as InboxState,
    reason: r.reason,
    payload: r.payload,
  }));
}

/** The alert whose issue on this destination this is (an alert link names it by id or key), or null. */
export async function findLinkedAlertId(db: Db, destinationId: string, issueId: string | null, issueKey: string | null): Promise<string | null> {
  if (issueId === null && issueKey === null) return null;
  let q = ib(db).selectFrom('alert_links').select('alert_id').where('destination_id', '=', destinationId);
  q = q.where((eb) => {
    const ors = [];
    if (issueId !== null) ors.push(eb('issue_id', '=', issueId));
    if (issueKey !== null) ors.push(eb('issue_key', '=', issueKey));
    return eb.or(ors);
  });
  return (await q.limit(1).executeTakeFirst())?.alert_id ?? null;
}

/** The newest delivery a destination received from Jira (not the reconciler's). */
export async function findLastReceived(db: Db, destinationId: string): Promise<{ receivedAt: number; eventName: string | null; auth: string; state: string; reason: string | null } | null> {
  const r = await ib(db)
    .selectFrom('jira_webhook_inbox')
    .select(['received_at', 'event_name', 'auth', 'state', 'reason'])
    .where('destination_id', '=', destinationId)
    .where('auth', '!=', 'reconcile')
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  return r ? { receivedAt: Number(r.received_at), eventName: r.event_name, auth: r.auth, state: r.state, reason: r.reason } : null;
}
