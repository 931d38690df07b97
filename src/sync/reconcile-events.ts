// What the reconciler feeds to the inbox for one issue (pure): events in the shape of Jira's
// webhooks, built from the issue's current state, only for what differs from the alert side:
//  - status: when the current Jira status is not what alertsync last wrote and its mapping
//    (status-mapping.ts) would change the alert;
//  - assignee: when the current assignee is not what alertsync last wrote (the apply step decides
//    whether it is already the alert's assignee);
//  - comments: a comment alertsync did not post and never applied, or applied in an older version;
//    a comment once applied that Jira no longer lists is fed as deleted.
// The events carry no timestamp of their own: the same state gives the same body (and the inbox
// drops it as a duplicate).
import type { AlertStatus } from '../alerts/alert.js';
import type { Destination } from '../destinations/destination.js';
import type { JiraComment, JiraIssue } from '../jira/client/index.js';
import type { WrittenValue } from './inbound-decisions.js';
import { alertStatusForJiraStatus } from './status-mapping.js';
import { jiraTime } from './jira-event.js';

export interface ReconcileInput {
  destination: Pick<Destination, 'sync' | 'statusMapping'>;
  issue: JiraIssue;
  /** The issue's comments (null when comments are not synced two-way). */
  comments: JiraComment[] | null;
  alertStatus: AlertStatus;
  written: { status: WrittenValue | null; assignee: WrittenValue | null };
  inboundComments: ReadonlyMap<string, { jiraUpdatedAt: number; deleted: boolean }>;
  ownComments: ReadonlySet<string>;
}

const key = (s: string) => s.trim().toLowerCase();

export function reconcileEvents(r: ReconcileInput): Record<string, unknown>[] {
  const { issue, destination: d } = r;
  const ref = { id: issue.id, key: issue.key };
  const out: Record<string, unknown>[] = [];
  const items: Record<string, unknown>[] = [];
  const status = issue.status?.name ?? null;
  if (d.sync.status === 'two_way' && status !== null && !(r.written.status && key(r.written.status.value) === key(status))) {
    if (alertStatusForJiraStatus(d.statusMapping, status, r.alertStatus).kind === 'set') items.push({ field: 'status', fieldtype: 'jira', fieldId: 'status', from: null, fromString: null, to: issue.status?.id ?? null, toString: status });
  }
  const assignee = issue.assignee ?? null;
  if (d.sync.assignee === 'two_way' && !(r.written.assignee && r.written.assignee.value === (assignee?.accountId ?? ''))) {
    items.push({ field: 'assignee', fieldtype: 'jira', fieldId: 'assignee', from: null, fromString: null, to: assignee?.accountId ?? null, toString: assignee?.displayName ?? null });
  }
  if (items.length > 0) {
    out.push({
      webhookEvent: 'alertsync:reconcile',
      issue: { ...ref, fields: { status: issue.status ? { name: status } : null, assignee: assignee ? { accountId: assignee.accountId, displayName: assignee.displayName, emailAddress: assignee.emailAddress } : null, updated: issue.updated ?? null } },
      changelog: { id: null, items },
    });
  }
  if (r.comments !== null) {
    const listed = new Set<string>();
    for (const c of r.comments) {
      listed.add(c.id);
      if (r.ownComments.has(c.id)) continue;
      const known = r.inboundComments.get(c.id);
      const updated = jiraTime(c.updated);
      if (known && (known.deleted || updated === null || updated <= known.jiraUpdatedAt)) continue;
      out.push({
        webhookEvent: 'alertsync:reconcile',
        issue: { ...ref, fields: {} },
        comment: { id: c.id, body: c.body, author: c.author ? { accountId: c.author.accountId, displayName: c.author.displayName } : null, updated: c.updated },
      });
    }
    for (const [id, known] of r.inboundComments) {
      if (!known.deleted && !listed.has(id)) out.push({ webhookEvent: 'comment_deleted', issue: { ...ref, fields: {} }, comment: { id } });
    }
  }
  return out;
}
