// Table tests of the delivery engine's decisions (src/delivery/decisions.ts): pure, no I/O.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { afterLookup, claimPlan, extraCreates, requestSize, requestsOnTheirWay, laneSlots, decideAfterFailure, maySend, planLookup, sendMarginMs, slotlessCap, worthClaiming, type Failure } from '../../src/delivery/decisions.js';
import { retryDelayMs } from '../../src/delivery/backoff.js';

const T = { leaseMs: 120_000, jiraTimeoutMs: 30_000, createRecheckMs: 15_000, retryBaseMs: 1000, retryMaxMs: 60_000 };
const half = () => 0.5;

test('maySend: only a create that can finish inside its lease, with margin, is sent', () => {
  assert.equal(sendMarginMs(T), 1000);
  assert.equal(sendMarginMs({ leaseMs: 1200, jiraTimeoutMs: 800 }), 200);
  const rows: Array<[string, number, number | null, boolean]> = [
    ['just marked', 0, 120_000, true],
    ['the last moment', 89_000, 120_000, true],
    ['1 ms too late', 89_001, 120_000, false],
    ['resumed from a stall past the lease', 130_000, 120_000, false],
    ['no lease at all', 0, null, false],
  ];
  for (const [name, now, leaseUntil, want] of rows) assert.equal(maySend(now, leaseUntil, T), want, name);
});

test('planLookup: when to search before creating', () => {
  const rows: Array<[string, Parameters<typeof planLookup>[0], number, ReturnType<typeof planLookup>]> = [
    ['no mark, no replay: create', { mark: null, lookFirst: false }, 1000, { action: 'create' }],
    ['replay or dispatch: search first', { mark: null, lookFirst: true }, 1000, { action: 'search', mark: null }],
    ['closed mark, recheck not over: wait', { mark: { since: 0, until: 2000 }, lookFirst: false }, 10_000, { action: 'wait', at: 17_000, mark: { since: 0, until: 2000 } }],
    ['closed mark, recheck over: search', { mark: { since: 0, until: 2000 }, lookFirst: false }, 17_000, { action: 'search', mark: { since: 0, until: 2000 } }],
    // The stalled-replica case of issue #8: mark at 0, its sender never said when its request
    // ended; the job is taken over at 130 s: wait until 130 s + recheck, not 0 + recheck.
    ['open mark taken over long after: wait from the takeover', { mark: { since: 0, until: null }, lookFirst: false }, 130_000, { action: 'wait', at: 145_000, mark: { since: 0, until: 130_000 } }],
    ['a mark whose end is before its send (clock skew): from the send', { mark: { since: 5000, until: 4000 }, lookFirst: true }, 19_000, { action: 'wait', at: 20_000, mark: { since: 5000, until: 4000 } }],
  ];
  for (const [name, job, now, want] of rows) assert.deepEqual(planLookup(job, now, T), want, name);
});

test('afterLookup: link the oldest, sweep when there was a mark or several issues', () => {
  assert.deepEqual(afterLookup([], true), { action: 'create' });
  assert.deepEqual(afterLookup(['A'], false), { action: 'link', issue: 'A', sweep: false });
  assert.deepEqual(afterLookup(['A'], true), { action: 'link', issue: 'A', sweep: true });
  assert.deepEqual(afterLookup(['A', 'B'], false), { action: 'link', issue: 'A', sweep: true });
});

test('decideAfterFailure: every kind of failure, sent or not, with or without a mark', () => {
  const f = (kind: Failure['kind'], status: number | null = null, retryAfterMs: number | null = null): Failure => ({ kind, status, retryAfterMs });
  const base = { jobKind: 'create_issue' as const, attempts: 0, now: 100_000 };
  const backoff1 = retryDelayMs(1, { baseMs: T.retryBaseMs, maxMs: T.retryMaxMs, random: half });
  const rows: Array<[string, Failure, Partial<Parameters<typeof decideAfterFailure>[1]>, ReturnType<typeof decideAfterFailure>]> = [
    ['timeout after send: unknown, mark closed now, retry after the recheck', f('timeout'), { sentAt: 90_000, markBefore: null }, { action: 'retry', at: 115_000, mark: { since: 90_000, until: 100_000 }, outcome: 'unknown' }],
    ['reset after send: unknown', f('network'), { sentAt: 99_000, markBefore: null }, { action: 'retry', at: 115_000, mark: { since: 99_000, until: 100_000 }, outcome: 'unknown' }],
    ['5xx after send: unknown', f('server', 503), { sentAt: 99_000, markBefore: null }, { action: 'retry', at: 115_000, mark: { since: 99_000, until: 100_000 }, outcome: 'unknown' }],
    ['not Jira\'s answer after send: unknown (it may have stored it)', f('unexpected', 200), { sentAt: 99_000, markBefore: null }, { action: 'retry', at: 115_000, mark: { since: 99_000, until: 100_000 }, outcome: 'unknown' }],
    ['429 on send: refused, plain retry after Retry-After', f('rate_limited', 429, 5000), { sentAt: 99_000, markBefore: null }, { action: 'retry', at: 105_000, mark: null, outcome: 'retry' }],
    ['5xx on a lookup: keeps the mark, plain backoff', f('server', 502), { sentAt: null, markBefore: { since: 50_000, until: 60_000 } }, { action: 'retry', at: 100_000 + backoff1, mark: { since: 50_000, until: 60_000 }, outcome: 'retry' }],
    ['401 on a lookup: blocked, the mark is kept (hole 2)', f('auth', 401), { sentAt: null, markBefore: { since: 50_000, until: 60_000 } }, { action: 'block', mark: { since: 50_000, until: 60_000 }, outcome: 'failed' }],
    ['403 on send: blocked, nothing made', f('forbidden', 403), { sentAt: 99_000, markBefore: null }, { action: 'block', mark: null, outcome: 'failed' }],
    ['400 (unknown project / issue type): blocked', f('invalid', 400), { sentAt: 99_000, markBefore: null }, { action: 'block', mark: null, outcome: 'failed' }],
    ['404: blocked', f('not_found', 404), { sentAt: null, markBefore: null }, { action: 'block', mark: null, outcome: 'failed' }],
    ['not Jira\'s answer on a lookup: failed, mark kept', f('unexpected', 302), { sentAt: null, markBefore: { since: 1, until: 2 } }, { action: 'fail', mark: { since: 1, until: 2 }, outcome: 'failed' }],
    ['a local cause (closed client, database): retried, never permanent', f('local'), { sentAt: null, markBefore: null }, { action: 'retry', at: 100_000 + backoff1, mark: null, outcome: 'retry' }],
    ['a local cause after send: unknown', f('local'), { sentAt: 99_500, markBefore: null }, { action: 'retry', at: 115_000, mark: { since: 99_500, until: 100_000 }, outcome: 'unknown' }],
    ['a test alert is never blocked', f('auth', 401), { jobKind: 'test_issue', sentAt: 99_000, markBefore: null }, { action: 'fail', mark: null, outcome: 'failed' }],
    ['a sweep refused: failed', f('forbidden', 403), { jobKind: 'sweep_duplicates', sentAt: null, markBefore: null }, { action: 'fail', mark: null, outcome: 'failed' }],
    // Bulk create: one issue refused while others of the same request were made.
    ['bulk: 400 for this issue alone, others made: fails alone, the queue goes on', f('invalid', 400), { sentAt: 99_000, markBefore: null, othersCreated: true }, { action: 'fail', mark: null, outcome: 'failed' }],
    ['bulk: 403 for this issue alone, others made: fails alone', f('forbidden', 403), { sentAt: 99_000, markBefore: null, othersCreated: true }, { action: 'fail', mark: null, outcome: 'failed' }],
    ['bulk: refused alone keeps an earlier mark (a replay looks first)', f('invalid', 400), { sentAt: 99_000, markBefore: { since: 1, until: 2 }, othersCreated: true }, { action: 'fail', mark: { since: 1, until: 2 }, outcome: 'failed' }],
    ['bulk: every issue refused (400 "none made"): blocked as a single create', f('invalid', 400), { sentAt: 99_000, markBefore: null, othersCreated: false }, { action: 'block', mark: null, outcome: 'failed' }],
    ['bulk: 429 for this issue alone: retried, nothing made', f('rate_limited', 429), { sentAt: 99_000, markBefore: null, othersCreated: true }, { action: 'retry', at: 100_000 + backoff1, mark: null, outcome: 'retry' }],
  ];
  for (const [name, failure, ctx, want] of rows) {
    assert.deepEqual(decideAfterFailure(failure, { ...base, sentAt: null, markBefore: null, ...ctx }, T, half), want, name);
  }
});

test('backoff: doubling with half jitter, capped, never before Retry-After', () => {
  const rows: Array<[number, number | null, number, number]> = [
    // attempt, retryAfter, random, expected
    [1, null, 0, 500],
    [1, null, 1, 1000],
    [2, null, 0.5, 1500],
    [7, null, 1, 60_000],
    [30, null, 0, 30_000],
    [1, 90_000, 0.5, 90_000],
  ];
  for (const [attempt, retryAfterMs, r, want] of rows) assert.equal(retryDelayMs(attempt, { baseMs: 1000, maxMs: 60_000, retryAfterMs, random: () => r }), want, `attempt ${attempt}`);
});

test('claimPlan, laneSlots and worthClaiming: which jobs to claim', () => {
  const at = (priority: number, sync: number, normal: number) => ({ priority, sync, normal });
  const rows: Array<[Parameters<typeof claimPlan>[0], ReturnType<typeof claimPlan>]> = [
    [{ concurrency: 8, inflight: at(0, 0, 0), now: 1000, lastExpiredScan: 0, pollMs: 500 }, { priority: 1, sync: 2, normal: 8, scanExpired: true }],
    [{ concurrency: 8, inflight: at(1, 2, 8), now: 1000, lastExpiredScan: 900, pollMs: 500 }, { priority: 0, sync: 0, normal: 0, scanExpired: false }],
    [{ concurrency: 8, inflight: at(0, 0, 5), now: 1000, lastExpiredScan: 500, pollMs: 500 }, { priority: 1, sync: 2, normal: 3, scanExpired: true }],
    // Every create slot taken (a storm): a person's change still has slots of its own.
    [{ concurrency: 64, inflight: at(0, 3, 64), now: 1000, lastExpiredScan: 900, pollMs: 500 }, { priority: 1, sync: 13, normal: 0, scanExpired: false }],
    [{ concurrency: 1, inflight: at(0, 0, 1), now: 1000, lastExpiredScan: 900, pollMs: 500 }, { priority: 1, sync: 1, normal: 0, scanExpired: false }],
  ];
  assert.deepEqual(laneSlots(1), { priority: 1, sync: 1, normal: 1 });
  assert.deepEqual(laneSlots(16), { priority: 1, sync: 4, normal: 16 });
  assert.deepEqual(laneSlots(18), { priority: 1, sync: 5, normal: 18 });
  for (const [s, want] of rows) assert.deepEqual(claimPlan(s), want);
  assert.equal(worthClaiming(8, 7), false, 'one free slot of 8: wait for a batch');
  assert.equal(worthClaiming(8, 6), true, 'a quarter free: claim');
  assert.equal(worthClaiming(1, 0), true);
  assert.equal(worthClaiming(1, 1), false);
  // Slots given back by creates of one bulk request: at most the concurrency when each running job
  // holds a pool connection (PostgreSQL), five times it otherwise (SQLite: three requests of twice it).
  for (const [concurrency, holds, cap] of [[16, true, 16], [16, false, 80], [4, true, 4], [4, false, 20], [1, false, 5]] as const) {
    assert.equal(slotlessCap(concurrency, holds), cap, `concurrency ${concurrency}, job holds a connection: ${holds}`);
  }
});

test('decideAfterFailure: sync jobs (issue #11) wait with the queue for credentials, fail alone for their own content', () => {
  const f = (kind: Failure['kind'], status: number | null = null): Failure => ({ kind, status, retryAfterMs: null });
  const rows: Array<[string, 'sync_status' | 'sync_assignee' | 'sync_comment', Failure, 'block' | 'fail' | 'retry']> = [
    ['401 on a transition: blocked (fixing the token resumes it)', 'sync_status', f('auth', 401), 'block'],
    ['403 on a comment: blocked (a permission of the destination account)', 'sync_comment', f('forbidden', 403), 'block'],
    ['400 "cannot be assigned issues": fails alone', 'sync_assignee', f('invalid', 400), 'fail'],
    ['404 (the issue was deleted in Jira): fails alone', 'sync_comment', f('not_found', 404), 'fail'],
    ['503: retried', 'sync_status', f('server', 503), 'retry'],
    ['reset: retried', 'sync_comment', f('network'), 'retry'],
  ];
  for (const [name, jobKind, failure, want] of rows) {
    assert.equal(decideAfterFailure(failure, { jobKind, sentAt: null, markBefore: null, attempts: 0, now: 1000 }, T, half).action, want, name);
  }
});

test('extraCreates: how many creates a claim takes beyond the free slots (bulk create)', () => {
  type S = Parameters<typeof extraCreates>[0];
  const s = (concurrency: number, jobHoldsConnection: boolean, inflightNormal: number, free: number, bulk = true): S => ({ concurrency, jobHoldsConnection, inflightNormal, free, bulk, bulkLimit: 50 });
  const rows: Array<[S, number, string]> = [
    // SQLite, concurrency 16: 96 may run; a claim fills up to a third of that (three requests of 32).
    [s(16, false, 0, 16), 16, 'nothing running: 32 in all'],
    [s(16, false, 32, 14), 18, 'one request of 32 on its way: another 32'],
    [s(16, false, 64, 14), 18, 'two requests of 32 on their way: a third 32'],
    [s(16, false, 82, 4), 10, '82 running: 14 more reach the 96 that may run'],
    [s(16, false, 92, 4), 0, 'near the cap: the free slots only'],
    [s(64, false, 0, 64), 0, 'concurrency 64: the free slots are more than a request'],
    [s(32, false, 0, 32), 18, 'a claim never holds more than a request (50)'],
    // PostgreSQL: each running job holds a pool connection; twice the concurrency may run.
    [s(16, true, 0, 16), 0, 'half of 32 is the free slots already'],
    [s(16, true, 16, 15), 1, 'one request of 16 on its way: 16 more'],
    // Never: without bulk create, without a free slot, at concurrency 1 (one job at a time, in order).
    [s(16, false, 0, 16, false), 0, 'bulk create off'],
    [s(16, false, 20, 0), 0, 'no free slot'],
    [s(1, false, 0, 1), 0, 'concurrency 1'],
    [s(2, false, 0, 2), 2, 'concurrency 2 (SQLite): 12 may run, 4 a claim'],
  ];
  for (const [input, want, why] of rows) assert.equal(extraCreates(input), want, why);
});

test('requestSize: a third (SQLite) or half (PostgreSQL) of the jobs that may run at once, at most a request', () => {
  const rows: Array<[number, boolean, number]> = [
    [16, false, 32], // SQLite: 16 + 80 may run, three requests on their way
    [16, true, 16], // PostgreSQL: 16 + 16
    [8, false, 16],
    [32, false, 50], // never more than a bulk request
    [1, false, 2],
    [1, true, 1],
  ];
  assert.equal(requestsOnTheirWay(false), 3);
  assert.equal(requestsOnTheirWay(true), 2);
  for (const [concurrency, holds, want] of rows) assert.equal(requestSize(concurrency, holds, 50), want, `concurrency ${concurrency}, job holds a connection: ${holds}`);
});
