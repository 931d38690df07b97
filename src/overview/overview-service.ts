// What the console's overview page draws (GET /api/overview): alerts over time by severity,
// deliveries by state per destination, each Jira site's measured request rate against its limit,
// and the oldest waiting job. Queries are in storage/repositories/overview.ts; the shaping is pure.
import type { Clock } from '../clock.js';
import { SEVERITIES } from '../alerts/alert.js';
import type { JobState } from '../delivery/job.js';
import type { SiteRate } from '../delivery/rate-limiter.js';
import { HOUR_MS, alertCountsByHour, jobCountsByDestinationAndState, oldestJobIn } from '../storage/repositories/overview.js';
import type { Db } from '../storage/repositories/users.js';

export const MAX_OVERVIEW_HOURS = 720;
/** Jobs that have work left and are not running right now. */
export const WAITING_STATES: JobState[] = ['pending', 'blocked', 'paused'];

type SeverityCounts = { critical: number; high: number; medium: number; low: number; info: number };
export type AlertBucket = { bucketStart: number } & SeverityCounts;

export interface Overview {
  alertsOverTime: AlertBucket[];
  deliveriesByState: { destinationId: string; destinationName: string; state: string; count: number }[];
  sites: { host: string; requestsPerSecond: number; limitPerSecond: number; configuredPerSecond: number }[];
  oldestWaitingJob: { id: string; kind: string; destinationId: string; state: string; waitingSince: number; waitingSinceMs: number } | null;
}

/**
 * `hours` hourly buckets ending with the current hour (the first starts hours-1 hours before the
 * start of the current one), every bucket present, severities by their lower-case names.
 */
export function hourlyBuckets(rows: { hour: number; severity: string; count: number }[], now: number, hours: number): AlertBucket[] {
  const current = Math.floor(now / HOUR_MS);
  const first = current - hours + 1;
  const buckets: AlertBucket[] = [];
  for (let h = first; h <= current; h++) buckets.push({ bucketStart: h * HOUR_MS, critical: 0, high: 0, medium: 0, low: 0, info: 0 });
  for (const r of rows) {
    const b = buckets[r.hour - first];
    const key = r.severity.toLowerCase() as keyof SeverityCounts;
    if (b && (SEVERITIES as readonly string[]).includes(r.severity)) b[key] += r.count;
  }
  return buckets;
}

export class OverviewService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly sites: { list(): Promise<SiteRate[]>; defaultRate: number },
    private readonly measuredRates: () => Map<string, number>,
  ) {}

  /** The first bucket starts (hours - 1) hours before the current hour; the figures are read when asked. */
  async get(hours = 24): Promise<Overview> {
    const now = this.clock.now();
    const since = (Math.floor(now / HOUR_MS) - hours + 1) * HOUR_MS;
    const [counts, jobs, oldest, siteRates] = await Promise.all([
      alertCountsByHour(this.db, since, now + 1),
      jobCountsByDestinationAndState(this.db),
      oldestJobIn(this.db, WAITING_STATES),
      this.sites.list(),
    ]);
    const measured = this.measuredRates();
    const hosts = [...new Set([...siteRates.map((s) => s.siteHost), ...measured.keys()])].sort();
    return {
      alertsOverTime: hourlyBuckets(counts, now, hours),
      deliveriesByState: jobs.map((j) => ({ ...j, destinationName: j.destinationName ?? '(deleted destination)' })),
      sites: hosts.map((host) => {
        const s = siteRates.find((x) => x.siteHost === host);
        return {
          host,
          requestsPerSecond: round(measured.get(host) ?? 0),
          limitPerSecond: s?.learnedRatePerSec ?? this.sites.defaultRate,
          configuredPerSecond: s?.ratePerSec ?? this.sites.defaultRate,
        };
      }),
      oldestWaitingJob: oldest ? { id: oldest.id, kind: oldest.kind, destinationId: oldest.destinationId, state: oldest.state, waitingSince: oldest.createdAt, waitingSinceMs: Math.max(0, now - oldest.createdAt) } : null,
    };
  }
}

const round = (n: number) => Math.round(n * 1000) / 1000;
