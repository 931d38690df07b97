// Bulk create (POST /rest/api/{2,3}/issue/bulk): each element validated and stored as a single
// create; per-element errors with failedElementNumber; 201 when any issue was made, 400 when none;
// answers validated against Atlassian's OpenAPI document (operation createIssues); faults and the
// create hook strike the whole call.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { VERA, adf, startTestEmulator, validated, type TestEmulator } from './harness.js';

let j: TestEmulator;
before(async () => {
  j = await startTestEmulator();
});
after(() => j.close());
beforeEach(async () => {
  await j.admin('POST', '/reset');
});

const el = (summary: string, extra: Record<string, unknown> = {}) => ({ fields: { project: { key: 'SEC' }, issuetype: { name: 'Task' }, summary, ...extra } });
const summaries = () => [...j.emu.emulator.store.issues.values()].map((i) => i.summary).sort();
const setFaults = async (f: Record<string, unknown>) => assert.equal((await j.admin('PUT', '/faults', f)).status, 200);

async function rawBulk(body: unknown, timeoutMs = 5000): Promise<{ status: number } | { error: string }> {
  try {
    const res = await fetch(`${j.url}/rest/api/3/issue/bulk`, {
      method: 'POST',
      headers: { authorization: j.emu.authFor('alertsync-bot@example.com'), 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
    await res.text();
    return { status: res.status };
  } catch (err) {
    const e = err as Error & { cause?: { code?: string } };
    return { error: e.name === 'TimeoutError' ? 'timeout' : (e.cause?.code ?? e.message) };
  }
}

describe('POST /rest/api/3/issue/bulk', () => {
  it('creates every valid element, in order, with the same fields as a single create (201, OpenAPI-valid)', async () => {
    const r = await j.post('/rest/api/3/issue/bulk', {
      issueUpdates: [el('one', { labels: ['a', 'alertsync-x'], description: adf('first') }), el('two', { priority: { name: 'High' } }), el('three')],
    });
    assert.equal(r.status, 201, r.text);
    assert.equal(r.body.issues.length, 3);
    assert.deepEqual(r.body.errors, []);
    for (const i of r.body.issues) assert.equal(i.self, `${j.url}/rest/api/3/issue/${i.id as string}`);
    const one = await j.get(`/rest/api/3/issue/${r.body.issues[0].key as string}?fields=summary,labels,description,priority`);
    assert.equal(one.body.fields.summary, 'one');
    assert.deepEqual(one.body.fields.labels, ['a', 'alertsync-x']);
    assert.equal(one.body.fields.description.content[0].content[0].text, 'first');
    const two = await j.get(`/rest/api/3/issue/${r.body.issues[1].key as string}?fields=priority`);
    assert.equal(two.body.fields.priority.name, 'High');
    assert.deepEqual(summaries(), ['one', 'three', 'two']);
    assert.ok(validated.has('POST /rest/api/3/issue/bulk 201'));
  });

  it('a bad element fails alone: its error names its index and Jira\'s field message (201)', async () => {
    const r = await j.post('/rest/api/3/issue/bulk', {
      issueUpdates: [el('ok-1'), el('bad-type', { issuetype: { name: 'Nope' } }), el('ok-2'), el('bad-adf', { description: { type: 'doc', version: 1, content: [{ type: 'nope' }] } }), { fields: { project: { key: 'SEC' }, issuetype: { name: 'Task' } } }],
    });
    assert.equal(r.status, 201, r.text);
    assert.deepEqual(r.body.issues.map((i: { key: string }) => i.key.startsWith('SEC-')), [true, true]);
    assert.deepEqual(
      r.body.errors.map((e: { failedElementNumber: number; status: number }) => [e.failedElementNumber, e.status]),
      [[1, 400], [3, 400], [4, 400]],
    );
    assert.equal(r.body.errors[0].elementErrors.errors.issuetype, 'The issue type selected is invalid.');
    assert.equal(r.body.errors[2].elementErrors.errors.summary, 'You must specify a summary of the issue.');
    assert.ok(r.body.errors[1].elementErrors.errorMessages.length > 0, 'invalid ADF: INVALID_INPUT as for a single create');
    assert.deepEqual(summaries(), ['ok-1', 'ok-2']);
  });

  it('400 with the same shape when no element could be created (OpenAPI-valid); 403 elements for a user without the permission', async () => {
    const r = await j.post('/rest/api/3/issue/bulk', { issueUpdates: [el('x', { project: { key: 'NOPE' } }), el('y', { issuetype: { name: 'Nope' } })] });
    assert.equal(r.status, 400, r.text);
    assert.deepEqual(r.body.issues, []);
    assert.deepEqual(r.body.errors.map((e: { failedElementNumber: number }) => e.failedElementNumber), [0, 1]);
    assert.ok(validated.has('POST /rest/api/3/issue/bulk 400'));
    const v = await j.post('/rest/api/3/issue/bulk', { issueUpdates: [el('viewer')] }, { as: VERA });
    assert.equal(v.status, 400, v.text);
    assert.equal(v.body.errors[0].status, 403);
    assert.deepEqual(summaries(), []);
  });

  it('refuses an empty list and more than 50 elements; v2 is served too', async () => {
    assert.equal((await j.post('/rest/api/3/issue/bulk', { issueUpdates: [] })).status, 400);
    assert.equal((await j.post('/rest/api/3/issue/bulk', {})).status, 400);
    const many = await j.post('/rest/api/3/issue/bulk', { issueUpdates: Array.from({ length: 51 }, (_, i) => el(`n${i}`)) });
    assert.equal(many.status, 400);
    assert.deepEqual(summaries(), []);
    const fifty = await j.post('/rest/api/3/issue/bulk', { issueUpdates: Array.from({ length: 50 }, (_, i) => el(`n${i}`)) });
    assert.equal(fifty.status, 201);
    assert.equal(fifty.body.issues.length, 50);
    const v2 = await j.post('/rest/api/2/issue/bulk', { issueUpdates: [el('v2', { description: 'wiki *text*' })] });
    assert.equal(v2.status, 201, v2.text);
    assert.equal(v2.body.issues[0].self, `${j.url}/rest/api/2/issue/${v2.body.issues[0].id as string}`);
  });

  it('no credentials: 401 and nothing created', async () => {
    const r = await j.post('/rest/api/3/issue/bulk', { issueUpdates: [el('anon')] }, { as: null });
    assert.equal(r.status, 401);
    assert.deepEqual(summaries(), []);
  });
});

describe('faults strike the whole bulk call', () => {
  it('a lost answer: every element is stored and no answer comes', async () => {
    await setFaults({ lostAnswers: { count: 1, mode: 'destroy', match: { method: 'POST', path: '/issue/bulk$' } } });
    const r = await rawBulk({ issueUpdates: [el('l1'), el('l2'), el('l3')] });
    assert.ok('error' in r, JSON.stringify(r));
    assert.deepEqual(summaries(), ['l1', 'l2', 'l3']);
  });

  it('a 5xx, a reset and a 429 store nothing', async () => {
    await setFaults({ serverErrors: { count: 1, status: 503, match: { path: '/issue/bulk$' } } });
    assert.deepEqual(await rawBulk({ issueUpdates: [el('s1'), el('s2')] }), { status: 503 });
    await setFaults({ connectionResets: { count: 1, match: { path: '/issue/bulk$' } } });
    assert.ok('error' in (await rawBulk({ issueUpdates: [el('r1')] })));
    await setFaults({ rateLimit: { perSecond: 0.01, burst: 1 } });
    assert.deepEqual(await rawBulk({ issueUpdates: [el('ok')] }), { status: 201 });
    assert.deepEqual(await rawBulk({ issueUpdates: [el('t1'), el('t2')] }), { status: 429 });
    assert.deepEqual(summaries(), ['ok']);
  });

  it('the create hook holds the call once, after every element was stored', async () => {
    await setFaults({ createHook: true });
    const pending = j.post('/rest/api/3/issue/bulk', { issueUpdates: [el('h1'), el('h2')] });
    const held = await j.admin('GET', '/create-hook/next?timeoutMs=5000');
    assert.equal(held.status, 200);
    assert.deepEqual(summaries(), ['h1', 'h2']);
    await j.admin('POST', `/create-hook/${held.body.holdId as string}/release`, { action: 'send' });
    const r = await pending;
    assert.equal(r.status, 201);
    assert.equal(r.body.issues[0].key, held.body.key);
  });
});
