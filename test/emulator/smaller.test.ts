// Issue #10 item 7, each behaviour with its source:
//  - expand=names on search/jql: one top-level `names` map of the returned fields' display names
//    (OpenAPI SearchAndReconcileResults.names; names as in GET /rest/api/3/field's example).
//  - expand=renderedFields: HTML rendered from the stored document; comments with
//    expand=renderedBody carry `renderedBody` (OpenAPI Comment.renderedBody; addComment's expand
//    parameter: "renderedBody, which returns the comment body rendered in HTML").
//  - assignee "-1" is the project's default assignee (Atlassian REST docs, PUT
//    issue/{issueIdOrKey}/assignee: "If accountId is set to -1, the issue is assigned to the default
//    assignee for the project"); no assignee on create: the default too.
//  - X-RateLimit-Reset "in ISO 8601 format ... yyyy-MM-ddTHH:mmZ" (Atlassian's Rate limiting page,
//    quoted in https://jira.atlassian.com/browse/JRACLOUD-69262).
//  - Plain text with wiki characters is escaped when a v3 document is read through v2 or a webhook
//    (Jira's text formatting notation: a backslash escapes a markup character,
//    https://jira.atlassian.com/secure/WikiRendererHelpAction.jspa?section=all).
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { rateLimitReset } from '../../src/jira/emulator/faults/faults.js';
import { adfToHtml } from '../../src/jira/emulator/adf-html.js';
import { ADA, ADA_ID, HUGO_ID, adf, startTestEmulator, WebhookReceiver, type TestEmulator } from './harness.js';

let j: TestEmulator;
before(async () => {
  j = await startTestEmulator();
});
after(() => j.close());
beforeEach(async () => {
  await j.admin('POST', '/reset');
});

describe('expand=names', () => {
  it('search/jql: one top-level names map for the returned fields, none per issue', async () => {
    await j.createIssue();
    const r = await j.post('/rest/api/3/search/jql', { jql: 'project = SEC', fields: ['summary', 'status', 'issuetype'], expand: 'names' });
    assert.equal(r.status, 200);
    assert.deepEqual(r.body.names, { issuetype: 'Issue Type', status: 'Status', summary: 'Summary' });
    assert.equal(r.body.issues[0].names, undefined);
    const get = await j.get(`/rest/api/3/search/jql?jql=project%3DSEC&fields=priority&expand=names`);
    assert.deepEqual(get.body.names, { priority: 'Priority' });
  });
  it('GET issue: display names', async () => {
    const { key } = await j.createIssue();
    const r = await j.get(`/rest/api/3/issue/${key}?fields=summary,resolutiondate&expand=names`);
    assert.deepEqual(r.body.names, { resolutiondate: 'Resolved', summary: 'Summary' });
  });
});

describe('rendered HTML', () => {
  const TABLE: [string, unknown, string][] = [
    ['paragraph with escaping', adf('a <b> & "c"'), '<p>a &lt;b&gt; &amp; &quot;c&quot;</p>'],
    ['marks and link', { type: 'doc', version: 1, content: [{ type: 'paragraph', content: [
      { type: 'text', text: 'bold', marks: [{ type: 'strong' }] }, { type: 'text', text: ' ' },
      { type: 'text', text: 'rb', marks: [{ type: 'link', attrs: { href: 'https://x.example/?a=1&b=2' } }] },
    ] }] }, '<p><b>bold</b> <a href="https://x.example/?a=1&amp;b=2" class="external-link" rel="nofollow">rb</a></p>'],
    ['heading and list', { type: 'doc', version: 1, content: [
      { type: 'heading', attrs: { level: 3 }, content: [{ type: 'text', text: 'H' }] },
      { type: 'bulletList', content: [{ type: 'listItem', content: [{ type: 'paragraph', content: [{ type: 'text', text: 'i' }] }] }] },
    ] }, '<h3>H</h3>\n<ul>\n<li>i</li>\n</ul>'],
  ];
  for (const [name, doc, html] of TABLE) {
    it(`adfToHtml: ${name}`, () => assert.equal(adfToHtml(doc as never), html));
  }

  it('renderedFields.description is HTML from the stored document; comments carry renderedBody on request', async () => {
    const { key } = await j.createIssue({ description: adf('Disk *full* <now>') });
    const r = await j.get(`/rest/api/3/issue/${key}?expand=renderedFields&fields=description`);
    assert.equal(r.body.renderedFields.description, '<p>Disk *full* &lt;now&gt;</p>');
    const c = await j.post(`/rest/api/3/issue/${key}/comment?expand=renderedBody`, { body: adf('seen <here>') });
    assert.equal(c.body.renderedBody, '<p>seen &lt;here&gt;</p>');
    const plain = await j.get(`/rest/api/3/issue/${key}/comment/${c.body.id}`);
    assert.equal(plain.body.renderedBody, undefined);
    const list = await j.get(`/rest/api/2/issue/${key}/comment?expand=renderedBody`);
    assert.equal(list.body.comments[0].renderedBody, '<p>seen &lt;here&gt;</p>');
  });
});

describe('assignee "-1": the project\'s default assignee', () => {
  it('UNASSIGNED projects (the seeded SEC and OPS): -1 unassigns', async () => {
    const { key } = await j.createIssue({ assignee: { accountId: HUGO_ID } });
    assert.equal((await j.put(`/rest/api/3/issue/${key}/assignee`, { accountId: '-1' })).status, 204);
    assert.equal((await j.get(`/rest/api/3/issue/${key}?fields=assignee`)).body.fields.assignee, null);
  });
  it('a PROJECT_LEAD project: -1 (assign endpoint, create, edit) and no assignee on create give the lead', async () => {
    const project = j.emu.emulator.store.projectsByKey.get('OPS');
    assert.ok(project);
    project.assigneeType = 'PROJECT_LEAD';
    assert.equal((await j.get('/rest/api/3/project/OPS')).body.assigneeType, 'PROJECT_LEAD');
    const auto = await j.createIssue({ project: { key: 'OPS' } });
    assert.equal((await j.get(`/rest/api/3/issue/${auto.key}?fields=assignee`)).body.fields.assignee.accountId, ADA_ID);
    const explicit = await j.createIssue({ project: { key: 'OPS' }, assignee: { id: '-1' } });
    assert.equal((await j.get(`/rest/api/3/issue/${explicit.key}?fields=assignee`)).body.fields.assignee.accountId, ADA_ID);
    const other = await j.createIssue({ project: { key: 'OPS' }, assignee: { accountId: HUGO_ID } });
    assert.equal((await j.put(`/rest/api/3/issue/${other.key}/assignee`, { accountId: '-1' })).status, 204);
    assert.equal((await j.get(`/rest/api/3/issue/${other.key}?fields=assignee`)).body.fields.assignee.accountId, ADA_ID);
    assert.equal((await j.put(`/rest/api/3/issue/${other.key}`, { fields: { assignee: null } })).status, 204);
    assert.equal((await j.put(`/rest/api/3/issue/${other.key}`, { fields: { assignee: { accountId: '-1' } } })).status, 204);
    assert.equal((await j.get(`/rest/api/3/issue/${other.key}?fields=assignee`)).body.fields.assignee.accountId, ADA_ID);
  });
});

describe('X-RateLimit-Reset', () => {
  const TABLE: [number, string][] = [
    [Date.UTC(2026, 10, 28, 10, 15, 0, 0), '2026-11-28T10:15Z'],
    [Date.UTC(2026, 10, 28, 10, 15, 0, 1), '2026-11-28T10:16Z'],
    [Date.UTC(2026, 10, 28, 23, 59, 30), '2026-11-29T00:00Z'],
  ];
  for (const [ms, text] of TABLE) it(`${new Date(ms).toISOString()} → ${text}`, () => assert.equal(rateLimitReset(ms), text));

  it('429 answers carry it in yyyy-MM-ddTHH:mmZ, not before now + Retry-After', async () => {
    await j.admin('PUT', '/faults', { rateLimit: { perSecond: 0.01, burst: 1 } });
    await j.get('/rest/api/3/myself');
    const r = await j.get('/rest/api/3/myself');
    assert.equal(r.status, 429);
    const reset = r.headers.get('x-ratelimit-reset') ?? '';
    assert.match(reset, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}Z$/);
    assert.ok(Date.parse(reset) >= Date.now() + Number(r.headers.get('retry-after')) * 1000 - 1000);
  });
});

describe('wiki characters in plain text are escaped through v2 and webhooks', () => {
  const TABLE: [text: string, wiki: string][] = [
    ['a *star*', 'a \\*star\\*'],
    ['[not a link|x] {code}', '\\[not a link\\|x\\] \\{code\\}'],
    ['# not a list', '\\# not a list'],
    ['CVE-2026-1 on snake_case_host', 'CVE-2026-1 on snake_case_host'],
  ];
  for (const [text, wiki] of TABLE) {
    it(`${JSON.stringify(text)} reads ${JSON.stringify(wiki)} through v2, and back unchanged`, async () => {
      const { key } = await j.createIssue({ description: adf(text) });
      const v2 = await j.get(`/rest/api/2/issue/${key}?fields=description`);
      assert.equal(v2.body.fields.description, wiki);
      assert.equal((await j.put(`/rest/api/2/issue/${key}`, { fields: { description: v2.body.fields.description } })).status, 204);
      assert.deepEqual((await j.get(`/rest/api/3/issue/${key}?fields=description`)).body.fields.description, adf(text));
    });
  }

  it('a webhook carries the escaped wiki text (description and changelog)', async () => {
    const rx = await new WebhookReceiver().start();
    try {
      await j.post('/rest/webhooks/1.0/webhook', { name: 'w', url: rx.url, events: ['jira:issue_created'] }, { as: ADA });
      await j.createIssue({ description: adf('a *star*') });
      await rx.waitFor(1);
      const body = rx.received[0]?.body;
      assert.equal(body.issue.fields.description, 'a \\*star\\*');
      assert.equal(body.changelog.items.find((i: { field: string }) => i.field === 'description').toString, 'a \\*star\\*');
    } finally {
      await rx.close();
    }
  });
});
