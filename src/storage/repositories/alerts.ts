import { insertRow } from '../precompiled.js';
import { sql } from 'kysely';
import type { AlertsTable } from '../schema.js';
import type { Db } from './users.js';
import type { Alert, AlertChange, AlertStatus, AlertType, Comment, Severity } from '../../alerts/alert.js';

export function toAlert(r: AlertsTable): Alert {
  return {
    id: r.id,
    title: r.title,
    description: r.description,
    severity: r.severity as Severity,
    type: r.type as AlertType,
    logTypes: JSON.parse(r.log_types) as string[],
    ruleId: r.rule_id,
    runbook: r.runbook,
    context: JSON.parse(r.context) as Record<string, unknown>,
    tags: JSON.parse(r.tags) as string[],
    status: r.status as AlertStatus,
    assigneeId: r.assignee_id,
    dedupKey: r.dedup_key,
    occurrences: Number(r.occurrences),
    lastSeenAt: Number(r.last_seen_at),
    createdAt: Number(r.created_at),
    updatedAt: Number(r.updated_at),
  };
}

export function fromAlert(a: Alert): AlertsTable {
  return {
    id: a.id,
    title: a.title,
    description: a.description,
    severity: a.severity,
    type: a.type,
    log_types: JSON.stringify(a.logTypes),
    rule_id: a.ruleId,
    runbook: a.runbook,
    context: JSON.stringify(a.context),
    tags: JSON.stringify(a.tags),
    status: a.status,
    assignee_id: a.assigneeId,
    dedup_key: a.dedupKey,
    open_dedup_key: a.status === 'CLOSED' ? null : a.dedupKey,
    occurrences: a.occurrences,
    last_seen_at: a.lastSeenAt,
    created_at: a.createdAt,
    updated_at: a.updatedAt,
  };
}

const insertAlertRow = insertRow('alerts');
const insertChangeRow = insertRow('alert_changes');

export async function insertAlert(db: Db, a: Alert): Promise<void> {
  await insertAlertRow(db, fromAlert(a));
}

export async function findAlert(db: Db, id: string): Promise<Alert | undefined> {
  const r = await db.selectFrom('alerts').selectAll().where('id', '=', id).executeTakeFirst();
  return r && toAlert(r);
}

/** Reads an alert for a change: the row stays locked until the transaction ends. */
export async function findAlertForUpdate(db: Db, id: string): Promise<Alert | undefined> {
  const r = await db.selectFrom('alerts').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
  return r && toAlert(r);
}

/** Counts one more occurrence of the open alert holding the dedup key, atomically. */
export async function bumpOccurrence(db: Db, key: string, at: number): Promise<Alert | undefined> {
  const r = await db
    .updateTable('alerts')
    .set((eb) => ({ occurrences: eb('occurrences', '+', 1), last_seen_at: at, updated_at: at }))
    .where('open_dedup_key', '=', key)
    .returningAll()
    .executeTakeFirst();
  return r && toAlert(r);
}

export async function findOpenAlertByDedupKey(db: Db, key: string): Promise<Alert | undefined> {
  const r = await db.selectFrom('alerts').selectAll().where('open_dedup_key', '=', key).executeTakeFirst();
  return r && toAlert(r);
}

export async function saveAlert(db: Db, a: Alert, keepOpenDedupKey = true): Promise<void> {
  const row = fromAlert(a);
  if (!keepOpenDedupKey) row.open_dedup_key = null;
  const { id: _id, created_at: _c, ...rest } = row;
  await db.updateTable('alerts').set(rest).where('id', '=', a.id).execute();
}

export interface AlertQuery {
  statuses?: string[];
  severities?: string[];
  types?: string[];
  assigneeId?: string | null;
  text?: string;
  /** Only alerts with a Jira issue (a link) on this destination. */
  destinationId?: string;
  after?: { createdAt: number; id: string };
  limit: number;
}

export async function queryAlerts(db: Db, q: AlertQuery): Promise<Alert[]> {
  let query = db.selectFrom('alerts').selectAll().orderBy('created_at', 'desc').orderBy('id', 'desc').limit(q.limit);
  if (q.statuses?.length) query = query.where('status', 'in', q.statuses);
  if (q.severities?.length) query = query.where('severity', 'in', q.severities);
  if (q.types?.length) query = query.where('type', 'in', q.types);
  if (q.assigneeId === null) query = query.where('assignee_id', 'is', null);
  else if (q.assigneeId !== undefined) query = query.where('assignee_id', '=', q.assigneeId);
  if (q.text) {
    const pattern = `%${q.text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    query = query.where((eb) =>
      eb.or([
        eb(sql`lower(title)`, 'like', sql`${pattern} escape '\\'`),
        eb(sql`lower(coalesce(description, ''))`, 'like', sql`${pattern} escape '\\'`),
      ]),
    );
  }
  if (q.destinationId !== undefined) {
    const destinationId = q.destinationId;
    query = query.where((eb) => eb.exists(eb.selectFrom('alert_links').select('alert_links.alert_id').whereRef('alert_links.alert_id', '=', 'alerts.id').where('alert_links.destination_id', '=', destinationId)));
  }
  if (q.after) {
    const { createdAt, id } = q.after;
    query = query.where((eb) => eb.or([eb('created_at', '<', createdAt), eb.and([eb('created_at', '=', createdAt), eb('id', '<', id)])]));
  }
  return (await query.execute()).map(toAlert);
}

export async function insertChange(db: Db, c: Omit<AlertChange, 'id'>): Promise<void> {
  await insertChangeRow(db, {
      alert_id: c.alertId,
      kind: c.kind,
      field: c.field,
      from_value: c.from === undefined ? null : JSON.stringify(c.from),
      to_value: c.to === undefined ? null : JSON.stringify(c.to),
      actor_type: c.actor.type,
      actor_id: c.actor.id,
      actor_name: c.actor.name,
      origin: c.origin,
      created_at: c.at,
    });
}

export async function listChanges(db: Db, alertId: string): Promise<AlertChange[]> {
  const rows = await db.selectFrom('alert_changes').selectAll().where('alert_id', '=', alertId).orderBy('id').execute();
  return rows.map((r) => ({
    id: Number(r.id),
    alertId: r.alert_id,
    kind: r.kind,
    field: r.field,
    from: r.from_value === null ? null : (JSON.parse(r.from_value) as unknown),
    to: r.to_value === null ? null : (JSON.parse(r.to_value) as unknown),
    actor: { type: r.actor_type, id: r.actor_id, name: r.actor_name },
    origin: r.origin,
    at: Number(r.created_at),
  }));
}

type CommentRow = { id: string; alert_id: string; author_id: string | null; author_name: string; body: string; origin: string; created_at: number; updated_at: number };
const toComment = (r: CommentRow): Comment => ({
  id: r.id,
  alertId: r.alert_id,
  authorId: r.author_id,
  authorName: r.author_name,
  body: r.body,
  origin: r.origin,
  createdAt: Number(r.created_at),
  updatedAt: Number(r.updated_at),
});

export async function insertComment(db: Db, c: Comment): Promise<void> {
  await db
    .insertInto('alert_comments')
    .values({ id: c.id, alert_id: c.alertId, author_id: c.authorId, author_name: c.authorName, body: c.body, origin: c.origin, created_at: c.createdAt, updated_at: c.updatedAt, deleted_at: null })
    .execute();
}

export async function findComment(db: Db, alertId: string, id: string): Promise<Comment | undefined> {
  const r = await db.selectFrom('alert_comments').selectAll().where('id', '=', id).where('alert_id', '=', alertId).where('deleted_at', 'is', null).executeTakeFirst();
  return r && toComment(r);
}

export async function listComments(db: Db, alertId: string): Promise<Comment[]> {
  const rows = await db.selectFrom('alert_comments').selectAll().where('alert_id', '=', alertId).where('deleted_at', 'is', null).orderBy('created_at').orderBy('id').execute();
  return rows.map(toComment);
}

export async function updateCommentBody(db: Db, id: string, body: string, at: number): Promise<void> {
  await db.updateTable('alert_comments').set({ body, updated_at: at }).where('id', '=', id).execute();
}

export async function markCommentDeleted(db: Db, id: string, at: number): Promise<void> {
  await db.updateTable('alert_comments').set({ deleted_at: at, updated_at: at }).where('id', '=', id).execute();
}
