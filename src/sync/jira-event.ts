// A Jira webhook body (as stored in the inbox) read into what the two-way decisions need (issue
// #12 "Payloads as Jira sends them"): the issue in the v2 representation, user objects that may
// lack an email, changelog items with explicit nulls, comment bodies as wiki markup or ADF. The
// event name is not trusted for what changed: status and assignee come from the changelog items
// and the current fields, a comment from the comment object (whatever the event is called). Only
// a deletion has no other signal than the event name (comment_deleted, or issue_comment_deleted
// as issue_event_type_name). Pure: no I/O.

export interface JiraUserRef {
  accountId: string;
  displayName: string | null;
  /** Absent when the person hides it (Jira privacy settings). */
  email: string | null;
}

export interface JiraEvent {
  issueId: string | null;
  issueKey: string | null;
  /** fields.updated of the issue, epoch ms (null when absent). */
  issueUpdatedAt: number | null;
  /** changelog.id as a number (null when the event has no changelog). */
  changelogId: number | null;
  /** The status the changelog moved the issue to (its name), null when the status did not change. */
  statusTo: string | null;
  /** The assignee after the change when the changelog names one: { accountId: null } = unassigned. */
  assigneeTo: { accountId: string | null; user: JiraUserRef | null } | null;
  comment: { id: string; body: string | object | null; author: JiraUserRef | null; updatedAt: number | null; deleted: boolean } | null;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : typeof v === 'number' ? String(v) : null);
/** A Jira time (epoch ms, or text such as 2026-11-28T09:00:00.000+0000) as epoch ms; null when absent or unreadable. */
export const jiraTime = (v: unknown): number | null => {
  if (typeof v === 'number') return v;
  if (typeof v !== 'string') return null;
  // Jira writes "2026-11-28T09:00:00.000+0000": Date.parse wants a colon in the offset.
  const t = Date.parse(v.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
  return Number.isNaN(t) ? null : t;
};

export function jiraUser(v: unknown): JiraUserRef | null {
  if (!isObject(v)) return null;
  const accountId = str(v.accountId);
  if (accountId === null) return null;
  return { accountId, displayName: str(v.displayName), email: str(v.emailAddress) };
}

export function readJiraEvent(body: unknown): JiraEvent {
  const b = isObject(body) ? body : {};
  const issue = isObject(b.issue) ? b.issue : {};
  const fields = isObject(issue.fields) ? issue.fields : {};
  const changelog = isObject(b.changelog) ? b.changelog : null;
  const items = changelog && Array.isArray(changelog.items) ? changelog.items.filter(isObject) : [];
  const fieldOf = (i: Record<string, unknown>) => (str(i.fieldId) ?? str(i.field) ?? '').toLowerCase();

  let statusTo: string | null = null;
  const statusItem = items.filter((i) => fieldOf(i) === 'status').at(-1);
  if (statusItem) statusTo = str(statusItem.toString) ?? (isObject(fields.status) ? str(fields.status.name) : null);

  let assigneeTo: JiraEvent['assigneeTo'] = null;
  const assigneeItem = items.filter((i) => fieldOf(i) === 'assignee').at(-1);
  if (assigneeItem) {
    // The issue's current assignee is the truth (old Cloud items hold a username in `to`, the
    // account id only in tmpToAccountId); the item is used when the payload has no assignee field.
    const current = jiraUser(fields.assignee);
    const accountId = 'assignee' in fields ? (current?.accountId ?? null) : (str(assigneeItem.tmpToAccountId) ?? str(assigneeItem.to));
    assigneeTo = { accountId, user: accountId !== null && current?.accountId === accountId ? current : accountId !== null ? { accountId, displayName: str(assigneeItem.toString), email: null } : null };
  }

  let comment: JiraEvent['comment'] = null;
  if (isObject(b.comment) && str(b.comment.id) !== null) {
    const c = b.comment;
    const body = typeof c.body === 'string' || isObject(c.body) ? (c.body as string | object) : null;
    const deleted = b.webhookEvent === 'comment_deleted' || b.issue_event_type_name === 'issue_comment_deleted';
    comment = { id: str(c.id)!, body, author: jiraUser(c.author) ?? jiraUser(c.updateAuthor), updatedAt: jiraTime(c.updated), deleted };
  }

  const changelogId = changelog ? Number(str(changelog.id) ?? NaN) : NaN;
  return {
    issueId: str(issue.id),
    issueKey: str(issue.key),
    issueUpdatedAt: jiraTime(fields.updated) ?? (typeof b.timestamp === 'number' ? b.timestamp : null),
    changelogId: Number.isFinite(changelogId) ? changelogId : null,
    statusTo,
    assigneeTo,
    comment,
  };
}
