// alertsync's terms → Jira's wire format for creating, searching and commenting issues (REST v3):
// field ids, JQL string literals, the ADF of a plain comment. Only the client uses this module.
import type { AdfDocument, CreateIssueFields, NewIssue } from './types.js';

export function issueFields(issue: NewIssue): CreateIssueFields {
  const fields: CreateIssueFields = {
    project: { key: issue.projectKey },
    issuetype: { name: issue.issueType },
    summary: issue.summary,
    description: issue.description,
  };
  if (issue.labels.length > 0) fields.labels = [...new Set(issue.labels)];
  if (issue.priority) fields.priority = { name: issue.priority };
  if (issue.assigneeAccountId) fields.assignee = { accountId: issue.assigneeAccountId };
  return fields;
}

/** A JQL string literal: double quotes, with backslash and double quote escaped. */
export function jqlString(s: string): string {
  return `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** One paragraph of plain text as an ADF document (comments the client writes itself). */
export function plainTextDoc(text: string): AdfDocument {
  return { type: 'doc', version: 1, content: [{ type: 'paragraph', content: [{ type: 'text', text }] } as { type: string }] };
}
