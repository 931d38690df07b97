// One token bucket per Jira site, shared by every destination on the site. On PostgreSQL the bucket
// is a row that every replica draws from atomically (times from the database's clock), so the site
// sees one pace whatever the number of replicas; on SQLite (one process by design) the bucket lives
// in memory and the row holds the site's settings. A 429 from Jira blocks the bucket for its
// Retry-After.
import { sql } from 'kysely';
import type { Dialect } from '../storage/db.js';
import type { Db } from '../storage/repositories/users.js';

export interface SiteRateLimiter {
  /** Resolves when one request to the site may be sent. Priority callers skip the reserve. */
  acquire(site: string, opts?: { priority?: boolean; signal?: AbortSignal }): Promise<void>;
  /** Jira said 429: nobody sends to the site before `ms` from now. */
  block(site: string, ms: number): Promise<void>;
}

export interface SiteRate {
  siteHost: string;
  ratePerSec: number;
  burst: number;
}

/** Tokens kept back for the priority lane (test alerts), so a storm cannot starve it. */
const RESERVE = 1;

export function defaultBurst(ratePerSec: number): number {
  return Math.max(1 + RESERVE, Math.min(ratePerSec, 5));
}

interface Bucket {
  rate: number;
  burst: number;
  tokens: number;
  refilledAt: number;
  blockedUntil: number;
}

export class DbSiteRateLimiter implements SiteRateLimiter {
  readonly #known = new Set<string>();
  /** SQLite (one process): the buckets live here; the table keeps only each site's settings. */
  readonly #local = new Map<string, Bucket>();

  constructor(
    private readonly db: Db,
    private readonly dialect: Dialect,
    private readonly defaultRate: number,
  ) {}

  #now() {
    return this.dialect === 'postgres' ? sql<number>`(extract(epoch from clock_timestamp()) * 1000)::bigint` : sql<number>`${Date.now()}`;
  }

  async #ensure(site: string): Promise<void> {
    if (this.#known.has(site)) return;
    const now = Date.now();
    await this.db
      .insertInto('jira_sites')
      .values({ site_host: site, rate_per_sec: this.defaultRate, burst: defaultBurst(this.defaultRate), tokens: defaultBurst(this.defaultRate), refilled_at: now, blocked_until: 0, updated_at: now })
      .onConflict((oc) => oc.column('site_host').doNothing())
      .execute();
    this.#known.add(site);
  }

  async #bucket(site: string): Promise<Bucket> {
    let b = this.#local.get(site);
    if (!b) {
      await this.#ensure(site);
      const row = await this.db.selectFrom('jira_sites').select(['rate_per_sec', 'burst']).where('site_host', '=', site).executeTakeFirstOrThrow();
      b = { rate: Number(row.rate_per_sec), burst: Number(row.burst), tokens: Number(row.burst), refilledAt: Date.now(), blockedUntil: 0 };
      this.#local.set(site, b);
    }
    return b;
  }

  async #acquireLocal(site: string, need: number, signal?: AbortSignal): Promise<void> {
    const b = await this.#bucket(site);
    for (;;) {
      signal?.throwIfAborted();
      const now = Date.now();
      b.tokens = Math.min(b.burst, b.tokens + ((now - b.refilledAt) * b.rate) / 1000);
      b.refilledAt = now;
      if (now >= b.blockedUntil && b.tokens >= need) {
        b.tokens -= 1;
        return;
      }
      const wait = Math.max(b.blockedUntil - now, ((need - b.tokens) / b.rate) * 1000, 1);
      await sleep(Math.min(wait, 1000), signal);
    }
  }

  async acquire(site: string, opts: { priority?: boolean; signal?: AbortSignal } = {}): Promise<void> {
    const need = 1 + (opts.priority ? 0 : RESERVE);
    if (this.dialect === 'sqlite') return this.#acquireLocal(site, need, opts.signal);
    await this.#ensure(site);
    for (;;) {
      opts.signal?.throwIfAborted();
      const now = this.#now();
      const least = sql.raw(this.dialect === 'postgres' ? 'least' : 'min');
      const level = sql<number>`${least}(burst, tokens + (${now} - refilled_at) * rate_per_sec / 1000.0)`;
      const taken = await sql<{ tokens: number }>`
        update jira_sites set tokens = ${level} - 1, refilled_at = ${now}
        where site_host = ${site} and blocked_until <= ${now} and ${level} >= ${need}
        returning tokens`.execute(this.db);
      if (taken.rows.length > 0) return;
      const row = await sql<{ level: number; rate: number; wait_block: number }>`
        select ${level} as level, rate_per_sec as rate, ${sql.raw(this.dialect === 'postgres' ? 'greatest' : 'max')}(blocked_until - ${now}, 0) as wait_block
        from jira_sites where site_host = ${site}`.execute(this.db);
      const r = row.rows[0];
      if (!r) throw new Error(`no rate-limit bucket for ${site}`);
      const waitTokens = ((need - Number(r.level)) / Number(r.rate)) * 1000;
      const wait = Math.max(Number(r.wait_block), waitTokens, 2);
      await sleep(Math.min(wait, 1000) + Math.random() * 3, opts.signal);
    }
  }

  async block(site: string, ms: number): Promise<void> {
    if (this.dialect === 'sqlite') {
      const b = await this.#bucket(site);
      b.blockedUntil = Math.max(b.blockedUntil, Date.now() + Math.ceil(ms));
      b.tokens = 0;
      return;
    }
    await this.#ensure(site);
    const now = this.#now();
    const greatest = sql.raw(this.dialect === 'postgres' ? 'greatest' : 'max');
    await sql`update jira_sites set blocked_until = ${greatest}(blocked_until, ${now} + ${Math.ceil(ms)}), tokens = 0, refilled_at = ${now} + ${Math.ceil(ms)} where site_host = ${site}`.execute(this.db);
  }

  async setRate(site: string, ratePerSec: number, burst = defaultBurst(ratePerSec)): Promise<void> {
    await this.#ensure(site);
    await this.db.updateTable('jira_sites').set({ rate_per_sec: ratePerSec, burst, updated_at: Date.now() }).where('site_host', '=', site).execute();
    const b = this.#local.get(site);
    if (b) Object.assign(b, { rate: ratePerSec, burst, tokens: Math.min(b.tokens, burst) });
  }

  async list(): Promise<SiteRate[]> {
    const rows = await this.db.selectFrom('jira_sites').select(['site_host', 'rate_per_sec', 'burst']).orderBy('site_host').execute();
    return rows.map((r) => ({ siteHost: r.site_host, ratePerSec: Number(r.rate_per_sec), burst: Number(r.burst) }));
  }
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason as Error);
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(signal!.reason as Error);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
