// Issue #10 item 6: paths real clients call. Sources:
//  - /rest/api/latest is an alias of v2 on Jira Cloud ("latest" = the latest version of v2 in
//    Atlassian's REST docs, https://developer.atlassian.com/cloud/jira/platform/rest/v2/intro/#version),
//    and its removed /search answers 410 (CHANGE-2046, jira-rest-notes.md §6);
//  - GET /rest/api/{2,3}/field: the OpenAPI document (operation getFields, FieldDetails schema and
//    its example); clients such as pycontribs/jira call it to map field names to ids;
//  - GET issue/createmeta is deprecated and removed on Jira Cloud (the OpenAPI document marks it
//    `deprecated`, pointing at https://developer.atlassian.com/cloud/jira/platform/changelog/#CHANGE-1304;
//    the replacements are createmeta/{projectIdOrKey}/issuetypes[/{issueTypeId}]); the path falls through to
//    GET issue/{issueIdOrKey} with "createmeta" as the key: "Issue does not exist or you do not have
//    permission to see it." (the answer of a real site as reported in issue #10);
//  - an unsupported method on an existing resource: 405 with an Allow header (RFC 9110 §15.5.6).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { adf, startTestEmulator, type TestEmulator } from './harness.js';

let j: TestEmulator;
before(async () => {
  j = await startTestEmulator();
});
after(() => j.close());

describe('/rest/api/latest is v2', () => {
  it('create, read and comment through latest use wiki markup (v2), like /rest/api/2', async () => {
    const c = await j.post('/rest/api/latest/issue', { fields: { project: { key: 'SEC' }, issuetype: { name: 'Task' }, summary: 'via latest', description: '*bold* text' } });
    assert.equal(c.status, 201, c.text);
    const got = await j.get(`/rest/api/latest/issue/${c.body.key}?fields=description,summary`);
    assert.equal(got.status, 200);
    assert.equal(got.body.fields.description, '*bold* text');
    const v3 = await j.get(`/rest/api/3/issue/${c.body.key}?fields=description`);
    assert.equal(v3.body.fields.description.type, 'doc');
    const cm = await j.post(`/rest/api/latest/issue/${c.body.key}/comment`, { body: 'a wiki comment' });
    assert.equal(cm.status, 201);
    assert.equal(cm.body.body, 'a wiki comment');
    const adfRefused = await j.post(`/rest/api/latest/issue/${c.body.key}/comment`, { body: adf('x') });
    assert.equal(adfRefused.status, 400, 'latest takes v2 strings, not ADF');
  });

  it('search/jql works through latest; the removed /search answers 410 there too', async () => {
    const s = await j.get('/rest/api/latest/search/jql?jql=project%3DSEC');
    assert.equal(s.status, 200);
    for (const m of ['GET', 'POST']) {
      const r = await j.call(m, '/rest/api/latest/search', m === 'POST' ? { body: { jql: 'project = SEC' } } : {});
      assert.equal(r.status, 410);
    }
  });
});

describe('GET field', () => {
  for (const v of ['2', '3', 'latest']) {
    it(`/rest/api/${v}/field lists the system fields (FieldDetails)`, async () => {
      const r = await j.get(`/rest/api/${v}/field`);
      assert.equal(r.status, 200);
      const byId = new Map((r.body as { id: string; name: string; clauseNames: string[]; custom: boolean }[]).map((f) => [f.id, f]));
      assert.equal(byId.get('summary')?.name, 'Summary');
      assert.equal(byId.get('description')?.name, 'Description');
      assert.deepEqual(byId.get('issuetype')?.clauseNames, ['issuetype', 'type']);
      assert.equal(byId.get('priority')?.custom, false);
      for (const id of ['status', 'assignee', 'reporter', 'labels', 'resolution', 'environment', 'created', 'updated']) assert.ok(byId.has(id), id);
    });
  }
});

describe('deprecated createmeta', () => {
  for (const v of ['2', '3']) {
    it(`GET /rest/api/${v}/issue/createmeta falls through to issue/{key}: 404 Issue does not exist`, async () => {
      const r = await j.get(`/rest/api/${v}/issue/createmeta?projectKeys=SEC&expand=projects.issuetypes.fields`);
      assert.equal(r.status, 404);
      assert.deepEqual(r.body, { errorMessages: ['Issue does not exist or you do not have permission to see it.'], errors: {} });
    });
  }
  it('the current createmeta endpoints still answer', async () => {
    assert.equal((await j.get('/rest/api/3/issue/createmeta/SEC/issuetypes')).status, 200);
  });
});

describe('405 Method Not Allowed with Allow', () => {
  const TABLE: [method: string, path: string, allow: string][] = [
    ['PATCH', '/rest/api/3/issue/SEC-1', 'DELETE, GET, PUT'],
    ['POST', '/rest/api/3/myself', 'GET'],
    ['DELETE', '/rest/api/2/issue/SEC-1/transitions', 'GET, POST'],
    ['PUT', '/rest/api/latest/field', 'GET'],
    ['GET', '/rest/api/3/issue', 'POST'],
  ];
  for (const [method, path, allow] of TABLE) {
    it(`${method} ${path} → 405, Allow: ${allow}`, async () => {
      const r = await j.call(method, path, { validate: false, ...(method === 'GET' ? {} : { body: {} }) });
      assert.equal(r.status, 405);
      assert.equal(r.headers.get('allow'), allow);
    });
  }
  it('an unknown path is still 404', async () => {
    const r = await j.get('/rest/api/3/nothing-here', { validate: false });
    assert.equal(r.status, 404);
  });
});
