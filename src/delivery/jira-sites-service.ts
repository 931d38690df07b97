// Jira sites as the API shows them: each site's configured and learned rate, and the operator's
// setting of the configured rate (only for sites that a destination uses; audited).
import type { Clock } from '../clock.js';
import { invalid, notFound } from '../errors.js';
import { recordAudit } from '../storage/repositories/audit.js';
import { siteHasDestination } from '../storage/repositories/destinations.js';
import type { Db } from '../storage/repositories/users.js';
import type { Actor } from '../users/user.js';
import { defaultBurst, type DbSiteRateLimiter, type SiteRate } from './rate-limiter.js';

/** The accepted range of a site's rate (requests/s) and burst; docs/delivery.md. */
export const SITE_RATE_RANGE = { min: 0.1, max: 1000 } as const;
export const SITE_BURST_RANGE = { min: 1, max: 1000 } as const;

export class JiraSitesService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly limiter: DbSiteRateLimiter,
  ) {}

  list(): Promise<SiteRate[]> {
    return this.limiter.list();
  }

  async setRate(actor: Actor, siteHost: string, ratePerSec: number, burst?: number): Promise<SiteRate> {
    const host = siteHost.toLowerCase();
    if (!(ratePerSec >= SITE_RATE_RANGE.min && ratePerSec <= SITE_RATE_RANGE.max)) {
      throw invalid('rate_out_of_range', `ratePerSec must be between ${SITE_RATE_RANGE.min} and ${SITE_RATE_RANGE.max} requests per second`);
    }
    if (burst !== undefined && !(burst >= SITE_BURST_RANGE.min && burst <= SITE_BURST_RANGE.max)) {
      throw invalid('burst_out_of_range', `burst must be between ${SITE_BURST_RANGE.min} and ${SITE_BURST_RANGE.max}`);
    }
    if (!(await siteHasDestination(this.db, host))) {
      throw notFound('Jira site (no destination uses it)', host);
    }
    const now = this.clock.now();
    // A site that was never called yet has no row: it runs at the configured default.
    const before = (await this.limiter.list()).find((s) => s.siteHost === host) ?? { ratePerSec: this.limiter.defaultRate, burst: defaultBurst(this.limiter.defaultRate) };
    await this.db.transaction().execute(async (tx) => {
      await this.limiter.setRate(host, ratePerSec, burst, tx);
      await recordAudit(tx, {
        at: now,
        actor,
        action: 'jira_site.rate_limit_set',
        targetType: 'jira_site',
        targetId: host,
        details: { ratePerSec, burst: burst ?? null, previous: { ratePerSec: before.ratePerSec, burst: before.burst } },
      });
    });
    return (await this.limiter.list()).find((s) => s.siteHost === host)!;
  }
}
