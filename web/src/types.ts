// Shapes of the service's answers that the console reads (docs/api.md, /api/openapi.json).
export const SEVERITIES = ['INFO', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL'] as const;
export type Severity = (typeof SEVERITIES)[number];
export const ALERT_TYPES = ['RULE', 'POLICY', 'SCHEDULED_RULE', 'SYSTEM_ERROR', 'RULE_ERROR'] as const;
export type AlertType = (typeof ALERT_TYPES)[number];
export const STATUSES = ['OPEN', 'TRIAGED', 'RESOLVED', 'CLOSED'] as const;
export type AlertStatus = (typeof STATUSES)[number];
export const ROLES = ['admin', 'analyst', 'viewer', 'ingest'] as const;
export type Role = (typeof ROLES)[number];
export const SYNC_MODES = ['off', 'one_way', 'two_way'] as const;
export type SyncMode = (typeof SYNC_MODES)[number];

export interface SessionUser {
  id: string;
  email: string;
  name: string;
  role: Role;
}

export interface User extends SessionUser {
  disabled: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface Alert {
  id: string;
  title: string;
  description: string | null;
  severity: Severity;
  type: AlertType;
  logTypes: string[];
  ruleId: string | null;
  runbook: string | null;
  context: Record<string, unknown>;
  tags: string[];
  status: AlertStatus;
  assigneeId: string | null;
  dedupKey: string | null;
  occurrences: number;
  lastSeenAt: string;
  createdAt: string;
  updatedAt: string;
}

export interface Comment {
  id: string;
  alertId: string;
  authorId: string | null;
  authorName: string;
  body: string;
  origin: string;
  createdAt: string;
  updatedAt: string;
}

export interface Change {
  id: number;
  kind: string;
  field: string | null;
  from: unknown;
  to: unknown;
  actor: { type: string; id: string | null; name: string };
  origin: string;
  at: string;
}

export interface AlertDetail {
  alert: Alert;
  assignee: { id: string; email: string; name: string } | null;
  comments: Comment[];
  history: Change[];
}

export interface Link {
  destinationId: string;
  issueId: string;
  issueKey: string;
  issueUrl: string;
  createdAt: string;
}

export interface Job {
  id: string;
  alertId: string;
  destinationId: string;
  kind: string;
  lane: string;
  state: string;
  attempts: number;
  nextRunAt: string;
  lastStatus: number | null;
  lastError: string | null;
  result: Record<string, unknown> | null;
  createdAt: string;
  updatedAt: string;
}

export interface Attempt {
  id: number;
  jobId: string;
  alertId: string;
  destinationId: string;
  at: string;
  durationMs: number;
  outcome: string;
  httpStatus: number | null;
  issueKey: string | null;
  error: string | null;
}

export interface AlertDeliveries {
  links: Link[];
  jobs: Job[];
  attempts: Attempt[];
}

export interface LabelsAndPriority {
  labels: string[];
  priority: string | null;
}

export interface IssueProperties {
  assigneeAccountId: string | null;
  bySeverity: boolean;
  global: LabelsAndPriority;
  perSeverity: Record<Severity, LabelsAndPriority>;
}

export type StatusMapping = Record<AlertStatus, string | null>;

export interface Destination {
  id: string;
  kind: 'jira_cloud';
  name: string;
  domain: string;
  siteHost: string;
  projectKey: string;
  issueType: string;
  email: string;
  hasApiToken: boolean;
  severities: Severity[];
  alertTypes: AlertType[];
  logTypes: string[];
  manualDispatch: boolean;
  sync: { status: SyncMode; assignee: SyncMode; comments: SyncMode };
  issueProperties: IssueProperties;
  statusMapping: StatusMapping;
  statusResolution: string | null;
  enabled: boolean;
  hasWebhookSecret: boolean;
  webhookUrl: string | null;
  lastError: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface SaveResult {
  destination: Destination;
  warnings: string[];
  webhook?: { url: string; secret: string };
}

export interface DestinationDeliveries {
  queue: { pending: number; running: number; blocked: number; paused: number; failed: number };
  jobs: Job[];
  attempts: Attempt[];
}

export interface JiraUser {
  accountId: string;
  displayName: string;
  active: boolean;
  emailAddress: string | null;
}
export interface JiraPriority {
  id: string;
  name: string;
  isDefault: boolean;
}
export interface JiraStatus {
  id: string;
  name: string;
  category: string;
}
export interface JiraIssueType {
  id: string;
  name: string;
  subtask: boolean;
}
export interface JiraResolution {
  id: string;
  name: string;
  description: string;
  isDefault: boolean;
}

export interface Overview {
  /** Alerts per hour; the severities in lower case. */
  alertsOverTime: Array<{ bucketStart: string } & Record<Lowercase<Severity>, number>>;
  deliveriesByState: Array<{ destinationId: string; destinationName: string; state: string; count: number }>;
  sites: Array<{ host: string; requestsPerSecond: number; limitPerSecond: number; configuredPerSecond: number }>;
  oldestWaitingJob: { id: string; kind: string; destinationId: string; state: string; waitingSince: string; waitingSinceMs: number } | null;
}

const GRANTS: Record<Role, readonly string[]> = {
  admin: ['alerts:write', 'alerts:dispatch', 'destinations:write', 'users:write'],
  analyst: ['alerts:write', 'alerts:dispatch'],
  viewer: [],
  ingest: [],
};

/** What the role may change (mirrors the service's grants; the service still checks every request). */
export function can(role: Role, permission: 'alerts:write' | 'alerts:dispatch' | 'destinations:write' | 'users:write'): boolean {
  return GRANTS[role].includes(permission);
}
