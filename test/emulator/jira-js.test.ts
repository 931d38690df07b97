// Issue #10, "what it must show": an independently written Jira client, the `jira.js` npm package
// (a dev dependency; generated from Atlassian's OpenAPI document, not from this repository), drives
// the emulator through what an alert integration does, on v3 (ADF) and v2 (wiki markup): create,
// read, edit, comment, transition, assign, search, changelog, fields, and Jira's errors. Each step
// is checked against what Jira Cloud answers (the sources are named in the other emulator tests
// and in docs/emulator.md).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { HttpException, Version2Client, Version3Client } from 'jira.js';
import { BOT, BOT_ID, HUGO_ID, startTestEmulator, type TestEmulator } from './harness.js';

let j: TestEmulator;
let v3: Version3Client;
let v2: Version2Client;
const TOKEN = 'ATATT-emulator-alertsync-bot';

before(async () => {
  j = await startTestEmulator();
  const config = { host: j.url, authentication: { basic: { email: BOT, apiToken: TOKEN } } };
  v3 = new Version3Client(config);
  v2 = new Version2Client(config);
});
after(() => j.close());

/** The HttpException jira.js throws, with the status and Jira's body. */
async function failure(p: Promise<unknown>): Promise<{ status: number; data: unknown }> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof HttpException, `jira.js threw ${String(e)}`);
    const r = e.response as { status?: number; data?: unknown };
    return { status: e.status, data: r.data };
  }
  assert.fail('the call succeeded');
}

const doc = (text: string) => ({ type: 'doc' as const, version: 1, content: [{ type: 'paragraph' as const, content: [{ type: 'text' as const, text }] }] });

describe('jira.js Version3Client (ADF)', () => {
  it('myself, fields, create, read, edit, comment, assign, transition, search, changelog', async () => {
    const me = await v3.myself.getCurrentUser();
    assert.equal(me.accountId, BOT_ID);

    const fields = await v3.issueFields.getFields();
    assert.equal(fields.find((f) => f.id === 'summary')?.name, 'Summary');

    const created = await v3.issues.createIssue({
      fields: { project: { key: 'SEC' }, issuetype: { name: 'Task' }, summary: 'jira.js v3', description: doc('CVE-2026-1 on host-1'), labels: ['alertsync'], priority: { name: 'High' } },
    });
    assert.match(created.key ?? '', /^SEC-\d+$/);
    const key = created.key as string;

    const read = await v3.issues.getIssue({ issueIdOrKey: key, fields: ['summary', 'description', 'labels', 'priority', 'status', 'resolution'] });
    assert.equal(read.fields.summary, 'jira.js v3');
    assert.deepEqual(read.fields.description, doc('CVE-2026-1 on host-1'));
    assert.deepEqual(read.fields.labels, ['alertsync']);
    assert.equal(read.fields.priority?.name, 'High');
    assert.equal(read.fields.status?.name, 'To Do');
    assert.equal(read.fields.resolution, null);

    await v3.issues.editIssue({ issueIdOrKey: key, fields: { summary: 'jira.js v3 edited' }, update: { labels: [{ add: 'triaged' }] } });
    const edited = await v3.issues.getIssue({ issueIdOrKey: key, fields: ['summary', 'labels'] });
    assert.equal(edited.fields.summary, 'jira.js v3 edited');
    assert.deepEqual(edited.fields.labels, ['alertsync', 'triaged']);

    const comment = await v3.issueComments.addComment({ issueIdOrKey: key, comment: 'plain text, wrapped into ADF by jira.js' });
    assert.deepEqual(comment.body, doc('plain text, wrapped into ADF by jira.js'));
    const comments = await v3.issueComments.getComments({ issueIdOrKey: key });
    assert.equal(comments.total, 1);

    await v3.issues.assignIssue({ issueIdOrKey: key, accountId: HUGO_ID });
    assert.equal((await v3.issues.getIssue({ issueIdOrKey: key, fields: ['assignee'] })).fields.assignee?.accountId, HUGO_ID);
    await v3.issues.assignIssue({ issueIdOrKey: key, accountId: null });
    assert.equal((await v3.issues.getIssue({ issueIdOrKey: key, fields: ['assignee'] })).fields.assignee, null);

    const transitions = await v3.issues.getTransitions({ issueIdOrKey: key });
    const done = transitions.transitions?.find((t) => t.to?.statusCategory?.key === 'done');
    assert.ok(done?.id);
    await v3.issues.doTransition({ issueIdOrKey: key, transition: { id: done.id } });
    const closed = await v3.issues.getIssue({ issueIdOrKey: key, fields: ['status', 'resolution'] });
    assert.equal(closed.fields.status?.name, 'Done');
    assert.equal(closed.fields.resolution?.name, 'Done');

    const found = await v3.issueSearch.searchForIssuesUsingJqlEnhancedSearch({ jql: `key = ${key} AND resolution = Done AND updated >= -5m`, fields: ['summary'] });
    assert.deepEqual(found.issues?.map((i) => i.key), [key]);
    const viaPost = await v3.issueSearch.searchForIssuesUsingJqlEnhancedSearchPost({ jql: 'project = SEC AND resolution = Unresolved', fields: ['summary'] });
    assert.ok(!viaPost.issues?.some((i) => i.key === key), 'a done issue is not unresolved');

    const changelog = await v3.issues.getChangeLogs({ issueIdOrKey: key });
    const assignee = changelog.values?.flatMap((h) => h.items ?? []).find((i) => i.field === 'assignee');
    assert.ok(assignee && 'from' in assignee && assignee.from === null, 'explicit null from');
  });

  it('errors as Jira Cloud answers them', async () => {
    const missing = await failure(v3.issues.getIssue({ issueIdOrKey: 'SEC-999999' }));
    assert.deepEqual(missing, { status: 404, data: { errorMessages: ['Issue does not exist or you do not have permission to see it.'], errors: {} } });

    const badAdf = await failure(v3.issues.createIssue({ fields: { project: { key: 'SEC' }, issuetype: { name: 'Task' }, summary: 'x', description: { type: 'doc', version: 1, content: [{ type: 'text', text: 'bare' }] } as never } }));
    assert.deepEqual(badAdf, { status: 400, data: { errorMessages: ['INVALID_INPUT'], errors: {} } });

    const badField = await failure(v3.issues.createIssue({ fields: { project: { key: 'SEC' }, issuetype: { name: 'Task' }, summary: 'x', labels: ['has space'] } }));
    assert.deepEqual(badField, { status: 400, data: { errorMessages: [], errors: { labels: "The label 'has space' contains spaces which is invalid." } } });

    const ops = await v3.issues.createIssue({ fields: { project: { key: 'OPS' }, issuetype: { name: 'Task' }, summary: 'restricted' } });
    await v3.issues.doTransition({ issueIdOrKey: ops.key as string, transition: { id: '11' } });
    await v3.issues.doTransition({ issueIdOrKey: ops.key as string, transition: { id: '21' } });
    const noResolution = await failure(v3.issues.doTransition({ issueIdOrKey: ops.key as string, transition: { id: '41' } }));
    assert.deepEqual(noResolution, { status: 400, data: { errorMessages: ['Field Resolution is required.'], errors: {} } });

    const badJql = await failure(v3.issueSearch.searchForIssuesUsingJqlEnhancedSearch({ jql: 'priority = Urgent' }));
    assert.deepEqual(badJql, { status: 400, data: { errorMessages: ["The value 'Urgent' does not exist for the field 'priority'."], errors: {} } });

    const removed = await failure(v3.issueSearch.searchForIssuesUsingJql({ jql: 'project = SEC' }));
    assert.equal(removed.status, 410);

    const wrongToken = new Version3Client({ host: j.url, authentication: { basic: { email: BOT, apiToken: 'wrong' } } });
    const unauth = await failure(wrongToken.myself.getCurrentUser());
    assert.equal(unauth.status, 401);
  });
});

describe('jira.js Version2Client (wiki markup)', () => {
  it('create, read, edit, comment, transition, assign, search', async () => {
    const created = await v2.issues.createIssue({ fields: { project: { key: 'SEC' }, issuetype: { name: 'Bug' }, summary: 'jira.js v2', description: 'h2. Alert\n*bold* text' } });
    const key = created.key as string;
    const read = await v2.issues.getIssue({ issueIdOrKey: key, fields: ['description', 'issuetype'] });
    assert.equal(read.fields.description, 'h2. Alert\n\n*bold* text');
    assert.equal(read.fields.issuetype?.name, 'Bug');
    const asAdf = await v3.issues.getIssue({ issueIdOrKey: key, fields: ['description'] });
    assert.equal((asAdf.fields.description as { content: { type: string }[] }).content[0]?.type, 'heading');

    await v2.issues.editIssue({ issueIdOrKey: key, fields: { description: 'changed' } });
    assert.equal((await v2.issues.getIssue({ issueIdOrKey: key, fields: ['description'] })).fields.description, 'changed');

    const c = await v2.issueComments.addComment({ issueIdOrKey: key, comment: 'a *wiki* comment' });
    assert.equal((c as { body?: unknown }).body, 'a *wiki* comment');

    await v2.issues.assignIssue({ issueIdOrKey: key, accountId: BOT_ID });
    await v2.issues.doTransition({ issueIdOrKey: key, transition: { id: '21' } });
    const after = await v2.issues.getIssue({ issueIdOrKey: key, fields: ['status', 'assignee'] });
    assert.equal(after.fields.status?.name, 'In Progress');
    assert.equal(after.fields.assignee?.accountId, BOT_ID);

    const found = await v2.issueSearch.searchForIssuesUsingJqlEnhancedSearch({ jql: `issuetype = Bug AND assignee = currentUser() AND summary ~ "v2"`, fields: ['summary'] });
    assert.ok(found.issues?.some((i) => i.key === key));

    const adfOnV2 = await failure(v2.issueComments.addComment({ issueIdOrKey: key, comment: doc('x') as never }));
    assert.equal(adfOnV2.status, 400);
  });
});
