// JQL for the emulator: a table of queries over five fixed issues, each with the matching keys written
// out by hand; ORDER BY; relative dates against a fixed clock; and Jira's 400 texts for bad JQL.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  JqlError,
  clauseValues,
  isUnbounded,
  matchesJql,
  orderIssues,
  parseJql,
  type JqlIssueView,
} from '../../src/jira/emulator/jql/index.js';

const NOW = new Date('2026-11-25T12:00:00Z');
const ALICE = 'acc-alice';
const BOB = 'acc-bob';

function issue(v: Partial<JqlIssueView> & Pick<JqlIssueView, 'id' | 'key'>): JqlIssueView {
  const [projectKey = ''] = v.key.split('-');
  return {
    previousKeys: [],
    projectKey,
    projectId: projectKey === 'SEC' ? '10000' : '10001',
    labels: [],
    statusName: 'To Do',
    statusId: '10000',
    statusCategoryKey: 'new',
    assigneeAccountId: null,
    created: new Date('2026-01-01T00:00:00Z'),
    updated: new Date('2026-01-01T00:00:00Z'),
    priorityId: '3',
    priorityName: 'Medium',
    priorityRank: 2,
    issueTypeId: '10001',
    issueTypeName: 'Task',
    resolutionId: null,
    resolutionName: null,
    reporterAccountId: ALICE,
    summary: '',
    descriptionText: '',
    environmentText: '',
    commentText: '',
    ...v,
  };
}

// The fixture, in this order; expected lists below follow it.
const ISSUES: JqlIssueView[] = [
  issue({
    id: '10001',
    key: 'SEC-1',
    labels: ['alertsync', 'critical'],
    assigneeAccountId: ALICE,
    created: new Date('2026-01-01T09:00:00Z'),
    updated: new Date('2026-11-25T11:58:00Z'), // 2 minutes ago
  }),
  issue({
    id: '10002',
    key: 'SEC-2',
    labels: ['alertsync', 'it\'s "new"'],
    statusName: 'In Progress',
    statusId: '3',
    statusCategoryKey: 'indeterminate',
    created: new Date('2026-01-02T10:00:00Z'),
    updated: new Date('2026-11-25T11:00:00Z'), // 1 hour ago
  }),
  issue({
    id: '10010',
    key: 'SEC-10',
    statusName: 'Done',
    statusId: '10001',
    statusCategoryKey: 'done',
    assigneeAccountId: BOB,
    created: new Date('2026-01-02T10:00:00Z'), // same instant as SEC-2
    updated: new Date('2026-11-20T12:00:00Z'), // exactly 5 days ago
  }),
  issue({
    id: '10011',
    key: 'OPS-3',
    previousKeys: ['SEC-3'], // moved from SEC to OPS
    labels: ['Critical'],
    statusName: 'Done',
    statusId: '10001',
    statusCategoryKey: 'done',
    assigneeAccountId: ALICE,
    created: new Date('2026-03-15T00:00:00Z'),
    updated: new Date('2026-11-24T13:00:00Z'), // 23 hours ago
  }),
  issue({
    id: '10020',
    key: 'OPS-4',
    statusName: 'Triage',
    statusId: '10002',
    statusCategoryKey: 'new',
    assigneeAccountId: BOB,
    created: new Date('2026-02-01T00:00:00Z'),
    updated: new Date('2026-11-25T11:56:00Z'), // 4 minutes ago
  }),
];

const CTX: { currentUserAccountId: string | null; now: Date } = { currentUserAccountId: ALICE, now: NOW };

function search(jql: string, ctx = CTX): string[] {
  const q = parseJql(jql);
  return ISSUES.filter((i) => matchesJql(q, i, ctx)).map((i) => i.key);
}

const CASES: [jql: string, expected: string[]][] = [
  // project: key (any case) or id
  ['project = SEC', ['SEC-1', 'SEC-2', 'SEC-10']],
  ['project = sec', ['SEC-1', 'SEC-2', 'SEC-10']],
  ['PROJECT = 10001', ['OPS-3', 'OPS-4']],
  ['project IN (SEC, OPS)', ['SEC-1', 'SEC-2', 'SEC-10', 'OPS-3', 'OPS-4']],
  ['project not in (SEC)', ['OPS-3', 'OPS-4']],
  // key / id, previous keys, ranges inside the key's project
  ['key = SEC-1', ['SEC-1']],
  ['key IN (SEC-1, SEC-2)', ['SEC-1', 'SEC-2']],
  ['key = SEC-3', ['OPS-3']],
  ['key = sec-10', ['SEC-10']],
  ['id >= 10010', ['SEC-10', 'OPS-3', 'OPS-4']],
  ['key > SEC-2', ['SEC-10']],
  ['issuekey = 10002', ['SEC-2']],
  ['key != SEC-1 AND project = SEC', ['SEC-2', 'SEC-10']],
  // labels (case-insensitive; negative operators skip issues without labels)
  ['labels = critical', ['SEC-1', 'OPS-3']],
  ['labels IS EMPTY', ['SEC-10', 'OPS-4']],
  ['labels is not empty', ['SEC-1', 'SEC-2', 'OPS-3']],
  ['labels != critical', ['SEC-2']],
  ['labels NOT IN (alertsync)', ['OPS-3']],
  ['labels = "it\'s \\"new\\""', ['SEC-2']],
  ["labels = 'it\\'s \"new\"'", ['SEC-2']],
  ['labels in (EMPTY, critical)', ['SEC-1', 'SEC-10', 'OPS-3', 'OPS-4']],
  // status by name (any case) or id
  ['status = "to do"', ['SEC-1']],
  ["status IN ('In Progress', Done)", ['SEC-2', 'SEC-10', 'OPS-3']],
  ['status = 10001', ['SEC-10', 'OPS-3']],
  ['status != Done', ['SEC-1', 'SEC-2', 'OPS-4']],
  ['Status = DONE and PROJECT in (ops)', ['OPS-3']],
  // statusCategory by name, key or id
  ['statusCategory = "To Do"', ['SEC-1', 'OPS-4']],
  ['statusCategory = indeterminate', ['SEC-2']],
  ['statuscategory = "In Progress"', ['SEC-2']],
  ['statusCategory in (Done, new)', ['SEC-1', 'SEC-10', 'OPS-3', 'OPS-4']],
  ['statusCategory = 3', ['SEC-10', 'OPS-3']],
  // assignee: accountId, currentUser(), EMPTY / NULL
  ['assignee = currentUser()', ['SEC-1', 'OPS-3']],
  ['assignee IS EMPTY', ['SEC-2']],
  ['assignee = null', ['SEC-2']],
  ['assignee is not EMPTY', ['SEC-1', 'SEC-10', 'OPS-3', 'OPS-4']],
  ['assignee != acc-bob', ['SEC-1', 'OPS-3']],
  ['assignee in (currentUser(), EMPTY)', ['SEC-1', 'SEC-2', 'OPS-3']],
  // relative dates against NOW = 2026-11-25 12:00 UTC
  ['updated >= -5m', ['SEC-1', 'OPS-4']],
  ['updated >= -1d', ['SEC-1', 'SEC-2', 'OPS-3', 'OPS-4']],
  ['updated <= -5d', ['SEC-10']],
  ['updated > "-1h 30m"', ['SEC-1', 'SEC-2', 'OPS-4']],
  ['updated < -100minutes', ['SEC-10', 'OPS-3']],
  ['updated >= now()', []],
  // absolute dates (UTC)
  ['created >= "2026-01-02 10:00"', ['SEC-2', 'SEC-10', 'OPS-3', 'OPS-4']],
  ['created < "2026-01-02"', ['SEC-1']],
  ['created > "2026/01/02"', ['SEC-2', 'SEC-10', 'OPS-3', 'OPS-4']],
  ['created = "2026-01-02 10:00"', ['SEC-2', 'SEC-10']],
  ['createdDate <= "2026/02/01 00:00"', ['SEC-1', 'SEC-2', 'SEC-10', 'OPS-4']],
  // precedence: AND binds tighter than OR
  ['project = OPS OR status = Done AND labels = alertsync', ['OPS-3', 'OPS-4']],
  ['status = Done AND labels = critical OR key = SEC-2', ['SEC-2', 'OPS-3']],
  ['project = SEC && labels = alertsync || key = OPS-4', ['SEC-1', 'SEC-2', 'OPS-4']],
  // parentheses
  ['(project = OPS OR status = Done) AND labels = critical', ['OPS-3']],
  ['((project = OPS))', ['OPS-3', 'OPS-4']],
  // NOT (pushed down as Jira does: NOT assignee = x is assignee != x, which skips unassigned issues)
  ['NOT assignee = acc-alice', ['SEC-10', 'OPS-4']],
  ['NOT (project = SEC AND assignee IS EMPTY)', ['SEC-1', 'SEC-10', 'OPS-3', 'OPS-4']],
  ['not status = Done and project = SEC', ['SEC-1', 'SEC-2']],
  ['! (labels is empty)', ['SEC-1', 'SEC-2', 'OPS-3']],
  ['NOT NOT project = OPS', ['OPS-3', 'OPS-4']],
  ['NOT updated >= -5m', ['SEC-2', 'SEC-10', 'OPS-3']],
  // combinations and empty results
  ['project = SEC AND statusCategory = Done AND assignee = currentUser()', []],
  ['key in (SEC-1, OPS-4) AND updated >= -5m ORDER BY key', ['SEC-1', 'OPS-4']],
];

for (const [jql, expected] of CASES) {
  test(`JQL ${jql}`, () => {
    assert.deepEqual(search(jql), expected);
  });
}

test('the table has at least 25 cases', () => {
  assert.ok(CASES.length >= 25, `${CASES.length} cases`);
});

test('currentUser() matches nothing for an anonymous search', () => {
  assert.deepEqual(search('assignee = currentUser()', { currentUserAccountId: null, now: NOW }), []);
});

test('relative dates move with the clock', () => {
  const later = { currentUserAccountId: ALICE, now: new Date('2026-11-25T12:03:00Z') };
  assert.deepEqual(search('updated >= -5m', later), ['SEC-1']);
});

/** Searches, then sorts the matches as the server does. */
function order(jql: string): string[] {
  const q = parseJql(jql);
  return orderIssues(
    q,
    ISSUES.filter((i) => matchesJql(q, i, CTX)),
  ).map((i) => i.key);
}

test('ORDER BY several keys, each with its own direction', () => {
  assert.deepEqual(order('project in (SEC, OPS) ORDER BY project ASC, key DESC'), ['OPS-4', 'OPS-3', 'SEC-10', 'SEC-2', 'SEC-1']);
  assert.deepEqual(order('project in (SEC, OPS) order by assignee, key'), ['OPS-3', 'SEC-1', 'OPS-4', 'SEC-10', 'SEC-2']);
  assert.deepEqual(order('project in (SEC, OPS) ORDER BY statusCategory DESC, updated'), [
    'OPS-3',
    'SEC-10',
    'SEC-2',
    'SEC-1',
    'OPS-4',
  ]);
});

test('ORDER BY key compares issue numbers as numbers', () => {
  assert.deepEqual(order('project = SEC ORDER BY key'), ['SEC-1', 'SEC-2', 'SEC-10']);
  assert.deepEqual(order('project = SEC order by KEY desc'), ['SEC-10', 'SEC-2', 'SEC-1']);
});

test('ORDER BY a date without direction is newest first; ties fall to the next key', () => {
  assert.deepEqual(order('project = SEC ORDER BY created'), ['SEC-10', 'SEC-2', 'SEC-1']);
  assert.deepEqual(order('project = SEC ORDER BY created ASC, id ASC'), ['SEC-1', 'SEC-2', 'SEC-10']);
  assert.deepEqual(order('project = SEC ORDER BY created ASC, id DESC'), ['SEC-1', 'SEC-10', 'SEC-2']);
});

test('without ORDER BY issues come newest created first', () => {
  assert.deepEqual(order('project in (SEC, OPS)'), ['OPS-3', 'OPS-4', 'SEC-10', 'SEC-2', 'SEC-1']);
});

const BAD: [jql: string, message: string][] = [
  [
    'project foo',
    "Error in the JQL Query: Expecting operator but got 'foo'. The valid operators are '=', '!=', '<', '>', '<=', '>=', '~', '!~', 'IN', 'NOT IN', 'IS' and 'IS NOT'. (line 1, character 9)",
  ],
  [
    'project = SEC AND summary ~ "abc',
    "Error in the JQL Query: The quoted string 'abc' has not been completed. (line 1, character 29)",
  ],
  ["labels = '", 'Error in the JQL Query: The quoted string has not been completed. (line 1, character 10)'],
  ['foo = bar', "Field 'foo' does not exist or you do not have permission to view it."],
  ['project = SEC AND Foo = 1', "Field 'Foo' does not exist or you do not have permission to view it."],
  [
    'project',
    "Error in the JQL Query: Expecting operator before the end of the query. The valid operators are '=', '!=', '<', '>', '<=', '>=', '~', '!~', 'IN', 'NOT IN', 'IS' and 'IS NOT'.",
  ],
  ['project =', 'Error in the JQL Query: Expecting either a value, list or function before the end of the query.'],
  ['project = SEC AND', 'Error in the JQL Query: Expecting a field name at the end of the query.'],
  ['project = SEC status = Done', "Error in the JQL Query: Expecting either 'OR' or 'AND' but got 'status'. (line 1, character 15)"],
  ['(project = SEC OR status = Done', "Error in the JQL Query: Expecting ')' before the end of the query."],
  ['project = SEC ORDER key', "Error in the JQL Query: Expecting 'by' but got 'key'. (line 1, character 21)"],
  ['project = SEC ORDER BY key up', "Error in the JQL Query: Expecting either 'ASC' or 'DESC' but got 'up'. (line 1, character 28)"],
  ['project = SEC ORDER BY key ASC created', "Error in the JQL Query: Expecting ',' but got 'created'. (line 1, character 32)"],
  ['project = SEC ORDER BY nope', "Not able to sort using field 'nope'."],
  ['labels not is empty', "Error in the JQL Query: Expecting 'IN' but got 'is'. (line 1, character 12)"],
  [
    'project = SEC AND labels = for',
    "Error in the JQL Query: 'for' is a reserved JQL word. You must surround it in quotation marks to use it in a query. (line 1, character 28)",
  ],
  [
    'labels = a.b',
    "Error in the JQL Query: The character '.' is a reserved JQL character. You must enclose it in a string or use the escape '\\u002e' instead. (line 1, character 11)",
  ],
  [
    'labels = "a\\qb"',
    "Error in the JQL Query: '\\q' is an illegal JQL escape sequence. The valid escape sequences are \\', \\\", \\t, \\n, \\r, \\\\, '\\ ' and \\uXXXX. (line 1, character 12)",
  ],
  [
    'project = SEC AND\nlabels = ,',
    "Error in the JQL Query: Expecting either a value, list or function but got ','. You must surround ',' in quotation marks to use it as a value. (line 2, character 10)",
  ],
  ['status in Done', "Operator 'in' does not support the non-list value '\"Done\"' for field 'status'."],
  ['status is Done', "Operator 'is' does not support searching for non-empty values for field 'status'."],
  ['project ~ SEC', "The operator '~' is not supported by the 'project' field."],
  ['status = EMPTY', "The field 'status' does not support searching for EMPTY values."],
  ['key = foo', "The issue key 'foo' for field 'key' is invalid."],
  [
    'updated >= yesterday',
    "Date value 'yesterday' for field 'updated' is invalid. Valid formats include: 'yyyy/MM/dd HH:mm', 'yyyy-MM-dd HH:mm', 'yyyy/MM/dd', 'yyyy-MM-dd', or a period format e.g. '-5d', '4w 2d'.",
  ],
  ['statusCategory = Nope', "The value 'Nope' does not exist for the field 'statusCategory'."],
  ['assignee = nobody()', "Unable to find JQL function 'nobody()'."],
  ['updated > now(1)', "Function 'now' expected '0' arguments but received '1'."],
];

for (const [jql, message] of BAD) {
  test(`bad JQL ${JSON.stringify(jql)} is refused with Jira's text`, () => {
    assert.throws(
      () => parseJql(jql),
      (e: unknown) => {
        assert.ok(e instanceof JqlError, 'a JqlError');
        assert.equal(e.message, message);
        return true;
      },
    );
  });
}

test('unbounded queries: empty, blank, or ORDER BY only', () => {
  assert.equal(isUnbounded(parseJql('')), true);
  assert.equal(isUnbounded(parseJql('   ')), true);
  assert.equal(isUnbounded(parseJql('order by key desc')), true);
  assert.equal(isUnbounded(parseJql('assignee = currentUser() order by key')), false);
});

test('clauseValues lists each clause with its literal values for the server', () => {
  const q = parseJql('project = NOPE AND (status in (Done, "To Do") OR assignee = currentUser()) AND NOT labels = x ORDER BY key');
  assert.deepEqual(clauseValues(q), [
    { field: 'project', fieldName: 'project', values: ['NOPE'] },
    { field: 'status', fieldName: 'status', values: ['Done', 'To Do'] },
    { field: 'assignee', fieldName: 'assignee', values: [] },
    { field: 'labels', fieldName: 'labels', values: ['x'] },
  ]);
});
