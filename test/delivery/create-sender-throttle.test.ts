// When the rate limit holds creates back (a reservation waits 100 ms or more for its token, now or
// within the last second), the worker stops marking creates at their claim (create-sender.ts
// `throttled`): each marks itself right before its request, as a create waiting for a token with a
// mark would cost a lookup after a crash. An injected clock and a token granted by hand.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CreateSender } from '../../src/delivery/create-sender.js';
import type { JiraClient } from '../../src/jira/client/index.js';

test('throttled: a token wait of 100 ms or more, now or within the last second; shorter waits do not count', async () => {
  const clock = { t: 1_000_000, now() { return this.t; } };
  let grant: () => void = () => {};
  const sender = new CreateSender({ clock, timing: { leaseMs: 60_000, jiraTimeoutMs: 1000 }, bulk: true, acquire: () => new Promise<void>((r) => (grant = r)) });
  const client = {} as JiraClient;
  assert.equal(sender.throttled(clock.now()), false, 'nothing waited yet');

  const short = sender.reserve(client, 'site');
  clock.t += 50;
  assert.equal(sender.throttled(clock.now()), false, 'a reservation waiting 50 ms');
  grant();
  await short;
  assert.equal(sender.throttled(clock.now()), false, 'a 50 ms wait is a burst spent, not a binding limit');

  const long = sender.reserve(client, 'site');
  clock.t += 100;
  assert.equal(sender.throttled(clock.now()), true, 'a reservation waiting 100 ms');
  grant();
  await long;
  clock.t += 999;
  assert.equal(sender.throttled(clock.now()), true, 'within a second of that wait');
  clock.t += 1;
  assert.equal(sender.throttled(clock.now()), false, 'a second after it');
});
