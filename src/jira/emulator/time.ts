// Jira Cloud's REST timestamp format: 2019-02-15T19:11:18.321-0800 (offset without a colon).
// The emulated site runs in UTC, so every timestamp ends in +0000.
export function jiraTime(d: Date): string {
  return d.toISOString().replace('Z', '+0000');
}

/** Jira's date-only form, used for resolutiondate-free fields such as duedate. */
export function jiraDate(d: Date): string {
  return d.toISOString().slice(0, 10);
}
