// Every emulated operation documented in Atlassian's OpenAPI document, with its success answer and
// its error answers, validated against the schema of that path + method + status (the harness
// validates each call; this file checks that the whole list was covered). Also checks the validator
// itself rejects a wrong body, so a green run means something.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ADA, HUGO_ID, VERA, adf, startTestEmulator, validated, type TestEmulator } from './harness.js';
import { openApiValidator } from './openapi-validator.js';

let j: TestEmulator;
before(async () => {
  j = await startTestEmulator();
});
after(() => j.close());

const EXPECTED = [
  'GET /rest/api/3/myself 200',
  'GET /rest/api/3/serverInfo 200',
  'GET /rest/api/3/project 200',
  'GET /rest/api/3/project/search 200',
  'GET /rest/api/3/project/{projectIdOrKey} 200',
  'GET /rest/api/3/project/{projectIdOrKey} 404',
  'GET /rest/api/3/issue/createmeta/{projectIdOrKey}/issuetypes 200',
  'GET /rest/api/3/issue/createmeta/{projectIdOrKey}/issuetypes 400',
  'GET /rest/api/3/issue/createmeta/{projectIdOrKey}/issuetypes/{issueTypeId} 200',
  'GET /rest/api/3/priority 200',
  'GET /rest/api/3/priority/search 200',
  'GET /rest/api/3/status 200',
  'GET /rest/api/3/statuscategory 200',
  'GET /rest/api/3/issuetype 200',
  'GET /rest/api/3/label 200',
  'GET /rest/api/3/resolution 200',
  'GET /rest/api/3/resolution/search 200',
  'GET /rest/api/3/priority/{id} 200',
  'GET /rest/api/3/priority/{id} 404',
  'GET /rest/api/3/project/{projectIdOrKey}/statuses 200',
  'GET /rest/api/3/user/search 200',
  'GET /rest/api/3/user/search 400',
  'GET /rest/api/3/user/assignable/search 200',
  'GET /rest/api/3/user/assignable/search 404',
  'GET /rest/api/3/user 200',
  'GET /rest/api/3/user 404',
  'POST /rest/api/3/issue 201',
  'POST /rest/api/3/issue 400',
  'POST /rest/api/3/issue 403',
  'POST /rest/api/3/issue/bulk 201',
  'POST /rest/api/3/issue/bulk 400',
  'GET /rest/api/3/issue/{issueIdOrKey} 200',
  'GET /rest/api/3/issue/{issueIdOrKey} 404',
  'PUT /rest/api/3/issue/{issueIdOrKey} 204',
  'PUT /rest/api/3/issue/{issueIdOrKey} 400',
  'PUT /rest/api/3/issue/{issueIdOrKey} 403',
  'PUT /rest/api/3/issue/{issueIdOrKey} 404',
  'DELETE /rest/api/3/issue/{issueIdOrKey} 204',
  'DELETE /rest/api/3/issue/{issueIdOrKey} 403',
  'PUT /rest/api/3/issue/{issueIdOrKey}/assignee 204',
  'PUT /rest/api/3/issue/{issueIdOrKey}/assignee 400',
  'PUT /rest/api/3/issue/{issueIdOrKey}/assignee 403',
  'GET /rest/api/3/issue/{issueIdOrKey}/transitions 200',
  'GET /rest/api/3/issue/{issueIdOrKey}/transitions 404',
  'POST /rest/api/3/issue/{issueIdOrKey}/transitions 204',
  'POST /rest/api/3/issue/{issueIdOrKey}/transitions 400',
  'GET /rest/api/3/issue/{issueIdOrKey}/comment 200',
  'POST /rest/api/3/issue/{issueIdOrKey}/comment 201',
  'POST /rest/api/3/issue/{issueIdOrKey}/comment 400',
  'GET /rest/api/3/issue/{issueIdOrKey}/comment/{id} 200',
  'GET /rest/api/3/issue/{issueIdOrKey}/comment/{id} 404',
  'PUT /rest/api/3/issue/{issueIdOrKey}/comment/{id} 200',
  'PUT /rest/api/3/issue/{issueIdOrKey}/comment/{id} 400',
  'DELETE /rest/api/3/issue/{issueIdOrKey}/comment/{id} 204',
  'DELETE /rest/api/3/issue/{issueIdOrKey}/comment/{id} 404',
  'GET /rest/api/3/issue/{issueIdOrKey}/properties 200',
  'PUT /rest/api/3/issue/{issueIdOrKey}/properties/{propertyKey} 201',
  'PUT /rest/api/3/issue/{issueIdOrKey}/properties/{propertyKey} 200',
  'PUT /rest/api/3/issue/{issueIdOrKey}/properties/{propertyKey} 400',
  'GET /rest/api/3/issue/{issueIdOrKey}/properties/{propertyKey} 200',
  'GET /rest/api/3/issue/{issueIdOrKey}/properties/{propertyKey} 404',
  'DELETE /rest/api/3/issue/{issueIdOrKey}/properties/{propertyKey} 204',
  'GET /rest/api/3/issue/{issueIdOrKey}/changelog 200',
  'GET /rest/api/3/issue/{issueIdOrKey}/changelog 404',
  'POST /rest/api/3/search/approximate-count 200',
  'POST /rest/api/3/search/approximate-count 400',
  'GET /rest/api/3/search/jql 200',
  'GET /rest/api/3/search/jql 400',
  'POST /rest/api/3/search/jql 200',
  'POST /rest/api/3/search/jql 400',
  'GET /rest/api/3/search 410',
  'POST /rest/api/3/search 410',
  'POST /rest/api/3/bulk/issues/move 201',
  'POST /rest/api/3/bulk/issues/move 400',
  'GET /rest/api/3/bulk/queue/{taskId} 200',
];

describe('OpenAPI conformance of every emulated operation', () => {
  it('the validator rejects a body that breaks the schema', () => {
    const v = openApiValidator();
    assert.equal(v.validateResponse('GET', '/rest/api/3/myself', 200, { accountId: 42 }).ok, false);
    assert.equal(v.validateResponse('POST', '/rest/api/3/issue', 400, { errorMessages: 'x' }).ok, false);
    assert.equal(v.validateResponse('GET', '/rest/api/3/issue/SEC-1', 404, { errorMessages: ['x'], errors: {} }).ok, true);
    assert.equal(v.validateResponse('GET', '/rest/api/3/issue/SEC-1/comment', 200, { comments: [{ created: 'yesterday' }] }).ok, false);
    assert.equal(v.validateRequest('POST', '/rest/api/3/issue', { fields: { summary: 'x' } }).ok, true);
    assert.equal(v.validateRequest('POST', '/rest/api/3/issue', { fields: 'nope' }).ok, false);
  });

  it('success and error answers of every operation match the spec', async () => {
    await j.get('/rest/api/3/myself');
    await j.get('/rest/api/3/serverInfo');
    await j.get('/rest/api/3/project');
    await j.get('/rest/api/3/project/search?maxResults=1');
    await j.get('/rest/api/3/project/SEC');
    await j.get('/rest/api/3/project/NOPE');
    await j.get('/rest/api/3/issue/createmeta/SEC/issuetypes');
    await j.get('/rest/api/3/issue/createmeta/NOPE/issuetypes');
    await j.get('/rest/api/3/issue/createmeta/SEC/issuetypes/10001');
    await j.get('/rest/api/3/priority');
    await j.get('/rest/api/3/priority/search');
    await j.get('/rest/api/3/status');
    await j.get('/rest/api/3/statuscategory');
    await j.get('/rest/api/3/issuetype');
    await j.get('/rest/api/3/label');
    await j.get('/rest/api/3/resolution');
    await j.get('/rest/api/3/resolution/search?maxResults=2');
    await j.get('/rest/api/3/priority/1');
    await j.get('/rest/api/3/priority/99');
    await j.get('/rest/api/3/project/OPS/statuses');
    await j.get('/rest/api/3/user/search?query=a');
    await j.get('/rest/api/3/user/search');
    await j.get('/rest/api/3/user/assignable/search?project=SEC');
    await j.get('/rest/api/3/user/assignable/search?project=NOPE');
    await j.get(`/rest/api/3/user?accountId=${HUGO_ID}`);
    await j.get('/rest/api/3/user?accountId=x');

    const { key, id } = await j.createIssue({ description: adf('d'), labels: ['l'], assignee: { accountId: HUGO_ID } });
    await j.post('/rest/api/3/issue', { fields: { project: { key: 'NOPE' } } });
    await j.post('/rest/api/3/issue', { fields: { project: { key: 'SEC' }, issuetype: { name: 'Task' }, summary: 'x' } }, { as: VERA });
    const bulkEl = (summary: string, project = 'SEC') => ({ fields: { project: { key: project }, issuetype: { name: 'Task' }, summary, description: adf('b') } });
    await j.post('/rest/api/3/issue/bulk', { issueUpdates: [bulkEl('b1'), bulkEl('b2', 'NOPE')] });
    await j.post('/rest/api/3/issue/bulk', { issueUpdates: [bulkEl('b3', 'NOPE')] });
    await j.get(`/rest/api/3/issue/${key}?expand=changelog,renderedFields,names&properties=*all`);
    await j.get('/rest/api/3/issue/SEC-999');
    await j.put(`/rest/api/3/issue/${key}`, { fields: { summary: 'edited' } });
    await j.put(`/rest/api/3/issue/${key}`, { fields: { summary: '' } });
    await j.put(`/rest/api/3/issue/${key}`, { fields: { summary: 'v' } }, { as: VERA });
    await j.put('/rest/api/3/issue/SEC-999', { fields: { summary: 'v' } });
    await j.put(`/rest/api/3/issue/${key}/assignee`, { accountId: null });
    await j.put(`/rest/api/3/issue/${key}/assignee`, { accountId: 'nobody' });
    await j.put(`/rest/api/3/issue/${key}/assignee`, { accountId: null }, { as: VERA });
    await j.get(`/rest/api/3/issue/${key}/transitions?expand=transitions.fields`);
    await j.get('/rest/api/3/issue/SEC-999/transitions');
    await j.post(`/rest/api/3/issue/${key}/transitions`, { transition: { id: '21' } });
    await j.post(`/rest/api/3/issue/${key}/transitions`, { transition: { id: '999' } });
    const c = await j.post(`/rest/api/3/issue/${key}/comment`, { body: adf('c') });
    await j.post(`/rest/api/3/issue/${key}/comment`, { body: 'not adf' });
    await j.get(`/rest/api/3/issue/${key}/comment`);
    await j.get(`/rest/api/3/issue/${key}/comment/${c.body.id as string}`);
    await j.get(`/rest/api/3/issue/${key}/comment/1`);
    await j.put(`/rest/api/3/issue/${key}/comment/${c.body.id as string}`, { body: adf('c2') });
    await j.put(`/rest/api/3/issue/${key}/comment/${c.body.id as string}`, { body: 42 });
    await j.delete(`/rest/api/3/issue/${key}/comment/${c.body.id as string}`);
    await j.delete(`/rest/api/3/issue/${key}/comment/${c.body.id as string}`);
    await j.put(`/rest/api/3/issue/${key}/properties/p`, { a: 1 });
    await j.put(`/rest/api/3/issue/${key}/properties/p`, { a: 2 });
    await j.put(`/rest/api/3/issue/${key}/properties/${'k'.repeat(256)}`, { a: 2 });
    await j.get(`/rest/api/3/issue/${key}/properties`);
    await j.get(`/rest/api/3/issue/${key}/properties/p`);
    await j.get(`/rest/api/3/issue/${key}/properties/none`);
    await j.delete(`/rest/api/3/issue/${key}/properties/p`);
    await j.get(`/rest/api/3/search/jql?jql=${encodeURIComponent('project = SEC')}&fields=*all&expand=changelog`);
    const cl = await j.get(`/rest/api/3/issue/${key}/changelog?maxResults=1`);
    assert.ok(cl.body.total >= 2);
    assert.equal(cl.body.values.length, 1);
    assert.equal(cl.body.isLast, false);
    await j.get('/rest/api/3/issue/SEC-999/changelog');
    const count = await j.post('/rest/api/3/search/approximate-count', { jql: 'project = SEC' });
    assert.ok(count.body.count >= 1);
    await j.post('/rest/api/3/search/approximate-count', { jql: 'project = = SEC' });
    await j.get(`/rest/api/3/search/jql?jql=${encodeURIComponent('project = = SEC')}`);
    await j.post('/rest/api/3/search/jql', { jql: 'project = SEC', fields: ['*all'], maxResults: 1 });
    await j.post('/rest/api/3/search/jql', { jql: 'project = NOPE' });
    await j.get('/rest/api/3/search?jql=project%3DSEC');
    await j.post('/rest/api/3/search', { jql: 'project = SEC' });
    const mv = await j.post('/rest/api/3/bulk/issues/move', { targetToSourcesMapping: { 'OPS,10001': { inferClassificationDefaults: true, inferFieldDefaults: true, inferStatusDefaults: true, inferSubtaskTypeDefault: true, issueIdsOrKeys: [id] } } });
    await j.post('/rest/api/3/bulk/issues/move', { targetToSourcesMapping: { 'NOPE,1': { inferClassificationDefaults: true, inferFieldDefaults: true, inferStatusDefaults: true, inferSubtaskTypeDefault: true, issueIdsOrKeys: [id] } } });
    await j.get(`/rest/api/3/bulk/queue/${mv.body.taskId as string}`);
    await j.delete(`/rest/api/3/issue/${id}`, { as: VERA });
    await j.delete(`/rest/api/3/issue/${id}`, { as: ADA });

    const missing = EXPECTED.filter((e) => !validated.has(e));
    assert.deepEqual(missing, [], 'operations/statuses not validated');
  });

  it('v2 answers validate against the same schemas', async () => {
    const { key } = await j.createIssue({}, { version: 2 });
    const before = validated.size;
    await j.get(`/rest/api/2/issue/${key}`);
    await j.get(`/rest/api/2/issue/${key}/transitions`);
    const c = await j.post(`/rest/api/2/issue/${key}/comment`, { body: 'wiki *body*' });
    await j.get(`/rest/api/2/issue/${key}/comment/${c.body.id as string}`);
    await j.get('/rest/api/2/myself');
    assert.ok(validated.size >= before);
  });
});
