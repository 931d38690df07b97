// Issue #11 "Order and bursts" and "Status" (the status comment), issue #12 (status mapped back):
// pure sync decisions, table tests.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Ajv } from 'ajv';
import { readFileSync } from 'node:fs';
import type { AlertStatus } from '../../src/alerts/alert.js';
import type { StatusMapping } from '../../src/destinations/destination.js';
import { plainCommentForJira } from '../../src/jira/format/comment.js';
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

