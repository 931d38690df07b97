// Jira lists for the destination form (issue #11), over real HTTP against the Jira emulator: each
// list with a saved destination and with credentials in the body, the cache (counted in the
// emulator's request log), a refused host, an unreachable site, bad credentials showing Jira's own
// message (never our 401), roles, and the statusMapping warnings of a save and of a test.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startEmulator, type RunningEmulator } from '../../src/jira/emulator/index.js';
import { BOT, createEmulatorDestination } from '../support/delivery.js';
import { startTestService, type TestService } from '../support/service.js';
import { JiraListsService } from '../../src/delivery/jira-lists-service.js';
import { hostRefusal } from '../../src/destinations/host-policy.js';

const VERA = { email: 'vera.viewer@example.com', apiToken: 'ATATT-emulator-vera-viewer' };

let emu: RunningEmulator;
let svc: TestService;
let uncached: TestService;
let destId: string;
let analystToken: string;

/** Requests the emulator received for a path (its own log: the Jira side's truth). */
const jiraCalls = (path: string) => emu.emulator.requests.filter((r) => r.path === path).length;

before(async () => {
  emu = await startEmulator({ port: 0 });
  // Only loopback is allowed (a listed host under the insecure switch: any port of 127.0.0.1).
  const env = { ALERTSYNC_ALLOW_INSECURE_JIRA: '1', ALERTSYNC_JIRA_HOSTS: '127.0.0.1', ALERTSYNC_WORKER_DISABLED: '1', ALERTSYNC_JIRA_SAVE_CHECK_DISABLED: '' };
  svc = await startTestService('sqlite', env);
  // This one also runs its worker, for POST /api/destinations/{id}/test.
  uncached = await startTestService('sqlite', { ...env, ALERTSYNC_WORKER_DISABLED: '', ALERTSYNC_JIRA_LIST_CACHE_MS: '0' });
  destId = await createEmulatorDestination(svc, emu);
  const u = await svc.api('POST', '/api/users', { email: 'analyst@example.com', name: 'analyst', role: 'analyst' });
  analystToken = (await svc.api('POST', `/api/users/${u.body.id}/tokens`, { name: 't' })).body.token;
});
after(async () => {
  await svc.close();
  await uncached.close();
  await emu.close();
});

const creds = () => ({ domain: emu.url, email: BOT.email, apiToken: BOT.apiToken });

describe('each list, with a saved destination and with credentials in the body', () => {
  test('projects', async () => {
    const saved = await svc.api('GET', `/api/destinations/${destId}/jira/projects`);
    assert.equal(saved.status, 200, saved.text);
    assert.deepEqual(saved.body.projects.map((p: { key: string }) => p.key).sort(), ['OPS', 'SEC']);
    const given = await svc.api('POST', '/api/jira/lookup/projects', creds());
    assert.equal(given.status, 200, given.text);
    assert.deepEqual(given.body, saved.body);
    assert.equal(given.headers.get('cache-control'), 'no-store');
  });

  test('issue types of a project', async () => {
    const r = await svc.api('GET', `/api/destinations/${destId}/jira/projects/OPS/issue-types`);
    assert.equal(r.status, 200, r.text);
    const fromJira = [...emu.emulator.store.projectByIdOrKey('OPS')!.issueTypeIds].sort();
    assert.deepEqual(r.body.issueTypes.map((t: { id: string }) => t.id).sort(), fromJira);
    const given = await svc.api('POST', '/api/jira/lookup/issue-types', { ...creds(), projectKey: 'OPS' });
    assert.deepEqual(given.body, r.body);
  });

  test('statuses of a project: each once, and per issue type', async () => {
    const r = await svc.api('GET', `/api/destinations/${destId}/jira/projects/OPS/statuses`);
    assert.equal(r.status, 200, r.text);
    const names = r.body.statuses.map((s: { name: string }) => s.name);
    assert.equal(new Set(names).size, names.length);
    const ops = emu.emulator.store.projectByIdOrKey('OPS')!;
    assert.deepEqual(names.sort(), ops.workflow.statusIds.map((id) => emu.emulator.store.statuses.get(id)!.name).sort());
    assert.ok(r.body.statuses.every((s: { category: string }) => ['new', 'indeterminate', 'done'].includes(s.category)));
    assert.equal(r.body.issueTypes.length, ops.issueTypeIds.length);
    const given = await svc.api('POST', '/api/jira/lookup/statuses', { ...creds(), projectKey: 'OPS' });
    assert.deepEqual(given.body, r.body);
    const unknown = await svc.api('GET', `/api/destinations/${destId}/jira/projects/NOPE/statuses`);
    assert.equal(unknown.status, 502, unknown.text);
    assert.equal(unknown.body.error.code, 'jira_refused');
    assert.equal(unknown.body.error.details.jiraStatus, 404);
    assert.deepEqual(unknown.body.error.details.jiraMessages, ["No project could be found with key 'NOPE'."]);
  });

  test('priorities', async () => {
    const r = await svc.api('GET', `/api/destinations/${destId}/jira/priorities`);
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.body.priorities.map((p: { name: string }) => p.name), ['Highest', 'High', 'Medium', 'Low', 'Lowest']);
    assert.equal(r.body.priorities.find((p: { isDefault: boolean }) => p.isDefault).name, 'Medium');
    const given = await svc.api('POST', '/api/jira/lookup/priorities', creds());
    assert.deepEqual(given.body, r.body);
  });

  test('labels, searched case-insensitively', async () => {
    const c = await fetch(`${emu.url}/rest/api/3/issue`, {
      method: 'POST',
      headers: { authorization: emu.authFor(BOT.email), 'content-type': 'application/json' },
      body: JSON.stringify({ fields: { project: { key: 'SEC' }, issuetype: { name: 'Task' }, summary: 'labels', labels: ['Phishing-2026', 'malware', 'phish-kit'] } }),
    });
    assert.equal(c.status, 201);
    const r = await uncached.api('GET', `/api/destinations/${await createEmulatorDestination(uncached, emu)}/jira/labels?query=PHISH`);
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.body, { labels: ['phish-kit', 'Phishing-2026'], truncated: false });
    const all = await uncached.api('POST', '/api/jira/lookup/labels', creds());
    assert.ok(all.body.labels.includes('malware') && all.body.labels.length >= 3, all.text);
  });

  test('assignable users of a project, searched', async () => {
    const r = await svc.api('GET', `/api/destinations/${destId}/jira/users?query=ada`);
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.body.users.map((u: { displayName: string }) => u.displayName), ['Ada Admin']);
    const hidden = await svc.api('POST', '/api/jira/lookup/users', { ...creds(), projectKey: 'SEC', query: 'hugo' });
    assert.equal(hidden.status, 200, hidden.text);
    assert.equal(hidden.body.users.length, 1);
    assert.equal(hidden.body.users[0].emailAddress, null, "Hugo hides his email in Jira: it stays hidden");
    const viewer = await svc.api('GET', `/api/destinations/${destId}/jira/users?query=vera&projectKey=OPS`);
    assert.deepEqual(viewer.body.users, [], 'a read-only Jira user is not assignable');
  });

  test('resolutions', async () => {
    const r = await svc.api('GET', `/api/destinations/${destId}/jira/resolutions`);
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.body.resolutions.map((x: { name: string }) => x.name), [...emu.emulator.store.resolutions.values()].map((x) => x.name));
    const given = await svc.api('POST', '/api/jira/lookup/resolutions', creds());
    assert.deepEqual(given.body, r.body);
  });
});

describe('the cache', () => {
  test('a second call within the cache time makes no Jira request; other credentials do not share it', async () => {
    const path = '/rest/api/3/project/SEC/statuses';
    const d = await createEmulatorDestination(svc, emu, { projectKey: 'OPS' });
    const before = jiraCalls(path);
    assert.equal((await svc.api('GET', `/api/destinations/${d}/jira/projects/SEC/statuses`)).status, 200);
    assert.equal(jiraCalls(path), before + 1);
    assert.equal((await svc.api('GET', `/api/destinations/${d}/jira/projects/SEC/statuses`)).status, 200);
    assert.equal(jiraCalls(path), before + 1, 'answered from the cache');
    // Another destination, or the body, with the same site and credentials: the same cache entry.
    assert.equal((await svc.api('GET', `/api/destinations/${destId}/jira/projects/SEC/statuses`)).status, 200);
    assert.equal((await svc.api('POST', '/api/jira/lookup/statuses', { ...creds(), projectKey: 'SEC' })).status, 200);
    assert.equal(jiraCalls(path), before + 1);
    // Other credentials for the same site: their own request.
    const vera = await svc.api('POST', '/api/jira/lookup/statuses', { domain: emu.url, ...VERA, projectKey: 'SEC' });
    assert.equal(vera.status, 200, vera.text);
    assert.equal(jiraCalls(path), before + 2);
  });

  test('an entry expires after the cache time (injected clock), and a failure is not cached', async () => {
    let now = 1_000_000;
    const cacheMs = 60_000;
    const lists = new JiraListsService({
      destinations: svc.service.destinations,
      clock: { now: () => now },
      policy: { jiraHosts: svc.config.jiraHosts, allowInsecureJira: true, resolve: async () => [] },
      refuseHost: (h) => hostRefusal(h, svc.config),
      settings: { cacheMs, timeoutMs: 5_000, allowInsecure: true },
    });
    const path = '/rest/api/3/issue/createmeta/SEC/issuetypes';
    const before = jiraCalls(path);
    const first = await lists.issueTypes({ destinationId: destId }, 'SEC');
    assert.equal(jiraCalls(path), before + 1);
    now += cacheMs - 1;
    assert.deepEqual(await lists.issueTypes({ destinationId: destId }, 'SEC'), first);
    assert.equal(jiraCalls(path), before + 1, 'still fresh 1 ms before the end');
    now += 1;
    assert.deepEqual(await lists.issueTypes({ destinationId: destId }, 'SEC'), first);
    assert.equal(jiraCalls(path), before + 2, 'expired: asked again');

    const missing = '/rest/api/3/project/NOPE2/statuses';
    await assert.rejects(lists.statuses({ destinationId: destId }, 'NOPE2'), /jira_refused|Jira refused/);
    await assert.rejects(lists.statuses({ destinationId: destId }, 'NOPE2'));
    assert.equal(jiraCalls(missing), 2, 'a refusal is asked again, not cached');
  });

  test('with ALERTSYNC_JIRA_LIST_CACHE_MS=0 every call asks Jira', async () => {
    const path = '/rest/api/3/resolution/search';
    const before = jiraCalls(path);
    await uncached.api('POST', '/api/jira/lookup/resolutions', creds());
    await uncached.api('POST', '/api/jira/lookup/resolutions', creds());
    assert.equal(jiraCalls(path), before + 2);
  });
});

describe('refusals', () => {
  test("bad credentials: Jira's 401 and message as a 502 jira_refused, never our 401; the token is not echoed", async () => {
    const token = 'ATATT-wrong-token-0123456789';
    const r = await uncached.api('POST', '/api/jira/lookup/projects', { domain: emu.url, email: BOT.email, apiToken: token });
    assert.equal(r.status, 502, r.text);
    assert.equal(r.headers.get('www-authenticate'), null);
    assert.equal(r.body.error.code, 'jira_refused');
    assert.equal(r.body.error.details.jiraStatus, 401);
    assert.match(r.body.error.message, /Jira answered 401/);
    assert.ok(r.body.error.details.jiraMessages.length > 0, 'Jira\'s own words are passed on');
    assert.ok(!r.text.includes(token) && !r.text.includes(Buffer.from(`${BOT.email}:${token}`).toString('base64')));
    assert.ok(!uncached.logs.some((l) => l.includes(token)), 'the token is in no log line');
  });

  test('a host the policy refuses is 400 domain_refused, and nothing is sent', async () => {
    const before = emu.emulator.requests.length;
    const r = await svc.api('POST', '/api/jira/lookup/projects', { domain: 'http://localhost:9', email: BOT.email, apiToken: BOT.apiToken });
    assert.equal(r.status, 400, r.text);
    assert.equal(r.body.error.code, 'domain_refused');
    assert.equal(emu.emulator.requests.length, before);
  });

  test('an unreachable site is 502 jira_unreachable', async () => {
    const r = await svc.api('POST', '/api/jira/lookup/priorities', { domain: 'http://127.0.0.1:9', email: BOT.email, apiToken: BOT.apiToken });
    assert.equal(r.status, 502, r.text);
    assert.equal(r.body.error.code, 'jira_unreachable');
  });

  test('an unknown destination is 404; an analyst (who may not edit destinations) is 403', async () => {
    assert.equal((await svc.api('GET', '/api/destinations/dst_nope/jira/projects')).status, 404);
    assert.equal((await svc.api('GET', `/api/destinations/${destId}/jira/projects`, undefined, analystToken)).status, 403);
    assert.equal((await svc.api('POST', '/api/jira/lookup/projects', creds(), analystToken)).status, 403);
  });

  test('a body with an unknown field or a bad project key is refused before Jira is asked', async () => {
    const before = emu.emulator.requests.length;
    assert.equal((await svc.api('POST', '/api/jira/lookup/statuses', { ...creds(), projectKey: 'bad key' })).status, 400);
    assert.equal((await svc.api('POST', '/api/jira/lookup/projects', { ...creds(), extra: 1 })).status, 400);
    assert.equal(emu.emulator.requests.length, before);
  });
});

describe('statusMapping checked against the project statuses', () => {
  test('a save with an unknown status name answers a warning, not a refusal; fixing it clears the warning', async () => {
    const r = await svc.api('POST', '/api/destinations', {
      name: 'mapped', domain: emu.url, issueType: 'Task', projectKey: 'OPS', email: BOT.email, apiToken: BOT.apiToken,
      statusMapping: { OPEN: 'to do', RESOLVED: 'Fixed Somehow', CLOSED: 'Closed' },
    });
    assert.equal(r.status, 201, r.text);
    assert.equal(r.body.warnings.length, 1, r.text);
    assert.match(r.body.warnings[0], /statusMapping\.RESOLVED: "Fixed Somehow" is not a status of Jira project OPS/);
    const fixed = await svc.api('PATCH', `/api/destinations/${r.body.destination.id}`, { statusMapping: { RESOLVED: 'In Review' } });
    assert.equal(fixed.status, 200, fixed.text);
    assert.deepEqual(fixed.body.warnings, []);
    const broken = await svc.api('PATCH', `/api/destinations/${r.body.destination.id}`, { statusMapping: { TRIAGED: 'Triage' } });
    assert.equal(broken.body.warnings.length, 1);
    assert.match(broken.body.warnings[0], /statusMapping\.TRIAGED: "Triage"/);
  });

  test('when Jira cannot be reached, the save succeeds with a warning saying so', async () => {
    const r = await svc.api('POST', '/api/destinations', {
      name: 'offline', domain: 'http://127.0.0.1:9', issueType: 'Task', projectKey: 'OPS', email: BOT.email, apiToken: BOT.apiToken,
      statusMapping: { OPEN: 'To Do' },
    });
    assert.equal(r.status, 201, r.text);
    assert.equal(r.body.warnings.length, 1, r.text);
    assert.match(r.body.warnings[0], /statusMapping could not be checked against the statuses of Jira project OPS: Jira could not be reached/);
  });

  test('POST /api/destinations/{id}/test answers the same warnings', async () => {
    const r = await uncached.api('POST', '/api/destinations', {
      name: 'tested', domain: emu.url, issueType: 'Task', projectKey: 'SEC', email: BOT.email, apiToken: BOT.apiToken,
      statusMapping: { CLOSED: 'Shut' },
    });
    assert.equal(r.status, 201, r.text);
    const t = await uncached.api('POST', `/api/destinations/${r.body.destination.id}/test`);
    assert.equal(t.status, 200, t.text);
    assert.equal(t.body.outcome, 'created', t.text);
    assert.equal(t.body.warnings.length, 1, t.text);
    assert.match(t.body.warnings[0], /statusMapping\.CLOSED: "Shut" is not a status of Jira project SEC/);
  });
});
