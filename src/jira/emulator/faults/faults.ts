// Injected faults and limits: a per-site token-bucket rate limit, a share of 5xx answers, connection
// resets, added latency, lost answers (stored, never answered), search lag and the create hook.
// "Share" faults pick requests with a seeded PRNG (rate) or take the next N matching ones (count),
// so a test decides exactly which requests fail.
import { SeededRandom } from '../random.js';

export interface FaultMatch {
  /** HTTP method, e.g. "POST" */
  method?: string;
  /** a regular expression tested against the path; default: every /rest/ path */
  path?: string;
}

export interface ShareFault {
  /** probability per matching request, drawn from the seeded PRNG */
  rate?: number;
  /** the next N matching requests */
  count?: number;
  match?: FaultMatch;
}

export interface FaultSettings {
  seed?: number;
  rateLimit?: { perSecond: number; burst?: number } | null;
  /** Jira's per-issue write limit: writes (POST/PUT/DELETE) to one issue's URLs share a bucket */
  issueWriteLimit?: { perSecond: number; burst?: number } | null;
  /** status defaults to 503; retryAfterSeconds adds Retry-After (some Jira 503s carry it) */
  serverErrors?: (ShareFault & { status?: number; retryAfterSeconds?: number }) | null;
  connectionResets?: ShareFault | null;
  latency?: { ms: number; match?: FaultMatch } | null;
  lostAnswers?: (ShareFault & { mode?: 'hold' | 'destroy' }) | null;
  /** hold every create answer after storing the issue, until the test releases it */
  createHook?: boolean;
  /** an issue written at t is absent from every search computed before t + searchLagMs */
  searchLagMs?: number;
}

export interface RateDecision {
  allowed: boolean;
  headers: Record<string, string>;
}

interface SecondStats {
  second: number;
  accepted: number;
  rejected: number;
}

export class FaultManager {
  settings: FaultSettings = {};
  private rng = new SeededRandom(1);
  private tokens = 0;
  private lastRefill = 0;
  private remaining = new Map<string, number>();
  private seconds: SecondStats[] = [];
  acceptedTotal = 0;
  rejectedTotal = 0;
  private issueBuckets = new Map<string, { tokens: number; last: number }>();
  issueWriteRejected = 0;
  private firstAt: number | null = null;
  private lastAt: number | null = null;

  constructor(initial: FaultSettings = {}) {
    this.configure(initial);
  }

  configure(s: FaultSettings): void {
    this.settings = structuredClone(s);
    this.rng = new SeededRandom(s.seed ?? 1);
    this.remaining.clear();
    for (const k of ['serverErrors', 'connectionResets', 'lostAnswers'] as const) {
      const f = s[k];
      if (f && typeof f.count === 'number') this.remaining.set(k, f.count);
    }
    if (s.rateLimit) {
      this.tokens = s.rateLimit.burst ?? s.rateLimit.perSecond;
      this.lastRefill = performance.now();
    }
    this.issueBuckets.clear();
    this.resetStats();
  }

  resetStats(): void {
    this.seconds = [];
    this.acceptedTotal = 0;
    this.rejectedTotal = 0;
    this.issueWriteRejected = 0;
    this.firstAt = null;
    this.lastAt = null;
  }

  private matches(m: FaultMatch | undefined, method: string, path: string): boolean {
    if (m?.method && m.method.toUpperCase() !== method) return false;
    if (m?.path) return new RegExp(m.path).test(path);
    return path.startsWith('/rest/');
  }

  /** Token bucket per site. Only /rest/ requests count. */
  rateLimit(method: string, path: string): RateDecision | null {
    const rl = this.settings.rateLimit;
    if (!path.startsWith('/rest/')) return null;
    const now = performance.now();
    const wall = Date.now();
    this.firstAt ??= wall;
    this.lastAt = wall;
    if (!rl) {
      this.count(wall, true);
      return null;
    }
    const capacity = rl.burst ?? rl.perSecond;
    this.tokens = Math.min(capacity, this.tokens + ((now - this.lastRefill) / 1000) * rl.perSecond);
    this.lastRefill = now;
    const resetAt = rateLimitReset(wall + Math.ceil(((capacity - this.tokens) / rl.perSecond) * 1000));
    if (this.tokens >= 1) {
      this.tokens -= 1;
      this.count(wall, true);
      const headers: Record<string, string> = {
        'X-RateLimit-Limit': String(capacity),
        'X-RateLimit-Remaining': String(Math.floor(this.tokens)),
        'X-RateLimit-Reset': resetAt,
      };
      if (this.tokens < capacity * 0.2) headers['X-RateLimit-NearLimit'] = 'true';
      void method;
      return { allowed: true, headers };
    }
    this.count(wall, false);
    const retryAfter = Math.max(1, Math.ceil((1 - this.tokens) / rl.perSecond));
    return {
      allowed: false,
      headers: {
        'Retry-After': String(retryAfter),
        'X-RateLimit-Limit': String(capacity),
        'X-RateLimit-Remaining': '0',
        'X-RateLimit-Reset': resetAt,
        'RateLimit-Reason': 'jira-burst-based',
      },
    };
  }

  /**
   * Per-issue write limit: a token bucket per issue (by id, so old keys share it) for POST/PUT/DELETE
   * under /rest/api/{2,3}/issue/{idOrKey}. Over it: 429 with RateLimit-Reason jira-per-issue-on-write.
   */
  issueWriteLimit(method: string, path: string, issueIdOf: (idOrKey: string) => string | undefined): RateDecision | null {
    const rl = this.settings.issueWriteLimit;
    if (!rl || method === 'GET') return null;
    const m = /^\/rest\/api\/(?:2|3|latest)\/issue\/([^/]+)/.exec(path);
    if (!m || m[1] === 'bulk' || m[1] === 'createmeta') return null;
    let idOrKey: string;
    try {
      idOrKey = decodeURIComponent(m[1] as string);
    } catch {
      return null;
    }
    const id = issueIdOf(idOrKey);
    if (id === undefined) return null;
    const capacity = rl.burst ?? rl.perSecond;
    const now = performance.now();
    const b = this.issueBuckets.get(id) ?? { tokens: capacity, last: now };
    b.tokens = Math.min(capacity, b.tokens + ((now - b.last) / 1000) * rl.perSecond);
    b.last = now;
    this.issueBuckets.set(id, b);
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return null;
    }
    this.issueWriteRejected++;
    return {
      allowed: false,
      headers: {
        'Retry-After': String(Math.max(1, Math.ceil((1 - b.tokens) / rl.perSecond))),
        'X-RateLimit-Limit': String(capacity),
        'X-RateLimit-Remaining': '0',
        'X-RateLimit-Reset': rateLimitReset(Date.now() + Math.ceil(((capacity - b.tokens) / rl.perSecond) * 1000)),
        'RateLimit-Reason': 'jira-per-issue-on-write',
      },
    };
  }

  private count(wall: number, accepted: boolean): void {
    const second = Math.floor(wall / 1000);
    let last = this.seconds[this.seconds.length - 1];
    if (!last || last.second !== second) {
      last = { second, accepted: 0, rejected: 0 };
      this.seconds.push(last);
      if (this.seconds.length > 120) this.seconds.shift();
    }
    if (accepted) {
      last.accepted++;
      this.acceptedTotal++;
    } else {
      last.rejected++;
      this.rejectedTotal++;
    }
  }

  stats(): Record<string, unknown> {
    const elapsed = this.firstAt !== null && this.lastAt !== null ? (this.lastAt - this.firstAt) / 1000 : 0;
    return {
      accepted: this.acceptedTotal,
      rejected: this.rejectedTotal,
      issueWriteRejected: this.issueWriteRejected,
      windowSeconds: elapsed,
      acceptedPerSecond: elapsed > 0 ? this.acceptedTotal / elapsed : this.acceptedTotal,
      perSecond: this.seconds.map((s) => ({ second: new Date(s.second * 1000).toISOString(), accepted: s.accepted, rejected: s.rejected })),
    };
  }

  /** Decides whether this request gets the given share fault. */
  pick(kind: 'serverErrors' | 'connectionResets' | 'lostAnswers', method: string, path: string): boolean {
    const f = this.settings[kind];
    if (!f || !this.matches(f.match, method, path)) return false;
    const left = this.remaining.get(kind);
    if (left !== undefined) {
      if (left <= 0) return false;
      this.remaining.set(kind, left - 1);
      return true;
    }
    return typeof f.rate === 'number' && this.rng.next() < f.rate;
  }

  latencyFor(method: string, path: string): number {
    const l = this.settings.latency;
    return l && this.matches(l.match, method, path) ? l.ms : 0;
  }
}

/**
 * X-RateLimit-Reset as Jira Cloud documents it: "the timestamp (in ISO 8601 format) when the rate
 * limit will reset ... in the format: yyyy-MM-ddTHH:mmZ" (Atlassian's Rate limiting page, quoted in
 * https://jira.atlassian.com/browse/JRACLOUD-69262). Minute precision: the instant is rounded up to
 * the next whole minute, so a client that waits until then never retries too early.
 */
export function rateLimitReset(ms: number): string {
  const minute = 60_000;
  return new Date(Math.ceil(ms / minute) * minute).toISOString().slice(0, 16) + 'Z';
}
