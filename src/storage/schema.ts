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

export interface Database {
  users: UsersTable;
  api_tokens: ApiTokensTable;
  alerts: AlertsTable;
  alert_comments: AlertCommentsTable;
  alert_changes: AlertChangesTable;
  destinations: DestinationsTable;
  audit_log: AuditLogTable;
  alertsync_meta: MetaTable;
}
