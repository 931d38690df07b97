// Whether a verified Jira webhook event is kept for the worker or acknowledged and ignored (issue
// #12), and why. Pure: the caller has already looked up whether an alert link names the issue.
// The event name is not trusted: what the event touches is read from the changelog items and
// from the comment it carries.
import type { SyncAspect, SyncMode } from '../destinations/destination.js';

export interface EventSummary {
  issueId: string | null;
  issueKey: string | null;
  /** The aspects this event may change: status/assignee from changelog items, comments from a comment object. */
  aspects: SyncAspect[];
}

export type Admission = { state: 'pending'; aspects: SyncAspect[] } | { state: 'ignored'; reason: string };

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const idOf = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : typeof v === 'number' ? String(v) : null);

/** Reads the issue and the touched aspects from a parsed webhook body (anything JSON). */
export function summarizeJiraEvent(body: unknown): EventSummary {
  if (!isObject(body)) return { issueId: null, issueKey: null, aspects: [] };
  const issue = isObject(body.issue) ? body.issue : null;
  const aspects = new Set<SyncAspect>();
  const changelog = isObject(body.changelog) ? body.changelog : null;
  const items = changelog && Array.isArray(changelog.items) ? changelog.items : [];
  for (const item of items) {
    if (!isObject(item)) continue;
    const field = typeof item.fieldId === 'string' ? item.fieldId : typeof item.field === 'string' ? item.field.toLowerCase() : '';
    if (field === 'status') aspects.add('status');
    if (field === 'assignee') aspects.add('assignee');
  }
  if (isObject(body.comment) && idOf(body.comment.id) !== null) aspects.add('comments');
  return { issueId: issue ? idOf(issue.id) : null, issueKey: issue && typeof issue.key === 'string' ? issue.key : null, aspects: [...aspects] };
}

export function admitJiraEvent(summary: EventSummary, sync: Record<SyncAspect, SyncMode>, linked: boolean): Admission {
  if (summary.issueId === null && summary.issueKey === null) return { state: 'ignored', reason: 'the event names no issue' };
  if (!linked) return { state: 'ignored', reason: `issue ${summary.issueKey ?? summary.issueId} was not created by alertsync for this destination` };
  if (summary.aspects.length === 0) return { state: 'ignored', reason: 'the event changes no synced field (status, assignee, comments)' };
  const twoWay = summary.aspects.filter((a) => sync[a] === 'two_way');
  if (twoWay.length === 0) return { state: 'ignored', reason: `${summary.aspects.join(', ')} ${summary.aspects.length === 1 ? 'is' : 'are'} not synced two-way on this destination` };
  return { state: 'pending', aspects: twoWay };
}
