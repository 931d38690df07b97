// Pure table tests: a Jira webhook body (shapes of real Cloud captures, docs in the spec notes
// copied into these rows) → what would change on the alert. No I/O.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readJiraEvent } from '../../src/sync/jira-event.js';
import { decideCurrentAssignee, decideCurrentStatus, decideInbound, isStale, type InboundContext } from '../../src/sync/inbound-decisions.js';
import { admitJiraEvent, summarizeJiraEvent } from '../../src/sync/inbox-admission.js';

const mapping = { OPEN: 'To Do', TRIAGED: 'In Progress', RESOLVED: 'Done', CLOSED: 'Done' };
const allTwoWay = { status: 'two_way', assignee: 'two_way', comments: 'two_way' } as const;
const ctx = (over: Partial<InboundContext> = {}): InboundContext => ({
  sync: allTwoWay,
  statusMapping: mapping,
  alertStatus: 'OPEN',
  alertAssigneeId: null,
  alertAssigneeEmail: null,
  lastApplied: { status: null, assignee: null },
  written: { status: null, assignee: null },
  knownComments: new Map(),
  ownComments: new Set(),
  accountToUser: new Map(),
  ...over,
});
const mia = { accountId: '5b10ac8d82e05b22cc7d4ef5', displayName: 'Mia Krystof', active: true, accountType: 'atlassian' };
const issue = (fields: Record<string, unknown> = {}) => ({ id: '10411', self: 'https://acme.atlassian.net/rest/api/2/10411', key: 'SEC-100', fields: { summary: 'Root login', updated: '2026-11-28T09:00:00.000+0000', ...fields } });
const transition = (toString: string, eventType = 'issue_generic', changelogId = '10518') => ({
  timestamp: 1764320400000,
  webhookEvent: 'jira:issue_updated',
  issue_event_type_name: eventType,
  user: mia,
  issue: issue({ status: { name: toString } }),
  changelog: { id: changelogId, items: [{ field: 'resolution', fieldtype: 'jira', fieldId: 'resolution', from: null, fromString: null, to: '10000', toString: 'Done' }, { field: 'status', fieldtype: 'jira', fieldId: 'status', from: '10001', fromString: 'To Do', to: '3', toString }] },
});
const assigned = (assignee: Record<string, unknown> | null, item: Record<string, unknown> = {}) => ({
  timestamp: 1764320400000,
  webhookEvent: 'jira:issue_updated',
  issue_event_type_name: 'issue_assigned',
  user: mia,
  issue: issue({ assignee }),
  changelog: { id: '10519', items: [{ field: 'assignee', fieldtype: 'jira', fieldId: 'assignee', from: null, fromString: null, to: assignee?.accountId ?? null, toString: assignee?.displayName ?? null, ...item }] },
});
const commentEvent = (webhookEvent: string, body: unknown, updated = '2026-11-28T09:00:00.000+0000') => ({
  timestamp: 1764320400000,
  webhookEvent,
  comment: { id: '10200', self: 'https://acme.atlassian.net/rest/api/2/issue/10411/comment/10200', author: mia, updateAuthor: mia, body, created: '2026-11-28T09:00:00.000+0000', updated },
  issue: { id: '10411', key: 'SEC-100', fields: { summary: 'Root login', status: { name: 'To Do' } } },
});
const t9 = Date.parse('2026-11-28T09:00:00.000Z');

const rows: [string, unknown, InboundContext, ReturnType<typeof decideInbound>['intents'], RegExp[]][] = [
  ['transition as issue_generic → mapped status', transition('In Progress'), ctx(), [{ kind: 'set_status', status: 'TRIAGED' }], []],
  ['same transition under another event name (issue_resolved)', transition('In Progress', 'issue_resolved'), ctx(), [{ kind: 'set_status', status: 'TRIAGED' }], []],
  ['"Status" capitalised, no fieldId (Server/moved items)', { ...transition('In Progress'), changelog: { id: '1', items: [{ field: 'Status', from: '1', fromString: 'To Do', to: '3', toString: 'In Progress' }] } }, ctx(), [{ kind: 'set_status', status: 'TRIAGED' }], []],
  ['shared Done: first of RESOLVED/CLOSED', transition('Done'), ctx(), [{ kind: 'set_status', status: 'RESOLVED' }], []],
  ['shared Done while CLOSED: unchanged', transition('Done'), ctx({ alertStatus: 'CLOSED' }), [], [/already means CLOSED/]],
  ['unmapped Jira status: no change, reason', transition('Blocked'), ctx(), [], [/"Blocked" is not in the destination's statusMapping/]],
  ['status one_way: nothing', transition('In Progress'), ctx({ sync: { ...allTwoWay, status: 'one_way' } }), [], [/status: not synced two-way/]],
  ['stale status (older updated)', transition('In Progress'), ctx({ lastApplied: { status: { updatedAt: t9 + 1, changelogId: 1 }, assignee: null } }), [], [/older than the last status/]],
  ['same updated, lower changelog id: stale', transition('In Progress', 'issue_generic', '5'), ctx({ lastApplied: { status: { updatedAt: t9, changelogId: 6 }, assignee: null } }), [], [/older/]],
  ['same updated, higher changelog id: applied', transition('In Progress', 'issue_generic', '7'), ctx({ lastApplied: { status: { updatedAt: t9, changelogId: 6 }, assignee: null } }), [{ kind: 'set_status', status: 'TRIAGED' }], []],
  ['echo: the status alertsync wrote, no later than the write', transition('In Progress'), ctx({ written: { status: { value: 'in progress', at: t9 }, assignee: null } }), [], [/our own write/]],
  ['same status as our write but later than it: ask Jira', transition('In Progress'), ctx({ written: { status: { value: 'In Progress', at: t9 - 1 }, assignee: null } }), [{ kind: 'check_status' }], []],
  ['another status after we wrote one (an intermediate hop, or a person): ask Jira', transition('Done'), ctx({ written: { status: { value: 'In Progress', at: t9 + 5 }, assignee: null } }), [{ kind: 'check_status' }], []],
  ['echo of our assignment', assigned({ ...mia, emailAddress: 'mia@example.com' }), ctx({ written: { status: null, assignee: { value: mia.accountId, at: t9 } } }), [], [/assignee: our own write/]],
  ['assignment after our write: ask Jira', assigned(null), ctx({ written: { status: null, assignee: { value: mia.accountId, at: t9 } } }), [{ kind: 'check_assignee' }], []],
  ['a comment alertsync posted comes back: dropped', commentEvent('comment_created', 'x'), ctx({ ownComments: new Set(['10200']) }), [], [/posted by alertsync/]],
  ['edit of a comment alertsync posted: dropped', commentEvent('comment_updated', 'y', '2026-11-28T09:05:00.000+0000'), ctx({ ownComments: new Set(['10200']) }), [], [/posted by alertsync/]],
  ['assignee with visible email', assigned({ ...mia, emailAddress: 'mia@example.com' }), ctx(), [{ kind: 'assign_by_email', email: 'mia@example.com' }], []],
  ['assignee hidden email → look up', assigned(mia), ctx(), [{ kind: 'lookup_account', accountId: mia.accountId }], []],
  ['assignee hidden email, manual mapping wins', assigned(mia), ctx({ accountToUser: new Map([[mia.accountId, 'usr_mia']]) }), [{ kind: 'assign_user', userId: 'usr_mia' }], []],
  ['old Cloud item: username in to, fields.assignee is the truth', assigned(mia, { to: 'mia', tmpToAccountId: mia.accountId }), ctx(), [{ kind: 'lookup_account', accountId: mia.accountId }], []],
  ['unassigned in Jira (explicit nulls)', assigned(null), ctx({ alertAssigneeId: 'usr_x', alertAssigneeEmail: 'x@example.com' }), [{ kind: 'unassign' }], []],
  ['unassigned, alert already unassigned: nothing', assigned(null), ctx(), [], [/already unassigned/]],
  ['same email already assigned: nothing', assigned({ ...mia, emailAddress: 'Mia@Example.com' }), ctx({ alertAssigneeEmail: 'mia@example.com' }), [], [/already that user/]],
  ['comment_created, wiki markup', commentEvent('comment_created', '*bold* and _it_'), ctx(), [{ kind: 'comment_create', jiraCommentId: '10200', markdown: '\\[Mia Krystof] commented on Jira:\n\n**bold** and _it_', jiraUpdatedAt: t9 }], []],
  ['comment inside jira:issue_updated (issue_commented), already applied: nothing', { ...commentEvent('jira:issue_updated', '*bold*'), issue_event_type_name: 'issue_commented' }, ctx({ knownComments: new Map([['10200', t9]]) }), [], [/already applied/]],
  ['comment_updated newer than applied → edit', commentEvent('comment_updated', 'new text', '2026-11-28T09:05:00.000+0000'), ctx({ knownComments: new Map([['10200', t9]]) }), [{ kind: 'comment_edit', jiraCommentId: '10200', markdown: '\\[Mia Krystof] commented on Jira:\n\nnew text', jiraUpdatedAt: t9 + 300_000 }], []],
  ['comment_deleted of a carried comment → delete', commentEvent('comment_deleted', 'x'), ctx({ knownComments: new Map([['10200', t9]]) }), [{ kind: 'comment_delete', jiraCommentId: '10200' }], []],
  ['comment_deleted never carried: nothing', commentEvent('comment_deleted', 'x'), ctx(), [], [/never carried/]],
  ['comment in ADF', commentEvent('comment_created', { type: 'doc', version: 1, content: [{ type: 'paragraph', content: [{ type: 'text', text: 'x', marks: [{ type: 'strike' }] }] }] }), ctx(), [{ kind: 'comment_create', jiraCommentId: '10200', markdown: '\\[Mia Krystof] commented on Jira:\n\n~~x~~', jiraUpdatedAt: t9 }], []],
  ['comments off: nothing', commentEvent('comment_created', 'x'), ctx({ sync: { ...allTwoWay, comments: 'off' } }), [], [/comments: not synced two-way/]],
  ['issue_updated with empty changelog items: nothing', { ...transition('Done'), changelog: { id: '9', items: [] } }, ctx(), [], []],
];

for (const [name, body, c, want, reasons] of rows) {
  test(`inbound decision: ${name}`, () => {
    const d = decideInbound(readJiraEvent(body), c);
    assert.deepEqual(d.intents, want);
    for (const r of reasons) assert.ok(d.skipped.some((s) => r.test(s)), `${JSON.stringify(d.skipped)} should match ${r}`);
    if (reasons.length === 0 && want.length > 0) assert.deepEqual(d.skipped, []);
  });
}

test('current value after check_status / check_assignee: Jira holding our last write changes nothing', () => {
  const c = ctx({ written: { status: { value: 'Done', at: t9 }, assignee: { value: mia.accountId, at: t9 } }, alertStatus: 'RESOLVED' });
  assert.deepEqual(decideCurrentStatus('done', c).intent, null);
  assert.match(decideCurrentStatus('done', c).skipped!, /still shows/);
  assert.deepEqual(decideCurrentStatus('In Progress', c).intent, { kind: 'set_status', status: 'TRIAGED' });
  assert.deepEqual(decideCurrentStatus('Blocked', c).intent, null);
  assert.deepEqual(decideCurrentAssignee({ accountId: mia.accountId, displayName: 'Mia', email: null }, c).intent, null);
  assert.deepEqual(decideCurrentAssignee(null, { ...c, alertAssigneeId: 'usr_mia' }).intent, { kind: 'unassign' });
  assert.deepEqual(decideCurrentAssignee({ accountId: 'other', displayName: 'O', email: 'o@example.com' }, c).intent, { kind: 'assign_by_email', email: 'o@example.com' });
});

test('isStale: no mark, or no time on the event, is never stale', () => {
  assert.equal(isStale({ issueUpdatedAt: 5, changelogId: 1 }, null), false);
  assert.equal(isStale({ issueUpdatedAt: null, changelogId: 1 }, { updatedAt: 9, changelogId: 9 }), false);
  assert.equal(isStale({ issueUpdatedAt: 10, changelogId: 1 }, { updatedAt: 9, changelogId: 9 }), false);
  assert.equal(isStale({ issueUpdatedAt: 9, changelogId: null }, { updatedAt: 9, changelogId: 9 }), true);
});

test('admission: what the inbox keeps or ignores, and why', () => {
  const sync = { status: 'two_way', assignee: 'one_way', comments: 'off' } as const;
  const table: [string, unknown, boolean, ReturnType<typeof admitJiraEvent>][] = [
    ['linked status change', transition('Done'), true, { state: 'pending', aspects: ['status'] }],
    ['unlinked issue', transition('Done'), false, { state: 'ignored', reason: 'issue SEC-100 was not created by alertsync for this destination' }],
    ['no issue (old Server comment)', { webhookEvent: 'comment_created', comment: { id: '1' } }, true, { state: 'ignored', reason: 'the event names no issue' }],
    ['assignee only, one_way', assigned(mia), true, { state: 'ignored', reason: 'assignee is not synced two-way on this destination' }],
    ['summary change only', { ...transition('Done'), changelog: { id: '1', items: [{ field: 'summary', fieldId: 'summary', from: null, fromString: 'a', to: null, toString: 'b' }] } }, true, { state: 'ignored', reason: 'the event changes no synced field (status, assignee, comments)' }],
    ['not JSON object', [1, 2], true, { state: 'ignored', reason: 'the event names no issue' }],
  ];
  for (const [name, body, linked, want] of table) assert.deepEqual(admitJiraEvent(summarizeJiraEvent(body), sync, linked), want, name);
});
