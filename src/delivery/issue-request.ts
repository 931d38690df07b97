// What an alert becomes in Jira: the create-issue fields for a destination (pure).
import type { Alert } from '../alerts/alert.js';
import type { Destination } from '../destinations/destination.js';
import { buildIssueDescription, buildIssueSummary } from '../jira/description.js';
import type { CreateIssueFields } from '../jira/client/index.js';
import { lookupLabels } from './job.js';

export function labelsAndPriority(alert: Pick<Alert, 'severity'>, d: Destination): { labels: string[]; priority: string | null } {
  const p = d.issueProperties;
  return p.bySeverity ? p.perSeverity[alert.severity] : p.global;
}

export function buildCreateIssueFields(
  alert: Pick<Alert, 'id' | 'title' | 'description' | 'severity' | 'type' | 'ruleId' | 'runbook' | 'tags' | 'context'>,
  d: Destination,
  opts: { publicUrl: string; lookup: boolean; linkPath?: string },
): CreateIssueFields {
  const { labels, priority } = labelsAndPriority(alert, d);
  const { adf } = buildIssueDescription(
    {
      alertId: alert.id,
      title: alert.title,
      description: alert.description,
      severity: alert.severity,
      type: alert.type,
      ruleId: alert.ruleId,
      runbook: alert.runbook,
      tags: alert.tags,
      context: alert.context,
    },
    { publicUrl: opts.publicUrl, ...(opts.linkPath === undefined ? {} : { linkPath: opts.linkPath }) },
  );
  const allLabels = [...new Set([...labels, ...(opts.lookup ? lookupLabels(alert.id, d.id) : [])])];
  const fields: CreateIssueFields = {
    project: { key: d.projectKey },
    issuetype: { name: d.issueType },
    summary: buildIssueSummary(alert.title),
    description: adf as CreateIssueFields['description'],
  };
  if (allLabels.length) fields.labels = allLabels;
  if (priority) fields.priority = { name: priority };
  if (d.issueProperties.assigneeAccountId) fields.assignee = { accountId: d.issueProperties.assigneeAccountId };
  return fields;
}
