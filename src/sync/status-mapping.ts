// The way back for status (issue #12 "What is applied"): which alert status a Jira status means,
// through the destination's `statusMapping` (alert status → Jira status name).
//
// The rule when several alert statuses map to the same Jira status: if the alert's current status
// is one of them, the alert is left as it is (the Jira status already means it); otherwise the
// first of them in the order OPEN, TRIAGED, RESOLVED, CLOSED, i.e. the least final state, so an
// issue moved to a shared "Done" marks the alert RESOLVED and never closes it by surprise.
// Jira status names are compared trimmed and case-insensitively (Jira's names are unique that way).
// An unmapped Jira status leaves the alert as it is; the reason is for the log.
import { STATUSES, type AlertStatus } from '../alerts/alert.js';
import type { StatusMapping } from '../destinations/destination.js';

export type StatusFromJira =
  | { kind: 'set'; status: AlertStatus }
  | { kind: 'unchanged'; reason: string }
  | { kind: 'unmapped'; reason: string };

const key = (name: string) => name.trim().toLowerCase();

export function alertStatusForJiraStatus(mapping: StatusMapping, jiraStatus: string, current: AlertStatus): StatusFromJira {
  const candidates = STATUSES.filter((s) => mapping[s] !== null && key(mapping[s]!) === key(jiraStatus));
  if (candidates.length === 0) {
    return { kind: 'unmapped', reason: `the Jira status "${jiraStatus}" is not in the destination's statusMapping; the alert keeps ${current}` };
  }
  if (candidates.includes(current)) return { kind: 'unchanged', reason: `the Jira status "${jiraStatus}" already means ${current}` };
  return { kind: 'set', status: candidates[0]! };
}
