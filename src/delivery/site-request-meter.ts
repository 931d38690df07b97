// Measures how many requests this process sent to each Jira site recently (the overview's "request
// rate against its limit"): counts per whole second, kept for one window. Per process: with several
// replicas each measures its own share (docs/api.md, GET /api/overview).
import type { Clock } from '../clock.js';

export class SiteRequestMeter {
  readonly #counts = new Map<string, Map<number, number>>();

  constructor(
    private readonly clock: Clock,
    /** The window the rate is averaged over. */
    readonly windowMs = 60_000,
  ) {}

  record(siteHost: string): void {
    const second = Math.floor(this.clock.now() / 1000);
    let perSecond = this.#counts.get(siteHost);
    if (!perSecond) this.#counts.set(siteHost, (perSecond = new Map()));
    perSecond.set(second, (perSecond.get(second) ?? 0) + 1);
    if (perSecond.size > this.windowMs / 1000 + 1) this.#prune(perSecond, second);
  }

  /** Requests per second to each site over the last window (sites without a request in it are left out). */
  rates(): Map<string, number> {
    const now = Math.floor(this.clock.now() / 1000);
    const out = new Map<string, number>();
    for (const [site, perSecond] of this.#counts) {
      this.#prune(perSecond, now);
      if (perSecond.size === 0) {
        this.#counts.delete(site);
        continue;
      }
      let n = 0;
      for (const c of perSecond.values()) n += c;
      out.set(site, n / (this.windowMs / 1000));
    }
    return out;
  }

  #prune(perSecond: Map<number, number>, nowSecond: number): void {
    const oldest = nowSecond - Math.ceil(this.windowMs / 1000) + 1;
    for (const s of perSecond.keys()) if (s < oldest) perSecond.delete(s);
  }
}
