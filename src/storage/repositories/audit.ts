import type { Db } from './users.js';
import type { Actor } from '../../users/user.js';

export interface AuditEntry {
  id: number;
  at: number;
  actor: { id: string | null; name: string };
  action: string;
  targetType: string;
  targetId: string | null;
  details: Record<string, unknown>;
}

export async function recordAudit(
  db: Db,
  e: { at: number; actor: Actor; action: string; targetType: string; targetId: string | null; details?: Record<string, unknown> },
): Promise<void> {
  await db
    .insertInto('audit_log')
    .values({
      at: e.at,
      actor_id: e.actor.id,
      actor_name: e.actor.name,
      action: e.action,
      target_type: e.targetType,
      target_id: e.targetId,
      details: JSON.stringify(e.details ?? {}),
    })
    .execute();
}

export async function listAudit(
  db: Db,
  q: { before?: number; limit: number; action?: string; targetId?: string },
): Promise<AuditEntry[]> {
  let query = db.selectFrom('audit_log').selectAll().orderBy('id', 'desc').limit(q.limit);
  if (q.before !== undefined) query = query.where('id', '<', q.before);
  if (q.action) query = query.where('action', '=', q.action);
  if (q.targetId) query = query.where('target_id', '=', q.targetId);
  const rows = await query.execute();
  return rows.map((r) => ({
    id: Number(r.id),
    at: Number(r.at),
    actor: { id: r.actor_id, name: r.actor_name },
    action: r.action,
    targetType: r.target_type,
    targetId: r.target_id,
    details: JSON.parse(r.details) as Record<string, unknown>,
  }));
}
