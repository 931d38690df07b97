// The key-path helper, checked on the real Jira Cloud webhook payloads of test/fixtures/jira-webhooks:
// every fixture carries every key path listed for its event, with the listed JSON type, and the helper
// reports the mismatches it is there to catch.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { checkKeyPathTypes, compareKeyPaths, resolvePath } from './key-paths.js';

const DIR = new URL('../fixtures/jira-webhooks/', import.meta.url);

interface Fixture {
  source: string;
  notes: string;
  payload: Record<string, unknown>;
}

const spec = JSON.parse(readFileSync(new URL('key-paths.json', DIR), 'utf8')) as {
  events: Record<string, Record<string, string>>;
};
const files = readdirSync(DIR)
  .filter((f) => f.endsWith('.json') && f !== 'key-paths.json')
  .sort();
const fixtures = new Map(files.map((f) => [f, JSON.parse(readFileSync(new URL(f, DIR), 'utf8')) as Fixture]));

function fixture(name: string): Fixture {
  const f = fixtures.get(name);
  assert.ok(f, `fixture ${name}`);
  return f;
}

function clone<T>(v: T): T {
  return structuredClone(v);
}

test('there is a real payload for every event the integration handles', () => {
  const events = [...fixtures.values()].map((f) => f.payload.webhookEvent).sort();
  assert.deepEqual([...new Set(events)], [
    'comment_created',
    'comment_deleted',
    'comment_updated',
    'jira:issue_created',
    'jira:issue_deleted',
    'jira:issue_updated',
  ]);
  assert.deepEqual(Object.keys(spec.events).sort(), [
    'comment_created',
    'comment_deleted',
    'comment_updated',
    'jira:issue_created',
    'jira:issue_deleted',
    'jira:issue_updated',
  ]);
});

test('every fixture names its source and is listed in the README', () => {
  const readme = readFileSync(new URL('README.md', DIR), 'utf8');
  for (const [name, f] of fixtures) {
    assert.match(f.source, /^[\w.-]+\/[\w.-]+:[^@]+@[0-9a-f]{40}$/, `${name}: source is owner/repo:path@commit`);
    assert.equal(typeof f.notes, 'string');
    assert.ok(readme.includes(name), `README lists ${name}`);
    assert.ok(readme.includes(f.source), `README gives the source of ${name}`);
  }
});

for (const name of files) {
  test(`${name} has every key path of its event, with the listed type`, () => {
    const f = fixture(name);
    const paths = spec.events[String(f.payload.webhookEvent)];
    assert.ok(paths, `key paths for ${String(f.payload.webhookEvent)}`);
    assert.deepEqual(checkKeyPathTypes(f.payload, paths), []);
    assert.deepEqual(compareKeyPaths(f.payload, f.payload, Object.keys(paths)), []);
  });
}

test('the status transition fixture reads as an integration expects', () => {
  const p = fixture('jira_issue_updated-status-talk-86.json').payload;
  assert.deepEqual(resolvePath(p, 'changelog.items[].fieldId'), { present: true, values: ['status'] });
  assert.deepEqual(resolvePath(p, 'changelog.items[].to'), { present: true, values: ['10025'] });
  assert.deepEqual(resolvePath(p, 'issue.key'), { present: true, values: ['TALK-86'] });
});

test('an unassigned issue resolves assignee.accountId to null, not missing', () => {
  const p = fixture('jira_issue_updated-unassigned-crm-8.json').payload;
  assert.deepEqual(resolvePath(p, 'issue.fields.assignee.accountId'), { present: true, values: [null] });
  assert.deepEqual(resolvePath(p, 'issue.fields.nope.accountId'), { present: false, values: [] });
});

const UPDATED_PATHS = Object.keys(spec.events['jira:issue_updated'] ?? {});

test('compareKeyPaths reports a path missing in ours', () => {
  const real = fixture('jira_issue_updated-status-talk-86.json').payload;
  const ours = clone(real) as { issue: { fields: { status: { statusCategory: Record<string, unknown> } } } };
  delete ours.issue.fields.status.statusCategory.key;
  assert.deepEqual(compareKeyPaths(real, ours, UPDATED_PATHS), ['missing in ours: issue.fields.status.statusCategory.key']);
});

test('compareKeyPaths reports a different JSON type, also inside array elements', () => {
  const real = fixture('jira_issue_updated-status-talk-86.json').payload;
  const ours = clone(real) as { timestamp: unknown; changelog: { items: Record<string, unknown>[] } };
  ours.timestamp = String(ours.timestamp);
  const item = ours.changelog.items[0];
  assert.ok(item);
  item.to = 10025;
  assert.deepEqual(compareKeyPaths(real, ours, UPDATED_PATHS), [
    'type differs at timestamp: real number, ours string',
    'type differs at changelog.items[].to: real string, ours number',
  ]);
});

test('compareKeyPaths reports an empty changelog where the real one has items', () => {
  const real = fixture('jira_issue_updated-assignee-crm-13.json').payload;
  const ours = clone(real) as { changelog: { items: unknown[] } };
  ours.changelog.items = [];
  assert.deepEqual(compareKeyPaths(real, ours, ['changelog.items', 'changelog.items[].fieldId']), [
    'missing in ours: changelog.items[].fieldId',
  ]);
});

test('compareKeyPaths accepts an assignee change compared with a status change (same shape)', () => {
  const a = fixture('jira_issue_updated-status-talk-86.json').payload;
  const b = fixture('jira_issue_updated-assignee-crm-13.json').payload;
  assert.deepEqual(compareKeyPaths(a, b, UPDATED_PATHS), []);
});

test('comment events: ours without updateAuthor, or with an ADF body object, is caught', () => {
  const real = fixture('comment_created-talk-132.json').payload;
  const ours = clone(real) as { comment: Record<string, unknown> };
  delete ours.comment.updateAuthor;
  ours.comment.body = { type: 'doc', version: 1, content: [] };
  assert.deepEqual(compareKeyPaths(real, ours, Object.keys(spec.events.comment_created ?? {})), [
    'type differs at comment.body: real string, ours object',
    'missing in ours: comment.updateAuthor.accountId',
  ]);
});

test('checkKeyPathTypes reports missing paths and wrong types', () => {
  const p = clone(fixture('jira_issue_deleted-task-23.json').payload) as { issue: { fields: Record<string, unknown> } };
  delete p.issue.fields.labels;
  p.issue.fields.updated = 1580287330538;
  const problems = checkKeyPathTypes(p, spec.events['jira:issue_deleted'] ?? {});
  assert.deepEqual(problems, [
    'missing: issue.fields.labels',
    'missing: issue.fields.labels[]',
    'type at issue.fields.updated: expected string, found number',
  ]);
});
