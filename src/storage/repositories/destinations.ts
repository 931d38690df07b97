// Destinations table: rows ⇄ Destination. Secrets stay sealed here; the service seals and opens.
import type { Kysely } from 'kysely';
import type { Database, DestinationsTable } from '../schema.js';
import type { Destination, IssueProperties, StatusMapping, SyncMode } from '../../destinations/destination.js';
import type { AlertType, Severity } from '../../alerts/alert.js';
import type { Db } from './users.js';
import { precompiled } from '../precompiled.js';

/** Columns added by migration 0002 (not in the shared schema.ts). */
export interface DestinationRow extends DestinationsTable {
  two_way_site: string | null;
}
type DestDb = Kysely<Omit<Database, 'destinations'> & { destinations: DestinationRow }>;
const dd = (db: Db) => db as unknown as DestDb;

export interface SealedSecrets {
  apiTokenEnc: string;
  webhookSecretEnc: string | null;
  webhookSecretPrevEnc: string | null;
  webhookSecretPrevUntil: number | null;
}

export interface StoredDestination {
  destination: Destination;
  secrets: SealedSecrets;
}

function toStored(r: DestinationRow): StoredDestination {
  return {
    destination: {
      id: r.id,
      kind: 'jira_cloud',
      name: r.name,
      domain: r.domain,
      siteHost: r.site_host,
      projectKey: r.project_key,
      issueType: r.issue_type,
      email: r.email,
      severities: JSON.parse(r.severities) as Severity[],
      alertTypes: JSON.parse(r.alert_types) as AlertType[],
      logTypes: JSON.parse(r.log_types) as string[],
      manualDispatch: Number(r.manual_dispatch) === 1,
      sync: { status: r.sync_status as SyncMode, assignee: r.sync_assignee as SyncMode, comments: r.sync_comments as SyncMode },
      issueProperties: JSON.parse(r.issue_properties) as IssueProperties,
      statusMapping: JSON.parse(r.status_mapping) as StatusMapping,
      statusResolution: r.status_resolution,
      enabled: Number(r.enabled) === 1,
      hasWebhookSecret: r.webhook_secret_enc !== null,
      lastError: r.last_error,
      createdAt: Number(r.created_at),
      updatedAt: Number(r.updated_at),
    },
    secrets: {
      apiTokenEnc: r.api_token_enc,
      webhookSecretEnc: r.webhook_secret_enc,
      webhookSecretPrevEnc: r.webhook_secret_prev_enc,
      webhookSecretPrevUntil: r.webhook_secret_prev_until === null ? null : Number(r.webhook_secret_prev_until),
    },
  };
}

function toRow(d: Destination, s: SealedSecrets, twoWaySite: string | null): DestinationRow {
  return {
    id: d.id,
    kind: d.kind,
    name: d.name,
    domain: d.domain,
    site_host: d.siteHost,
    project_key: d.projectKey,
    issue_type: d.issueType,
    email: d.email,
    api_token_enc: s.apiTokenEnc,
    severities: JSON.stringify(d.severities),
    alert_types: JSON.stringify(d.alertTypes),
    log_types: JSON.stringify(d.logTypes),
    manual_dispatch: d.manualDispatch ? 1 : 0,
    sync_status: d.sync.status,
    sync_assignee: d.sync.assignee,
    sync_comments: d.sync.comments,
    issue_properties: JSON.stringify(d.issueProperties),
    status_mapping: JSON.stringify(d.statusMapping),
    status_resolution: d.statusResolution,
    enabled: d.enabled ? 1 : 0,
    webhook_secret_enc: s.webhookSecretEnc,
    webhook_secret_prev_enc: s.webhookSecretPrevEnc,
    webhook_secret_prev_until: s.webhookSecretPrevUntil,
    last_error: d.lastError,
    created_at: d.createdAt,
    updated_at: d.updatedAt,
    two_way_site: twoWaySite,
  };
}

export async function findDestination(db: Db, id: string): Promise<StoredDestination | undefined> {
  const r = await dd(db).selectFrom('destinations').selectAll().where('id', '=', id).executeTakeFirst();
  return r && toStored(r);
}

/** Whether any destination points at this Jira site (host[:port]). */
export async function siteHasDestination(db: Db, siteHost: string): Promise<boolean> {
  const r = await dd(db).selectFrom('destinations').select('id').where('site_host', '=', siteHost).limit(1).executeTakeFirst();
  return r !== undefined;
}

/** Reads a destination for a change: the row stays locked until the transaction ends. */
export async function findDestinationForUpdate(db: Db, id: string): Promise<StoredDestination | undefined> {
  const r = await dd(db).selectFrom('destinations').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
  return r && toStored(r);
}

// Every alert (or batch of alerts) routes on the destinations: compiled once (precompiled.ts).
const selectDestinations = precompiled<[]>(0, (d) => dd(d).selectFrom('destinations').selectAll().orderBy('created_at').orderBy('id'));

export async function listDestinations(db: Db): Promise<Destination[]> {
  return ((await selectDestinations(db)).rows as DestinationRow[]).map((r) => toStored(r).destination);
}

export async function insertDestination(db: Db, d: Destination, s: SealedSecrets, twoWaySite: string | null): Promise<void> {
  await dd(db).insertInto('destinations').values(toRow(d, s, twoWaySite)).execute();
}

export async function updateDestination(db: Db, d: Destination, s: SealedSecrets, twoWaySite: string | null): Promise<void> {
  const { id, ...rest } = toRow(d, s, twoWaySite);
  await dd(db).updateTable('destinations').set(rest).where('id', '=', id).execute();
}

export async function deleteDestination(db: Db, id: string): Promise<void> {
  await dd(db).deleteFrom('destinations').where('id', '=', id).execute();
}

/** True for a unique-constraint violation on either database. */
export function isUniqueViolation(err: unknown): boolean {
  const e = err as { code?: unknown } | null;
  return !!e && (e.code === '23505' || e.code === 'SQLITE_CONSTRAINT_UNIQUE');
}
