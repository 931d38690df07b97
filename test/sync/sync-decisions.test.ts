// Issue #11 "Order and bursts" and "Status" (the status comment), issue #12 (status mapped back):
// pure sync decisions, table tests.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Ajv } from 'ajv';
import { readFileSync } from 'node:fs';
import type { AlertStatus } from '../../src/alerts/alert.js';
import type { StatusMapping } from '../../src/destinations/destination.js';
import { plainCommentForJira } from '../../src/jira/format/comment.js';
import { type QueuedChange, collapseQueue } from '../../src/sync/collapse.js';
import { statusChangeCommentText } from '../../src/sync/status-comment.js';
import { alertStatusForJiraStatus } from '../../src/sync/status-mapping.js';

describe('alertStatusForJiraStatus (several alert statuses on one Jira status)', () => {
  const shared: StatusMapping = { OPEN: 'To Do', TRIAGED: 'In Progress', RESOLVED: 'Done', CLOSED: 'Done' };
  const allOne: StatusMapping = { OPEN: 'Open', TRIAGED: 'Open', RESOLVED: 'Open', CLOSED: 'Open' };
  const partial: StatusMapping = { OPEN: 'To Do', TRIAGED: null, RESOLVED: null, CLOSED: 'Closed' };
  const TABLE: Array<[string, StatusMapping, string, AlertStatus, unknown]> = [
    ['one-to-one', shared, 'In Progress', 'OPEN', { kind: 'set', status: 'TRIAGED' }],
    ['shared status, current among them: unchanged', shared, 'Done', 'CLOSED', { kind: 'unchanged', reason: 'the Jira status "Done" already means CLOSED' }],
    ['shared status, current not among them: the first (RESOLVED)', shared, 'Done', 'OPEN', { kind: 'set', status: 'RESOLVED' }],
    ['names compared case-insensitively and trimmed', shared, ' done ', 'TRIAGED', { kind: 'set', status: 'RESOLVED' }],
    ['same status as now', shared, 'To Do', 'OPEN', { kind: 'unchanged', reason: 'the Jira status "To Do" already means OPEN' }],
    ['all on one, current CLOSED: unchanged', allOne, 'Open', 'CLOSED', { kind: 'unchanged', reason: 'the Jira status "Open" already means CLOSED' }],
    ['unmapped Jira status', shared, 'Waiting for Vendor', 'TRIAGED', { kind: 'unmapped', reason: 'the Jira status "Waiting for Vendor" is not in the destination\'s statusMapping; the alert keeps TRIAGED' }],
    ['null entries never match', partial, 'Closed', 'OPEN', { kind: 'set', status: 'CLOSED' }],
  ];
  for (const [name, mapping, jira, current, want] of TABLE) it(name, () => assert.deepEqual(alertStatusForJiraStatus(mapping, jira, current), want));
});

describe('status change comment', () => {
  const schema = JSON.parse(readFileSync(new URL('../../node_modules/@atlaskit/adf-schema/json-schema/v1/full.json', import.meta.url), 'utf8')) as Record<string, unknown>;
  delete schema.$schema;
  const valid = new Ajv({ strict: false }).compile(schema);
  const TABLE: Array<[string, AlertStatus, AlertStatus, string, string]> = [
    ['Ann Analyst', 'OPEN', 'RESOLVED', 'Ann Analyst changed the status from OPEN to RESOLVED in alertsync', 'Ann Analyst changed the status from OPEN to RESOLVED in alertsync'],
    ['[~accountid:1] *x*\nh1. y', 'TRIAGED', 'CLOSED', '[~accountid:1] *x* h1. y changed the status from TRIAGED to CLOSED in alertsync', '\\[\\~accountid:1\\] \\*x\\* h1. y changed the status from TRIAGED to CLOSED in alertsync'],
    ['', 'CLOSED', 'OPEN', 'unknown user changed the status from CLOSED to OPEN in alertsync', 'unknown user changed the status from CLOSED to OPEN in alertsync'],
  ];
  for (const [user, from, to, text, wiki] of TABLE) {
    it(JSON.stringify(user), () => {
      assert.equal(statusChangeCommentText(user, from, to), text);
      const body = plainCommentForJira(text);
      assert.deepEqual(body.adf, { type: 'doc', version: 1, content: [{ type: 'paragraph', content: [{ type: 'text', text }] }] });
      assert.ok(valid(body.adf));
      assert.equal(body.wiki, wiki);
    });
  }
});

describe('collapseQueue', () => {
  const st = (seq: number, from: AlertStatus, to: AlertStatus, id = `s${seq}`): QueuedChange => ({ id, seq, kind: 'status', from, to, by: 'u' });
  const as = (seq: number, to: string | null): QueuedChange => ({ id: `a${seq}`, seq, kind: 'assignee', to, by: 'u' });
  const cm = (seq: number, kind: 'comment-create' | 'comment-edit' | 'comment-delete', commentId: string, id = `c${seq}`): QueuedChange => ({ id, seq, kind, commentId, by: 'u' });
  const brief = (cs: QueuedChange[]) => cs.map((c) => (c.kind === 'status' ? `status ${c.from}>${c.to}` : c.kind === 'assignee' ? `assignee ${c.to}` : `${c.kind} ${c.commentId}`));

  const TABLE: Array<[string, QueuedChange[], string[]]> = [
    ['nothing queued', [], []],
    ['one of each stays', [st(1, 'OPEN', 'TRIAGED'), as(2, 'ann'), cm(3, 'comment-create', 'k1')], ['status OPEN>TRIAGED', 'assignee ann', 'comment-create k1']],
    ['status run: first from, last to, at the last position', [st(1, 'OPEN', 'TRIAGED'), cm(2, 'comment-create', 'k1'), st(3, 'TRIAGED', 'RESOLVED'), st(4, 'RESOLVED', 'CLOSED')], ['comment-create k1', 'status OPEN>CLOSED']],
    ['status run back to the start: nothing', [st(1, 'OPEN', 'TRIAGED'), st(2, 'TRIAGED', 'OPEN')], []],
    ['assignee run: the last, unassignment included', [as(1, 'ann'), as(2, 'bob'), as(3, null)], ['assignee null']],
    ['comments all kept in order', [cm(1, 'comment-create', 'k1'), cm(2, 'comment-edit', 'k1'), cm(3, 'comment-edit', 'k1'), cm(4, 'comment-create', 'k2'), cm(5, 'comment-delete', 'k1')], ['comment-create k1', 'comment-edit k1', 'comment-edit k1', 'comment-create k2', 'comment-delete k1']],
    ['given out of order: sorted by seq', [cm(2, 'comment-edit', 'k1'), cm(1, 'comment-create', 'k1'), st(3, 'OPEN', 'CLOSED')], ['comment-create k1', 'comment-edit k1', 'status OPEN>CLOSED']],
    ['a change queued twice counts once', [cm(1, 'comment-create', 'k1', 'x'), cm(1, 'comment-create', 'k1', 'x'), st(2, 'OPEN', 'CLOSED', 'y'), st(2, 'OPEN', 'CLOSED', 'y')], ['comment-create k1', 'status OPEN>CLOSED']],
  ];
  for (const [name, queue, want] of TABLE) it(name, () => assert.deepEqual(brief(collapseQueue(queue)), want));

  it('a burst of 50 status/assignee changes with comments between: one status, one assignment, every comment in order', () => {
    const order: AlertStatus[] = ['OPEN', 'TRIAGED', 'RESOLVED', 'CLOSED'];
    const queue: QueuedChange[] = [];
    for (let i = 0; i < 50; i++) {
      queue.push(i % 2 === 0 ? st(i * 2, order[(i / 2) % 4]!, order[(i / 2 + 1) % 4]!) : as(i * 2, `user${i}`));
      queue.push(cm(i * 2 + 1, 'comment-create', `k${i}`));
    }
    const out = collapseQueue(queue);
    assert.equal(out.filter((c) => c.kind === 'status').length, 1);
    assert.deepEqual(out.filter((c) => c.kind === 'assignee').map((c) => c.kind === 'assignee' && c.to), ['user49']);
    assert.deepEqual(out.filter((c) => c.kind === 'comment-create').map((c) => c.kind === 'comment-create' && c.commentId), Array.from({ length: 50 }, (_, i) => `k${i}`));
    const s = out.find((c) => c.kind === 'status');
    assert.deepEqual(s?.kind === 'status' && [s.from, s.to], ['OPEN', order[25 % 4]]);
  });
});
