// What a Jira change would change on its alert (issue #12 "What is applied", "No loops, and
// order"): pure, from the event (src/sync/jira-event.ts), the destination's sync modes and
// statusMapping, the alert's current values, what alertsync last wrote to the issue and what was
// last applied from it. The worker step that carries the intents out is
// src/delivery/handlers/apply-jira-event.ts.
//  - Order: an event not newer than the last one applied to that field of that link (by the
//    issue's `updated`, then the changelog id) is dropped.
//  - Our own writes: an event that sets the value alertsync last wrote to that field, no later
//    than that write, is its echo and is dropped. Once alertsync has written a field of the issue,
//    any other event of that field is decided on the issue's current value, read from Jira
//    (`check_status` / `check_assignee`, then decideCurrentStatus / decideCurrentAssignee): if
//    Jira still holds our last write, a Jira change older than that write (or an intermediate
//    status of our own workflow walk) changes nothing; otherwise the current Jira value is applied.
//    So the last writer in Jira wins, whatever the order the webhooks arrive in, and our own
//    writes never come back to the alert.
//  - Status: the Jira status through statusMapping (src/sync/status-mapping.ts); an unmapped status
//    or one that already means the alert's status changes nothing (reason kept).
//  - Assignee: the manual mapping (Jira account id → alertsync user) wins, else the email of the
//    account, else the account is looked up (the payload hides the email); unassigned in Jira
//    unassigns the alert.
//  - Comments: keyed by the Jira comment id, whatever the event is called. A comment alertsync
//    posted (one-way sync) is ours: dropped. Unknown id → create, known id → edit (only when newer
//    than what was applied), deleted → delete (only if known). The text is
//    `[<display name>] commented on Jira:` + the body in Markdown (jiraCommentForAlert).
import type { AlertStatus } from '../alerts/alert.js';
import type { StatusMapping, SyncAspect, SyncMode } from '../destinations/destination.js';
import { alertStatusForJiraStatus } from './status-mapping.js';
import { jiraCommentForAlert } from '../jira/format/comment.js';
import type { JiraEvent, JiraUserRef } from './jira-event.js';

/** The position of the last change applied to one field of one link. */
export interface AppliedMark {
  updatedAt: number;
  changelogId: number | null;
}

/** What alertsync last wrote to a field of the issue (status name; assignee account id, '' = none) and when the write ended. */
export interface WrittenValue {
  value: string;
  at: number;
}

export interface InboundContext {
  sync: Record<SyncAspect, SyncMode>;
  statusMapping: StatusMapping;
  alertStatus: AlertStatus;
  /** The alert's current assignee (alertsync user id, null = unassigned). */
  alertAssigneeId: string | null;
  /** Email of the alert's current assignee (null = unassigned). */
  alertAssigneeEmail: string | null;
  lastApplied: { status: AppliedMark | null; assignee: AppliedMark | null };
  written: { status: WrittenValue | null; assignee: WrittenValue | null };
  /** Jira comment id → the `updated` time of its version last applied to the alert comment. */
  knownComments: ReadonlyMap<string, number>;
  /** Jira comment ids alertsync posted on this issue (alert comments and status comments). */
  ownComments: ReadonlySet<string>;
  /** Manual mapping: Jira account id → alertsync user id (wins over email). */
  accountToUser: ReadonlyMap<string, string>;
}

export type InboundIntent =
  | { kind: 'set_status'; status: AlertStatus }
  | { kind: 'check_status' }
  | { kind: 'assign_user'; userId: string }
  | { kind: 'assign_by_email'; email: string }
  | { kind: 'lookup_account'; accountId: string }
  | { kind: 'check_assignee' }
  | { kind: 'unassign' }
  | { kind: 'comment_create'; jiraCommentId: string; markdown: string; jiraUpdatedAt: number }
  | { kind: 'comment_edit'; jiraCommentId: string; markdown: string; jiraUpdatedAt: number }
  | { kind: 'comment_delete'; jiraCommentId: string };

export interface InboundDecision {
  intents: InboundIntent[];
  /** Why a part of the event changes nothing (for the log and the inbox row). */
  skipped: string[];
  /** Fields whose position (issue `updated`, changelog id) moves forward with this event. */
  marks: Array<'status' | 'assignee'>;
}

const key = (s: string) => s.trim().toLowerCase();

/** True when the event is not newer than the last change applied to that field. */
export function isStale(event: { issueUpdatedAt: number | null; changelogId: number | null }, last: AppliedMark | null): boolean {
  if (last === null || event.issueUpdatedAt === null) return false;
  if (event.issueUpdatedAt !== last.updatedAt) return event.issueUpdatedAt < last.updatedAt;
  if (event.changelogId === null || last.changelogId === null) return true;
  return event.changelogId <= last.changelogId;
}

/** The echo of our own last write: the same value, no later than the write ended. */
function isEcho(value: string, updatedAt: number | null, written: WrittenValue | null): boolean {
  return written !== null && key(written.value) === key(value) && (updatedAt === null || updatedAt <= written.at);
}

/** Status from a Jira status name, when no write of ours can be involved. */
function statusIntent(jiraStatus: string, ctx: InboundContext, out: InboundDecision): void {
  const s = alertStatusForJiraStatus(ctx.statusMapping, jiraStatus, ctx.alertStatus);
  if (s.kind === 'set' && s.status !== ctx.alertStatus) out.intents.push({ kind: 'set_status', status: s.status });
  else out.skipped.push(`status: ${s.kind === 'set' ? `already ${s.status}` : s.reason}`);
}

/** Assignee from a Jira account (null = unassigned); `user` carries the email when Jira shows it. */
export function assigneeIntent(accountId: string | null, user: JiraUserRef | null, ctx: Pick<InboundContext, 'alertAssigneeId' | 'alertAssigneeEmail' | 'accountToUser'>): { intent: InboundIntent | null; skipped: string | null } {
  if (accountId === null) return ctx.alertAssigneeId === null ? { intent: null, skipped: 'assignee: already unassigned' } : { intent: { kind: 'unassign' }, skipped: null };
  const mapped = ctx.accountToUser.get(accountId);
  if (mapped !== undefined) return mapped === ctx.alertAssigneeId ? { intent: null, skipped: 'assignee: already that user' } : { intent: { kind: 'assign_user', userId: mapped }, skipped: null };
  if (user?.email) {
    if (ctx.alertAssigneeEmail !== null && key(ctx.alertAssigneeEmail) === key(user.email)) return { intent: null, skipped: 'assignee: already that user' };
    return { intent: { kind: 'assign_by_email', email: user.email }, skipped: null };
  }
  return { intent: { kind: 'lookup_account', accountId }, skipped: null };
}

export function decideInbound(e: JiraEvent, ctx: InboundContext): InboundDecision {
  const out: InboundDecision = { intents: [], skipped: [], marks: [] };

  if (e.statusTo !== null) {
    if (ctx.sync.status !== 'two_way') out.skipped.push('status: not synced two-way');
    else if (isStale(e, ctx.lastApplied.status)) out.skipped.push('status: older than the last status applied from this issue');
    else {
      out.marks.push('status');
      if (isEcho(e.statusTo, e.issueUpdatedAt, ctx.written.status)) out.skipped.push('status: our own write coming back');
      else if (ctx.written.status !== null) out.intents.push({ kind: 'check_status' });
      else statusIntent(e.statusTo, ctx, out);
    }
  }

  if (e.assigneeTo !== null) {
    const a = e.assigneeTo;
    if (ctx.sync.assignee !== 'two_way') out.skipped.push('assignee: not synced two-way');
    else if (isStale(e, ctx.lastApplied.assignee)) out.skipped.push('assignee: older than the last assignee applied from this issue');
    else {
      out.marks.push('assignee');
      if (isEcho(a.accountId ?? '', e.issueUpdatedAt, ctx.written.assignee)) out.skipped.push('assignee: our own write coming back');
      else if (ctx.written.assignee !== null) out.intents.push({ kind: 'check_assignee' });
      else {
        const r = assigneeIntent(a.accountId, a.user, ctx);
        if (r.intent) out.intents.push(r.intent);
        if (r.skipped) out.skipped.push(r.skipped);
      }
    }
  }

  const c = e.comment;
  if (c !== null) {
    const known = ctx.knownComments.get(c.id);
    if (ctx.sync.comments !== 'two_way') out.skipped.push('comments: not synced two-way');
    else if (ctx.ownComments.has(c.id)) out.skipped.push(`comment ${c.id}: posted by alertsync`);
    else if (c.deleted) {
      if (known === undefined) out.skipped.push(`comment ${c.id}: deleted, but never carried to the alert`);
      else out.intents.push({ kind: 'comment_delete', jiraCommentId: c.id });
    } else {
      const markdown = jiraCommentForAlert(c.author?.displayName ?? c.author?.accountId ?? 'Unknown Jira user', c.body);
      const at = c.updatedAt ?? e.issueUpdatedAt ?? 0;
      if (known === undefined) out.intents.push({ kind: 'comment_create', jiraCommentId: c.id, markdown, jiraUpdatedAt: at });
      else if (c.updatedAt !== null && c.updatedAt > known) out.intents.push({ kind: 'comment_edit', jiraCommentId: c.id, markdown, jiraUpdatedAt: at });
      else out.skipped.push(`comment ${c.id}: this version was already applied`);
    }
  }
  return out;
}

/** After check_status: the issue's current status decides (Jira still holding our write changes nothing). */
export function decideCurrentStatus(current: string, ctx: Pick<InboundContext, 'statusMapping' | 'alertStatus' | 'written'>): { intent: InboundIntent | null; skipped: string | null } {
  if (ctx.written.status !== null && key(ctx.written.status.value) === key(current)) {
    return { intent: null, skipped: `status: Jira still shows "${current}", alertsync's last write (the event was older, or our own)` };
  }
  const out: InboundDecision = { intents: [], skipped: [], marks: [] };
  statusIntent(current, { ...ctx } as InboundContext, out);
  return { intent: out.intents[0] ?? null, skipped: out.skipped[0] ?? null };
}

/** After check_assignee: the issue's current assignee decides. */
export function decideCurrentAssignee(
  current: JiraUserRef | null,
  ctx: Pick<InboundContext, 'written' | 'alertAssigneeId' | 'alertAssigneeEmail' | 'accountToUser'>,
): { intent: InboundIntent | null; skipped: string | null } {
  const id = current?.accountId ?? null;
  if (ctx.written.assignee !== null && ctx.written.assignee.value === (id ?? '')) {
    return { intent: null, skipped: "assignee: Jira still shows alertsync's last write (the event was older, or our own)" };
  }
  return assigneeIntent(id, current, ctx);
}
