// One-way sync's own rows: alert comment → Jira comment per destination, and what alertsync last
// wrote to each linked issue's fields (migration 0008-sync).
import type { Db } from './users.js';
import { OPEN_STATES, type JobKind } from '../../delivery/job.js';

export async function findCommentLink(db: Db, destinationId: string, commentId: string): Promise<string | null> {
  const r = await db.selectFrom('sync_comment_links').select('jira_comment_id').where('destination_id', '=', destinationId).where('comment_id', '=', commentId).executeTakeFirst();
  return r?.jira_comment_id ?? null;
}

export async function saveCommentLink(db: Db, l: { destinationId: string; commentId: string; alertId: string; jiraCommentId: string; at: number }): Promise<void> {
  await db
    .insertInto('sync_comment_links')
    .values({ destination_id: l.destinationId, comment_id: l.commentId, alert_id: l.alertId, jira_comment_id: l.jiraCommentId, created_at: l.at })
    .onConflict((oc) => oc.columns(['destination_id', 'comment_id']).doUpdateSet({ jira_comment_id: l.jiraCommentId }))
    .execute();
}

export async function deleteCommentLink(db: Db, destinationId: string, commentId: string): Promise<void> {
  await db.deleteFrom('sync_comment_links').where('destination_id', '=', destinationId).where('comment_id', '=', commentId).execute();
}

export async function recordWritten(db: Db, w: { alertId: string; destinationId: string; field: 'status' | 'assignee' | 'alert_status'; value: string; at: number }): Promise<void> {
  await db
    .insertInto('sync_written')
    .values({ alert_id: w.alertId, destination_id: w.destinationId, field: w.field, value: w.value, written_at: w.at })
    .onConflict((oc) => oc.columns(['alert_id', 'destination_id', 'field']).doUpdateSet({ value: w.value, written_at: w.at }))
    .execute();
}

export async function findWritten(db: Db, alertId: string, destinationId: string, field: 'status' | 'assignee' | 'alert_status'): Promise<{ value: string; at: number } | null> {
  const r = await db.selectFrom('sync_written').select(['value', 'written_at']).where('alert_id', '=', alertId).where('destination_id', '=', destinationId).where('field', '=', field).executeTakeFirst();
  return r ? { value: r.value, at: Number(r.written_at) } : null;
}

/** A newer open job of the same kind for this alert and destination exists (it supersedes this one). */
export async function hasNewerOpenJob(db: Db, j: { alertId: string; destinationId: string; kind: JobKind; seq: number }): Promise<boolean> {
  const r = await db
    .selectFrom('delivery_jobs')
    .select('id')
    .where('alert_id', '=', j.alertId)
    .where('destination_id', '=', j.destinationId)
    .where('kind', '=', j.kind)
    .where('seq', '>', j.seq)
    .where('state', 'in', OPEN_STATES)
    .executeTakeFirst();
  return r !== undefined;
}
