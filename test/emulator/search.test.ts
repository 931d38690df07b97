// JQL search over HTTP (/rest/api/3/search/jql): a table of queries against a known set of issues,
// Jira's 400s for bad JQL and unknown values, nextPageToken paging, fields, and the 410 of the
// removed search endpoints. (The grammar itself is unit-tested in jql.test.ts.)
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { BOT, BOT_ID, HUGO_ID, startTestEmulator, type TestEmulator } from './harness.js';

let j: TestEmulator;
const k: Record<string, string> = {};
const ids: Record<string, string> = {};

before(async () => {
  j = await startTestEmulator();
  const make = async (name: string, fields: Record<string, unknown>, transition?: string) => {
    const r = await j.createIssue({ summary: name, ...fields });
    k[name] = r.key;
    ids[name] = r.id;
    if (transition) assert.equal((await j.post(`/rest/api/3/issue/${r.key}/transitions`, { transition: { id: transition } })).status, 204);
  };
  await make('A', { labels: ['alertsync', 'sev-high'], assignee: { accountId: HUGO_ID } });
  await make('B', { issuetype: { name: 'Bug' }, labels: ['alertsync'] }, '21');
  await make('C', { issuetype: { name: 'Story' }, assignee: { accountId: BOT_ID } }, '31');
  await make('D', { project: { key: 'OPS' }, labels: ['ops'], assignee: { accountId: HUGO_ID } });
  await make('E', { labels: ['sev-low'] }, '41');
});
after(() => j.close());

async function keysFor(jql: string): Promise<string[]> {
  const r = await j.get(`/rest/api/3/search/jql?jql=${encodeURIComponent(jql)}&fields=summary&maxResults=100`);
  assert.equal(r.status, 200, `${jql}: ${r.text}`);
  return r.body.issues.map((i: { fields: { summary: string } }) => i.fields.summary);
}

const sorted = (xs: string[]) => xs.slice().sort();

describe('JQL search table', () => {
  const table: [string, string[] | ((keys: Record<string, string>) => string), string[]][] = [];
  const cases: { jql: string | ((k: Record<string, string>) => string); expect: string[]; ordered?: boolean }[] = [
    { jql: 'project = SEC', expect: ['A', 'B', 'C', 'E'] },
    { jql: 'project = ops', expect: ['D'] },
    { jql: 'project != SEC', expect: ['D'] },
    { jql: 'project IN (SEC, OPS)', expect: ['A', 'B', 'C', 'D', 'E'] },
    { jql: 'project NOT IN (SEC)', expect: ['D'] },
    { jql: 'project = 10001', expect: ['D'] },
    { jql: (x) => `key = ${x.A as string}`, expect: ['A'] },
    { jql: (x) => `key IN (${x.A as string}, ${x.D as string})`, expect: ['A', 'D'] },
    { jql: (x) => `id = ${ids.B as string} AND project = SEC`.replace('__', x.A as string), expect: ['B'] },
    { jql: 'labels = alertsync', expect: ['A', 'B'] },
    { jql: 'labels IN (sev-high, sev-low)', expect: ['A', 'E'] },
    // as in Jira, NOT IN does not match issues whose field is EMPTY
    { jql: 'labels NOT IN (alertsync) AND project = SEC', expect: ['E'] },
    { jql: 'labels IS EMPTY', expect: ['C'] },
    { jql: 'labels IS NOT EMPTY AND project = SEC', expect: ['A', 'B', 'E'] },
    { jql: 'status = "To Do"', expect: ['A', 'D'] },
    { jql: "status = 'In Progress'", expect: ['B'] },
    { jql: 'status IN ("Done", "Waiting for Vendor")', expect: ['C', 'E'] },
    { jql: 'status != Done AND project = SEC', expect: ['A', 'B', 'E'] },
    { jql: 'statusCategory = Done', expect: ['C'] },
    { jql: 'statusCategory = "In Progress"', expect: ['B', 'E'] },
    { jql: 'statusCategory != Done AND project = OPS', expect: ['D'] },
    { jql: `assignee = "${HUGO_ID}"`, expect: ['A', 'D'] },
    { jql: 'assignee IS EMPTY', expect: ['B', 'E'] },
    { jql: 'assignee = currentUser()', expect: ['C'] },
    { jql: 'project = SEC AND labels = alertsync OR project = OPS', expect: ['A', 'B', 'D'] },
    { jql: 'project = OPS OR project = SEC AND labels = alertsync', expect: ['A', 'B', 'D'] },
    { jql: '(project = OPS OR project = SEC) AND labels = alertsync', expect: ['A', 'B'] },
    { jql: 'project = SEC AND (status = Done OR labels = sev-high)', expect: ['A', 'C'] },
    { jql: 'updated >= -1d AND project = OPS', expect: ['D'] },
    { jql: 'created <= -1d', expect: [] },
    { jql: 'created >= "2020-01-01" AND project = OPS', expect: ['D'] },
    { jql: 'project = SEC ORDER BY key ASC', expect: ['A', 'B', 'C', 'E'], ordered: true },
    { jql: 'project = SEC ORDER BY key DESC', expect: ['E', 'C', 'B', 'A'], ordered: true },
  ];
  void table;
  for (const c of cases) {
    const label = typeof c.jql === 'string' ? c.jql : c.jql({ A: 'SEC-1', B: 'SEC-2', C: 'SEC-3', D: 'OPS-1', E: 'SEC-4' });
    it(label, async () => {
      const jql = typeof c.jql === 'string' ? c.jql : c.jql(k);
      const got = await keysFor(jql);
      if (c.ordered) assert.deepEqual(got, c.expect);
      else assert.deepEqual(sorted(got), sorted(c.expect));
    });
  }
});

describe('bad JQL answers 400 like Jira', () => {
  const bad: [string, RegExp][] = [
    ['project = ', /Error in the JQL Query|Expecting/i],
    ['project = SEC AND', /Error in the JQL Query|Expecting/i],
    ['(project = SEC', /Error in the JQL Query|Expecting|\)/i],
    ['nosuchfield = 1', /Field 'nosuchfield' does not exist or you do not have permission to view it\./],
    ['project = NOPE', /^The value 'NOPE' does not exist for the field 'project'\.$/],
    ['status = "Not a status"', /^The value 'Not a status' does not exist for the field 'status'\.$/],
    ['key = SEC-9999', /SEC-9999/],
    ['project = "SEC', /Error in the JQL Query|quote/i],
    ['order by key', /^Unbounded JQL queries are not allowed here\. Please add a search restriction to your query\.$/],
    ['', /^Unbounded JQL queries are not allowed here/],
  ];
  for (const [jql, re] of bad) {
    it(JSON.stringify(jql), async () => {
      const r = await j.get(`/rest/api/3/search/jql?jql=${encodeURIComponent(jql)}`);
      assert.equal(r.status, 400, r.text);
      assert.deepEqual(r.body.errors, {});
      assert.ok(r.body.errorMessages.some((m: string) => re.test(m)), `${jql} → ${JSON.stringify(r.body.errorMessages)}`);
    });
  }
});

describe('search endpoint', () => {
  it('returns only ids by default, fields on request (GET and POST)', async () => {
    const r = await j.get(`/rest/api/3/search/jql?jql=${encodeURIComponent('project = OPS')}`);
    assert.deepEqual(r.body, { issues: [{ id: ids.D }], isLast: true });
    const p = await j.post('/rest/api/3/search/jql', { jql: 'project = OPS', fields: ['summary', 'status'] });
    assert.equal(p.status, 200);
    assert.equal(p.body.issues[0].key, k.D);
    assert.deepEqual(Object.keys(p.body.issues[0].fields).sort(), ['status', 'summary']);
    const v2 = await j.post('/rest/api/2/search/jql', { jql: 'project = OPS', fields: ['*all'] });
    assert.equal(v2.status, 200);
    assert.equal(v2.body.issues[0].fields.description, null);
  });

  it('pages with nextPageToken until isLast', async () => {
    const seen: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const r = await j.post('/rest/api/3/search/jql', { jql: 'project in (SEC, OPS) ORDER BY created ASC', maxResults: 2, fields: ['summary'], ...(token ? { nextPageToken: token } : {}) });
      assert.equal(r.status, 200);
      pages++;
      seen.push(...r.body.issues.map((i: { fields: { summary: string } }) => i.fields.summary));
      token = r.body.isLast ? undefined : (r.body.nextPageToken as string);
      if (!r.body.isLast) assert.equal(typeof r.body.nextPageToken, 'string');
    } while (token);
    assert.equal(pages, 3);
    assert.deepEqual(seen, ['A', 'B', 'C', 'D', 'E']);
    const badToken = await j.post('/rest/api/3/search/jql', { jql: 'project = SEC', nextPageToken: 'garbage' });
    assert.equal(badToken.status, 400);
  });

  it('finds a moved issue by its old key', async () => {
    const { key, id } = await j.createIssue({ summary: 'mover' });
    await j.post('/rest/api/3/bulk/issues/move', { targetToSourcesMapping: { 'OPS,10001': { inferClassificationDefaults: true, inferFieldDefaults: true, inferStatusDefaults: true, inferSubtaskTypeDefault: true, issueIdsOrKeys: [key] } } });
    const r = await j.get(`/rest/api/3/search/jql?jql=${encodeURIComponent(`key = ${key}`)}`);
    assert.equal(r.status, 200);
    assert.deepEqual(r.body.issues, [{ id }]);
  });

  it('the removed /search endpoints answer 410 with the body Jira Cloud sends', async () => {
    const body = {
      errorMessages: ['The requested API has been removed. Please migrate to the /rest/api/3/search/jql API. A full migration guideline is available at https://developer.atlassian.com/changelog/#CHANGE-2046'],
      errors: {},
    };
    for (const [m, p] of [['GET', '/rest/api/3/search?jql=project%3DSEC'], ['POST', '/rest/api/3/search'], ['GET', '/rest/api/2/search'], ['POST', '/rest/api/2/search']] as const) {
      const r = await j.call(m, p, { as: BOT, validate: false, ...(m === 'POST' ? { body: { jql: 'project = SEC' } } : {}) });
      assert.equal(r.status, 410);
      assert.deepEqual(r.body, body);
    }
  });
});
