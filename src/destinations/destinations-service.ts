// Destinations: create, read, update, delete, webhook-secret rotation, and the server-side
// accessors for credentials and webhook secrets. Every change runs in one transaction with its
// audit entries; audit details never contain a secret. Secrets are sealed (AES-256-GCM) bound to
// "destination:<id>:api_token" and "destination:<id>:webhook_secret".
import { conflict, invalid, notFound } from '../errors.js';
import { newId } from '../ids.js';
import type { Clock } from '../clock.js';
import type { SecretBox } from '../security/secret-box.js';
import { generateWebhookSecret } from '../security/tokens.js';
import { recordAudit } from '../storage/repositories/audit.js';
import type { Db } from '../storage/repositories/users.js';
import * as repo from '../storage/repositories/destinations.js';
import type { SealedSecrets } from '../storage/repositories/destinations.js';
import { normalizeEmail, type Actor } from '../users/user.js';
import { SEVERITIES, type AlertType, type Severity } from '../alerts/alert.js';
import {
  SYNC_ASPECTS,
  defaultIssueProperties,
  defaultStatusMapping,
  isTwoWay,
  validateDestination,
  type Destination,
  type IssueProperties,
  type LabelsAndPriority,
  type StatusMapping,
  type SyncAspect,
  type SyncMode,
} from './destination.js';
import { checkConfigRules } from './config-rules.js';
import { checkJiraDomain, type Resolve } from './host-policy.js';

export interface LabelsAndPriorityPatch {
  labels?: string[];
  priority?: string | null;
}

export interface IssuePropertiesPatch {
  assigneeAccountId?: string | null;
  bySeverity?: boolean;
  global?: LabelsAndPriorityPatch;
  perSeverity?: Partial<Record<Severity, LabelsAndPriorityPatch>>;
}

export interface DestinationPatch {
  name?: string;
  domain?: string;
  issueType?: string;
  projectKey?: string;
  email?: string;
  apiToken?: string;
  severities?: Severity[];
  alertTypes?: AlertType[];
  logTypes?: string[];
  manualDispatch?: boolean;
  statusResolution?: string | null;
  sync?: Partial<Record<SyncAspect, SyncMode>>;
  issueProperties?: IssuePropertiesPatch;
  statusMapping?: Partial<StatusMapping>;
  enabled?: boolean;
}

export interface NewDestination extends DestinationPatch {
  name: string;
  domain: string;
  issueType: string;
  projectKey: string;
  email: string;
  apiToken: string;
}

export interface WebhookCredentials {
  url: string;
  secret: string;
}

export interface SaveResult {
  destination: Destination;
  warnings: string[];
  /** Only when this save created the webhook secret: shown once. */
  webhook: WebhookCredentials | null;
}

/** Runs inside the transaction of a destination's update or delete. */
export type DestinationChangeListener = (tx: Db, change: { id: string; kind: 'updated' | 'deleted'; enabled: boolean }) => Promise<void>;

export interface DestinationsDeps {
  db: Db;
  box: SecretBox;
  clock: Clock;
  config: { publicUrl: string; jiraHosts: readonly string[]; allowInsecureJira: boolean; webhookSecretGraceMs: number };
  resolve: Resolve;
}

const tokenBinding = (id: string) => `destination:${id}:api_token`;
const secretBinding = (id: string) => `destination:${id}:webhook_secret`;

function mergeLabelsAndPriority(base: LabelsAndPriority, patch: LabelsAndPriorityPatch | undefined): LabelsAndPriority {
  if (!patch) return base;
  return { labels: patch.labels ?? base.labels, priority: patch.priority === undefined ? base.priority : patch.priority };
}

function mergeIssueProperties(base: IssueProperties, patch: IssuePropertiesPatch | undefined): IssueProperties {
  if (!patch) return base;
  const perSeverity = { ...base.perSeverity };
  for (const s of SEVERITIES) perSeverity[s] = mergeLabelsAndPriority(base.perSeverity[s], patch.perSeverity?.[s]);
  return {
    assigneeAccountId: patch.assigneeAccountId === undefined ? base.assigneeAccountId : patch.assigneeAccountId,
    bySeverity: patch.bySeverity ?? base.bySeverity,
    global: mergeLabelsAndPriority(base.global, patch.global),
    perSeverity,
  };
}

function trimOrNull(v: string | null): string | null {
  if (v === null) return null;
  const t = v.trim();
  return t === '' ? null : t;
}

function normaliseProperties(p: IssueProperties): IssueProperties {
  const perSeverity = { ...p.perSeverity };
  for (const s of SEVERITIES) perSeverity[s] = { labels: perSeverity[s].labels, priority: trimOrNull(perSeverity[s].priority) };
  return { ...p, assigneeAccountId: trimOrNull(p.assigneeAccountId), global: { labels: p.global.labels, priority: trimOrNull(p.global.priority) }, perSeverity };
}

function normaliseMapping(m: StatusMapping): StatusMapping {
  return { OPEN: trimOrNull(m.OPEN), TRIAGED: trimOrNull(m.TRIAGED), RESOLVED: trimOrNull(m.RESOLVED), CLOSED: trimOrNull(m.CLOSED) };
}

/** Applies a patch to a destination (or to the defaults, for a new one). No secrets involved. */
function applyPatch(base: Destination, patch: DestinationPatch, domain: { domain: string; siteHost: string } | null, now: number): Destination {
  const sync = { ...base.sync };
  for (const a of SYNC_ASPECTS) if (patch.sync?.[a] !== undefined) sync[a] = patch.sync[a]!;
  return {
    ...base,
    name: patch.name !== undefined ? patch.name.trim() : base.name,
    domain: domain ? domain.domain : base.domain,
    siteHost: domain ? domain.siteHost : base.siteHost,
    issueType: patch.issueType !== undefined ? patch.issueType.trim() : base.issueType,
    projectKey: patch.projectKey ?? base.projectKey,
    email: patch.email !== undefined ? normalizeEmail(patch.email) : base.email,
    severities: patch.severities ?? base.severities,
    alertTypes: patch.alertTypes ?? base.alertTypes,
    logTypes: patch.logTypes ?? base.logTypes,
    manualDispatch: patch.manualDispatch ?? base.manualDispatch,
    sync,
    issueProperties: normaliseProperties(mergeIssueProperties(base.issueProperties, patch.issueProperties)),
    statusMapping: normaliseMapping({ ...base.statusMapping, ...Object.fromEntries(Object.entries(patch.statusMapping ?? {}).filter(([, v]) => v !== undefined)) }),
    statusResolution: patch.statusResolution !== undefined ? trimOrNull(patch.statusResolution) : base.statusResolution,
    enabled: patch.enabled ?? base.enabled,
    updatedAt: now,
  };
}

const AUDITED_FIELDS = [
  'name', 'domain', 'issueType', 'projectKey', 'email', 'severities', 'alertTypes', 'logTypes',
  'manualDispatch', 'sync', 'issueProperties', 'statusMapping', 'statusResolution', 'enabled',
] as const;

/**
 * Runs after a save that changed what Jira must agree with (statusMapping, project, site or
 * credentials): its warnings are added to the answer. Never refuses the save.
 */
export type SaveCheck = (destination: Destination) => Promise<string[]>;

/** The fields whose change makes a save check the destination against Jira again. */
const JIRA_CHECKED_FIELDS = ['statusMapping', 'projectKey', 'domain', 'email'] as const;

export class DestinationsService {
  readonly #changeListeners: DestinationChangeListener[] = [];
  #saveCheck: SaveCheck | null = null;

  constructor(private readonly deps: DestinationsDeps) {}

  /** Runs inside the transaction of every update and delete (delivery pauses, releases, cancels). */
  onChange(listener: DestinationChangeListener): void {
    this.#changeListeners.push(listener);
  }

  /** Sets the check run after a save (the wiring: statusMapping against the project's statuses). */
  checkOnSave(check: SaveCheck | null): void {
    this.#saveCheck = check;
  }

  private async runSaveCheck(destination: Destination): Promise<string[]> {
    return this.#saveCheck ? this.#saveCheck(destination) : [];
  }

  webhookUrl(id: string): string {
    return `${this.deps.config.publicUrl}/webhooks/jira/${id}`;
  }

  private policy() {
    return { jiraHosts: this.deps.config.jiraHosts, allowInsecureJira: this.deps.config.allowInsecureJira, resolve: this.deps.resolve };
  }

  async list(): Promise<Destination[]> {
    return repo.listDestinations(this.deps.db);
  }

  async get(id: string): Promise<Destination> {
    const s = await repo.findDestination(this.deps.db, id);
    if (!s) throw notFound('destination', id);
    return s.destination;
  }

  async create(actor: Actor, input: NewDestination): Promise<SaveResult> {
    const { db, box, clock } = this.deps;
    const checked = await checkJiraDomain(input.domain, this.policy());
    const now = clock.now();
    const id = newId('dst', now);
    const blank: Destination = {
      id,
      kind: 'jira_cloud',
      name: '',
      domain: checked.domain,
      siteHost: checked.siteHost,
      projectKey: '',
      issueType: '',
      email: '',
      severities: [],
      alertTypes: [],
      logTypes: [],
      manualDispatch: false,
      sync: { status: 'off', assignee: 'off', comments: 'off' },
      issueProperties: defaultIssueProperties(),
      statusMapping: defaultStatusMapping(),
      statusResolution: null,
      enabled: true,
      hasWebhookSecret: false,
      lastError: null,
      createdAt: now,
      updatedAt: now,
    };
    const destination = applyPatch(blank, input, checked, now);
    validateDestination(destination);
    if (input.apiToken.trim() === '') throw invalid('invalid_api_token', 'apiToken must not be blank');

    let webhook: WebhookCredentials | null = null;
    const secrets: SealedSecrets = { apiTokenEnc: box.seal(input.apiToken, tokenBinding(id)), webhookSecretEnc: null, webhookSecretPrevEnc: null, webhookSecretPrevUntil: null };
    if (isTwoWay(destination.sync)) {
      const secret = generateWebhookSecret();
      secrets.webhookSecretEnc = box.seal(secret, secretBinding(id));
      destination.hasWebhookSecret = true;
      webhook = { url: this.webhookUrl(id), secret };
    }
    const warnings = [...checked.warnings];
    await this.saveGuarded(destination, async (tx) => {
      warnings.push(...(await this.checkRules(tx, destination)));
      await repo.insertDestination(tx, destination, secrets, isTwoWay(destination.sync) ? destination.siteHost : null);
      await recordAudit(tx, {
        at: now,
        actor,
        action: 'destination.created',
        targetType: 'destination',
        targetId: id,
        details: { name: destination.name, domain: destination.domain, projectKey: destination.projectKey, sync: destination.sync, enabled: destination.enabled },
      });
      await recordAudit(tx, { at: now, actor, action: 'destination.api_token_changed', targetType: 'destination', targetId: id, details: { reason: 'created' } });
      if (webhook) await recordAudit(tx, { at: now, actor, action: 'webhook_secret.created', targetType: 'destination', targetId: id, details: {} });
    });
    warnings.push(...(await this.runSaveCheck(destination)));
    return { destination, warnings, webhook };
  }

  async update(actor: Actor, id: string, patch: DestinationPatch): Promise<SaveResult> {
    const { db, box, clock } = this.deps;
    const before = await repo.findDestination(db, id);
    if (!before) throw notFound('destination', id);
    const checked = patch.domain !== undefined ? await checkJiraDomain(patch.domain, this.policy()) : null;
    const now = clock.now();
    const warnings = [...(checked?.warnings ?? [])];
    let webhook: WebhookCredentials | null = null;
    let result: Destination | null = null;
    let recheck = false;

    await this.saveGuarded({ id, name: patch.name ?? before.destination.name }, async (tx) => {
      // Locked until the transaction ends: a concurrent change waits, then reads this one's result.
      const stored = await repo.findDestinationForUpdate(tx, id);
      if (!stored) throw notFound('destination', id);
      const old = stored.destination;
      const next = applyPatch(old, patch, checked, now);
      validateDestination(next);
      const domainChanged = next.domain !== old.domain;
      const emailChanged = next.email !== old.email;
      if ((domainChanged || emailChanged) && patch.apiToken === undefined) {
        const what = domainChanged && emailChanged ? 'domain and email change' : domainChanged ? 'domain changes' : 'email changes';
        throw invalid('api_token_required', `apiToken is required when the ${what}: the token is only sent to the site and account it was entered for`);
      }
      if (patch.apiToken !== undefined && patch.apiToken.trim() === '') throw invalid('invalid_api_token', 'apiToken must not be blank');
      warnings.push(...(await this.checkRules(tx, next)));

      const secrets: SealedSecrets = { ...stored.secrets };
      const tokenChanged = patch.apiToken !== undefined && patch.apiToken !== box.open(stored.secrets.apiTokenEnc, tokenBinding(id));
      if (tokenChanged) secrets.apiTokenEnc = box.seal(patch.apiToken!, tokenBinding(id));
      const twoWay = isTwoWay(next.sync);
      let secretEvent: 'created' | 'revoked' | null = null;
      if (twoWay && secrets.webhookSecretEnc === null) {
        const secret = generateWebhookSecret();
        secrets.webhookSecretEnc = box.seal(secret, secretBinding(id));
        webhook = { url: this.webhookUrl(id), secret };
        secretEvent = 'created';
      } else if (!twoWay && secrets.webhookSecretEnc !== null) {
        // Nothing is two-way any more: Jira has no reason to call us; the secret stops working.
        secrets.webhookSecretEnc = null;
        secrets.webhookSecretPrevEnc = null;
        secrets.webhookSecretPrevUntil = null;
        secretEvent = 'revoked';
      }
      next.hasWebhookSecret = secrets.webhookSecretEnc !== null;
      const changed = AUDITED_FIELDS.filter((k) => JSON.stringify(next[k]) !== JSON.stringify(old[k]));
      if (changed.length === 0 && !tokenChanged && secretEvent === null) {
        // Nothing changes: no write, no audit entry, no updatedAt bump.
        result = old;
        return;
      }
      recheck = tokenChanged || JIRA_CHECKED_FIELDS.some((k) => changed.includes(k));
      await repo.updateDestination(tx, next, secrets, twoWay ? next.siteHost : null);
      for (const l of this.#changeListeners) await l(tx, { id, kind: 'updated', enabled: next.enabled });

      const details: Record<string, unknown> = { changed };
      for (const k of changed) details[k] = { from: old[k], to: next[k] };
      await recordAudit(tx, { at: now, actor, action: 'destination.updated', targetType: 'destination', targetId: id, details });
      if (tokenChanged) {
        await recordAudit(tx, { at: now, actor, action: 'destination.api_token_changed', targetType: 'destination', targetId: id, details: { reason: 'updated' } });
      }
      if (secretEvent === 'created') await recordAudit(tx, { at: now, actor, action: 'webhook_secret.created', targetType: 'destination', targetId: id, details: {} });
      if (secretEvent === 'revoked') {
        await recordAudit(tx, { at: now, actor, action: 'webhook_secret.revoked', targetType: 'destination', targetId: id, details: { reason: 'no aspect is two-way any more' } });
      }
      result = next;
    });
    if (recheck) warnings.push(...(await this.runSaveCheck(result!)));
    return { destination: result!, warnings, webhook };
  }

  async delete(actor: Actor, id: string): Promise<void> {
    const now = this.deps.clock.now();
    await this.deps.db.transaction().execute(async (tx) => {
      const stored = await repo.findDestinationForUpdate(tx, id);
      if (!stored) throw notFound('destination', id);
      const d = stored.destination;
      await repo.deleteDestination(tx, id);
      for (const l of this.#changeListeners) await l(tx, { id, kind: 'deleted', enabled: false });
      await recordAudit(tx, { at: now, actor, action: 'destination.deleted', targetType: 'destination', targetId: id, details: { name: d.name, domain: d.domain, projectKey: d.projectKey } });
      if (stored.secrets.webhookSecretEnc !== null) {
        await recordAudit(tx, { at: now, actor, action: 'webhook_secret.revoked', targetType: 'destination', targetId: id, details: { reason: 'destination deleted' } });
      }
    });
  }

  /** Issues a new webhook secret; the previous one stays valid for the grace period. */
  async rotateWebhookSecret(actor: Actor, id: string): Promise<WebhookCredentials & { previousValidUntil: number | null }> {
    const { db, box, clock, config } = this.deps;
    const now = clock.now();
    return db.transaction().execute(async (tx) => {
      // Locked: a concurrent PATCH that turns two-way off either waits for this rotation (and then
      // revokes its secret) or commits first (and this rotation sees no two-way sync: 409).
      const stored = await repo.findDestinationForUpdate(tx, id);
      if (!stored) throw notFound('destination', id);
      if (!isTwoWay(stored.destination.sync)) {
        throw conflict('not_two_way', `destination ${id} has no two-way sync, so it has no webhook secret to rotate; set an aspect of sync to two_way first`);
      }
      const secret = generateWebhookSecret();
      const hadSecret = stored.secrets.webhookSecretEnc !== null;
      const keepPrev = hadSecret && config.webhookSecretGraceMs > 0;
      const secrets: SealedSecrets = {
        ...stored.secrets,
        webhookSecretEnc: box.seal(secret, secretBinding(id)),
        webhookSecretPrevEnc: keepPrev ? stored.secrets.webhookSecretEnc : null,
        webhookSecretPrevUntil: keepPrev ? now + config.webhookSecretGraceMs : null,
      };
      const next: Destination = { ...stored.destination, hasWebhookSecret: true, updatedAt: now };
      await repo.updateDestination(tx, next, secrets, next.siteHost);
      await recordAudit(tx, {
        at: now,
        actor,
        action: hadSecret ? 'webhook_secret.rotated' : 'webhook_secret.created',
        targetType: 'destination',
        targetId: id,
        details: { previousValidUntil: secrets.webhookSecretPrevUntil === null ? null : new Date(secrets.webhookSecretPrevUntil).toISOString() },
      });
      return { url: this.webhookUrl(id), secret, previousValidUntil: secrets.webhookSecretPrevUntil };
    });
  }

  /** Server side only (webhook receiver): the secrets that currently verify a signature. */
  async webhookSecretsFor(id: string): Promise<string[]> {
    const stored = await repo.findDestination(this.deps.db, id);
    if (!stored) throw notFound('destination', id);
    const out: string[] = [];
    const s = stored.secrets;
    if (s.webhookSecretEnc !== null) out.push(this.deps.box.open(s.webhookSecretEnc, secretBinding(id)));
    if (s.webhookSecretPrevEnc !== null && s.webhookSecretPrevUntil !== null && s.webhookSecretPrevUntil > this.deps.clock.now()) {
      out.push(this.deps.box.open(s.webhookSecretPrevEnc, secretBinding(id)));
    }
    return out;
  }

  /** Server side only (Jira client): never return this from the API or log it. */
  async credentialsFor(id: string): Promise<{ domain: string; email: string; apiToken: string }> {
    const stored = await repo.findDestination(this.deps.db, id);
    if (!stored) throw notFound('destination', id);
    return { domain: stored.destination.domain, email: stored.destination.email, apiToken: this.deps.box.open(stored.secrets.apiTokenEnc, tokenBinding(id)) };
  }

  private async checkRules(tx: Db, candidate: Destination): Promise<string[]> {
    const others = await repo.listDestinations(tx);
    const outcome = checkConfigRules(candidate, others);
    if (outcome.conflict) {
      throw conflict('two_way_site_taken', outcome.conflict.message, { destinationId: outcome.conflict.otherId, destinationName: outcome.conflict.otherName });
    }
    return outcome.warnings;
  }

  /**
   * Runs a save in a transaction. Two concurrent saves could both pass the rule check; the unique
   * two_way_site column then refuses the second, which becomes the same 409 as the check.
   */
  private async saveGuarded(candidate: { id: string; name: string }, work: (tx: Db) => Promise<void>): Promise<void> {
    try {
      await this.deps.db.transaction().execute(work);
    } catch (err) {
      if (!repo.isUniqueViolation(err)) throw err;
      throw conflict(
        'two_way_site_taken',
        `another destination already has two-way sync with this Jira site (saved at the same moment as "${candidate.name}"); only one destination per Jira site may use two-way sync`,
      );
    }
  }
}
