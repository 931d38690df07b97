// What an alert becomes in Jira, in alertsync's terms (pure): summary and description from the
// format module (src/jira/description.ts); the client turns the rest into Jira's fields.
import type { Alert } from '../alerts/alert.js';
import type { Destination } from '../destinations/destination.js';
import type { NewIssue } from '../jira/client/index.js';
import { buildIssueDescription, buildIssueSummary } from '../jira/description.js';
import { lookupLabels } from './job.js';

export function labelsAndPriority(alert: Pick<Alert, 'severity'>, d: Destination): { labels: string[]; priority: string | null } {
  const p = d.issueProperties;
  return p.bySeverity ? p.perSeverity[alert.severity] : p.global;
}

export function buildNewIssue(
  alert: Pick<Alert, 'id' | 'title' | 'description' | 'severity' | 'type' | 'ruleId' | 'runbook' | 'tags' | 'context'>,
  d: Destination,
  opts: { publicUrl: string; lookup: boolean; linkPath?: string },
): NewIssue {
  const { labels, priority } = labelsAndPriority(alert, d);
  return {
    projectKey: d.projectKey,
    issueType: d.issueType,
    summary: buildIssueSummary(alert.title),
    // Only ADF (REST v3) is built, once; the document measured against Jira's limit is the one sent.
    description: buildIssueDescription(
      { alertId: alert.id, title: alert.title, description: alert.description, severity: alert.severity, type: alert.type, ruleId: alert.ruleId, runbook: alert.runbook, tags: alert.tags, context: alert.context },
      { publicUrl: opts.publicUrl, format: 'adf', ...(opts.linkPath === undefined ? {} : { linkPath: opts.linkPath }) },
    ).adf,
    labels: [...new Set([...labels, ...(opts.lookup ? lookupLabels(alert.id, d.id) : [])])],
    priority,
    assigneeAccountId: d.issueProperties.assigneeAccountId ?? null,
  };
}
