// Two-way sync's rows (migration 0012-two-way-apply): Jira comments carried to alert comments,
// the position of the last Jira change applied per field, the reconciler's watermark and lease,
// and the inbox rows the worker applies.
import { sql } from 'kysely';
import type { Db } from './users.js';
import type { AppliedMark } from '../../sync/inbound-decisions.js';

export interface InboundComment {
  commentId: string;
  jiraUpdatedAt: number;
  deleted: boolean;
}

export async function listInboundComments(db: Db, alertId: string, destinationId: string): Promise<Map<string, InboundComment>> {
  const rows = await db.selectFrom('sync_inbound_comments').selectAll().where('alert_id', '=', alertId).where('destination_id', '=', destinationId).execute();
  return new Map(rows.map((r) => [r.jira_comment_id, { commentId: r.comment_id, jiraUpdatedAt: Number(r.jira_updated_at), deleted: Number(r.deleted) === 1 }]));
}

export async function saveInboundComment(db: Db, c: { destinationId: string; jiraCommentId: string; alertId: string; commentId: string; jiraUpdatedAt: number }): Promise<void> {
  await db
    .insertInto('sync_inbound_comments')
    .values({ destination_id: c.destinationId, jira_comment_id: c.jiraCommentId, alert_id: c.alertId, comment_id: c.commentId, jira_updated_at: c.jiraUpdatedAt, deleted: 0 })
    .execute();
}

export async function updateInboundComment(db: Db, destinationId: string, jiraCommentId: string, set: { jiraUpdatedAt?: number; deleted?: boolean }): Promise<void> {
  await db
    .updateTable('sync_inbound_comments')
    .set({ ...(set.jiraUpdatedAt !== undefined ? { jira_updated_at: set.jiraUpdatedAt } : {}), ...(set.deleted !== undefined ? { deleted: set.deleted ? 1 : 0 } : {}) })
    .where('destination_id', '=', destinationId)
    .where('jira_comment_id', '=', jiraCommentId)
    .execute();
}

/** Jira comment ids alertsync posted on this alert's issue (alert comments and status comments). */
export async function listOwnJiraComments(db: Db, alertId: string, destinationId: string): Promise<Set<string>> {
  const rows = await db.selectFrom('sync_comment_links').select('jira_comment_id').where('alert_id', '=', alertId).where('destination_id', '=', destinationId).execute();
  return new Set(rows.map((r) => r.jira_comment_id));
}

export async function findMarks(db: Db, alertId: string, destinationId: string): Promise<{ status: AppliedMark | null; assignee: AppliedMark | null }> {
  const rows = await db.selectFrom('sync_inbound_marks').selectAll().where('alert_id', '=', alertId).where('destination_id', '=', destinationId).execute();
  const of = (f: string): AppliedMark | null => {
    const r = rows.find((x) => x.field === f);
    return r ? { updatedAt: Number(r.updated_at), changelogId: r.changelog_id === null ? null : Number(r.changelog_id) } : null;
  };
  return { status: of('status'), assignee: of('assignee') };
}

export async function saveMark(db: Db, m: { alertId: string; destinationId: string; field: 'status' | 'assignee'; mark: AppliedMark }): Promise<void> {
  await db
    .insertInto('sync_inbound_marks')
    .values({ alert_id: m.alertId, destination_id: m.destinationId, field: m.field, updated_at: m.mark.updatedAt, changelog_id: m.mark.changelogId })
    .onConflict((oc) => oc.columns(['alert_id', 'destination_id', 'field']).doUpdateSet({ updated_at: m.mark.updatedAt, changelog_id: m.mark.changelogId }))
    .execute();
}

/** Jira account id → alertsync user id, from the manual mappings of a site. */
export async function accountToUserMap(db: Db, siteHost: string): Promise<Map<string, string>> {
  const rows = await db.selectFrom('jira_account_mappings').select(['account_id', 'user_id']).where('site_host', '=', siteHost.toLowerCase()).execute();
  return new Map(rows.map((r) => [r.account_id, r.user_id]));
}

export interface StoredInboxEvent {
  id: string;
  destinationId: string;
  payload: string;
  state: string;
}

export async function findInboxEvent(db: Db, id: string): Promise<StoredInboxEvent | undefined> {
  const r = await sql<{ id: number | string; destination_id: string; payload: string; state: string }>`select id, destination_id, payload, state from jira_webhook_inbox where id = ${Number(id)}`.execute(db);
  const row = r.rows[0];
  return row ? { id: String(row.id), destinationId: row.destination_id, payload: row.payload, state: row.state } : undefined;
}

/** The worker is done with an inbox row: 'applied' (with what it skipped, if anything). */
export async function markInboxApplied(db: Db, id: string, reason: string | null, at: number): Promise<void> {
  await sql`update jira_webhook_inbox set state = 'applied', reason = ${reason}, applied_at = ${at} where id = ${Number(id)}`.execute(db);
}

// The reconciler's state per destination.

export interface ReconcileState {
  watermark: number | null;
  lastRunAt: number | null;
  lastResult: string | null;
}

export async function findReconcileState(db: Db, destinationId: string): Promise<ReconcileState | null> {
  const r = await db.selectFrom('sync_reconcile').selectAll().where('destination_id', '=', destinationId).executeTakeFirst();
  return r ? { watermark: r.watermark === null ? null : Number(r.watermark), lastRunAt: r.last_run_at === null ? null : Number(r.last_run_at), lastResult: r.last_result } : null;
}

/** Takes the destination's reconcile lease when it has run out (a run keeps it until its next turn); false = not its turn, or another replica holds it. */
export async function takeReconcileLease(db: Db, destinationId: string, owner: string, now: number, until: number): Promise<boolean> {
  await db.insertInto('sync_reconcile').values({ destination_id: destinationId, watermark: null, lease_owner: null, lease_until: 0, last_run_at: null, last_result: null }).onConflict((oc) => oc.column('destination_id').doNothing()).execute();
  const r = await db
    .updateTable('sync_reconcile')
    .set({ lease_owner: owner, lease_until: until })
    .where('destination_id', '=', destinationId)
    .where('lease_until', '<=', now)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** Ends a run: the new watermark and result, the lease kept until `until` (the next run's time). */
export async function finishReconcile(db: Db, destinationId: string, owner: string, s: { watermark: number | null; at: number; result: string; until: number }): Promise<void> {
  await db
    .updateTable('sync_reconcile')
    .set({ watermark: s.watermark, last_run_at: s.at, last_result: s.result, lease_until: s.until })
    .where('destination_id', '=', destinationId)
    .where('lease_owner', '=', owner)
    .execute();
}
