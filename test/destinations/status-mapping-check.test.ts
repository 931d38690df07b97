// The pure decisions of "Jira lists for the setup": which statusMapping names a project lacks, and
// how a Jira client failure is answered by the API. Table tests.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mappingIsEmpty, statusCheckFailedWarning, statusMappingWarnings } from '../../src/destinations/status-mapping-check.js';
import { jiraFailure } from '../../src/delivery/jira-lists-service.js';
import { JiraError } from '../../src/jira/client/index.js';
import type { StatusMapping } from '../../src/destinations/destination.js';

const none: StatusMapping = { OPEN: null, TRIAGED: null, RESOLVED: null, CLOSED: null };
const OPS = ['To Do', 'In Progress', 'In Review', 'Closed'];

const cases: [string, Partial<StatusMapping>, string[]][] = [
  ['nothing mapped', {}, []],
  ['all known', { OPEN: 'To Do', TRIAGED: 'In Progress', RESOLVED: 'In Review', CLOSED: 'Closed' }, []],
  ['case and spaces do not matter', { OPEN: '  to do ', CLOSED: 'CLOSED' }, []],
  ['one unknown', { OPEN: 'To Do', RESOLVED: 'Done' }, ['RESOLVED']],
  ['two unknown, in alert-status order', { CLOSED: 'Shut', TRIAGED: 'Triage' }, ['TRIAGED', 'CLOSED']],
];
for (const [name, mapping, unknown] of cases) {
  test(`statusMappingWarnings: ${name}`, () => {
    const w = statusMappingWarnings({ ...none, ...mapping }, 'OPS', OPS);
    assert.deepEqual(w.map((x) => /^statusMapping\.(\w+):/.exec(x)?.[1]), unknown);
    for (const x of w) assert.match(x, /is not a status of Jira project OPS \(its statuses: To Do, In Progress, In Review, Closed\)/);
  });
}

test('mappingIsEmpty and the warning when the statuses could not be read', () => {
  assert.equal(mappingIsEmpty(none), true);
  assert.equal(mappingIsEmpty({ ...none, CLOSED: 'Done' }), false);
  assert.equal(statusCheckFailedWarning('SEC', 'Jira could not be reached'), 'statusMapping could not be checked against the statuses of Jira project SEC: Jira could not be reached');
});

const failures: [string, ConstructorParameters<typeof JiraError>[0], { kind: string; code: string; jiraStatus?: number | null }][] = [
  ['401 from Jira', { kind: 'auth', status: 401, operation: 'searchProjects', message: 'Jira answered 401: not authenticated', jiraMessages: ['not authenticated'] }, { kind: 'upstream', code: 'jira_refused', jiraStatus: 401 }],
  ['404 from Jira', { kind: 'not_found', status: 404, operation: 'getProjectStatuses', message: 'Jira answered 404', jiraMessages: [] }, { kind: 'upstream', code: 'jira_refused', jiraStatus: 404 }],
  ['an HTML page answered 200', { kind: 'unexpected', status: 200, operation: 'getLabels', message: 'Jira answered 200 with text/html' }, { kind: 'upstream', code: 'jira_refused', jiraStatus: 200 }],
  ['no answer', { kind: 'network', status: null, operation: 'getPriorities', message: 'Could not reach Jira at x (ECONNREFUSED)' }, { kind: 'upstream', code: 'jira_unreachable', jiraStatus: null }],
  ['timeout', { kind: 'timeout', status: null, operation: 'getPriorities', message: 'Jira did not answer within 10 ms' }, { kind: 'upstream', code: 'jira_unreachable', jiraStatus: null }],
  ['host refused by the policy', { kind: 'invalid', status: null, operation: 'getPriorities', message: 'the Jira site x is not …' }, { kind: 'invalid', code: 'domain_refused' }],
];
for (const [name, init, want] of failures) {
  test(`jiraFailure: ${name}`, () => {
    const e = jiraFailure(new JiraError(init));
    assert.equal(e.kind, want.kind);
    assert.equal(e.code, want.code);
    if (want.jiraStatus !== undefined) assert.equal((e.details as { jiraStatus: number | null }).jiraStatus, want.jiraStatus);
    assert.ok(e.message.includes(init.message));
  });
}
