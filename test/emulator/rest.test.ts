// The emulated REST API, operation by operation, over real HTTP; every answer is validated against
// Atlassian's OpenAPI document by the harness.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ADA, ADA_ID, BOT, BOT_ID, HUGO, HUGO_ID, VERA, VERA_ID, adf, startTestEmulator, type TestEmulator } from './harness.js';

let j: TestEmulator;
before(async () => {
  j = await startTestEmulator();
});
after(() => j.close());

describe('site metadata', () => {
  it('myself returns the caller with their own email, even when hidden from others', async () => {
    const me = await j.get('/rest/api/3/myself', { as: HUGO });
    assert.equal(me.status, 200);
    assert.equal(me.body.accountId, HUGO_ID);
    assert.equal(me.body.emailAddress, HUGO);
    const v2 = await j.get('/rest/api/2/myself', { as: BOT });
    assert.equal(v2.body.accountId, BOT_ID);
    assert.match(v2.body.self, /\/rest\/api\/2\/user\?accountId=/);
  });

  it('project by key and id, and 404 for an unknown project', async () => {
    const p = await j.get('/rest/api/3/project/SEC');
    assert.equal(p.status, 200);
    assert.equal(p.body.key, 'SEC');
    assert.deepEqual(p.body.issueTypes.map((t: { name: string }) => t.name), ['Task', 'Bug', 'Story']);
    const byId = await j.get(`/rest/api/3/project/${p.body.id as string}`);
    assert.equal(byId.body.key, 'SEC');
    const missing = await j.get('/rest/api/3/project/NOPE');
    assert.equal(missing.status, 404);
    assert.deepEqual(missing.body, { errorMessages: ["No project could be found with key 'NOPE'."], errors: {} });
    const search = await j.get('/rest/api/3/project/search');
    assert.equal(search.body.total, 2);
  });

  it('issue types for a project through createmeta, and the fields of one type', async () => {
    const r = await j.get('/rest/api/3/issue/createmeta/SEC/issuetypes');
    assert.equal(r.status, 200);
    assert.deepEqual(r.body.issueTypes.map((t: { name: string }) => t.name), ['Task', 'Bug', 'Story']);
    const ops = await j.get('/rest/api/3/issue/createmeta/OPS/issuetypes');
    assert.equal(ops.body.total, 2);
    const fields = await j.get('/rest/api/3/issue/createmeta/SEC/issuetypes/10004');
    assert.equal(fields.status, 200);
    const summary = fields.body.fields.find((f: { fieldId: string }) => f.fieldId === 'summary');
    assert.equal(summary.required, true);
    const bad = await j.get('/rest/api/3/issue/createmeta/NOPE/issuetypes');
    assert.equal(bad.status, 400);
  });

  it('the standard priorities, statuses and labels', async () => {
    const p = await j.get('/rest/api/3/priority');
    assert.deepEqual(p.body.map((x: { name: string }) => x.name), ['Highest', 'High', 'Medium', 'Low', 'Lowest']);
    const ps = await j.get('/rest/api/3/priority/search');
    assert.equal(ps.body.total, 5);
    const s = await j.get('/rest/api/3/status');
    assert.ok(s.body.some((x: { name: string; statusCategory: { key: string } }) => x.name === 'Waiting for Vendor' && x.statusCategory.key === 'indeterminate'));
    await j.get('/rest/api/3/statuscategory');
    await j.createIssue({ labels: ['fresh-label'] });
    const l = await j.get('/rest/api/3/label');
    assert.equal(l.status, 200);
    assert.ok(l.body.values.includes('fresh-label'));
    await j.get('/rest/api/3/serverInfo');
    await j.get('/rest/api/3/issuetype');
  });

  it('resolutions, paged through /resolution/search like the deprecated full list', async () => {
    const all = await j.get('/rest/api/3/resolution');
    const first = await j.get('/rest/api/3/resolution/search?maxResults=2');
    assert.equal(first.status, 200);
    assert.equal(first.body.total, all.body.length);
    assert.equal(first.body.values.length, 2);
    assert.equal(first.body.isLast, all.body.length <= 2);
    const rest = await j.get(`/rest/api/3/resolution/search?startAt=2&maxResults=100`);
    const names = [...first.body.values, ...rest.body.values].map((r: { name: string }) => r.name);
    assert.deepEqual(names, all.body.map((r: { name: string }) => r.name));
    assert.ok(names.includes('Done'));
    const one = await j.get(`/rest/api/3/resolution/search?id=${all.body[1].id}`);
    assert.deepEqual(one.body.values.map((r: { id: string }) => r.id), [all.body[1].id]);
  });

  it('statuses of a project, per issue type, follow its workflow', async () => {
    const ops = await j.get('/rest/api/3/project/OPS/statuses');
    assert.equal(ops.status, 200);
    const names = new Set(ops.body.flatMap((t: { statuses: { name: string }[] }) => t.statuses.map((s) => s.name)));
    assert.ok(names.has('In Review') && names.has('Closed'));
    const missing = await j.get('/rest/api/3/project/NOPE/statuses');
    assert.equal(missing.status, 404);
  });
});

describe('users', () => {
  it('search hides the email of a user who hid it, and matches display names', async () => {
    const r = await j.get('/rest/api/3/user/search?query=hugo', { as: ADA });
    assert.equal(r.status, 200);
    assert.equal(r.body.length, 1);
    assert.equal(r.body[0].accountId, HUGO_ID);
    assert.equal(r.body[0].emailAddress, undefined);
    const ada = await j.get('/rest/api/3/user/search?query=ada', { as: HUGO });
    assert.equal(ada.body[0].emailAddress, ADA);
    // a hidden email is not searchable either
    const byMail = await j.get('/rest/api/3/user/search?query=hugo.hidden@', { as: ADA });
    assert.equal(byMail.body.length, 0);
  });

  it('assignable search leaves out users who cannot be assigned', async () => {
    const r = await j.get('/rest/api/3/user/assignable/search?project=SEC&query=');
    assert.equal(r.status, 200);
    const ids = r.body.map((u: { accountId: string }) => u.accountId);
    assert.ok(ids.includes(HUGO_ID));
    assert.ok(!ids.includes(VERA_ID));
    const unknown = await j.get('/rest/api/3/user/assignable/search?project=NOPE');
    assert.equal(unknown.status, 404);
  });

  it('user by account id, 404 for an unknown one', async () => {
    const r = await j.get(`/rest/api/3/user?accountId=${encodeURIComponent(HUGO_ID)}`, { as: ADA });
    assert.equal(r.status, 200);
    assert.equal(r.body.displayName, 'Hugo Hidden');
    assert.equal(r.body.emailAddress, undefined);
    const missing = await j.get('/rest/api/3/user?accountId=nobody');
    assert.equal(missing.status, 404);
  });
});

describe('issues', () => {
  it('create returns id, key and self; get returns it in v3 (ADF) and v2 (wiki)', async () => {
    const created = await j.post('/rest/api/3/issue', {
      fields: {
        project: { key: 'SEC' }, issuetype: { id: '10004' }, summary: 'CVE-2024-1234 in api-gateway',
        description: { type: 'doc', version: 1, content: [{ type: 'paragraph', content: [{ type: 'text', text: 'Bad ' }, { type: 'text', text: 'thing', marks: [{ type: 'strong' }] }] }] },
        labels: ['security', 'scanner-x'], priority: { id: '2' }, assignee: { accountId: HUGO_ID },
      },
    });
    assert.equal(created.status, 201);
    assert.match(created.body.id, /^\d+$/);
    assert.match(created.body.key, /^SEC-\d+$/);
    assert.equal(created.body.self, `${j.url}/rest/api/3/issue/${created.body.id as string}`);
    const v3 = await j.get(`/rest/api/3/issue/${created.body.key as string}`);
    assert.equal(v3.status, 200);
    assert.equal(v3.body.id, created.body.id);
    assert.equal(v3.body.fields.summary, 'CVE-2024-1234 in api-gateway');
    assert.equal(v3.body.fields.description.type, 'doc');
    assert.equal(v3.body.fields.status.name, 'To Do');
    assert.equal(v3.body.fields.status.statusCategory.key, 'new');
    assert.equal(v3.body.fields.priority.name, 'High');
    assert.equal(v3.body.fields.assignee.accountId, HUGO_ID);
    assert.equal(v3.body.fields.assignee.emailAddress, undefined);
    assert.equal(v3.body.fields.reporter.accountId, BOT_ID);
    assert.match(v3.body.fields.created, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}[+-]\d{4}$/);
    const v2 = await j.get(`/rest/api/2/issue/${created.body.id as string}?fields=summary,description`);
    assert.equal(v2.body.fields.description, 'Bad *thing*');
    assert.deepEqual(Object.keys(v2.body.fields).sort(), ['description', 'summary']);
    const missing = await j.get('/rest/api/3/issue/SEC-9999');
    assert.equal(missing.status, 404);
    assert.deepEqual(missing.body, { errorMessages: ['Issue does not exist or you do not have permission to see it.'], errors: {} });
  });

  it('create through v2 takes a wiki-markup description', async () => {
    const { key } = await j.createIssue({ description: 'h2. Finding\n* one\n* two' }, { version: 2 });
    const v3 = await j.get(`/rest/api/3/issue/${key}?fields=description`);
    assert.equal(v3.body.fields.description.content[0].type, 'heading');
    assert.equal(v3.body.fields.description.content[1].type, 'bulletList');
    const v2 = await j.get(`/rest/api/2/issue/${key}?fields=description`);
    assert.equal(v2.body.fields.description, 'h2. Finding\n\n* one\n* two');
  });

  it('edit sets fields and applies label verbs; expand=changelog shows the history', async () => {
    const { key } = await j.createIssue({ labels: ['a', 'b'] });
    const r = await j.put(`/rest/api/3/issue/${key}`, { fields: { summary: 'Renamed', priority: { name: 'Low' } }, update: { labels: [{ add: 'c' }, { remove: 'a' }] } });
    assert.equal(r.status, 204);
    const got = await j.get(`/rest/api/3/issue/${key}?expand=changelog`);
    assert.equal(got.body.fields.summary, 'Renamed');
    assert.deepEqual(got.body.fields.labels, ['b', 'c']);
    assert.equal(got.body.fields.priority.name, 'Low');
    const items = got.body.changelog.histories[0].items;
    assert.deepEqual(items.map((i: { field: string }) => i.field), ['summary', 'labels', 'priority']);
    assert.equal(items[1].fromString, 'a b');
    assert.equal(items[1].toString, 'b c');
    const status = await j.put(`/rest/api/3/issue/${key}`, { fields: { status: { name: 'Done' } } });
    assert.equal(status.status, 400);
    assert.deepEqual(status.body, { errorMessages: [], errors: { status: "Field 'status' cannot be set. It is not on the appropriate screen, or unknown." } });
  });

  it('create also takes update verbs, as on Jira', async () => {
    const r = await j.post('/rest/api/3/issue', { fields: { project: { key: 'SEC' }, issuetype: { name: 'Task' } }, update: { summary: [{ set: 'from update' }], labels: [{ add: 'one' }, { add: 'two' }] } });
    assert.equal(r.status, 201, r.text);
    const got = await j.get(`/rest/api/3/issue/${r.body.key as string}?fields=summary,labels`);
    assert.equal(got.body.fields.summary, 'from update');
    assert.deepEqual(got.body.fields.labels, ['one', 'two']);
  });

  it('assign, unassign, and refuse users who cannot be assigned', async () => {
    const { key } = await j.createIssue();
    assert.equal((await j.put(`/rest/api/3/issue/${key}/assignee`, { accountId: HUGO_ID })).status, 204);
    assert.equal((await j.get(`/rest/api/3/issue/${key}?fields=assignee`)).body.fields.assignee.accountId, HUGO_ID);
    assert.equal((await j.put(`/rest/api/3/issue/${key}/assignee`, { accountId: null })).status, 204);
    assert.equal((await j.get(`/rest/api/3/issue/${key}?fields=assignee`)).body.fields.assignee, null);
    const bad = await j.put(`/rest/api/3/issue/${key}/assignee`, { accountId: VERA_ID });
    assert.equal(bad.status, 400);
    assert.deepEqual(bad.body.errors, { assignee: `User '${VERA_ID}' cannot be assigned issues.` });
    const denied = await j.put(`/rest/api/3/issue/${key}/assignee`, { accountId: HUGO_ID }, { as: VERA });
    assert.equal(denied.status, 403);
  });

  it('delete removes the issue', async () => {
    const { key } = await j.createIssue();
    assert.equal((await j.delete(`/rest/api/3/issue/${key}`, { as: VERA })).status, 403);
    assert.equal((await j.delete(`/rest/api/3/issue/${key}`)).status, 204);
    assert.equal((await j.get(`/rest/api/3/issue/${key}`)).status, 404);
  });

  it('move to another project: new key, same id, the old key still resolves', async () => {
    const { id, key } = await j.createIssue({ summary: 'to be moved' });
    await j.post(`/rest/api/3/issue/${key}/transitions`, { transition: { id: '41' } }); // Waiting for Vendor: not in OPS
    const r = await j.post('/rest/api/3/bulk/issues/move', {
      sendBulkNotification: false,
      targetToSourcesMapping: { 'OPS,10001': { inferClassificationDefaults: true, inferFieldDefaults: true, inferStatusDefaults: true, inferSubtaskTypeDefault: true, issueIdsOrKeys: [key] } },
    });
    assert.equal(r.status, 201);
    const task = await j.get(`/rest/api/3/bulk/queue/${r.body.taskId as string}`);
    assert.equal(task.body.status, 'COMPLETE');
    const moved = await j.get(`/rest/api/3/issue/${id}`);
    assert.match(moved.body.key, /^OPS-\d+$/);
    assert.equal(moved.body.fields.project.key, 'OPS');
    assert.equal(moved.body.fields.status.name, 'To Do');
    const byOldKey = await j.get(`/rest/api/3/issue/${key}`);
    assert.equal(byOldKey.status, 200);
    assert.equal(byOldKey.body.id, id);
    assert.equal(byOldKey.body.key, moved.body.key);
  });
});

describe('transitions', () => {
  it('SEC: every status reaches every other; list shows target status and category', async () => {
    const { key } = await j.createIssue();
    const list = await j.get(`/rest/api/3/issue/${key}/transitions`);
    assert.equal(list.status, 200);
    const names = list.body.transitions.map((t: { to: { name: string } }) => t.to.name).sort();
    assert.deepEqual(names, ['Done', 'In Progress', 'Waiting for Vendor']);
    const done = list.body.transitions.find((t: { to: { name: string } }) => t.to.name === 'Done');
    assert.equal(done.to.statusCategory.key, 'done');
    assert.equal((await j.post(`/rest/api/3/issue/${key}/transitions`, { transition: { id: done.id } })).status, 204);
    const after = await j.get(`/rest/api/3/issue/${key}?fields=status,resolution`);
    assert.equal(after.body.fields.status.name, 'Done');
    assert.equal(after.body.fields.resolution.name, 'Done');
    const back = await j.post(`/rest/api/3/issue/${key}/transitions`, { transition: { id: '11' } });
    assert.equal(back.status, 204);
    assert.equal((await j.get(`/rest/api/3/issue/${key}?fields=resolution`)).body.fields.resolution, null);
  });

  it('OPS: restricted paths, 400 for an invalid transition and for a missing required field', async () => {
    const { key } = await j.createIssue({ project: { key: 'OPS' } });
    const list = await j.get(`/rest/api/3/issue/${key}/transitions?expand=transitions.fields`);
    assert.deepEqual(list.body.transitions.map((t: { name: string }) => t.name), ['Start Progress']);
    const invalid = await j.post(`/rest/api/3/issue/${key}/transitions`, { transition: { id: '41' } });
    assert.equal(invalid.status, 400);
    assert.deepEqual(invalid.body, { errorMessages: ["Transition id '41' is not valid for this issue."], errors: {} });
    assert.equal((await j.post(`/rest/api/3/issue/${key}/transitions`, { transition: { id: '11' } })).status, 204);
    assert.equal((await j.post(`/rest/api/3/issue/${key}/transitions`, { transition: { id: '21' } })).status, 204);
    const screen = await j.get(`/rest/api/3/issue/${key}/transitions?expand=transitions.fields`);
    const close = screen.body.transitions.find((t: { name: string }) => t.name === 'Close');
    assert.equal(close.hasScreen, true);
    assert.equal(close.fields.resolution.required, true);
    const missing = await j.post(`/rest/api/3/issue/${key}/transitions`, { transition: { id: '41' } });
    assert.equal(missing.status, 400);
    assert.deepEqual(missing.body, { errorMessages: ['Field Resolution is required.'], errors: {} });
    const ok = await j.post(`/rest/api/3/issue/${key}/transitions`, { transition: { id: '41' }, fields: { resolution: { name: "Won't Do" } }, update: { comment: [{ add: { body: adf('closing') } }] } });
    assert.equal(ok.status, 204);
    const got = await j.get(`/rest/api/3/issue/${key}?fields=status,resolution,comment`);
    assert.equal(got.body.fields.status.name, 'Closed');
    assert.equal(got.body.fields.resolution.name, "Won't Do");
    assert.equal(got.body.fields.comment.total, 1);
  });

  it('a user without the permission sees no transitions and gets 403 on perform', async () => {
    const { key } = await j.createIssue();
    const list = await j.get(`/rest/api/3/issue/${key}/transitions`, { as: VERA });
    assert.deepEqual(list.body.transitions, []);
    const r = await j.post(`/rest/api/3/issue/${key}/transitions`, { transition: { id: '21' } }, { as: VERA });
    assert.equal(r.status, 403);
  });
});

describe('comments', () => {
  it('one comment reads as ADF through v3 and as wiki markup through v2', async () => {
    const { key } = await j.createIssue();
    const body = { type: 'doc', version: 1, content: [{ type: 'paragraph', content: [{ type: 'text', text: 'See ' }, { type: 'text', text: 'the advisory', marks: [{ type: 'link', attrs: { href: 'https://example.com/a' } }] }, { type: 'text', text: ' and ' }, { type: 'text', text: 'x()', marks: [{ type: 'code' }] }] }] };
    const c = await j.post(`/rest/api/3/issue/${key}/comment`, { body });
    assert.equal(c.status, 201);
    assert.deepEqual(c.body.body, body);
    assert.equal(c.body.author.accountId, BOT_ID);
    const v2 = await j.get(`/rest/api/2/issue/${key}/comment/${c.body.id as string}`);
    assert.equal(v2.body.body, 'See [the advisory|https://example.com/a] and {{x()}}');
    const list = await j.get(`/rest/api/3/issue/${key}/comment`);
    assert.equal(list.body.total, 1);
    assert.deepEqual(list.body.comments[0].body, body);
  });

  it('edit and delete, with permission checks and 404s', async () => {
    const { key } = await j.createIssue();
    const c = await j.post(`/rest/api/2/issue/${key}/comment`, { body: 'first *draft*' });
    assert.equal(c.status, 201);
    assert.equal(c.body.body, 'first *draft*');
    const id = c.body.id as string;
    assert.equal((await j.put(`/rest/api/3/issue/${key}/comment/${id}`, { body: adf('x') }, { as: HUGO })).status, 200);
    const edited = await j.put(`/rest/api/2/issue/${key}/comment/${id}`, { body: 'final' });
    assert.equal(edited.status, 200);
    assert.equal(edited.body.updateAuthor.accountId, BOT_ID);
    assert.equal((await j.post(`/rest/api/3/issue/${key}/comment`, { body: adf('no') }, { as: VERA })).status, 403);
    assert.equal((await j.post(`/rest/api/3/issue/${key}/comment`, { body: 'not adf' })).status, 400);
    assert.equal((await j.delete(`/rest/api/3/issue/${key}/comment/${id}`)).status, 204);
    assert.equal((await j.get(`/rest/api/3/issue/${key}/comment/${id}`)).status, 404);
    assert.equal((await j.delete(`/rest/api/3/issue/${key}/comment/${id}`)).status, 404);
  });
});

describe('issue entity properties', () => {
  it('set, list, get, update, delete', async () => {
    const { key } = await j.createIssue();
    assert.equal((await j.put(`/rest/api/3/issue/${key}/properties/alertsync`, { alertId: 'a-1' })).status, 201);
    assert.equal((await j.put(`/rest/api/3/issue/${key}/properties/alertsync`, { alertId: 'a-2' })).status, 200);
    const keys = await j.get(`/rest/api/3/issue/${key}/properties`);
    assert.deepEqual(keys.body.keys.map((k: { key: string }) => k.key), ['alertsync']);
    const one = await j.get(`/rest/api/3/issue/${key}/properties/alertsync`);
    assert.deepEqual(one.body, { key: 'alertsync', value: { alertId: 'a-2' } });
    const withProps = await j.get(`/rest/api/3/issue/${key}?fields=summary&properties=alertsync`);
    assert.deepEqual(withProps.body.properties, { alertsync: { alertId: 'a-2' } });
    assert.equal((await j.delete(`/rest/api/3/issue/${key}/properties/alertsync`)).status, 204);
    assert.equal((await j.get(`/rest/api/3/issue/${key}/properties/alertsync`)).status, 404);
    const tooLong = await j.put(`/rest/api/3/issue/${key}/properties/big`, { v: 'x'.repeat(33_000) });
    assert.equal(tooLong.status, 400);
  });

  it('can be set at create time', async () => {
    const r = await j.post('/rest/api/3/issue', { fields: { project: { key: 'SEC' }, issuetype: { name: 'Task' }, summary: 'p' }, properties: [{ key: 'alertsync', value: { alertId: 'z' } }] });
    assert.equal(r.status, 201);
    const one = await j.get(`/rest/api/3/issue/${r.body.key as string}/properties/alertsync`);
    assert.deepEqual(one.body.value, { alertId: 'z' });
  });
});

describe('authentication', () => {
  it('401 for a bad token or no credentials; the body is not JSON, as on Jira Cloud', async () => {
    const bad = await j.get('/rest/api/3/myself', { authorization: `Basic ${Buffer.from(`${BOT}:wrong`).toString('base64')}` });
    assert.equal(bad.status, 401);
    assert.equal(bad.body, undefined);
    assert.match(bad.text, /authenticated/);
    const none = await j.get('/rest/api/3/myself', { as: null });
    assert.equal(none.status, 401);
    const badJson = await j.call('POST', '/rest/api/3/issue', { as: null, body: '{not json' });
    assert.equal(badJson.status, 401, 'authentication comes before reading the body');
  });

  it('403 where the user lacks the permission', async () => {
    const r = await j.post('/rest/api/3/issue', { fields: { project: { key: 'SEC' }, issuetype: { name: 'Task' }, summary: 'x' } }, { as: VERA });
    assert.equal(r.status, 403);
    assert.deepEqual(r.body, { errorMessages: ['You do not have permission to create issues in this project.'], errors: {} });
    const { key } = await j.createIssue();
    assert.equal((await j.put(`/rest/api/3/issue/${key}`, { fields: { summary: 'y' } }, { as: VERA })).status, 403);
    assert.equal((await j.get(`/rest/api/3/issue/${key}`, { as: VERA })).status, 200);
  });

  it('the admin token can act as any seeded user', async () => {
    const r = await j.get('/rest/api/3/myself', { as: null, headers: { authorization: `Bearer ${j.emu.adminToken}`, 'x-emulator-act-as': ADA_ID } });
    assert.equal(r.status, 200);
    assert.equal(r.body.accountId, ADA_ID);
    const creds = await j.admin('POST', '/act-as', { email: HUGO });
    assert.equal(creds.body.accountId, HUGO_ID);
    const me = await j.get('/rest/api/3/myself', { authorization: creds.body.authorization as string });
    assert.equal(me.body.accountId, HUGO_ID);
  });
});
