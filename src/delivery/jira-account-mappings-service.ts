// Manual Jira account mappings (issue #11, assignee): an admin maps an alertsync user to a Jira
// accountId on one Jira site, for people whose email Jira hides. The assignee sync takes the mapping
// before any email search (storage/repositories/jira-account-mappings.ts findMappedAccountId).
// Every change is audited in its own transaction. Only sites that a destination uses are accepted,
// as for the site's rate limit.
import type { Clock } from '../clock.js';
import { invalid, notFound } from '../errors.js';
import { recordAudit } from '../storage/repositories/audit.js';
import { siteHasDestination } from '../storage/repositories/destinations.js';
import {
  deleteAccountMapping,
  findAccountMapping,
  listAccountMappings,
  upsertAccountMapping,
  type JiraAccountMapping,
} from '../storage/repositories/jira-account-mappings.js';
import { findUserById, type Db } from '../storage/repositories/users.js';
import type { Actor } from '../users/user.js';

/**
 * A Jira Cloud accountId: 1 to 128 characters of letters, digits, `:`, `-` and `_`, starting with a
 * letter or digit (e.g. `5b10ac8d82e05b22cc7d4ef5`, `712020:5f0c4a8e-2b6d-4c1e-9a37-1d2e3f4a5b6c`).
 */
export const ACCOUNT_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9:_-]{0,127}$/;

export class JiraAccountMappingsService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
  ) {}

  async list(siteHost: string): Promise<JiraAccountMapping[]> {
    const host = await this.knownSite(siteHost);
    return listAccountMappings(this.db, host);
  }

  async get(siteHost: string, userId: string): Promise<JiraAccountMapping> {
    const host = await this.knownSite(siteHost);
    const m = await findAccountMapping(this.db, host, userId);
    if (!m) throw notFound(`Jira account mapping on ${host} for user`, userId);
    return m;
  }

  async set(actor: Actor, siteHost: string, userId: string, accountId: string): Promise<JiraAccountMapping> {
    const id = accountId.trim();
    if (!ACCOUNT_ID_PATTERN.test(id)) {
      throw invalid('invalid_account_id', 'accountId is not a Jira account id (1 to 128 letters, digits, ":", "-" or "_", e.g. 5b10ac8d82e05b22cc7d4ef5)');
    }
    const host = await this.knownSite(siteHost);
    const now = this.clock.now();
    await this.db.transaction().execute(async (tx) => {
      const user = await findUserById(tx, userId);
      if (!user) throw notFound('user', userId);
      const before = await findAccountMapping(tx, host, userId);
      if (before?.accountId === id) return; // the same mapping again: no write, no audit entry
      await upsertAccountMapping(tx, { siteHost: host, userId, accountId: id, at: now });
      await recordAudit(tx, {
        at: now,
        actor,
        action: 'jira_account_mapping.set',
        targetType: 'user',
        targetId: userId,
        details: { siteHost: host, accountId: id, previousAccountId: before?.accountId ?? null },
      });
    });
    return (await findAccountMapping(this.db, host, userId))!;
  }

  async remove(actor: Actor, siteHost: string, userId: string): Promise<void> {
    const host = await this.knownSite(siteHost);
    const now = this.clock.now();
    await this.db.transaction().execute(async (tx) => {
      const before = await findAccountMapping(tx, host, userId);
      if (!before || !(await deleteAccountMapping(tx, host, userId))) throw notFound(`Jira account mapping on ${host} for user`, userId);
      await recordAudit(tx, {
        at: now,
        actor,
        action: 'jira_account_mapping.removed',
        targetType: 'user',
        targetId: userId,
        details: { siteHost: host, accountId: before.accountId },
      });
    });
  }

  private async knownSite(siteHost: string): Promise<string> {
    const host = siteHost.toLowerCase();
    if (!(await siteHasDestination(this.db, host))) throw notFound('Jira site (no destination uses it)', host);
    return host;
  }
}
