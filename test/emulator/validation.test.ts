// Jira's create/edit validation: one test per error, each answered 400 with errorMessages/errors
// (validated against ErrorCollection by the harness) and nothing stored.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { VERA_ID, adf, startTestEmulator, type TestEmulator } from './harness.js';

let j: TestEmulator;
before(async () => {
  j = await startTestEmulator();
});
after(() => j.close());

const base = { project: { key: 'SEC' }, issuetype: { name: 'Task' }, summary: 'ok' };

async function rejects(fields: Record<string, unknown>, expected: Record<string, string>, version: 2 | 3 = 3): Promise<void> {
  const before = j.emu.emulator.store.issues.size;
  const r = await j.post(`/rest/api/${version}/issue`, { fields: { ...base, ...fields } });
  assert.equal(r.status, 400, r.text);
  assert.deepEqual(r.body, { errorMessages: [], errors: expected });
  assert.equal(j.emu.emulator.store.issues.size, before, 'nothing stored');
}

describe('create issue validation', () => {
  it('unknown project', () => rejects({ project: { key: 'NOPE' } }, { project: 'valid project is required' }));
  it('unknown project id', () => rejects({ project: { id: '99999' } }, { project: 'valid project is required' }));
  it('missing project', () => rejects({ project: undefined }, { project: 'Specify a valid project ID or key' }));
  it('unknown issue type', () => rejects({ issuetype: { id: '42' } }, { issuetype: 'The issue type selected is invalid.' }));
  it('issue type not in the project (Story in OPS)', () => rejects({ project: { key: 'OPS' }, issuetype: { name: 'Story' } }, { issuetype: 'The issue type selected is invalid.' }));
  it('missing issue type', () => rejects({ issuetype: undefined }, { issuetype: 'Specify an issue type' }));
  it('unknown priority id', () => rejects({ priority: { id: '77' } }, { priority: 'Specify a valid value for priority' }));
  it('unknown priority name', () => rejects({ priority: { name: 'Urgent' } }, { priority: "Priority name 'Urgent' is not valid" }));
  it('unknown assignee', () => rejects({ assignee: { accountId: 'nobody' } }, { assignee: "User 'nobody' cannot be assigned issues." }));
  it('assignee without the assignable permission', () => rejects({ assignee: { accountId: VERA_ID } }, { assignee: `User '${VERA_ID}' cannot be assigned issues.` }));
  it('label with a space', () => rejects({ labels: ['ok', 'has space'] }, { labels: "The label 'has space' contains spaces which is invalid." }));
  it('summary over 255 characters', () => rejects({ summary: 'x'.repeat(256) }, { summary: 'Summary must be less than 255 characters.' }));
  it('missing summary', () => rejects({ summary: undefined }, { summary: 'You must specify a summary of the issue.' }));
  it('summary with a newline', () => rejects({ summary: 'a\nb' }, { summary: 'The summary is invalid because it contains newline characters.' }));
  it('description over 32,767 characters (v3 ADF)', () =>
    rejects({ description: adf('x'.repeat(32_767)) }, { description: 'The entered text is too long. It exceeds the allowed limit of 32,767 characters.' }));
  it('description over 32,767 characters (v2 wiki)', () =>
    rejects({ description: 'x'.repeat(32_768) }, { description: 'The entered text is too long. It exceeds the allowed limit of 32,767 characters.' }, 2));
  it('description that is not ADF on v3', () =>
    rejects({ description: 'plain string' }, { description: 'Operation value must be an Atlassian Document (see the Atlassian Document Format)' }));
  it('a field that is not on the create screen', () =>
    rejects({ customfield_10099: 'x' }, { customfield_10099: "Field 'customfield_10099' cannot be set. It is not on the appropriate screen, or unknown." }));
  it('several errors at once', () =>
    rejects({ summary: 'y'.repeat(300), labels: ['a b'], priority: { id: '77' } }, {
      summary: 'Summary must be less than 255 characters.',
      labels: "The label 'a b' contains spaces which is invalid.",
      priority: 'Specify a valid value for priority',
    }));
  it('summary of exactly 255 characters and a 32,767-character wiki description are accepted', async () => {
    const r = await j.post('/rest/api/2/issue', { fields: { ...base, summary: 's'.repeat(255), description: 'd'.repeat(32_767) } });
    assert.equal(r.status, 201);
  });
});

describe('edit and comment validation', () => {
  it('edit: label with a space through update verbs, summary too long, unknown priority', async () => {
    const { key } = await j.createIssue();
    const a = await j.put(`/rest/api/3/issue/${key}`, { update: { labels: [{ add: 'x y' }] } });
    assert.equal(a.status, 400);
    assert.deepEqual(a.body.errors, { labels: "The label 'x y' contains spaces which is invalid." });
    const b = await j.put(`/rest/api/3/issue/${key}`, { fields: { summary: 'z'.repeat(256) } });
    assert.deepEqual(b.body.errors, { summary: 'Summary must be less than 255 characters.' });
    const c = await j.put(`/rest/api/3/issue/${key}`, { fields: { priority: { id: '0' } } });
    assert.deepEqual(c.body.errors, { priority: 'Specify a valid value for priority' });
    const unchanged = await j.get(`/rest/api/3/issue/${key}?fields=summary,labels`);
    assert.equal(unchanged.body.fields.summary, 'Test issue');
    assert.deepEqual(unchanged.body.fields.labels, []);
  });

  it('comment over 32,767 characters, and an empty comment', async () => {
    const { key } = await j.createIssue();
    const long = await j.post(`/rest/api/2/issue/${key}/comment`, { body: 'c'.repeat(32_768) });
    assert.equal(long.status, 400);
    assert.deepEqual(long.body, { errorMessages: [], errors: { comment: 'The entered text is too long. It exceeds the allowed limit of 32,767 characters.' } });
    const empty = await j.post(`/rest/api/3/issue/${key}/comment`, {});
    assert.equal(empty.status, 400);
    assert.deepEqual(empty.body.errors, { comment: 'Comment body can not be empty!' });
  });

  it('malformed JSON body', async () => {
    const r = await j.call('POST', '/rest/api/3/issue', { body: '{"fields":' });
    assert.equal(r.status, 400);
    assert.ok(Array.isArray(r.body.errorMessages));
  });
});
