// Jira accounts found by e-mail, per Jira site, kept for a while (issue #11, assignee): the user
// search is one request per assignment otherwise. A miss is never kept (the person may make the
// address visible, or join the site, at any time), and an entry is dropped as soon as Jira
// refuses the account it names (deactivated, no longer assignable).
export const ACCOUNT_CACHE_TTL_MS = 10 * 60_000;

export class JiraAccountCache {
  readonly #sites = new Map<string, Map<string, { accountId: string; until: number }>>();

  constructor(private readonly ttlMs = ACCOUNT_CACHE_TTL_MS) {}

  get(siteHost: string, email: string, now: number): string | null {
    const e = this.#sites.get(siteHost)?.get(email.toLowerCase());
    if (!e) return null;
    if (e.until <= now) {
      this.#sites.get(siteHost)!.delete(email.toLowerCase());
      return null;
    }
    return e.accountId;
  }

  set(siteHost: string, email: string, accountId: string, now: number): void {
    let site = this.#sites.get(siteHost);
    if (!site) this.#sites.set(siteHost, (site = new Map()));
    site.set(email.toLowerCase(), { accountId, until: now + this.ttlMs });
  }

  forget(siteHost: string, email: string): void {
    this.#sites.get(siteHost)?.delete(email.toLowerCase());
  }
}

/** The process's cache (one per process is enough: entries are per site). */
export const jiraAccounts = new JiraAccountCache();
