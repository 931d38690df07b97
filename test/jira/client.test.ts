// The Jira client against the Jira Cloud emulator over real HTTP on loopback, plus tiny node:http /
// node:net servers for what the emulator cannot do (redirects, HTML login pages, refused
// addresses). No mocks: every call goes through fetch, undici and a socket.
import assert from 'node:assert/strict';
import { createServer as createHttpServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { after, afterEach, before, describe, test } from 'node:test';
import { inspect } from 'node:util';
import { startEmulator, type RunningEmulator } from '../../src/jira/emulator/index.js';
import { createJiraClient, JiraError, type AdfDocument, type JiraClient, type JiraClientOptions, type JiraRequestInfo } from '../../src/jira/client/index.js';
import { jiraMessagesFrom, parseRetryAfter } from '../../src/jira/client/errors.js';
import { refusedRange } from '../../src/jira/client/address.js';
import { openApiValidator } from '../emulator/openapi-validator.js';
import { doc as adfDoc, paragraph, text } from '../../src/jira/format/adf.js';

const BOT_EMAIL = 'alertsync-bot@example.com';
const BOT_TOKEN = 'ATATT-emulator-alertsync-bot';
const BOT_ID = '712020:5f0c4a8e-2b6d-4c1e-9a37-1d2e3f4a5b6c';
const HUGO_ID = '5d53f3cbc6b9320d9ea5bdc2';
const VERA_EMAIL = 'vera.viewer@example.com';
const VERA_TOKEN = 'ATATT-emulator-vera-viewer';

const doc = (t: string): AdfDocument => adfDoc(paragraph(text(t)));

let emu: RunningEmulator;
const clients: JiraClient[] = [];

function client(over: Partial<JiraClientOptions> = {}): JiraClient {
  const c = createJiraClient({ baseUrl: emu.url, email: BOT_EMAIL, apiToken: BOT_TOKEN, timeoutMs: 5000, allowInsecure: true, ...over });
  clients.push(c);
  return c;
}

async function admin(method: string, path: string, body?: unknown): Promise<unknown> {
  const res = await fetch(`${emu.url}/_emulator${path}`, {
    method,
    headers: { authorization: `Bearer ${emu.adminToken}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  assert.ok(res.ok, `admin ${method} ${path}: ${res.status} ${text}`);
  return text ? JSON.parse(text) : undefined;
}

interface LoggedRequest {
  method: string;
  path: string;
  query: string;
  status: number | null;
  body: unknown;
}

async function requests(method: string, path: string): Promise<LoggedRequest[]> {
  const q = new URLSearchParams({ method, path });
  return (await admin('GET', `/requests?${q.toString()}`)) as LoggedRequest[];
}

/** Validates the request body our client sent (as the emulator logged it) against Atlassian's OpenAPI. */
async function assertRequestMatchesSpec(method: string, path: string): Promise<void> {
  const logged = await requests(method, path);
  const last = logged[logged.length - 1];
  assert.ok(last, `no ${method} ${path} in the emulator's request log`);
  const r = openApiValidator().validateRequest(method, path, last.body);
  assert.ok(r.ok, `${r.operation} request body does not match the spec: ${r.errors.join('; ')} -- ${JSON.stringify(last.body)}`);
  assert.notEqual(r.schema, 'none documented', `${r.operation} has a documented request schema`);
}

/** Awaits a rejection and returns the JiraError (fails the test on success or another error type). */
async function jiraError(p: Promise<unknown>): Promise<JiraError> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof JiraError, `expected a JiraError, got ${inspect(err)}`);
    return err;
  }
  assert.fail('expected the call to fail');
}

function assertNoSecrets(err: unknown, ...secrets: string[]): void {
  const texts = [String(err), inspect(err, { depth: 10 }), JSON.stringify(err), (err as Error).stack ?? ''];
  for (const secret of secrets) for (const t of texts) assert.ok(!t.includes(secret), `error text leaks a secret: ${t}`);
}

before(async () => {
  emu = await startEmulator({ port: 0 });
});

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await admin('POST', '/reset');
});

after(async () => {
  await emu.close();
});

describe('Jira client against the emulator', () => {
  test('myself returns the integration account', async () => {
    const me = await client().myself();
    assert.equal(me.accountId, BOT_ID);
    assert.equal(me.displayName, 'alertsync integration');
    assert.equal(me.active, true);
  });

  test('create → get by key and by id → search finds it by label', async () => {
    const c = client();
    const created = await c.createIssueFromFields({
      project: { key: 'SEC' },
      issuetype: { name: 'Bug' },
      summary: 'CVE-2024-1234 in api-gateway',
      description: doc('found by scanner-x'),
      labels: ['alertsync', 'alertsync-a1'],
      priority: { name: 'High' },
    });
    assert.match(created.id, /^\d+$/);
    assert.match(created.key, /^SEC-\d+$/);
    await assertRequestMatchesSpec('POST', '/rest/api/3/issue');

    const fields = ['summary', 'status', 'assignee', 'labels', 'priority', 'updated', 'description'];
    const byKey = await c.getIssue(created.key, fields);
    assert.equal(byKey.id, created.id);
    assert.equal(byKey.key, created.key);
    assert.equal(byKey.summary, 'CVE-2024-1234 in api-gateway');
    assert.deepEqual(byKey.labels?.slice().sort(), ['alertsync', 'alertsync-a1']);
    assert.equal(byKey.priority?.name, 'High');
    assert.equal(byKey.status?.name, 'To Do');
    assert.equal(byKey.status?.category, 'new');
    assert.equal(byKey.assignee, null);
    assert.equal(typeof byKey.updated, 'string');
    assert.equal((byKey.fields.description as AdfDocument).type, 'doc');

    const byId = await c.getIssue(created.id);
    assert.equal(byId.key, created.key);

    const page = await c.searchJql({ jql: 'labels = "alertsync-a1"', fields: ['summary', 'status'], maxResults: 10 });
    assert.deepEqual(page.issues.map((i) => i.key), [created.key]);
    assert.equal(page.issues[0]?.summary, 'CVE-2024-1234 in api-gateway');
    assert.equal(page.nextPageToken, undefined);
    await assertRequestMatchesSpec('POST', '/rest/api/3/search/jql');
  });

  test('searchAll follows nextPageToken and stops at its bound', async () => {
    const c = client();
    const keys: string[] = [];
    for (let i = 0; i < 5; i++) {
      keys.push((await c.createIssueFromFields({ project: { key: 'SEC' }, issuetype: { name: 'Task' }, summary: `paged ${i}`, labels: ['paged'] })).key);
    }
    const all = await c.searchAll('labels = paged ORDER BY key ASC', ['summary'], { pageSize: 2 });
    assert.deepEqual(all.map((i) => i.key).sort(), keys.slice().sort());
    const searches = await requests('POST', '/rest/api/3/search/jql');
    assert.equal(searches.length, 3, 'three pages of at most 2');
    const tokens = searches.map((r) => (r.body as { nextPageToken?: unknown }).nextPageToken);
    assert.equal(tokens[0], undefined, 'the first page is asked without a token');
    assert.equal(typeof tokens[1], 'string');
    assert.equal(typeof tokens[2], 'string');
    assert.notEqual(tokens[1], tokens[2]);

    const tooMany = await jiraError(c.searchAll('labels = paged', ['summary'], { pageSize: 2, maxIssues: 3 }));
    assert.equal(tooMany.kind, 'unexpected');
    assert.equal(tooMany.retryable, false);
    assert.match(tooMany.message, /more than 3 issues/);
  });

  test('transitions: list, perform, required screen field reported', async () => {
    const c = client();
    const sec = await c.createIssueFromFields({ project: { key: 'SEC' }, issuetype: { name: 'Task' }, summary: 'to be done' });
    const list = await c.getTransitions(sec.key);
    const done = list.find((t) => t.to.category === 'done');
    assert.ok(done, `a transition to a done status in ${JSON.stringify(list)}`);
    assert.equal(done.id, '31');
    assert.equal(done.to.name, 'Done');
    await c.transitionIssue(sec.key, done.id);
    await assertRequestMatchesSpec('POST', `/rest/api/3/issue/${sec.key}/transitions`);
    assert.equal((await c.getIssue(sec.key, ['status'])).status?.name, 'Done');

    // OPS: To Do → In Progress → In Review → Close (resolution required on the screen)
    const ops = await c.createIssueFromFields({ project: { key: 'OPS' }, issuetype: { name: 'Task' }, summary: 'restricted' });
    await c.transitionIssue(ops.key, '11');
    await c.transitionIssue(ops.key, '21');
    const close = (await c.getTransitions(ops.key)).find((t) => t.name === 'Close');
    assert.ok(close);
    assert.deepEqual(close.requiredFields, ['resolution']);
    const missing = await jiraError(c.transitionIssue(ops.key, close.id));
    assert.equal(missing.kind, 'invalid');
    assert.equal(missing.status, 400);
    assert.equal(missing.retryable, false);
    assert.deepEqual(missing.jiraMessages, ['Field Resolution is required.']);
    assert.equal(missing.message, 'Jira answered 400: Field Resolution is required.');
    await c.transitionIssue(ops.key, close.id, { resolution: { name: 'Done' } });
    await assertRequestMatchesSpec('POST', `/rest/api/3/issue/${ops.key}/transitions`);
    const closed = await c.getIssue(ops.key, ['status']);
    assert.equal(closed.status?.name, 'Closed');
    assert.equal(closed.status?.category, 'done');

    const invalid = await jiraError(c.transitionIssue(ops.key, '11'));
    assert.equal(invalid.kind, 'invalid');
    assert.match(invalid.message, /Transition id '11' is not valid/);
  });

  test('assign and unassign', async () => {
    const c = client();
    const { key } = await c.createIssueFromFields({ project: { key: 'SEC' }, issuetype: { name: 'Task' }, summary: 'assign me' });
    await c.assignIssue(key, HUGO_ID);
    await assertRequestMatchesSpec('PUT', `/rest/api/3/issue/${key}/assignee`);
    const assigned = await c.getIssue(key, ['assignee']);
    assert.equal(assigned.assignee?.accountId, HUGO_ID);
    assert.equal(assigned.assignee?.emailAddress, null, "Hugo's e-mail is hidden");
    await c.assignIssue(key, null);
    assert.equal((await c.getIssue(key, ['assignee'])).assignee, null);
    const logged = await requests('PUT', `/rest/api/3/issue/${key}/assignee`);
    assert.deepEqual(logged.map((r) => r.body), [{ accountId: HUGO_ID }, { accountId: null }]);
  });

  test('comments: add, update, delete', async () => {
    const c = client();
    const { key } = await c.createIssueFromFields({ project: { key: 'SEC' }, issuetype: { name: 'Task' }, summary: 'discuss' });
    const added = await c.addComment(key, doc('first words'));
    await assertRequestMatchesSpec('POST', `/rest/api/3/issue/${key}/comment`);
    assert.match(added.id, /^\d+$/);
    assert.equal(added.author?.accountId, BOT_ID);
    assert.deepEqual(added.body, doc('first words'));
    assert.notEqual(added.created, '');

    const updated = await c.updateComment(key, added.id, doc('second thoughts'));
    await assertRequestMatchesSpec('PUT', `/rest/api/3/issue/${key}/comment/${added.id}`);
    assert.equal(updated.id, added.id);
    assert.deepEqual(updated.body, doc('second thoughts'));

    await c.deleteComment(key, added.id);
    const gone = await jiraError(c.updateComment(key, added.id, doc('too late')));
    assert.equal(gone.kind, 'not_found');
    assert.equal(gone.status, 404);
  });

  test('users, priorities, issue types, issue properties', async () => {
    const c = client();
    const assignable = await c.findAssignableUsers({ project: 'SEC', query: 'hugo' });
    assert.deepEqual(assignable.map((u) => u.accountId), [HUGO_ID]);
    assert.equal(assignable[0]?.emailAddress, null);
    const found = await c.searchUsers('ada');
    assert.ok(found.some((u) => u.displayName === 'Ada Admin'), JSON.stringify(found));
    const notAssignable = await c.findAssignableUsers({ project: 'SEC', query: 'vera' });
    assert.deepEqual(notAssignable, [], 'a read-only user is not assignable');

    const priorities = await c.getPriorities();
    assert.deepEqual(priorities.map((p) => p.name), ['Highest', 'High', 'Medium', 'Low', 'Lowest']);
    assert.equal(priorities.find((p) => p.isDefault)?.name, 'Medium');

    const types = await c.getProjectIssueTypes('SEC');
    assert.deepEqual(types.map((t) => t.name).sort(), ['Bug', 'Story', 'Task']);
    const opsTypes = await c.getProjectIssueTypes('OPS');
    assert.deepEqual(opsTypes.map((t) => t.id).sort(), ['10001', '10004']);

    const { key } = await c.createIssueFromFields({ project: { key: 'SEC' }, issuetype: { id: '10001' }, summary: 'tagged' });
    await c.setIssueProperty(key, 'alertsync', { alertId: 'a-1', destination: 'd-1' });
    const res = await fetch(`${emu.url}/rest/api/3/issue/${key}/properties/alertsync`, {
      headers: { authorization: emu.authFor(BOT_EMAIL), accept: 'application/json' },
    });
    assert.deepEqual(await res.json(), { key: 'alertsync', value: { alertId: 'a-1', destination: 'd-1' } });
  });

  test('lists for a destination form: projects (every page), project statuses, labels, resolutions', async () => {
    const c = client();
    const projects = await c.searchProjects();
    assert.deepEqual(projects.map((p) => p.key).sort(), ['OPS', 'SEC']);
    assert.ok(projects.every((p) => p.id !== '' && p.name !== ''));
    assert.deepEqual((await c.searchProjects({ query: 'ops' })).map((p) => p.key), ['OPS']);
    const tooMany = await jiraError(c.searchProjects({ maxProjects: 1 }));
    assert.equal(tooMany.kind, 'unexpected');

    const statuses = await c.getProjectStatuses('OPS');
    assert.ok(statuses.length > 0);
    const names = new Set(statuses.flatMap((t) => t.statuses.map((s) => s.name)));
    assert.ok(names.has('In Review') && names.has('Closed'), [...names].join(', '));
    assert.ok(statuses.every((t) => t.issueTypeId !== '' && t.statuses.every((s) => ['new', 'indeterminate', 'done'].includes(s.category))));
    const missing = await jiraError(c.getProjectStatuses('NOPE'));
    assert.equal(missing.kind, 'not_found');
    assert.match(missing.message, /No project could be found with key 'NOPE'/);

    await c.createIssueFromFields({ project: { key: 'SEC' }, issuetype: { name: 'Task' }, summary: 'labelled', labels: ['list-me', 'and-me'] });
    const labels = await c.getLabels();
    assert.ok(labels.includes('list-me') && labels.includes('and-me'), labels.join(', '));

    const resolutions = await c.getResolutions();
    assert.ok(resolutions.some((r) => r.name === 'Done'));
    assert.equal(new Set(resolutions.map((r) => r.id)).size, resolutions.length);
    // The paged endpoint, not the deprecated full list (the emulator's paging: test/emulator/rest.test.ts).
    const paths = (await requests('GET', '/rest/api/3/resolution/search')).map((r) => r.query);
    assert.ok(paths.length >= 1 && paths.every((q) => q.includes('startAt=')), JSON.stringify(paths));
  });

  test('onRequest sees method, path, operation, status and duration, never credentials', async () => {
    const seen: JiraRequestInfo[] = [];
    const c = client({ onRequest: (i) => seen.push(i) });
    await c.myself();
    await jiraError(c.getIssue('SEC-9999'));
    assert.equal(seen.length, 2);
    const noRateHeaders = { nearLimit: null, remaining: null, limit: null, retryAfter: null };
    assert.deepEqual({ ...seen[0], durationMs: 0 }, { method: 'GET', path: '/rest/api/3/myself', operation: 'myself', status: 200, durationMs: 0, rateLimit: noRateHeaders });
    assert.deepEqual({ ...seen[1], durationMs: 0 }, {
      method: 'GET', path: '/rest/api/3/issue/SEC-9999', operation: 'getIssue', status: 404, durationMs: 0, errorKind: 'not_found', rateLimit: noRateHeaders,
    });
    assert.ok(!JSON.stringify(seen).includes(BOT_TOKEN));
    const throwing = client({ onRequest: () => { throw new Error('observer broke'); } });
    assert.equal((await throwing.myself()).accountId, BOT_ID, 'a throwing observer does not fail the call');
  });
});

describe('error mapping', () => {
  test('400 validation carries the field messages', async () => {
    const err = await jiraError(client().createIssueFromFields({ project: { key: 'NOPE' }, issuetype: { name: 'Task' }, summary: 'x' }));
    assert.equal(err.kind, 'invalid');
    assert.equal(err.status, 400);
    assert.equal(err.retryable, false);
    assert.equal(err.retryAfterMs, null);
    assert.deepEqual(err.jiraMessages, ['project: valid project is required']);
    assert.equal(err.message, 'Jira answered 400: project: valid project is required');
    assert.equal(err.operation, 'createIssue');
    assert.equal(err.name, 'JiraError');
  });

  test('401 for a bad token: auth, permanent, no credentials anywhere in the error', async () => {
    const badToken = 'ATATT-not-the-real-token-0123456789';
    const err = await jiraError(client({ apiToken: badToken }).myself());
    assert.equal(err.kind, 'auth');
    assert.equal(err.status, 401);
    assert.equal(err.retryable, false);
    // the emulator answers 401 in text/plain, like Jira; the text is kept, it helps the user
    assert.deepEqual(err.jiraMessages, ['Client must be authenticated to access this resource.']);
    assert.equal(err.message, 'Jira answered 401: Client must be authenticated to access this resource.');
    const header = `Basic ${Buffer.from(`${BOT_EMAIL}:${badToken}`).toString('base64')}`;
    assertNoSecrets(err, badToken, header, header.slice(6));
  });

  test('403 for a user without the permission', async () => {
    const vera = client({ email: VERA_EMAIL, apiToken: VERA_TOKEN });
    const err = await jiraError(vera.createIssueFromFields({ project: { key: 'SEC' }, issuetype: { name: 'Task' }, summary: 'nope' }));
    assert.equal(err.kind, 'forbidden');
    assert.equal(err.status, 403);
    assert.equal(err.retryable, false);
    assert.deepEqual(err.jiraMessages, ['You do not have permission to create issues in this project.']);
  });

  test('404 for an unknown issue', async () => {
    const err = await jiraError(client().getIssue('SEC-424242'));
    assert.equal(err.kind, 'not_found');
    assert.equal(err.status, 404);
    assert.equal(err.retryable, false);
    assert.deepEqual(err.jiraMessages, ['Issue does not exist or you do not have permission to see it.']);
  });

  test('429 from the rate limit fault: retryable with Retry-After', async () => {
    await admin('PUT', '/faults', { rateLimit: { perSecond: 0.5, burst: 1 } });
    const c = client();
    await c.myself();
    const err = await jiraError(c.myself());
    assert.equal(err.kind, 'rate_limited');
    assert.equal(err.status, 429);
    assert.equal(err.retryable, true);
    assert.equal(err.retryAfterMs, 2000);
    assert.equal(err.message, 'Jira answered 429: Rate limit exceeded.');
  });

  test('onRequest reports the rate-limit headers of answers and 429s (for the site rate limiter)', async () => {
    await admin('PUT', '/faults', { rateLimit: { perSecond: 0.5, burst: 1 } });
    const seen: JiraRequestInfo[] = [];
    const c = client({ onRequest: (i) => seen.push(i) });
    await c.myself();
    await jiraError(c.myself());
    assert.deepEqual(seen.map((i) => [i.status, i.rateLimit?.nearLimit, i.rateLimit?.remaining, i.rateLimit?.limit, i.rateLimit?.retryAfter]), [
      [200, 'true', '0', '1', null],
      [429, null, '0', '1', '2'],
    ]);
  });

  test('refuseHost is asked before every request: a refused host gets no request', async () => {
    let allow = true;
    const asked: string[] = [];
    const seen: JiraRequestInfo[] = [];
    const c = client({ refuseHost: (h) => (asked.push(h), allow ? null : `${h} is not allowed`), onRequest: (i) => seen.push(i) });
    await c.myself();
    allow = false;
    const err = await jiraError(c.myself());
    assert.equal(err.kind, 'invalid');
    assert.equal(err.retryable, false);
    assert.equal(err.message, `${new URL(emu.url).host} is not allowed`);
    assert.deepEqual(asked, [new URL(emu.url).host, new URL(emu.url).host]);
    assert.deepEqual(seen.map((i) => i.status), [200, null], 'the second call never reached Jira');
  });

  test('5xx from the server error fault: retryable', async () => {
    await admin('PUT', '/faults', { serverErrors: { count: 1, status: 503 } });
    const c = client();
    const err = await jiraError(c.getPriorities());
    assert.equal(err.kind, 'server');
    assert.equal(err.status, 503);
    assert.equal(err.retryable, true);
    assert.equal(err.retryAfterMs, null);
    assert.equal((await c.getPriorities()).length, 5, 'the next call goes through');
  });

  test('latency beyond timeoutMs: timeout, retryable, no status', async () => {
    await admin('PUT', '/faults', { latency: { ms: 600 } });
    const started = performance.now();
    const err = await jiraError(client({ timeoutMs: 100 }).myself());
    assert.equal(err.kind, 'timeout');
    assert.equal(err.status, null);
    assert.equal(err.retryable, true);
    assert.equal(err.message, 'Jira did not answer within 100 ms');
    assert.ok(performance.now() - started < 550, 'the call gave up at the timeout, not when the answer came');
  });

  test('connection reset: network, retryable', async () => {
    await admin('PUT', '/faults', { connectionResets: { count: 1 } });
    const err = await jiraError(client().myself());
    assert.equal(err.kind, 'network');
    assert.equal(err.status, null);
    assert.equal(err.retryable, true);
    assert.match(err.message, /^Could not reach Jira at 127\.0\.0\.1/);
    assertNoSecrets(err, BOT_TOKEN, Buffer.from(`${BOT_EMAIL}:${BOT_TOKEN}`).toString('base64'));
  });
});

interface Seen {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
}

/** A loopback HTTP server with a scripted answer, recording what it received. */
async function scriptedServer(answer: (req: Seen, res: import('node:http').ServerResponse) => void): Promise<{ url: string; host: string; seen: Seen[]; close: () => Promise<void> }> {
  const seen: Seen[] = [];
  const server: Server = createHttpServer((req, res) => {
    const s = { method: req.method ?? '', url: req.url ?? '', headers: req.headers };
    seen.push(s);
    req.resume();
    req.on('end', () => answer(s, res));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    host: `127.0.0.1:${port}`,
    seen,
    close: () => {
      server.closeAllConnections();
      return new Promise((r) => server.close(() => r()));
    },
  };
}

describe('safety', () => {
  test('a redirect is refused and the credentials never reach its target', async () => {
    const target = await scriptedServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"accountId":"x"}'));
    const origin = await scriptedServer((_req, res) => res.writeHead(302, { location: `${target.url}/rest/api/3/myself` }).end());
    try {
      const c = client({ baseUrl: origin.url, userAgent: 'alertsync-test/1' });
      const err = await jiraError(c.myself());
      assert.equal(err.kind, 'unexpected');
      assert.equal(err.status, 302);
      assert.equal(err.retryable, false);
      assert.match(err.message, new RegExp(`^Jira answered 302: redirect to ${target.host.replace(/\./g, '\\.')} refused`));
      assert.equal(origin.seen.length, 1);
      assert.ok(origin.seen[0]?.headers.authorization?.startsWith('Basic '), 'the origin got the credentials');
      assert.equal(origin.seen[0]?.headers['user-agent'], 'alertsync-test/1');
      assert.equal(target.seen.length, 0, 'the redirect target got no request at all');
      assert.ok(target.seen.every((s) => s.headers.authorization === undefined));
    } finally {
      await Promise.all([origin.close(), target.close()]);
    }
  });

  test('a 200 HTML login page is not a success: unexpected, permanent', async () => {
    const proxy = await scriptedServer((_req, res) =>
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end('<html><body><form action="/login">Sign in</form></body></html>'),
    );
    try {
      const err = await jiraError(client({ baseUrl: proxy.url }).createIssueFromFields({ project: { key: 'SEC' }, issuetype: { name: 'Task' }, summary: 's' }));
      assert.equal(err.kind, 'unexpected');
      assert.equal(err.status, 200);
      assert.equal(err.retryable, false);
      assert.match(err.message, /text\/html/);
    } finally {
      await proxy.close();
    }
  });

  test('a create answer without the issue key is not a success', async () => {
    const odd = await scriptedServer((_req, res) => res.writeHead(201, { 'content-type': 'application/json' }).end('{"id":"10000"}'));
    try {
      const err = await jiraError(client({ baseUrl: odd.url }).createIssueFromFields({ project: { key: 'SEC' }, issuetype: { name: 'Task' }, summary: 's' }));
      assert.equal(err.kind, 'unexpected');
      assert.equal(err.message, 'Jira answered 201 but the created issue key is missing');
    } finally {
      await odd.close();
    }
  });

  test('401 with an HTML body and 503 with an HTTP-date Retry-After', async () => {
    const retryAt = new Date(Date.now() + 30_000).toUTCString();
    const server = await scriptedServer((req, res) => {
      if (req.url.endsWith('/myself')) res.writeHead(401, { 'content-type': 'text/html' }).end('<html><h1>Unauthorized</h1></html>');
      else res.writeHead(503, { 'content-type': 'text/html', 'retry-after': retryAt }).end('<html>maintenance</html>');
    });
    try {
      const c = client({ baseUrl: server.url });
      const unauthorized = await jiraError(c.myself());
      assert.equal(unauthorized.kind, 'auth');
      assert.deepEqual(unauthorized.jiraMessages, []);
      assert.equal(unauthorized.message, 'Jira answered 401: check the account e-mail and API token');
      const down = await jiraError(c.getPriorities());
      assert.equal(down.kind, 'server');
      assert.equal(down.retryable, true);
      assert.ok(down.retryAfterMs !== null && down.retryAfterMs > 25_000 && down.retryAfterMs <= 30_000, String(down.retryAfterMs));
    } finally {
      await server.close();
    }
  });

  test('credentials echoed back by a proxy are scrubbed from the error', async () => {
    const echo = await scriptedServer((req, res) =>
      res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({
        errorMessages: [`bad header ${req.headers.authorization ?? ''}`],
        errors: { token: BOT_TOKEN },
      })),
    );
    try {
      const err = await jiraError(client({ baseUrl: echo.url }).myself());
      assert.equal(err.kind, 'invalid');
      assert.deepEqual(err.jiraMessages, ['bad header Basic [redacted]', 'token: [redacted]']);
      assertNoSecrets(err, BOT_TOKEN, Buffer.from(`${BOT_EMAIL}:${BOT_TOKEN}`).toString('base64'));
    } finally {
      await echo.close();
    }
  });

  test('a bad timeout is a configuration error, not a crash', async () => {
    for (const timeoutMs of [0, -5, Number.NaN]) {
      const err = await jiraError(client({ timeoutMs }).myself());
      assert.equal(err.kind, 'invalid');
      assert.match(err.message, /timeout must be a positive number/);
    }
  });

  /** A TCP listener that counts connections: proves a refusal happened before any connect. */
  async function connectionCounter(host: string): Promise<{ port: number; count: () => number; close: () => Promise<void> }> {
    let n = 0;
    const server = createNetServer((s) => {
      n++;
      s.destroy();
    });
    await new Promise<void>((r) => server.listen(0, host, () => r()));
    return { port: (server.address() as AddressInfo).port, count: () => n, close: () => new Promise((r) => server.close(() => r())) };
  }

  test('a loopback IP base URL is refused before any request when allowInsecure is false', async () => {
    const counter = await connectionCounter('127.0.0.1');
    const seen: JiraRequestInfo[] = [];
    try {
      const c = client({ baseUrl: `https://127.0.0.1:${counter.port}`, allowInsecure: false, onRequest: (i) => seen.push(i) });
      const err = await jiraError(c.myself());
      assert.equal(err.kind, 'invalid');
      assert.equal(err.status, null);
      assert.equal(err.retryable, false);
      assert.equal(err.message, 'refused to connect to 127.0.0.1: it is a loopback address');
      for (const base of ['https://[::1]', 'https://10.0.0.8', 'https://169.254.169.254', 'https://100.64.1.1', 'https://0.0.0.0', 'https://[fd00::1]', 'https://[::ffff:127.0.0.1]']) {
        const e = await jiraError(client({ baseUrl: base, allowInsecure: false }).myself());
        assert.equal(e.kind, 'invalid', base);
        assert.match(e.message, /^refused to connect to /, base);
      }
      assert.equal(counter.count(), 0);
      assert.deepEqual(seen.map((s) => s.status), [null]);
    } finally {
      await counter.close();
    }
  });

  test('a host name resolving to loopback is refused at connect time', async () => {
    const counter = await connectionCounter('127.0.0.1');
    try {
      const err = await jiraError(client({ baseUrl: `https://localhost:${counter.port}`, allowInsecure: false }).myself());
      assert.equal(err.kind, 'invalid');
      assert.equal(err.retryable, false);
      assert.match(err.message, /^refused to connect to localhost: it resolves to .*loopback/);
      assert.equal(counter.count(), 0, 'no connection was opened');
    } finally {
      await counter.close();
    }
  });

  test('non-https base URLs are refused unless allowInsecure', async () => {
    const seen: JiraRequestInfo[] = [];
    const err = await jiraError(client({ baseUrl: emu.url, allowInsecure: false, onRequest: (i) => seen.push(i) }).myself());
    assert.equal(err.kind, 'invalid');
    assert.equal(err.message, 'the Jira base URL must use https (got http)');
    assert.deepEqual(seen.map((s) => s.status), [null]);
    assert.equal((await requests('GET', '/rest/api/3/myself')).length, 0, 'the emulator saw nothing');
    for (const [base, why] of [
      ['ftp://jira.example.com', /must use https/],
      ['not a url', /not a valid URL/],
      ['https://bot:secret@jira.example.com', /user name or password/],
      ['https://jira.example.com/?x=1', /query or fragment/],
    ] as const) {
      const e = await jiraError(client({ baseUrl: base, allowInsecure: false }).myself());
      assert.match(e.message, why, base);
      assert.ok(!e.message.includes('secret'));
    }
  });

  test('calls after close fail cleanly, as a local cause (retryable, never a permanent Jira failure)', async () => {
    const c = client();
    await c.myself();
    await c.close();
    const err = await jiraError(c.myself());
    assert.equal(err.kind, 'network');
    assert.equal(err.retryable, true);
    assert.match(err.message, /closed/);
  });
});

describe('helpers', () => {
  test('parseRetryAfter: seconds, HTTP date, garbage', () => {
    const now = Date.parse('2026-11-25T12:00:00Z');
    assert.equal(parseRetryAfter('7', now), 7000);
    assert.equal(parseRetryAfter(' 0 ', now), 0);
    assert.equal(parseRetryAfter('Wed, 25 Nov 2026 12:00:30 GMT', now), 30_000);
    assert.equal(parseRetryAfter('Wed, 25 Nov 2026 11:00:00 GMT', now), 0, 'a date in the past means now');
    assert.equal(parseRetryAfter(null, now), null);
    assert.equal(parseRetryAfter('soon', now), null);
    assert.equal(parseRetryAfter('-3', now), null);
    assert.equal(parseRetryAfter('1.5', now), null);
  });

  test('jiraMessagesFrom: error collection, gateway message, text, HTML, junk', () => {
    assert.deepEqual(
      jiraMessagesFrom('application/json;charset=UTF-8', '{"errorMessages":["Global problem"],"errors":{"summary":"You must specify a summary of the issue.","project":"valid project is required"}}'),
      ['Global problem', 'summary: You must specify a summary of the issue.', 'project: valid project is required'],
    );
    assert.deepEqual(jiraMessagesFrom('application/json', '{"message":"Service unavailable"}'), ['Service unavailable']);
    assert.deepEqual(jiraMessagesFrom('application/json', '{"errorMessages":[],"errors":{}}'), []);
    assert.deepEqual(jiraMessagesFrom('application/json', '{not json'), []);
    assert.deepEqual(jiraMessagesFrom('text/plain', '  Basic authentication\n failed  '), ['Basic authentication failed']);
    assert.deepEqual(jiraMessagesFrom('text/html', '<html>login</html>'), []);
    assert.deepEqual(jiraMessagesFrom(null, '<!DOCTYPE html><html></html>'), []);
    assert.deepEqual(jiraMessagesFrom('application/json', ''), []);
  });

  test('refusedRange: public unicast only', () => {
    for (const [ip, why] of [
      ['127.0.0.1', 'loopback'], ['10.1.2.3', 'private'], ['172.16.0.1', 'private'], ['192.168.1.1', 'private'],
      ['169.254.169.254', 'linkLocal'], ['100.64.0.1', 'carrierGradeNat'], ['0.0.0.0', 'unspecified'],
      ['::1', 'loopback'], ['fe80::1', 'linkLocal'], ['fd12::1', 'uniqueLocal'], ['::', 'unspecified'],
      ['::ffff:10.0.0.1', 'private'], ['64:ff9b::7f00:1', 'loopback'],
      // IPv4-compatible IPv6 (::a.b.c.d): ipaddr.js calls it unicast; the IPv4 inside decides.
      ['::7f00:1', 'loopback'], ['::a00:1', 'private'], ['::a9fe:a9fe', 'linkLocal'],
    ] as const) {
      assert.equal(refusedRange(ip), why, ip);
    }
    for (const ip of ['104.192.136.1', '2606:4700::1111', '64:ff9b::6810:8801', '::6810:8801']) assert.equal(refusedRange(ip), null, ip);
  });
});
