// Jira lists for the destination form (issue #11, "Jira lists for the setup"): projects, issue types
// of a project, priorities, labels, statuses of a project, assignable users and resolutions, read
// from the destination's Jira site with its stored credentials, or with credentials given in the
// request before the destination is saved (same host policy as a save: checkJiraDomain, and the
// client's `refuseHost` before every request).
//
// Answers are cached in memory for `cacheMs`, keyed by the site, a SHA-256 of the credentials, the
// list and its parameters, so a form that asks again within that time makes no Jira request, and
// other credentials for the same site never see them. Failures are not cached. Credentials appear
// in no key, log or error: the client scrubs Jira's messages (src/jira/client/scrub.ts).
//
// Jira's refusal is passed on as a 502 `jira_refused` carrying Jira's status and messages (a 401
// from Jira must not look like alertsync refusing the caller's token); no answer is a 502
// `jira_unreachable`; a host the policy refuses is a 400 `domain_refused`.
import { createHash } from 'node:crypto';
import type { Clock } from '../clock.js';
import { DomainError, invalid, upstream } from '../errors.js';
import type { DestinationsService } from '../destinations/destinations-service.js';
import { checkJiraDomain, type HostPolicy } from '../destinations/host-policy.js';
import { mappingIsEmpty, statusCheckFailedWarning, statusMappingWarnings } from '../destinations/status-mapping-check.js';
import { createJiraClient, JiraError, type JiraClient, type JiraRequestInfo, type JiraUser } from '../jira/client/index.js';

/** Where the credentials come from: a saved destination, or the request (before saving). */
export type CredentialSource = { destinationId: string } | { domain: string; email: string; apiToken: string };

export interface ListedProject { id: string; key: string; name: string }
export interface ListedIssueType { id: string; name: string; subtask: boolean }
export interface ListedPriority { id: string; name: string; isDefault: boolean }
export interface ListedStatus { id: string; name: string; category: string }
export interface ListedUser { accountId: string; displayName: string; active: boolean; emailAddress: string | null }
export interface ListedResolution { id: string; name: string; description: string; isDefault: boolean }
export interface ProjectStatuses { statuses: ListedStatus[]; issueTypes: { id: string; name: string; statuses: string[] }[] }

export interface JiraListsDeps {
  destinations: DestinationsService;
  clock: Clock;
  policy: HostPolicy;
  /** The host rule at every request (src/destinations/host-policy.ts hostRefusal). */
  refuseHost: (siteHost: string) => string | null;
  settings: { cacheMs: number; timeoutMs: number; allowInsecure: boolean; maxEntries?: number };
  onRequest?: (info: JiraRequestInfo, siteHost: string) => void;
}

/** Most labels answered for one query (the form shows suggestions, not the whole site). */
export const MAX_LABELS_ANSWERED = 100;
const DEFAULT_MAX_ENTRIES = 500;

interface Site { domain: string; siteHost: string; email: string; apiToken: string }

/** A Jira client failure in the API's terms. Pure. */
export function jiraFailure(err: JiraError): DomainError {
  if (err.status === null && err.kind === 'invalid') return invalid('domain_refused', err.message);
  if (err.status === null) {
    return upstream('jira_unreachable', `Jira could not be reached: ${err.message}`, { kind: err.kind, jiraStatus: null, jiraMessages: [] });
  }
  return upstream('jira_refused', `Jira refused the request (${err.operation}): ${err.message}`, { kind: err.kind, jiraStatus: err.status, jiraMessages: err.jiraMessages });
}

export class JiraListsService {
  readonly #cache = new Map<string, { until: number; value: unknown }>();

  constructor(private readonly deps: JiraListsDeps) {}

  projects(src: CredentialSource): Promise<ListedProject[]> {
    return this.cached(src, 'projects', [], async (c) => (await c.searchProjects()).map((p) => ({ id: p.id, key: p.key, name: p.name })));
  }

  issueTypes(src: CredentialSource, projectKey: string): Promise<ListedIssueType[]> {
    return this.cached(src, 'issue-types', [projectKey], async (c) => (await c.getProjectIssueTypes(projectKey)).map((t) => ({ id: t.id, name: t.name, subtask: t.subtask })));
  }

  priorities(src: CredentialSource): Promise<ListedPriority[]> {
    return this.cached(src, 'priorities', [], async (c) => (await c.getPriorities()).map((p) => ({ id: p.id, name: p.name, isDefault: p.isDefault })));
  }

  /** Labels containing `query` (case-insensitive), sorted, at most MAX_LABELS_ANSWERED; Jira has no label search, so the site's list is cached and filtered here. */
  async labels(src: CredentialSource, query: string): Promise<{ labels: string[]; truncated: boolean }> {
    const all = await this.cached(src, 'labels', [], (c) => c.getLabels());
    const q = query.trim().toLowerCase();
    const hits = all.filter((l) => q === '' || l.toLowerCase().includes(q)).sort((a, b) => a.localeCompare(b));
    return { labels: hits.slice(0, MAX_LABELS_ANSWERED), truncated: hits.length > MAX_LABELS_ANSWERED };
  }

  async statuses(src: CredentialSource, projectKey: string): Promise<ProjectStatuses> {
    return this.cached(src, 'statuses', [projectKey], async (c) => {
      const perType = await c.getProjectStatuses(projectKey);
      const unique = new Map<string, ListedStatus>();
      for (const t of perType) for (const s of t.statuses) if (!unique.has(s.id)) unique.set(s.id, { id: s.id, name: s.name, category: s.category });
      return { statuses: [...unique.values()], issueTypes: perType.map((t) => ({ id: t.issueTypeId, name: t.issueTypeName, statuses: t.statuses.map((s) => s.name) })) };
    });
  }

  users(src: CredentialSource, projectKey: string, query: string): Promise<ListedUser[]> {
    const userJson = (u: JiraUser): ListedUser => ({ accountId: u.accountId, displayName: u.displayName, active: u.active, emailAddress: u.emailAddress });
    return this.cached(src, 'users', [projectKey, query], async (c) => (await c.findAssignableUsers({ project: projectKey, query, maxResults: 50 })).map(userJson));
  }

  resolutions(src: CredentialSource): Promise<ListedResolution[]> {
    return this.cached(src, 'resolutions', [], async (c) => (await c.getResolutions()).map((r) => ({ id: r.id, name: r.name, description: r.description, isDefault: r.isDefault })));
  }

  /**
   * Warnings for a saved destination's statusMapping: names the project does not have, or why they
   * could not be checked. Never throws for a Jira problem: a save or a test is not refused for it.
   */
  async statusMappingWarnings(destinationId: string): Promise<string[]> {
    const d = await this.deps.destinations.get(destinationId);
    if (mappingIsEmpty(d.statusMapping)) return [];
    try {
      const { statuses } = await this.statuses({ destinationId }, d.projectKey);
      return statusMappingWarnings(d.statusMapping, d.projectKey, statuses.map((s) => s.name));
    } catch (err) {
      if (err instanceof DomainError && (err.kind === 'upstream' || err.code === 'domain_refused')) return [statusCheckFailedWarning(d.projectKey, err.message)];
      throw err;
    }
  }

  /** Forgets every cached list (tests, and a destination's credentials changing is covered by the key). */
  clear(): void {
    this.#cache.clear();
  }

  private async site(src: CredentialSource): Promise<Site> {
    if ('destinationId' in src) {
      const d = await this.deps.destinations.get(src.destinationId);
      const creds = await this.deps.destinations.credentialsFor(src.destinationId);
      return { domain: creds.domain, siteHost: d.siteHost, email: creds.email, apiToken: creds.apiToken };
    }
    const checked = await checkJiraDomain(src.domain, this.deps.policy);
    if (src.email.trim() === '' || src.apiToken.trim() === '') throw invalid('invalid_credentials', 'email and apiToken must not be blank');
    return { domain: checked.domain, siteHost: checked.siteHost, email: src.email.trim(), apiToken: src.apiToken };
  }

  private async cached<T>(src: CredentialSource, list: string, params: string[], load: (c: JiraClient) => Promise<T>): Promise<T> {
    const site = await this.site(src);
    const who = createHash('sha256').update(`${site.domain}\n${site.email}\n${site.apiToken}`).digest('base64url');
    const key = JSON.stringify([site.siteHost, who, list, ...params]);
    const now = this.deps.clock.now();
    const hit = this.#cache.get(key);
    if (hit && hit.until > now) return hit.value as T;
    if (hit) this.#cache.delete(key);

    const { settings } = this.deps;
    const client = createJiraClient({
      baseUrl: site.domain,
      email: site.email,
      apiToken: site.apiToken,
      timeoutMs: settings.timeoutMs,
      allowInsecure: settings.allowInsecure,
      refuseHost: this.deps.refuseHost,
      userAgent: 'alertsync',
      onRequest: this.deps.onRequest && ((info) => this.deps.onRequest!(info, site.siteHost)),
    });
    let value: T;
    try {
      value = await load(client);
    } catch (err) {
      if (err instanceof JiraError) throw jiraFailure(err);
      throw err;
    } finally {
      void client.close().catch(() => {});
    }
    if (settings.cacheMs > 0) {
      const max = settings.maxEntries ?? DEFAULT_MAX_ENTRIES;
      // Oldest first out (a Map keeps insertion order): the cache stays bounded.
      while (this.#cache.size >= max) this.#cache.delete(this.#cache.keys().next().value as string);
      this.#cache.set(key, { until: this.deps.clock.now() + settings.cacheMs, value });
    }
    return value;
  }
}
