// Issue #10 item 2: Jira Cloud retries a webhook delivery only after 408, 409, 425, 429, 5xx, a
// connection error or a timeout, a bounded number of times; every other answer is final.
// Source: https://community.developer.atlassian.com/t/new-jira-cloud-webhook-retry-policy/30554
// ("Retries are attempted when ... the callback server returns any of the following status codes:
// 408, 409, 425, 429, 5xx ... the connection fails or times out") and
// https://developer.atlassian.com/cloud/jira/platform/webhooks/#retry-policy.
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import { isRetryable, shouldRetry } from '../../src/jira/emulator/webhooks/retry-rule.js';
import { ADA, startTestEmulator, WebhookReceiver, type TestEmulator } from './harness.js';

const TABLE: [number | null, boolean][] = [
  [null, true], // connection error or timeout
  [408, true], [409, true], [425, true], [429, true],
  [500, true], [502, true], [503, true], [504, true], [599, true],
  [200, false], [204, false], // delivered
  [301, false], [302, false], [304, false],
  [400, false], [401, false], [403, false], [404, false], [405, false], [410, false], [413, false], [415, false], [422, false], [426, false], [451, false],
];

describe('retry rule (pure)', () => {
  for (const [status, retried] of TABLE) {
    it(`${status ?? 'connection error/timeout'} → ${retried ? 'retried' : 'final'}`, () => assert.equal(isRetryable(status), retried));
  }
  it('bounded: no retry once maxRetries attempts were retried; never after a 2xx', () => {
    assert.equal(shouldRetry(503, 0, 5), true);
    assert.equal(shouldRetry(503, 4, 5), true);
    assert.equal(shouldRetry(503, 5, 5), false);
    assert.equal(shouldRetry(null, 0, 0), false);
    assert.equal(shouldRetry(200, 0, 5), false);
  });
});

let j: TestEmulator;
let rx: WebhookReceiver;
before(async () => {
  j = await startTestEmulator({ webhookRetry: { maxRetries: 2, backoffMs: [10, 20] } });
});
after(() => j.close());
beforeEach(async () => {
  await j.admin('POST', '/reset');
  await j.admin('PUT', '/webhooks/retry', { maxRetries: 2, backoffMs: [10, 20], timeoutMs: 10_000 });
  rx = await new WebhookReceiver().start();
});
afterEach(() => rx.close());

async function register(url = rx.url): Promise<void> {
  const r = await j.post('/rest/webhooks/1.0/webhook', { name: 'retry', url, events: ['jira:issue_created'] }, { as: ADA });
  assert.equal(r.status, 201, r.text);
}

async function attempts(): Promise<{ status: number | null; retry: number; error?: string }[]> {
  await j.admin('POST', '/webhooks/idle');
  return (await j.admin('GET', '/webhooks/attempts')).body;
}

describe('delivery follows the rule', () => {
  for (const status of [400, 401, 403, 404, 410]) {
    it(`a ${status} answer is final: one attempt, no retry`, async () => {
      await register();
      rx.statuses = [status, 200];
      await j.createIssue();
      const a = await attempts();
      assert.deepEqual(a.map((x) => [x.status, x.retry]), [[status, 0]]);
      assert.equal(rx.received.length, 1);
    });
  }

  for (const status of [408, 409, 425, 429, 500, 503]) {
    it(`a ${status} answer is retried (same identifier, X-Atlassian-Webhook-Retry 1)`, async () => {
      await register();
      rx.statuses = [status, 200];
      await j.createIssue();
      const a = await attempts();
      assert.deepEqual(a.map((x) => [x.status, x.retry]), [[status, 0], [200, 1]]);
      assert.equal(rx.received[1]?.headers['x-atlassian-webhook-retry'], '1');
      assert.equal(rx.received[0]?.headers['x-atlassian-webhook-identifier'], rx.received[1]?.headers['x-atlassian-webhook-identifier']);
    });
  }

  it('retryable answers are bounded by maxRetries (2 → 3 attempts, then given up)', async () => {
    await register();
    rx.statuses = [503, 503, 503, 503];
    await j.createIssue();
    const a = await attempts();
    assert.deepEqual(a.map((x) => [x.status, x.retry]), [[503, 0], [503, 1], [503, 2]]);
  });

  it('a timeout is retried', async () => {
    await j.admin('PUT', '/webhooks/retry', { maxRetries: 1, backoffMs: [10], timeoutMs: 200 });
    let calls = 0;
    const slow = createServer((req, res) => {
      calls++;
      req.resume();
      if (calls === 1) return; // never answers: the emulator's attempt times out
      res.writeHead(200).end();
    });
    await new Promise<void>((r) => slow.listen(0, '127.0.0.1', () => r()));
    const port = (slow.address() as { port: number }).port;
    try {
      await register(`http://127.0.0.1:${port}/hook`);
      await j.createIssue();
      const a = await attempts();
      assert.equal(a.length, 2, JSON.stringify(a));
      assert.equal(a[0]?.status, null);
      assert.ok(a[0]?.error);
      assert.equal(a[1]?.status, 200);
    } finally {
      slow.closeAllConnections();
      await new Promise<void>((r) => slow.close(() => r()));
    }
  });
});
