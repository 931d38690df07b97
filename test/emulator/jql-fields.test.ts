// Issue #10 item 3: JQL fields a reconciler and an open-issue lookup use: priority, issuetype/type,
// resolution (Unresolved, EMPTY), reporter, summary ~, text ~, dates in Jira's forms, relative
// dates and startOfDay(). Sources (Atlassian's JQL reference for Jira Cloud):
//  F  https://support.atlassian.com/jira-software-cloud/docs/jql-fields/ (fields, their operators,
//     "resolution = Unresolved", "type" alias, priority ordering, text fields ~ only)
//  O  https://support.atlassian.com/jira-software-cloud/docs/jql-operators/ (CONTAINS: all words
//     in any order, "\"exact phrase\"", trailing wildcard; "priority > normal")
//  Fn https://support.atlassian.com/jira-software-cloud/docs/jql-functions/ (startOfDay(inc),
//     endOfDay(inc), unit defaults to days)
//  D  date forms "yyyy/MM/dd HH:mm", "yyyy-MM-dd", periods "-5m", "-1d" (Atlassian's
//     TestJqlParsing, the text of the 400 for a bad date in jql/validate.ts)
//  E  Jira's 400 texts for unknown values/fields/operators (see jql/validate.ts sources)
import assert from 'node:assert/strict';
import { after, before, describe, it, test } from 'node:test';
import { JqlError, matchesJql, orderIssues, parseJql, type JqlIssueView, type MatchContext } from '../../src/jira/emulator/jql/index.js';
import { ADA_ID, BOT_ID, adf, startTestEmulator, type TestEmulator } from './harness.js';

const NOW = new Date('2026-11-28T10:30:00Z');
const PRIORITIES = ['Highest', 'High', 'Medium', 'Low', 'Lowest'];
const RESOLUTIONS = ['Done', "Won't Do", 'Duplicate'];
const rank: MatchContext['rank'] = (field, v) => {
  const list = field === 'priority' ? PRIORITIES : RESOLUTIONS;
  const byId = field === 'priority' ? Number(v) - 1 : Number(v) - 10000;
  const i = list.findIndex((x) => x.toLowerCase() === v.toLowerCase());
  return i !== -1 ? i : /^\d+$/.test(v) && list[byId] ? byId : null;
};
const CTX: MatchContext = { currentUserAccountId: 'acc-bot', now: NOW, rank };

function issue(key: string, v: Partial<JqlIssueView>): JqlIssueView {
  const p = v.priorityName === undefined ? 'Medium' : v.priorityName;
  return {
    id: key.replace(/\D/g, ''), key, previousKeys: [], projectKey: 'SEC', projectId: '10000', labels: [],
    statusName: 'To Do', statusId: '10000', statusCategoryKey: 'new', assigneeAccountId: null,
    created: new Date('2026-11-01T00:00:00Z'), updated: new Date('2026-11-01T00:00:00Z'),
    priorityId: p === null ? null : String(PRIORITIES.indexOf(p) + 1), priorityName: p, priorityRank: p === null ? null : PRIORITIES.indexOf(p),
    issueTypeId: '10001', issueTypeName: 'Task', resolutionId: null, resolutionName: null, reporterAccountId: 'acc-bot',
    summary: '', descriptionText: '', environmentText: '', commentText: '',
    ...v,
  };
}

const ISSUES = [
  issue('SEC-1', { priorityName: 'Highest', summary: 'Disk full on db-1', descriptionText: 'The volume /var is full', updated: new Date('2026-11-28T10:28:00Z'), created: new Date('2026-11-28T09:00:00Z') }),
  issue('SEC-2', { priorityName: 'Low', issueTypeId: '10004', issueTypeName: 'Bug', summary: 'Full screen mode broken', resolutionId: '10000', resolutionName: 'Done', statusCategoryKey: 'done', updated: new Date('2026-11-27T23:59:00Z'), created: new Date('2026-11-27T08:00:00Z') }),
  issue('SEC-3', { priorityName: 'Medium', summary: 'Login latency', commentText: 'disk pressure seen on host', reporterAccountId: 'acc-ada', resolutionId: '10001', resolutionName: "Won't Do", updated: new Date('2026-11-26T10:30:00Z'), created: new Date('2026-11-26T10:30:00Z') }),
  issue('SEC-4', { priorityName: null, summary: 'Windows updates', environmentText: 'prod eu-1', updated: new Date('2026-11-28T10:00:00Z'), created: new Date('2026-11-28T00:00:00Z') }),
];

function search(jql: string): string[] {
  const q = parseJql(jql);
  return ISSUES.filter((i) => matchesJql(q, i, CTX)).map((i) => i.key);
}

const CASES: [jql: string, expected: string[], source: string][] = [
  ['priority = Highest', ['SEC-1'], 'F'],
  ['priority = 4', ['SEC-2'], 'F (id)'],
  ['priority in (high, HIGHEST)', ['SEC-1'], 'F (names case-insensitive)'],
  ['priority != Medium', ['SEC-1', 'SEC-2'], 'F (!= skips empty)'],
  ['priority > Medium', ['SEC-1'], 'O "priority > normal"'],
  ['priority <= Medium', ['SEC-2', 'SEC-3'], 'O'],
  ['priority is EMPTY', ['SEC-4'], 'F'],
  ['issuetype = Bug', ['SEC-2'], 'F'],
  ['type = Task', ['SEC-1', 'SEC-3', 'SEC-4'], 'F ("type" alias)'],
  ['issuetype in (10004)', ['SEC-2'], 'F (id)'],
  ['resolution = Unresolved', ['SEC-1', 'SEC-4'], 'F "resolution = Unresolved"'],
  ['resolution IS EMPTY', ['SEC-1', 'SEC-4'], 'F'],
  ['resolution is not empty', ['SEC-2', 'SEC-3'], 'F'],
  ['resolution = Done', ['SEC-2'], 'F'],
  ['resolution in ("Won\'t Do", Duplicate)', ['SEC-3'], 'F'],
  ['resolution != Unresolved', ['SEC-2', 'SEC-3'], 'F'],
  ['resolution in (Unresolved, Done)', ['SEC-1', 'SEC-2', 'SEC-4'], 'F'],
  ['reporter = currentUser()', ['SEC-1', 'SEC-2', 'SEC-4'], 'F'],
  ['reporter = acc-ada', ['SEC-3'], 'F'],
  ['reporter != acc-ada', ['SEC-1', 'SEC-2', 'SEC-4'], 'F'],
  ['summary ~ disk', ['SEC-1'], 'O'],
  ['summary ~ "full disk"', ['SEC-1'], 'O (all words, any order)'],
  ['summary ~ "\\"full screen\\""', ['SEC-2'], 'O (exact phrase)'],
  ['summary ~ "\\"full disk\\""', [], 'O (phrase order matters)'],
  ['summary ~ "win*"', ['SEC-4'], 'O (trailing wildcard)'],
  ['summary ~ "lat?ncy"', ['SEC-3'], 'O (single-character wildcard)'],
  ['summary !~ full', ['SEC-3', 'SEC-4'], 'O'],
  ['text ~ disk', ['SEC-1', 'SEC-3'], 'F (text = summary, description, environment, comments)'],
  ['text ~ "eu-1"', ['SEC-4'], 'F'],
  ['description ~ volume', ['SEC-1'], 'F'],
  ['description is EMPTY', ['SEC-2', 'SEC-3', 'SEC-4'], 'F'],
  ['comment ~ pressure', ['SEC-3'], 'F'],
  ['updated >= -5m', ['SEC-1'], 'D'],
  ['updated >= -1d', ['SEC-1', 'SEC-2', 'SEC-4'], 'D'],
  ['updated >= "2026/11/28 10:15"', ['SEC-1'], 'D'],
  ['updated >= "2026-11-28"', ['SEC-1', 'SEC-4'], 'D'],
  ['created >= startOfDay()', ['SEC-1', 'SEC-4'], 'Fn'],
  ['created >= startOfDay(-1)', ['SEC-1', 'SEC-2', 'SEC-4'], 'Fn (unit defaults to days)'],
  ['created < startOfDay("-1d")', ['SEC-3'], 'Fn'],
  ['updated <= endOfDay(-1)', ['SEC-2', 'SEC-3'], 'Fn'],
  ['project = SEC AND resolution = Unresolved AND updated >= -1d ORDER BY priority DESC', ['SEC-1', 'SEC-4'], 'F+O'],
];

describe('JQL fields (table)', () => {
  for (const [jql, expected, source] of CASES) {
    test(`${jql}  [${source}]`, () => assert.deepEqual(search(jql), expected));
  }
  test('ORDER BY priority: Highest first by default (DESC), empty last in ASC', () => {
    const q = parseJql('project = SEC ORDER BY priority');
    assert.deepEqual(orderIssues(q, ISSUES).map((i) => i.key), ['SEC-4', 'SEC-1', 'SEC-3', 'SEC-2']);
    const asc = parseJql('project = SEC ORDER BY priority ASC');
    assert.deepEqual(orderIssues(asc, ISSUES).map((i) => i.key), ['SEC-2', 'SEC-3', 'SEC-1', 'SEC-4']);
  });
});

const BAD: [jql: string, message: string, source: string][] = [
  ['summary = x', "The operator '=' is not supported by the 'summary' field.", 'F/E: summary takes ~ !~ IS IS NOT'],
  ['text !~ x', "The operator '!~' is not supported by the 'text' field.", 'F/E: text takes ~ only'],
  ['issuetype is EMPTY', "The field 'issuetype' does not support searching for EMPTY values.", 'E'],
  ['issuetype > Bug', "The operator '>' is not supported by the 'issuetype' field.", 'F/E'],
  ['summary ~ "*disk"', "The text query '*disk' for field 'summary' is not allowed to start with a wildcard.", 'O (leading wildcard refused)'],
  ['priority = startOfDay()', "A value provided by the function 'startOfDay' is invalid for the field 'priority'.", 'E'],
  ['created > startOfDay(1, 2)', "Function 'startOfDay' expected '0 or 1' arguments but received '2'.", 'E'],
  ['project = SEC ORDER BY text', "Not able to sort using field 'text'.", 'E'],
];

describe('JQL field errors (table)', () => {
  for (const [jql, message, source] of BAD) {
    test(`${JSON.stringify(jql)} → 400 [${source}]`, () => {
      assert.throws(() => parseJql(jql), (e: unknown) => e instanceof JqlError && e.message === message);
    });
  }
});

let j: TestEmulator;
before(async () => {
  j = await startTestEmulator();
});
after(() => j.close());

describe('JQL fields over /rest/api/3/search/jql', () => {
  it('an open-issue lookup by resolution and a reconciler window by updated', async () => {
    const open = await j.createIssue({ summary: 'Disk full on db-1', priority: { name: 'High' } });
    const done = await j.createIssue({ summary: 'Old alert', description: adf('nothing to see') });
    assert.equal((await j.post(`/rest/api/3/issue/${done.key}/transitions`, { transition: { id: '31' } })).status, 204);
    const keys = async (jql: string) => (await j.post('/rest/api/3/search/jql', { jql, fields: ['summary'] })).body.issues.map((i: { key: string }) => i.key).sort();
    assert.deepEqual(await keys('project = SEC AND resolution = Unresolved'), [open.key]);
    assert.deepEqual(await keys('project = SEC AND resolution = Done'), [done.key]);
    assert.deepEqual(await keys('project = SEC AND updated >= -5m'), [open.key, done.key].sort());
    assert.deepEqual(await keys('project = SEC AND priority = High AND issuetype = Task'), [open.key]);
    assert.deepEqual(await keys(`reporter = "${BOT_ID}" AND summary ~ "disk full"`), [open.key]);
    assert.deepEqual(await keys('text ~ "nothing"'), [done.key]);
    assert.deepEqual(await keys('project = SEC AND created >= startOfDay()'), [open.key, done.key].sort());
  });

  it('unknown values answer Jira\'s 400 texts', async () => {
    for (const [jql, msg] of [
      ['priority = Urgent', "The value 'Urgent' does not exist for the field 'priority'."],
      ['issuetype = Epic', "The value 'Epic' does not exist for the field 'issuetype'."],
      ['resolution = Fixed', "The value 'Fixed' does not exist for the field 'resolution'."],
      ['reporter = nobody', "The value 'nobody' does not exist for the field 'reporter'."],
    ] as const) {
      const r = await j.get(`/rest/api/3/search/jql?jql=${encodeURIComponent(jql)}`);
      assert.equal(r.status, 400, jql);
      assert.deepEqual(r.body, { errorMessages: [msg], errors: {} });
    }
    const ok = await j.get(`/rest/api/3/search/jql?jql=${encodeURIComponent(`reporter = "${ADA_ID}"`)}`);
    assert.equal(ok.status, 200);
  });
});
