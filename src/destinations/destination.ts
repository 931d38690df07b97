// The Jira Cloud destination: every field of the spec's form and pages (docs/destinations.md).
// Pure domain code: no HTTP, no SQL, no Jira wire format. Secrets (API token, webhook secret)
// are not part of this type: they live sealed in storage and are reached through the service.
import { invalid } from '../errors.js';
import { ALERT_TYPES, SEVERITIES, STATUSES, type AlertStatus, type AlertType, type Severity } from '../alerts/alert.js';

export const SYNC_MODES = ['off', 'one_way', 'two_way'] as const;
export type SyncMode = (typeof SYNC_MODES)[number];
export const SYNC_ASPECTS = ['status', 'assignee', 'comments'] as const;
export type SyncAspect = (typeof SYNC_ASPECTS)[number];

export const PROJECT_KEY_PATTERN = /^[A-Z][A-Z0-9_]{1,9}$/;
/** Jira labels cannot contain spaces (any whitespace) and are at most 255 characters. */
export const LABEL_PATTERN = /^\S{1,255}$/;

export interface LabelsAndPriority {
  labels: string[];
  priority: string | null;
}

export interface IssueProperties {
  assigneeAccountId: string | null;
  /** true: labels and priority per severity; false: `global` for every issue. */
  bySeverity: boolean;
  global: LabelsAndPriority;
  perSeverity: Record<Severity, LabelsAndPriority>;
}

export type StatusMapping = Record<AlertStatus, string | null>;

export interface Destination {
  id: string;
  kind: 'jira_cloud';
  name: string;
  /** Normalised origin, e.g. https://acme.atlassian.net */
  domain: string;
  /** Lower-case host[:port] of the domain: the "Jira site" of the configuration rules. */
  siteHost: string;
  projectKey: string;
  issueType: string;
  email: string;
  /** Routing filter; each list empty = all. */
  severities: Severity[];
  alertTypes: AlertType[];
  logTypes: string[];
  manualDispatch: boolean;
  sync: Record<SyncAspect, SyncMode>;
  issueProperties: IssueProperties;
  statusMapping: StatusMapping;
  /**
   * The resolution status sync fills when a transition screen requires one, by name or id; null =
   * Jira's "Done" resolution, else the first one the screen offers (src/sync/resolution.ts).
   */
  statusResolution: string | null;
  enabled: boolean;
  hasWebhookSecret: boolean;
  lastError: string | null;
  createdAt: number;
  updatedAt: number;
}

export function emptyLabelsAndPriority(): LabelsAndPriority {
  return { labels: [], priority: null };
}

export function defaultIssueProperties(): IssueProperties {
  const perSeverity = {} as Record<Severity, LabelsAndPriority>;
  for (const s of SEVERITIES) perSeverity[s] = emptyLabelsAndPriority();
  return { assigneeAccountId: null, bySeverity: false, global: emptyLabelsAndPriority(), perSeverity };
}

export function defaultStatusMapping(): StatusMapping {
  return { OPEN: null, TRIAGED: null, RESOLVED: null, CLOSED: null };
}

export function isTwoWay(sync: Record<SyncAspect, SyncMode>): boolean {
  return SYNC_ASPECTS.some((a) => sync[a] === 'two_way');
}

function checkLabels(where: string, labels: string[]): void {
  for (const l of labels) {
    if (!LABEL_PATTERN.test(l)) throw invalid('invalid_label', `${where}: label ${JSON.stringify(l.slice(0, 60))} is not a Jira label (no spaces, 1 to 255 characters)`);
  }
  if (new Set(labels).size !== labels.length) throw invalid('invalid_label', `${where}: labels must not repeat`);
}

function unique<T>(where: string, values: readonly T[]): void {
  if (new Set(values).size !== values.length) throw invalid('duplicate_value', `${where} must not list a value twice`);
}

/**
 * Checks the invariants of a destination that a schema cannot express (or that must also hold
 * when the destination is built by other code). Throws an `invalid` DomainError naming the field.
 */
export function validateDestination(d: Omit<Destination, 'id' | 'hasWebhookSecret' | 'lastError' | 'createdAt' | 'updatedAt'>): void {
  if (d.name.trim() === '') throw invalid('invalid_name', 'name must not be blank');
  if (!PROJECT_KEY_PATTERN.test(d.projectKey)) {
    throw invalid('invalid_project_key', `projectKey ${JSON.stringify(d.projectKey)} is not a Jira project key (2 to 10 upper-case letters, digits or _, starting with a letter)`);
  }
  if (d.issueType.trim() === '') throw invalid('invalid_issue_type', 'issueType must not be blank');
  for (const s of d.severities) if (!SEVERITIES.includes(s)) throw invalid('invalid_severity', `severities: ${String(s)} is not one of ${SEVERITIES.join(', ')}`);
  for (const t of d.alertTypes) if (!ALERT_TYPES.includes(t)) throw invalid('invalid_alert_type', `alertTypes: ${String(t)} is not one of ${ALERT_TYPES.join(', ')}`);
  unique('severities', d.severities);
  unique('alertTypes', d.alertTypes);
  unique('logTypes', d.logTypes);
  for (const l of d.logTypes) if (l === '' || /\s/.test(l)) throw invalid('invalid_log_type', 'logTypes: a log type must not be blank or contain spaces');
  for (const a of SYNC_ASPECTS) {
    if (!SYNC_MODES.includes(d.sync[a])) throw invalid('invalid_sync_mode', `sync.${a} must be one of ${SYNC_MODES.join(', ')}`);
  }
  const p = d.issueProperties;
  checkLabels('issueProperties.global.labels', p.global.labels);
  for (const s of SEVERITIES) checkLabels(`issueProperties.perSeverity.${s}.labels`, p.perSeverity[s].labels);
  if (d.sync.status !== 'off') {
    const missing = STATUSES.filter((s) => d.statusMapping[s] === null || d.statusMapping[s]!.trim() === '');
    if (missing.length) {
      throw invalid(
        'status_mapping_incomplete',
        `statusMapping must name a Jira status for every alert status when status sync is ${d.sync.status}; missing: ${missing.join(', ')}`,
        { missing },
      );
    }
  }
}
