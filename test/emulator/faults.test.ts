// Faults and limits, one test each: rate limit (429 + headers, observable accepted rate), 5xx share,
// connection resets, latency, lost answers (held and destroyed), the create hook, search lag; and
// the admin API (token, request log, reset, faults at start).
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { BOT, startTestEmulator, type TestEmulator } from './harness.js';

let j: TestEmulator;
before(async () => {
  j = await startTestEmulator();
});
after(() => j.close());
beforeEach(async () => {
  await j.admin('POST', '/reset');
});

const setFaults = async (f: Record<string, unknown>) => assert.equal((await j.admin('PUT', '/faults', f)).status, 200);

/** A raw request that may fail at the socket level. */
async function rawCall(method: string, path: string, body?: unknown, timeoutMs = 5000): Promise<{ status: number } | { error: string }> {
  try {
    const res = await fetch(j.url + path, {
      method,
      headers: { authorization: j.emu.authFor(BOT), 'content-type': 'application/json' },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      signal: AbortSignal.timeout(timeoutMs),
    });
    await res.text();
    return { status: res.status };
  } catch (err) {
    const e = err as Error & { cause?: { code?: string } };
    return { error: e.name === 'TimeoutError' ? 'timeout' : (e.cause?.code ?? e.message) };
  }
}

const issueBody = (summary: string) => ({ fields: { project: { key: 'SEC' }, issuetype: { name: 'Task' }, summary } });
const summaries = () => [...j.emu.emulator.store.issues.values()].map((i) => i.summary);

describe('rate limit (token bucket per site)', () => {
  it('429 with Retry-After and the rate-limit headers once the burst is spent', async () => {
    // a refill rate so slow that no token comes back during the test: exactly the burst passes
    await setFaults({ rateLimit: { perSecond: 0.01, burst: 3 } });
    const results = await Promise.all(Array.from({ length: 8 }, () => j.get('/rest/api/3/myself')));
    const ok = results.filter((r) => r.status === 200);
    const limited = results.filter((r) => r.status === 429);
    assert.equal(ok.length, 3);
    assert.equal(limited.length, 5);
    const h = limited[0]!.headers;
    assert.ok(Number(h.get('retry-after')) >= 1);
    assert.equal(h.get('x-ratelimit-limit'), '3');
    assert.equal(h.get('x-ratelimit-remaining'), '0');
    assert.ok(!Number.isNaN(Date.parse(h.get('x-ratelimit-reset') ?? '')));
    assert.equal(h.get('ratelimit-reason'), 'jira-burst-based');
    assert.ok(ok[0]!.headers.get('x-ratelimit-limit'));
  });

  it('the accepted requests per second are observable and match the configured rate', async () => {
    await setFaults({ rateLimit: { perSecond: 40, burst: 5 } });
    const t0 = Date.now();
    let accepted = 0;
    const worker = async () => {
      while (Date.now() - t0 < 2000) {
        const r = await rawCall('GET', '/rest/api/3/myself');
        if ('status' in r && r.status === 200) accepted++;
      }
    };
    await Promise.all(Array.from({ length: 8 }, worker));
    const elapsed = (Date.now() - t0) / 1000;
    const stats = (await j.admin('GET', '/stats')).body;
    assert.equal(stats.requests.accepted, accepted);
    assert.ok(stats.requests.rejected > 0);
    assert.ok(accepted <= 5 + 40 * elapsed + 1, `accepted ${accepted} in ${elapsed}s`);
    assert.ok(accepted >= 40 * 1.0, `accepted ${accepted} in ${elapsed}s (machine too slow?)`);
    assert.ok(stats.requests.acceptedPerSecond > 20 && stats.requests.acceptedPerSecond < 60, JSON.stringify(stats.requests.acceptedPerSecond));
    assert.ok(stats.requests.perSecond.length >= 2);
  });
});

describe('per-issue write limit', () => {
  it('writes to one issue share a bucket (old key included); other issues and reads are not limited', async () => {
    const a = await j.createIssue();
    const b = await j.createIssue();
    await setFaults({ issueWriteLimit: { perSecond: 0.01, burst: 2 } });
    const edit = (key: string) => j.put(`/rest/api/3/issue/${key}`, { fields: { summary: `s${Math.random()}` } });
    assert.equal((await edit(a.key)).status, 204);
    assert.equal((await j.post(`/rest/api/3/issue/${a.id}/comment`, { body: { type: 'doc', version: 1, content: [] } })).status, 400); // counted: a write
    const limited = await edit(a.key);
    assert.equal(limited.status, 429);
    assert.equal(limited.headers.get('ratelimit-reason'), 'jira-per-issue-on-write');
    assert.ok(Number(limited.headers.get('retry-after')) >= 1);
    assert.equal((await edit(b.key)).status, 204);
    assert.equal((await j.get(`/rest/api/3/issue/${a.key}`)).status, 200);
    assert.equal((await j.admin('GET', '/stats')).body.requests.issueWriteRejected, 1);
  });
});

describe('injected failures', () => {
  it('a share of 5xx answers: the next N, or a seeded rate that repeats for the same seed', async () => {
    await setFaults({ serverErrors: { count: 2, status: 503 } });
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await j.get('/rest/api/3/myself')).status);
    assert.deepEqual(statuses, [503, 503, 200, 200]);
    const run = async () => {
      await setFaults({ seed: 7, serverErrors: { rate: 0.5, status: 500 } });
      const out: number[] = [];
      for (let i = 0; i < 20; i++) out.push((await j.get('/rest/api/3/myself')).status);
      return out;
    };
    const a = await run();
    const b = await run();
    assert.deepEqual(a, b);
    assert.ok(a.includes(500) && a.includes(200));
  });

  it('a 5xx can carry Retry-After', async () => {
    await setFaults({ serverErrors: { count: 1, status: 503, retryAfterSeconds: 7 } });
    const r = await j.get('/rest/api/3/myself');
    assert.equal(r.status, 503);
    assert.equal(r.headers.get('retry-after'), '7');
  });

  it('5xx faults can target one operation', async () => {
    await setFaults({ serverErrors: { count: 1, match: { method: 'POST', path: '^/rest/api/3/issue$' } } });
    assert.equal((await j.get('/rest/api/3/myself')).status, 200);
    assert.equal((await j.post('/rest/api/3/issue', issueBody('x'))).status, 503);
    assert.equal(summaries().length, 0, 'a 5xx fault strikes before the write');
  });

  it('connection reset', async () => {
    await setFaults({ connectionResets: { count: 1 } });
    const r = await rawCall('GET', '/rest/api/3/myself');
    assert.ok('error' in r, JSON.stringify(r));
    assert.deepEqual(await rawCall('GET', '/rest/api/3/myself'), { status: 200 });
    const log = (await j.admin('GET', '/requests')).body;
    assert.equal(log[0].outcome, 'reset');
  });

  it('added latency', async () => {
    await setFaults({ latency: { ms: 300 } });
    const t0 = performance.now();
    assert.equal((await j.get('/rest/api/3/myself')).status, 200);
    assert.ok(performance.now() - t0 >= 290);
  });

  it('lost answer (destroy): the issue is stored, the client sees the connection die', async () => {
    await setFaults({ lostAnswers: { count: 1, mode: 'destroy', match: { method: 'POST' } } });
    const r = await rawCall('POST', '/rest/api/3/issue', issueBody('lost-destroy'));
    assert.ok('error' in r, JSON.stringify(r));
    assert.deepEqual(summaries(), ['lost-destroy']);
  });

  it('lost answer (hold): the issue is stored and no answer ever comes', async () => {
    await setFaults({ lostAnswers: { count: 1, mode: 'hold', match: { method: 'POST' } } });
    const r = await rawCall('POST', '/rest/api/3/issue', issueBody('lost-hold'), 800);
    assert.deepEqual(r, { error: 'timeout' });
    assert.deepEqual(summaries(), ['lost-hold']);
    const log = (await j.admin('GET', '/requests?method=POST')).body;
    assert.equal(log[0].outcome, 'lost-answer');
    assert.equal(log[0].status, null);
  });
});

describe('create hook', () => {
  it('stores the issue, holds the answer and tells the test; release sends the answer', async () => {
    await setFaults({ createHook: true });
    const pending = j.post('/rest/api/3/issue', issueBody('hooked'));
    const held = await j.admin('GET', '/create-hook/next?timeoutMs=5000');
    assert.equal(held.status, 200);
    assert.match(held.body.key, /^SEC-\d+$/);
    // inside the window the issue already exists
    const get = await j.get(`/rest/api/3/issue/${held.body.key as string}?fields=summary`);
    assert.equal(get.body.fields.summary, 'hooked');
    assert.equal((await j.admin('POST', `/create-hook/${held.body.holdId as string}/release`, { action: 'send' })).status, 200);
    const res = await pending;
    assert.equal(res.status, 201);
    assert.equal(res.body.key, held.body.key);
  });

  it('the held answer can be destroyed instead (a crash inside the window)', async () => {
    await setFaults({ createHook: true });
    const events: string[] = [];
    j.emu.emulator.createHook.events.once('held', (h: { key: string }) => events.push(h.key));
    const pending = rawCall('POST', '/rest/api/3/issue', issueBody('crash'));
    const held = await j.admin('GET', '/create-hook/next?timeoutMs=5000');
    assert.deepEqual(events, [held.body.key]);
    await j.admin('POST', `/create-hook/${held.body.holdId as string}/release`, { action: 'destroy' });
    const r = await pending;
    assert.ok('error' in r);
    assert.deepEqual(summaries(), ['crash']);
  });
});

describe('search lag', () => {
  const search = async (jql: string, extra: Record<string, unknown> = {}) => {
    const r = await j.post('/rest/api/3/search/jql', { jql, fields: ['summary'], ...extra });
    assert.equal(r.status, 200, r.text);
    return r.body.issues.map((i: { fields: { summary: string } }) => i.fields.summary) as string[];
  };

  // Each check is only conclusive if the search answered before `before + lag` (before <= write
  // time): on a machine so slow that it did not, the round is repeated with fresh data.
  it('an issue written at t is absent from every search computed before t + lag', async () => {
    const lag = 2000;
    await setFaults({ searchLagMs: lag });
    let conclusive = false;
    for (let round = 0; round < 3 && !conclusive; round++) {
      const label = `lagtest${round}`;
      const before = Date.now();
      const { id } = await j.createIssue({ summary: `lagging${round}`, labels: [label] });
      const early = await search(`labels = ${label}`);
      if (Date.now() >= before + lag) continue;
      conclusive = true;
      assert.deepEqual(early, []);
      // reconcileIssues forces a just-written issue in, as on Jira Cloud
      assert.deepEqual(await search(`labels = ${label}`, { reconcileIssues: [Number(id)] }), [`lagging${round}`]);
      let found: string[] = [];
      while (found.length === 0) {
        const t = Date.now();
        found = await search(`labels = ${label}`);
        if (found.length === 0) {
          assert.ok(Date.now() - before < lag + 10_000, 'issue never became searchable');
          await new Promise((r) => setTimeout(r, 50));
        } else assert.ok(Date.now() - before >= lag && t >= before, `searchable after ${Date.now() - before} ms`);
      }
    }
    assert.ok(conclusive, 'no round answered within the lag');
  });

  it('an edit is searchable only after the lag; until then search sees the old values', async () => {
    const lag = 2000;
    let conclusive = false;
    for (let round = 0; round < 3 && !conclusive; round++) {
      await setFaults({ searchLagMs: 0 });
      const { key } = await j.createIssue({ summary: `edited${round}`, labels: [`old${round}`] });
      await setFaults({ searchLagMs: lag });
      const before = Date.now();
      await j.put(`/rest/api/3/issue/${key}`, { fields: { labels: [`new${round}`] } });
      const oldHit = await search(`labels = old${round}`);
      const newHit = await search(`labels = new${round}`);
      if (Date.now() >= before + lag) continue;
      conclusive = true;
      assert.deepEqual(oldHit, [`edited${round}`]);
      assert.deepEqual(newHit, []);
      // The edit becomes searchable at (its write time) + lag; its write time is after `before` by
      // however long a loaded machine took to handle it, so poll (bounded) instead of one sleep.
      await new Promise((r) => setTimeout(r, Math.max(0, lag - (Date.now() - before))));
      let newer: string[] = [];
      while (newer.length === 0) {
        newer = await search(`labels = new${round}`);
        if (newer.length === 0) {
          assert.ok(Date.now() - before < lag + 10_000, 'the edit never became searchable');
          await new Promise((r) => setTimeout(r, 50));
        }
      }
      assert.ok(Date.now() - before >= lag, 'not searchable before the lag');
      assert.deepEqual(newer, [`edited${round}`]);
      assert.deepEqual(await search(`labels = old${round}`), []);
    }
    assert.ok(conclusive, 'no round answered within the lag');
  });
});

describe('admin API', () => {
  it('needs the admin token', async () => {
    const r = await fetch(`${j.url}/_emulator/users`);
    assert.equal(r.status, 401);
    const wrong = await fetch(`${j.url}/_emulator/users`, { headers: { authorization: 'Bearer nope' } });
    assert.equal(wrong.status, 401);
    const ok = await j.admin('GET', '/users');
    assert.equal(ok.body.length, 4);
    assert.ok(ok.body.every((u: { authorization: string }) => u.authorization.startsWith('Basic ')));
  });

  it('lists received requests and resets state', async () => {
    await j.createIssue({ summary: 'logged' });
    const log = (await j.admin('GET', '/requests?method=POST&path=/rest/api/3/issue')).body;
    assert.equal(log.length, 1);
    assert.equal(log[0].status, 201);
    assert.equal(log[0].body.fields.summary, 'logged');
    assert.ok(log[0].accountId);
    await j.admin('POST', '/reset');
    assert.equal(summaries().length, 0);
    assert.equal((await j.admin('GET', '/requests')).body.length, 0);
    const again = await j.createIssue();
    assert.equal(again.key, 'SEC-1');
  });

  it('faults can be set at start', async () => {
    const other = await startTestEmulator({ faults: { serverErrors: { count: 1, status: 502 } } });
    try {
      assert.equal((await other.get('/rest/api/3/myself')).status, 502);
      assert.equal((await other.get('/rest/api/3/myself')).status, 200);
    } finally {
      await other.close();
    }
  });
});
