// The comment added to the Jira issue with each status change synced from alertsync (issue #11
// "Status"): who changed the status from what to what, in alertsync's own status names.
import type { AlertStatus } from '../alerts/alert.js';
import { oneLineName } from '../jira/format/comment.js';

export function statusChangeCommentText(userName: string, from: AlertStatus, to: AlertStatus): string {
  return `${oneLineName(userName)} changed the status from ${from} to ${to} in alertsync`;
}
