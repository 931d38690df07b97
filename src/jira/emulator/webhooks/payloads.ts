// Webhook bodies as Jira Cloud delivers them: the issue in the v2 representation (wiki-markup
// description, issue.self as /rest/api/2/<id>), the acting user without an email address,
// changelog items, issue_event_type_name on jira:issue_* events, and a reduced issue with no
// top-level user on comment_* events.
import { ALL_FIELD_IDS, commentJson, issueFields, issueTypeJson, priorityJson, projectRef, statusJson, userJson, userRef, type RenderContext } from '../representation.js';
import type { Comment, Issue, IssueType, Priority } from '../state/model.js';
import type { SiteEvent, SiteStore } from '../state/store.js';

/** Webhook issues carry every field but the comment list (as in real payloads). */
const WEBHOOK_FIELDS = new Set<string>(ALL_FIELD_IDS.filter((f) => f !== 'comment'));

export function webhookEventName(e: SiteEvent): string {
  switch (e.kind) {
    case 'issue_created':
      return 'jira:issue_created';
    case 'issue_updated':
      return 'jira:issue_updated';
    case 'issue_deleted':
      return 'jira:issue_deleted';
    default:
      return e.kind;
  }
}

function ctx(store: SiteStore, base: string): RenderContext {
  return { base, store, viewer: null, version: 2 };
}

function fullIssue(r: RenderContext, issue: Issue): Record<string, unknown> {
  return { id: issue.id, self: `${r.base}/rest/api/2/${issue.id}`, key: issue.key, fields: issueFields(r, issue, WEBHOOK_FIELDS) };
}

function reducedIssue(r: RenderContext, issue: Issue): Record<string, unknown> {
  return {
    id: issue.id,
    self: `${r.base}/rest/api/2/${issue.id}`,
    key: issue.key,
    fields: {
      summary: issue.summary,
      issuetype: issueTypeJson(r, r.store.issueTypes.get(issue.issueTypeId) as IssueType),
      project: projectRef(r, r.store.projectOf(issue)),
      assignee: userRef(r, issue.assigneeId),
      priority: issue.priorityId ? priorityJson(r, r.store.priorities.get(issue.priorityId) as Priority) : null,
      status: statusJson(r, r.store.statusOf(issue)),
    },
  };
}

function webhookComment(r: RenderContext, issue: Issue, c: Comment): Record<string, unknown> {
  return commentJson(r, issue, c);
}

export function buildPayload(e: SiteEvent, store: SiteStore, base: string, at: number): Record<string, unknown> {
  const r = ctx(store, base);
  const user = userJson(r, e.actor);
  switch (e.kind) {
    case 'issue_created':
      return {
        timestamp: at,
        webhookEvent: 'jira:issue_created',
        issue_event_type_name: 'issue_created',
        user,
        issue: fullIssue(r, e.issue),
        changelog: { id: e.changelog.id, items: e.changelog.items.map((i) => ({ ...i })) },
      };
    case 'issue_updated': {
      const out: Record<string, unknown> = {
        timestamp: at,
        webhookEvent: 'jira:issue_updated',
        issue_event_type_name: e.eventTypeName,
        user,
        issue: fullIssue(r, e.issue),
      };
      if (e.changelog) out.changelog = { id: e.changelog.id, items: e.changelog.items.map((i) => ({ ...i })) };
      if (e.comment) out.comment = webhookComment(r, e.issue, e.comment);
      return out;
    }
    case 'issue_deleted':
      return { timestamp: at, webhookEvent: 'jira:issue_deleted', user, issue: fullIssue(r, e.issue) };
    default:
      return { timestamp: at, webhookEvent: e.kind, comment: webhookComment(r, e.issue, e.comment), issue: reducedIssue(r, e.issue) };
  }
}
