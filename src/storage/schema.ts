// Table shapes shared by SQLite and PostgreSQL. Portable column types only: text, integer
// (bigint on PostgreSQL for epoch-millisecond times), JSON stored as text, booleans as 0/1.
import type { Generated } from 'kysely';

export interface UsersTable {
  id: string;
  email: string;
  name: string;
  role: string;
  disabled: number;
  created_at: number;
  updated_at: number;
  /** scrypt hash of the console password (migration 0013); null = no password set. */
  password_hash?: string | null;
}

export interface ApiTokensTable {
  id: string;
  user_id: string;
  name: string;
  token_hash: string;
  prefix: string;
  created_at: number;
  expires_at: number | null;
  last_used_at: number | null;
  revoked_at: number | null;
  /** 'env': registered from ALERTSYNC_ADMIN_TOKEN (migration 0005); null: made through the API. */
  source: string | null;
}

export interface AlertsTable {
  id: string;
  title: string;
  description: string | null;
  severity: string;
  type: string;
  log_types: string;
  rule_id: string | null;
  runbook: string | null;
  context: string;
  tags: string;
  status: string;
  assignee_id: string | null;
  dedup_key: string | null;
  /** dedup_key while the alert is not CLOSED, else null: unique, so one open alert per key. */
  open_dedup_key: string | null;
  occurrences: number;
  last_seen_at: number;
  created_at: number;
  updated_at: number;
}

export interface AlertCommentsTable {
  id: string;
  alert_id: string;
  author_id: string | null;
  author_name: string;
  body: string;
  origin: string;
  created_at: number;
  updated_at: number;
  deleted_at: number | null;
}

export interface AlertChangesTable {
  id: Generated<number>;
  alert_id: string;
  kind: string;
  field: string | null;
  from_value: string | null;
  to_value: string | null;
  actor_type: string;
  actor_id: string | null;
  actor_name: string;
  origin: string;
  created_at: number;
}

export interface DestinationsTable {
  id: string;
  kind: string;
  name: string;
  domain: string;
  site_host: string;
  project_key: string;
  issue_type: string;
  email: string;
  api_token_enc: string;
  severities: string;
  alert_types: string;
  log_types: string;
  manual_dispatch: number;
  sync_status: string;
  sync_assignee: string;
  sync_comments: string;
  issue_properties: string;
  status_mapping: string;
  status_resolution: string | null;
  enabled: number;
  webhook_secret_enc: string | null;
  webhook_secret_prev_enc: string | null;
  webhook_secret_prev_until: number | null;
  last_error: string | null;
  created_at: number;
  updated_at: number;
}

export interface AuditLogTable {
  id: Generated<number>;
  at: number;
  actor_id: string | null;
  actor_name: string;
  action: string;
  target_type: string;
  target_id: string | null;
  details: string;
}

export interface MetaTable {
  key: string;
  value: string;
}

export interface Database extends DeliveryTables, AccountMappingTables, SyncTables, ConsoleTables {
  users: UsersTable;
  api_tokens: ApiTokensTable;
  alerts: AlertsTable;
  alert_comments: AlertCommentsTable;
  alert_changes: AlertChangesTable;
  destinations: DestinationsTable;
  audit_log: AuditLogTable;
  alertsync_meta: MetaTable;
}

export interface AlertLinksTable {
  alert_id: string;
  destination_id: string;
  issue_id: string;
  issue_key: string;
  issue_url: string;
  created_at: number;
  updated_at: number;
}

export interface DeliveryJobsTable {
  id: string;
  /** Order of jobs for one alert and destination: none is claimed while an earlier one is open. */
  seq: number;
  alert_id: string;
  destination_id: string;
  site_host: string;
  kind: string;
  lane: string;
  payload: string;
  state: string;
  attempts: number;
  next_run_at: number;
  lease_owner: string | null;
  lease_until: number | null;
  fence: number;
  /**
   * A create of an earlier run may have gone out since then (its outcome was never learned); cleared
   * once a search or an answer tells.
   */
  unknown_since: number | null;
  /** By when the request that set unknown_since is known to have ended; null = its sender never said. */
  unknown_until: number | null;
  /**
   * Set by the claim of a create job: its owner may send the create from then on. Cleared when the
   * run ends or yields; the next claim folds one left set (a crash, a stall) into unknown_since.
   */
  sending_since: number | null;
  had_unknown: number;
  /** 1 = search Jira before creating even without a mark (replays, manual dispatches). */
  look_first: number;
  last_status: number | null;
  last_error: string | null;
  result: string | null;
  created_at: number;
  updated_at: number;
}

export interface DeliveryAttemptsTable {
  id: Generated<number>;
  job_id: string;
  alert_id: string;
  destination_id: string;
  worker: string;
  at: number;
  duration_ms: number;
  request: string;
  outcome: string;
  http_status: number | null;
  issue_key: string | null;
  error: string | null;
}

export interface JiraSitesTable {
  site_host: string;
  rate_per_sec: number;
  burst: number;
  tokens: number;
  refilled_at: number;
  blocked_until: number;
  updated_at: number;
  /** The rate learned from the site's answers (null only before migration 0005 filled it). */
  learned_rate: number | null;
  limited_at: number;
  changed_at: number;
}

export interface DeliveryTables {
  alert_links: AlertLinksTable;
  delivery_jobs: DeliveryJobsTable;
  delivery_attempts: DeliveryAttemptsTable;
  jira_sites: JiraSitesTable;
}

/** Manual Jira account mappings (migration 0009): per Jira site, the accountId an alertsync user is assigned as. */
export interface JiraAccountMappingsTable {
  site_host: string;
  user_id: string;
  account_id: string;
  created_at: number;
  updated_at: number;
}

export interface AccountMappingTables {
  jira_account_mappings: JiraAccountMappingsTable;
}

export interface SyncCommentLinksTable {
  destination_id: string;
  comment_id: string;
  alert_id: string;
  jira_comment_id: string;
  created_at: number;
}

export interface SyncWrittenTable {
  alert_id: string;
  destination_id: string;
  field: string;
  value: string;
  written_at: number;
}

export interface SyncInboundCommentsTable {
  destination_id: string;
  jira_comment_id: string;
  alert_id: string;
  comment_id: string;
  jira_updated_at: number;
  deleted: number;
}

export interface SyncInboundMarksTable {
  alert_id: string;
  destination_id: string;
  field: string;
  updated_at: number;
  changelog_id: number | null;
}

export interface SyncReconcileTable {
  destination_id: string;
  watermark: number | null;
  lease_owner: string | null;
  lease_until: number;
  last_run_at: number | null;
  last_result: string | null;
}

export interface SyncTables {
  sync_comment_links: SyncCommentLinksTable;
  sync_written: SyncWrittenTable;
  sync_inbound_comments: SyncInboundCommentsTable;
  sync_inbound_marks: SyncInboundMarksTable;
  sync_reconcile: SyncReconcileTable;
}

/** Console sign-in (migration 0013). */
export interface ConsoleSessionsTable {
  /** SHA-256 (hex) of the session id; the id itself is only in the browser's cookie. */
  id_hash: string;
  user_id: string;
  created_at: number;
  last_seen_at: number;
  /** Absolute end of the session, whatever its activity. */
  expires_at: number;
}

export interface UserInvitesTable {
  /** SHA-256 (hex) of the invite token. */
  token_hash: string;
  user_id: string;
  created_by: string | null;
  created_at: number;
  expires_at: number;
  used_at: number | null;
}

export interface LoginFailuresTable {
  /** `email:<normalized email>` or `ip:<client address>`. */
  key: string;
  at: number;
}

export interface ConsoleTables {
  console_sessions: ConsoleSessionsTable;
  user_invites: UserInvitesTable;
  login_failures: LoginFailuresTable;
}
