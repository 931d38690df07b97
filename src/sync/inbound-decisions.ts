// What a Jira webhook event would change on its alert (issue #12 "What is applied" and "order"):
// pure, from the event (src/sync/jira-event.ts), the destination's sync modes and statusMapping,
// the alert's current values and what was last applied to each field of the link. The worker
// that carries these intents out is not built yet (docs/sync.md).
//  - Status: the changelog's new status through statusMapping (src/sync/status-mapping.ts); an
//    unmapped status or one that already means the alert's status changes nothing (reason kept).
//  - Assignee: the manual mapping (Jira account id → alertsync user) wins, else the email from the
//    payload, else an intent to look the account up (the payload hides the email); unassigned in
//    Jira unassigns the alert.
//  - Comments: keyed by the Jira comment id, whatever the event is called: unknown id → create,
//    known id → edit (only when newer than what was applied), deleted → delete (only if known).
//    The text is `[<display name>] commented on Jira:` + the body in Markdown (jiraCommentForAlert).
//  - Order: an event not newer than the last one applied to that field of that link (by the
//    issue's `updated`, then the changelog id) is dropped.
//  - Echoes of our own writes: not decided here; see isOwnWrite in the input (hook for the
//    one-way sync, which records what it writes).
import type { AlertStatus } from '../alerts/alert.js';
import type { StatusMapping, SyncAspect, SyncMode } from '../destinations/destination.js';
import { alertStatusForJiraStatus } from './status-mapping.js';
import { jiraCommentForAlert } from '../jira/format/comment.js';
import type { JiraEvent } from './jira-event.js';

/** The position of the last change applied to one field of one link. */
export interface AppliedMark {
  updatedAt: number;
  changelogId: number | null;
}

export interface InboundContext {
  sync: Record<SyncAspect, SyncMode>;
  statusMapping: StatusMapping;
  alertStatus: AlertStatus;
  /** Email of the alert's current assignee (null = unassigned). */
  alertAssigneeEmail: string | null;
  lastApplied: { status: AppliedMark | null; assignee: AppliedMark | null };
  /** Jira comment id → the `updated` time of its version last applied to the alert comment. */
  knownComments: ReadonlyMap<string, number>;
  /** Manual mapping: Jira account id → alertsync user id (wins over email). */
  accountToUser: ReadonlyMap<string, string>;
  /** Echo hook: true when this aspect's change is alertsync's own write coming back (always false until one-way sync records its writes). */
  isOwnWrite: (aspect: SyncAspect) => boolean;
}

export type InboundIntent =
  | { kind: 'set_status'; status: AlertStatus }
  | { kind: 'assign_user'; userId: string }
  | { kind: 'assign_by_email'; email: string }
  | { kind: 'lookup_account'; accountId: string }
  | { kind: 'unassign' }
  | { kind: 'comment_create'; jiraCommentId: string; markdown: string }
  | { kind: 'comment_edit'; jiraCommentId: string; markdown: string }
  | { kind: 'comment_delete'; jiraCommentId: string };

export interface InboundDecision {
  intents: InboundIntent[];
  /** Why a part of the event changes nothing (for the log). */
  skipped: string[];
}

/** True when the event is not newer than the last change applied to that field. */
export function isStale(event: { issueUpdatedAt: number | null; changelogId: number | null }, last: AppliedMark | null): boolean {
  if (last === null || event.issueUpdatedAt === null) return false;
  if (event.issueUpdatedAt !== last.updatedAt) return event.issueUpdatedAt < last.updatedAt;
  if (event.changelogId === null || last.changelogId === null) return true;
  return event.changelogId <= last.changelogId;
}

export function decideInbound(e: JiraEvent, ctx: InboundContext): InboundDecision {
  const intents: InboundIntent[] = [];
  const skipped: string[] = [];

  if (e.statusTo !== null) {
    if (ctx.sync.status !== 'two_way') skipped.push('status: not synced two-way');
    else if (ctx.isOwnWrite('status')) skipped.push('status: our own write coming back');
    else if (isStale(e, ctx.lastApplied.status)) skipped.push('status: older than the last status applied from this issue');
    else {
      const s = alertStatusForJiraStatus(ctx.statusMapping, e.statusTo, ctx.alertStatus);
      if (s.kind === 'set' && s.status !== ctx.alertStatus) intents.push({ kind: 'set_status', status: s.status });
      else skipped.push(`status: ${s.kind === 'set' ? `already ${s.status}` : s.reason}`);
    }
  }

  if (e.assigneeTo !== null) {
    const a = e.assigneeTo;
    if (ctx.sync.assignee !== 'two_way') skipped.push('assignee: not synced two-way');
    else if (ctx.isOwnWrite('assignee')) skipped.push('assignee: our own write coming back');
    else if (isStale(e, ctx.lastApplied.assignee)) skipped.push('assignee: older than the last assignee applied from this issue');
    else if (a.accountId === null) {
      if (ctx.alertAssigneeEmail === null) skipped.push('assignee: already unassigned');
      else intents.push({ kind: 'unassign' });
    } else if (ctx.accountToUser.has(a.accountId)) intents.push({ kind: 'assign_user', userId: ctx.accountToUser.get(a.accountId)! });
    else if (a.user?.email) {
      if (ctx.alertAssigneeEmail !== null && ctx.alertAssigneeEmail.toLowerCase() === a.user.email.toLowerCase()) skipped.push('assignee: already that user');
      else intents.push({ kind: 'assign_by_email', email: a.user.email });
    } else intents.push({ kind: 'lookup_account', accountId: a.accountId });
  }

  const c = e.comment;
  if (c !== null) {
    const known = ctx.knownComments.get(c.id);
    if (ctx.sync.comments !== 'two_way') skipped.push('comments: not synced two-way');
    else if (ctx.isOwnWrite('comments')) skipped.push('comments: our own comment coming back');
    else if (c.deleted) {
      if (known === undefined) skipped.push(`comment ${c.id}: deleted, but never carried to the alert`);
      else intents.push({ kind: 'comment_delete', jiraCommentId: c.id });
    } else {
      const markdown = jiraCommentForAlert(c.author?.displayName ?? c.author?.accountId ?? 'Unknown Jira user', c.body);
      if (known === undefined) intents.push({ kind: 'comment_create', jiraCommentId: c.id, markdown });
      else if (c.updatedAt !== null && c.updatedAt > known) intents.push({ kind: 'comment_edit', jiraCommentId: c.id, markdown });
      else skipped.push(`comment ${c.id}: this version was already applied`);
    }
  }
  return { intents, skipped };
}
