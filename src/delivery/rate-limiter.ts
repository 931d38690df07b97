// One token bucket per Jira site, shared by every destination on the site. On PostgreSQL the bucket
// is a row that every replica draws from atomically (times from the database's clock), so the site
// sees one pace whatever the number of replicas; on SQLite (one process by design) the bucket lives
// in memory and the row holds the site's settings. A 429 from Jira blocks the bucket for its
// Retry-After.
// The bucket refills at the site's *learned* rate: every answer of the site is reported here
// (`observe`), and site-rate-adaptation.ts decides the next rate (down fast on 429s, up slowly),
// never above the configured rate. On PostgreSQL the learned rate is in the row (shared by the
// replicas, written with a compare-and-set); on SQLite it lives with the in-memory bucket and is
// copied to the row for `GET /api/jira-sites`.
import { sql } from 'kysely';
import type { Dialect } from '../storage/db.js';
import type { Db } from '../storage/repositories/users.js';
import { adaptRate, rateSignal, DEFAULT_RATE_ADAPT, type RateAdaptSettings, type RateHeaders, type SiteRateState } from './site-rate-adaptation.js';

export interface SiteRateLimiter {
  /** Resolves when one request to the site may be sent. Priority callers skip the reserve. */
  acquire(site: string, opts?: { priority?: boolean; signal?: AbortSignal }): Promise<void>;
  /** Jira said 429: nobody sends to the site before `ms` from now. */
  block(site: string, ms: number): Promise<void>;
  /** One answer of the site (status and rate-limit headers): the learned rate may change. */
  observe(site: string, answer: RateHeaders): Promise<void>;
}

export interface SiteRate {
  siteHost: string;
  /** The configured rate: the ceiling of the learned one. */
  ratePerSec: number;
  /** The rate requests are sent at now, learned from the site's answers. */
  learnedRatePerSec: number;
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
  adapt: SiteRateState;
}

/** How long a replica trusts its copy of a site's learned rate before reading the row again. */
const HINT_TTL_MS = 1_000;

export class DbSiteRateLimiter implements SiteRateLimiter {
  readonly #known = new Set<string>();
  /** SQLite (one process): the buckets live here; the table keeps only each site's settings. */
  readonly #local = new Map<string, Bucket>();
  /** PostgreSQL: this replica's recent copy of each site's adaptation state (a hint only). */
  readonly #hint = new Map<string, { state: SiteRateState; readAt: number }>();

  constructor(
    private readonly db: Db,
    private readonly dialect: Dialect,
    readonly defaultRate: number,
    private readonly adaptSettings: RateAdaptSettings = DEFAULT_RATE_ADAPT,
  ) {}

  #now() {
    return this.dialect === 'postgres' ? sql<number>`(extract(epoch from clock_timestamp()) * 1000)::bigint` : sql<number>`${Date.now()}`;
  }

  async #ensure(site: string, db: Db = this.db): Promise<void> {
    if (this.#known.has(site)) return;
    const now = Date.now();
    await db
      .insertInto('jira_sites')
      .values({ site_host: site, rate_per_sec: this.defaultRate, learned_rate: this.defaultRate, limited_at: 0, changed_at: 0, burst: defaultBurst(this.defaultRate), tokens: defaultBurst(this.defaultRate), refilled_at: now, blocked_until: 0, updated_at: now })
      .onConflict((oc) => oc.column('site_host').doNothing())
      .execute();
    this.#known.add(site);
  }

  async #bucket(site: string): Promise<Bucket> {
    let b = this.#local.get(site);
    if (!b) {
      await this.#ensure(site);
      const row = await this.db.selectFrom('jira_sites').select(['rate_per_sec', 'learned_rate', 'burst']).where('site_host', '=', site).executeTakeFirstOrThrow();
      // A restarted process starts again from the configured rate and learns anew.
      const ceiling = Number(row.rate_per_sec);
      b = { rate: ceiling, burst: Number(row.burst), tokens: Number(row.burst), refilledAt: Date.now(), blockedUntil: 0, adapt: { ceiling, learned: ceiling, limitedAt: 0, changedAt: 0 } };
      if (Number(row.learned_rate) !== ceiling) await this.#saveLearned(site, b.adapt);
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
      const level = sql<number>`${least}(burst, tokens + (${now} - refilled_at) * learned_rate / 1000.0)`;
      const taken = await sql<{ tokens: number }>`
        update jira_sites set tokens = ${level} - 1, refilled_at = ${now}
        where site_host = ${site} and blocked_until <= ${now} and ${level} >= ${need}
        returning tokens`.execute(this.db);
      if (taken.rows.length > 0) return;
      const row = await sql<{ level: number; rate: number; wait_block: number }>`
        select ${level} as level, learned_rate as rate, ${sql.raw(this.dialect === 'postgres' ? 'greatest' : 'max')}(blocked_until - ${now}, 0) as wait_block
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

  async observe(site: string, answer: RateHeaders): Promise<void> {
    const signal = rateSignal(answer, Date.now(), this.adaptSettings.nearLimitShare);
    if (signal === null) return;
    if (this.dialect === 'sqlite') {
      const b = await this.#bucket(site);
      const next = adaptRate(b.adapt, signal, this.adaptSettings);
      if (next === b.adapt) return;
      b.adapt = next;
      b.rate = next.learned;
      await this.#saveLearned(site, next);
      return;
    }
    // PostgreSQL: decide on this replica's recent copy; only when it says "change" (or is old) read
    // the row, decide on it, and write with a compare-and-set (another replica may have adapted).
    const hint = this.#hint.get(site);
    if (hint && signal.at - hint.readAt < HINT_TTL_MS && adaptRate(hint.state, signal, this.adaptSettings) === hint.state) return;
    await this.#ensure(site);
    const row = await this.db.selectFrom('jira_sites').select(['rate_per_sec', 'learned_rate', 'limited_at', 'changed_at']).where('site_host', '=', site).executeTakeFirst();
    if (!row) return;
    const current: SiteRateState = { ceiling: Number(row.rate_per_sec), learned: Number(row.learned_rate ?? row.rate_per_sec), limitedAt: Number(row.limited_at), changedAt: Number(row.changed_at) };
    const next = adaptRate(current, signal, this.adaptSettings);
    this.#hint.set(site, { state: next, readAt: signal.at });
    if (next === current) return;
    const written = await this.db
      .updateTable('jira_sites')
      .set({ learned_rate: next.learned, limited_at: next.limitedAt, changed_at: next.changedAt })
      .where('site_host', '=', site)
      .where('rate_per_sec', '=', row.rate_per_sec)
      .where('learned_rate', '=', row.learned_rate)
      .where('limited_at', '=', row.limited_at)
      .where('changed_at', '=', row.changed_at)
      .executeTakeFirst();
    if (Number(written.numUpdatedRows) === 0) this.#hint.delete(site);
  }

  async #saveLearned(site: string, s: SiteRateState): Promise<void> {
    await this.db.updateTable('jira_sites').set({ learned_rate: s.learned, limited_at: s.limitedAt, changed_at: s.changedAt }).where('site_host', '=', site).execute();
  }

  /** Sets the configured rate; the learned rate starts again from it. `db`: the caller's transaction. */
  async setRate(site: string, ratePerSec: number, burst = defaultBurst(ratePerSec), db: Db = this.db): Promise<void> {
    await this.#ensure(site, db);
    await db.updateTable('jira_sites').set({ rate_per_sec: ratePerSec, learned_rate: ratePerSec, limited_at: 0, changed_at: 0, burst, updated_at: Date.now() }).where('site_host', '=', site).execute();
    this.#hint.delete(site);
    const b = this.#local.get(site);
    if (b) Object.assign(b, { rate: ratePerSec, burst, tokens: Math.min(b.tokens, burst), adapt: { ceiling: ratePerSec, learned: ratePerSec, limitedAt: 0, changedAt: 0 } });
  }

  async list(): Promise<SiteRate[]> {
    const rows = await this.db.selectFrom('jira_sites').select(['site_host', 'rate_per_sec', 'learned_rate', 'burst']).orderBy('site_host').execute();
    return rows.map((r) => {
      const local = this.#local.get(r.site_host);
      const learned = local ? local.adapt.learned : Number(r.learned_rate ?? r.rate_per_sec);
      return { siteHost: r.site_host, ratePerSec: Number(r.rate_per_sec), learnedRatePerSec: learned, burst: Number(r.burst) };
    });
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
