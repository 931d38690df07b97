// Whether a destination's `statusMapping` names statuses that its Jira project has: checked when the
// destination is saved or tested (issue #11, "Jira lists for the setup"). Pure: the caller fetches
// the project's status names. An unknown name is a warning, never a refusal: the workflow may gain
// the status later, and a mapping is still saved while Jira cannot be reached. Names are compared
// trimmed and case-insensitively, as the sync compares them (src/sync/status-mapping.ts).
import { STATUSES } from '../alerts/alert.js';
import type { StatusMapping } from './destination.js';

const key = (name: string) => name.trim().toLowerCase();

/** True when the mapping names no Jira status at all (nothing to check). */
export function mappingIsEmpty(mapping: StatusMapping): boolean {
  return STATUSES.every((s) => mapping[s] === null);
}

/** One warning per alert status whose mapped name is not a status of the project. */
export function statusMappingWarnings(mapping: StatusMapping, projectKey: string, projectStatusNames: readonly string[]): string[] {
  const known = new Set(projectStatusNames.map(key));
  const sample = [...new Set(projectStatusNames)].slice(0, 20).join(', ');
  const out: string[] = [];
  for (const s of STATUSES) {
    const name = mapping[s];
    if (name === null || known.has(key(name))) continue;
    out.push(`statusMapping.${s}: "${name}" is not a status of Jira project ${projectKey} (its statuses: ${sample || 'none'}); status sync to ${s} will fail until the workflow has it`);
  }
  return out;
}

/** The warning when the statuses could not be read (Jira unreachable, refused, …). */
export function statusCheckFailedWarning(projectKey: string, reason: string): string {
  return `statusMapping could not be checked against the statuses of Jira project ${projectKey}: ${reason}`;
}
