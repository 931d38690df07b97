// alertsync's terms → Jira's wire format for creating issues and searching them (REST v3):
// field ids, the ADF description, JQL string literals. Only the client uses this module.
import { buildIssueDescription, buildIssueSummary } from '../description.js';
import type { CreateIssueFields, NewIssue } from './types.js';

export function issueFields(issue: NewIssue): CreateIssueFields {
  // Only ADF is built (REST v3), once, and measured against Jira's limit once when it fits.
  const { adf } = buildIssueDescription(issue.description.alert, { publicUrl: issue.description.publicUrl, format: 'adf' });
  const fields: CreateIssueFields = {
    project: { key: issue.projectKey },
    issuetype: { name: issue.issueType },
    summary: buildIssueSummary(issue.summary),
    description: adf,
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
