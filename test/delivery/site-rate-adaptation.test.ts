// The pure decision that learns a Jira site's pace (src/delivery/site-rate-adaptation.ts): table tests,
// and a deterministic simulation against a token bucket like Jira's.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { adaptRate, rateSignal, DEFAULT_RATE_ADAPT, type RateSignal, type SiteRateState } from '../../src/delivery/site-rate-adaptation.js';

const S = { ...DEFAULT_RATE_ADAPT, minRate: 0.5, decreaseFactor: 0.5, nearLimitFactor: 0.9, nearLimitShare: 0.2, increaseStep: 1, increaseEveryMs: 1000, decreaseHoldMs: 1000 };
/** learned rate, last 429 decrease, last change of any kind, ceiling */
const st = (learned: number, limitedAt = 0, changedAt = 0, ceiling = 10): SiteRateState => ({ ceiling, learned, limitedAt, changedAt });

describe('rateSignal', () => {
  const cases: [string, Parameters<typeof rateSignal>[0], RateSignal['kind'] | null][] = [
    ['429', { status: 429 }, 'limited'],
    ['429 whatever the headers', { status: 429, nearLimit: 'false', remaining: '5', limit: '5' }, 'limited'],
    ['no answer', { status: null }, null],
    ['503 (says nothing about the rate)', { status: 503 }, null],
    ['200 without headers', { status: 200 }, 'clear'],
    ['201 NearLimit true', { status: 201, nearLimit: 'true' }, 'near_limit'],
    ['NearLimit TRUE, spaces', { status: 200, nearLimit: ' TRUE ' }, 'near_limit'],
    ['NearLimit false', { status: 200, nearLimit: 'false', remaining: '4', limit: '5' }, 'clear'],
    ['remaining below a fifth of the limit', { status: 200, remaining: '1', limit: '10' }, 'near_limit'],
    ['remaining exactly a fifth', { status: 200, remaining: '2', limit: '10' }, 'clear'],
    ['garbage numbers', { status: 200, remaining: 'x', limit: '10' }, 'clear'],
    ['limit 0', { status: 200, remaining: '0', limit: '0' }, 'clear'],
    ['400 is an answer: clear', { status: 400 }, 'clear'],
  ];
  for (const [name, h, kind] of cases) test(name, () => assert.equal(rateSignal(h, 5, 0.2)?.kind ?? null, kind));
  test('the near-limit share is a setting', () => assert.equal(rateSignal({ status: 200, remaining: '2', limit: '5' }, 5, 0.5)?.kind, 'near_limit'));
});

describe('adaptRate', () => {
  const cases: [string, SiteRateState, RateSignal, SiteRateState | 'same'][] = [
    ['429 halves (factor 0.5) and stamps the decrease', st(10), { kind: 'limited', at: 5000 }, st(5, 5000, 5000)],
    ['a second 429 within the hold does not decrease again', st(5, 5000, 5000), { kind: 'limited', at: 5500 }, 'same'],
    ['a 429 after the hold decreases again', st(5, 5000, 5000), { kind: 'limited', at: 6000 }, st(2.5, 6000, 6000)],
    ['a 429 right after a near-limit decrease or an increase still decreases', st(8, 0, 4900), { kind: 'limited', at: 5000 }, st(4, 5000, 5000)],
    ['never below the floor', st(0.6), { kind: 'limited', at: 5000 }, st(0.5, 5000, 5000)],
    ['floor never above the ceiling', st(0.3, 0, 0, 0.3), { kind: 'limited', at: 5000 }, st(0.3, 5000, 5000, 0.3)],
    ['near limit: gentle decrease', st(10), { kind: 'near_limit', at: 5000 }, st(9, 0, 5000)],
    ['near limit within an interval of a change: nothing', st(9, 0, 4500), { kind: 'near_limit', at: 5200 }, 'same'],
    ['near limit at the floor: nothing', st(0.5), { kind: 'near_limit', at: 5000 }, 'same'],
    ['clear after a quiet interval: +step', st(5, 1000, 1000), { kind: 'clear', at: 2000 }, st(6, 1000, 2000)],
    ['clear too soon after a 429 decrease: nothing', st(5, 1500, 1500), { kind: 'clear', at: 2000 }, 'same'],
    ['clear too soon after another change: nothing', st(5, 0, 1500), { kind: 'clear', at: 2000 }, 'same'],
    ['never above the ceiling', st(9.5), { kind: 'clear', at: 5000 }, st(10, 0, 5000)],
    ['at the ceiling: nothing', st(10), { kind: 'clear', at: 5000 }, 'same'],
    ['a ceiling lowered below the learned rate clamps it', st(10, 0, 0, 4), { kind: 'clear', at: 0 }, st(4, 0, 0, 4)],
  ];
  for (const [name, before, signal, after] of cases) {
    test(name, () => {
      const got = adaptRate(before, signal, S);
      if (after === 'same') assert.equal(got, before);
      else assert.deepEqual(got, after);
    });
  }
});

// A site allowing 5 requests/s (bucket of 5, like the emulator), a client configured for 10/s that
// sends as fast as its learned rate allows, with the default settings: after a minute of learning,
// fewer than 2% of the requests of the next two minutes are 429s, and the site is kept busy.
test('simulation: 10/s configured against a 5/s site converges to < 2% 429s', () => {
  const site = { rate: 5, burst: 5, tokens: 5 };
  let state: SiteRateState = st(10, 0, 0, 10);
  const tick = 10; // ms
  let credit = 0;
  const counts = { ok: 0, limited: 0 };
  for (let t = 0; t < 180_000; t += tick) {
    site.tokens = Math.min(site.burst, site.tokens + (site.rate * tick) / 1000);
    credit = Math.min(2, credit + (state.learned * tick) / 1000);
    while (credit >= 1) {
      credit -= 1;
      const allowed = site.tokens >= 1;
      if (allowed) site.tokens -= 1;
      const h = allowed ? { status: 201, remaining: String(Math.floor(site.tokens)), limit: '5', nearLimit: site.tokens < 1 ? 'true' : null } : { status: 429 };
      state = adaptRate(state, rateSignal(h, t)!, DEFAULT_RATE_ADAPT);
      if (t >= 60_000) counts[allowed ? 'ok' : 'limited']++;
    }
  }
  const share = counts.limited / (counts.ok + counts.limited);
  assert.ok(share < 0.02, `429 share ${(share * 100).toFixed(2)}%`);
  assert.ok(counts.ok / 120 >= 0.75 * 5, `accepted ${(counts.ok / 120).toFixed(2)}/s`);
});
