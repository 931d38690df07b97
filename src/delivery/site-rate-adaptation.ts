// How fast a Jira site may be called, learned from its answers (AIMD: down fast, up slowly). Pure:
// no I/O, no clock; the rate limiter feeds it the answers and stores what it returns.
//
// - A 429 multiplies the learned rate by `decreaseFactor` (at most once per `decreaseHoldMs`: the
//   requests already in flight when the first 429 came answer 429 too and say nothing new).
// - An answer flagged near the limit (`X-RateLimit-NearLimit: true`, or `X-RateLimit-Remaining`
//   below `nearLimitShare` of `X-RateLimit-Limit`) means we are at the site's pace: a gentle
//   decrease (`nearLimitFactor`), so the site's bucket keeps some room for bunched requests.
// - Any other answer adds `increaseStep` requests/s.
// - The rate changes at most once per `increaseEveryMs`, except that a 429 always may lower it
//   (unless another 429 already did within `decreaseHoldMs`).
// The learned rate stays between `minRate` and the configured rate (the operator's ceiling).

export interface RateAdaptSettings {
  /** Learned rate never goes below this (requests/s). */
  minRate: number;
  /** Multiplier on a 429 (0 < f < 1). */
  decreaseFactor: number;
  /** Multiplier on an answer flagged near the limit (0 < f ≤ 1). */
  nearLimitFactor: number;
  /** An answer with X-RateLimit-Remaining below this share of X-RateLimit-Limit is near the limit. */
  nearLimitShare: number;
  /** Requests/s added per clean interval. */
  increaseStep: number;
  /** Least time between two changes of the rate, 429s aside (ms). */
  increaseEveryMs: number;
  /** 429s within this time after a decrease do not decrease again (ms). */
  decreaseHoldMs: number;
}

export const DEFAULT_RATE_ADAPT: RateAdaptSettings = {
  minRate: 0.5,
  decreaseFactor: 0.7,
  nearLimitFactor: 0.97,
  nearLimitShare: 0.5,
  increaseStep: 0.1,
  increaseEveryMs: 1_000,
  decreaseHoldMs: 1_000,
};

export interface SiteRateState {
  /** The configured rate (ALERTSYNC_JIRA_RATE_LIMIT or PUT /api/jira-sites/{host}/rate-limit). */
  ceiling: number;
  /** The rate the bucket refills at now. */
  learned: number;
  /** When a 429 last lowered the rate (epoch ms; 0 = never). */
  limitedAt: number;
  /** When the rate last changed, for any reason (epoch ms; 0 = never). */
  changedAt: number;
}

/** What one answer of the site says about its limit. */
export type RateSignal = { kind: 'limited'; at: number } | { kind: 'near_limit'; at: number } | { kind: 'clear'; at: number };

/** The rate-limit part of an answer, as the Jira client reports it. */
export interface RateHeaders {
  status: number | null;
  /** X-RateLimit-NearLimit */
  nearLimit?: string | null;
  /** X-RateLimit-Remaining */
  remaining?: string | null;
  /** X-RateLimit-Limit */
  limit?: string | null;
}

/** Classifies an answer; null when it says nothing about the rate (no answer, a 5xx). */
export function rateSignal(h: RateHeaders, at: number, nearLimitShare = DEFAULT_RATE_ADAPT.nearLimitShare): RateSignal | null {
  if (h.status === null || h.status >= 500) return null;
  if (h.status === 429) return { kind: 'limited', at };
  if ((h.nearLimit ?? '').trim().toLowerCase() === 'true') return { kind: 'near_limit', at };
  const remaining = Number(h.remaining);
  const limit = Number(h.limit);
  if (h.remaining != null && h.limit != null && Number.isFinite(remaining) && Number.isFinite(limit) && limit > 0 && remaining < limit * nearLimitShare) {
    return { kind: 'near_limit', at };
  }
  return { kind: 'clear', at };
}

const round = (r: number): number => Math.round(r * 1000) / 1000;

/** The site's next state after one signal; the same object when nothing changes. */
export function adaptRate(state: SiteRateState, signal: RateSignal, s: RateAdaptSettings): SiteRateState {
  const floor = Math.min(s.minRate, state.ceiling);
  const learned = Math.min(Math.max(state.learned, floor), state.ceiling);
  const clamp = (r: number) => round(Math.min(state.ceiling, Math.max(floor, r)));
  const unchanged = learned === state.learned ? state : { ...state, learned };
  if (signal.kind === 'limited') {
    if (signal.at - state.limitedAt < s.decreaseHoldMs) return unchanged;
    return { ...state, learned: clamp(learned * s.decreaseFactor), limitedAt: signal.at, changedAt: signal.at };
  }
  if (signal.at - state.changedAt < s.increaseEveryMs) return unchanged;
  const next = signal.kind === 'near_limit' ? clamp(learned * s.nearLimitFactor) : clamp(learned + s.increaseStep);
  if (next === learned) return unchanged;
  return { ...state, learned: next, changedAt: signal.at };
}
