// Issue #10 item 1: every ADF body the emulator receives through REST v3 (description and
// environment on create and edit, comment create/edit, the comment of a transition) is validated
// against Atlassian's own ADF JSON schema (`@atlaskit/adf-schema`, json-schema/v1/full.json).
// Sources:
//  - the schema: https://unpkg.com/@atlaskit/adf-schema/dist/json-schema/v1/full.json (the copy in
//    src/jira/emulator/adf/ is compared with the installed package below);
//  - Jira's answer to a refused document, 400 {"errorMessages":["INVALID_INPUT"],"errors":{}}:
//    public reports of real POST /rest/api/3/issue answers,
//    https://github.com/nguyenvanduocit/jira-mcp/issues/42 (create issue) and
//    https://github.com/RHEcosystemAppEng/sdlc-plugins/pull/206 (taskItem without localId refused on
//    create issue and add comment with INVALID_INPUT);
//  - a value that is not an object at all keeps Jira's field error "Operation value must be an
//    Atlassian Document" (docs/emulator.md, jira-rest-notes.md §3).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { checkAdf } from '../../src/jira/emulator/adf/validate.js';
import { adf, startTestEmulator, type TestEmulator } from './harness.js';

const doc = (...content: unknown[]) => ({ type: 'doc', version: 1, content });
const para = (...content: unknown[]) => ({ type: 'paragraph', content });
const text = (t: string, marks?: unknown[]) => (marks ? { type: 'text', text: t, marks } : { type: 'text', text: t });

/** [name, document, accepted by Jira] — each row follows the ADF schema (D-ADF structure page). */
const TABLE: [string, unknown, boolean][] = [
  ['one paragraph', adf('hello'), true],
  ['empty document (clears the field)', doc(), true],
  ['heading, bullet list, code block, rule', doc(
    { type: 'heading', attrs: { level: 2 }, content: [text('Alert')] },
    { type: 'bulletList', content: [{ type: 'listItem', content: [para(text('a'))] }] },
    { type: 'codeBlock', attrs: { language: 'json' }, content: [text('{"a":1}')] },
    { type: 'rule' },
  ), true],
  ['link and strong marks', doc(para(text('see '), text('runbook', [{ type: 'link', attrs: { href: 'https://example.com/rb' } }, { type: 'strong' }]))), true],
  ['table with header and cell', doc({ type: 'table', content: [{ type: 'tableRow', content: [
    { type: 'tableHeader', content: [para(text('k'))] }, { type: 'tableCell', content: [para(text('v'))] },
  ] }] }), true],
  ['text directly under the document root', doc(text('bare')), false],
  ['unknown node type', doc({ type: 'marquee', content: [text('x')] }), false],
  ['empty text node', doc(para(text(''))), false],
  ['unknown mark', doc(para(text('x', [{ type: 'blink' }]))), false],
  ['link mark without href', doc(para(text('x', [{ type: 'link', attrs: {} }]))), false],
  ['heading level 7', doc({ type: 'heading', attrs: { level: 7 }, content: [text('x')] }), false],
  ['taskItem without localId', doc({ type: 'taskList', content: [{ type: 'taskItem', content: [text('x')] }] }), false],
  ['listItem outside a list', doc({ type: 'listItem', content: [para(text('x'))] }), false],
  ['version 2', { type: 'doc', version: 2, content: [para(text('x'))] }, false],
  ['not a doc', { type: 'paragraph', content: [text('x')] }, false],
  ['content missing', { type: 'doc', version: 1 }, false],
];

describe('ADF schema (pure check)', () => {
  for (const [name, value, ok] of TABLE) {
    it(`${ok ? 'accepts' : 'refuses'}: ${name}`, () => assert.equal(checkAdf(value).valid, ok, checkAdf(value).error));
  }

  it('the copy in src/jira/emulator/adf is the installed @atlaskit/adf-schema full.json', () => {
    const copy = readFileSync(new URL('../../src/jira/emulator/adf/adf-schema-v1-full.json', import.meta.url), 'utf8');
    const pkg = readFileSync(new URL('../../node_modules/@atlaskit/adf-schema/json-schema/v1/full.json', import.meta.url), 'utf8');
    assert.equal(copy, pkg, 'update src/jira/emulator/adf/adf-schema-v1-full.json (and its version in docs/emulator.md)');
  });

  it('the schema uses no keyword whose meaning differs between draft-04 and Ajv\'s default draft', () => {
    const keys = new Set<string>();
    const walk = (n: unknown, inMap = false): void => {
      if (Array.isArray(n)) return n.forEach((x) => walk(x));
      if (typeof n !== 'object' || n === null) return;
      for (const [k, v] of Object.entries(n)) {
        if (!inMap) keys.add(k);
        walk(v, !inMap && (k === 'properties' || k === 'definitions'));
      }
    };
    walk(JSON.parse(readFileSync(new URL('../../src/jira/emulator/adf/adf-schema-v1-full.json', import.meta.url), 'utf8')));
    for (const k of ['id', 'exclusiveMinimum', 'exclusiveMaximum', 'dependencies', 'divisibleBy', 'disallow', 'extends']) assert.ok(!keys.has(k), k);
  });
});

let j: TestEmulator;
before(async () => {
  j = await startTestEmulator();
});
after(() => j.close());

const INVALID_INPUT = { errorMessages: ['INVALID_INPUT'], errors: {} };
const BAD = doc(text('bare text under the root'));
const base = { project: { key: 'SEC' }, issuetype: { name: 'Task' }, summary: 'adf' };

describe('ADF validation over REST v3', () => {
  it('create: an invalid description is refused with INVALID_INPUT and nothing is stored', async () => {
    const n = j.emu.emulator.store.issues.size;
    for (const [, value, ok] of TABLE) {
      if (ok) continue;
      const r = await j.post('/rest/api/3/issue', { fields: { ...base, description: value } });
      assert.equal(r.status, 400, JSON.stringify(value));
      assert.deepEqual(r.body, INVALID_INPUT);
    }
    assert.equal(j.emu.emulator.store.issues.size, n);
  });

  it('create: every valid document of the table is accepted and read back unchanged', async () => {
    for (const [name, value, ok] of TABLE) {
      if (!ok) continue;
      const r = await j.post('/rest/api/3/issue', { fields: { ...base, description: value } });
      assert.equal(r.status, 201, `${name}: ${r.text}`);
      const got = await j.get(`/rest/api/3/issue/${r.body.key}?fields=description`);
      assert.deepEqual(got.body.fields.description, (value as { content: unknown[] }).content.length === 0 ? null : value, name);
    }
  });

  it('create and edit: environment is a rich-text field, validated too', async () => {
    const bad = await j.post('/rest/api/3/issue', { fields: { ...base, environment: BAD } });
    assert.deepEqual([bad.status, bad.body], [400, INVALID_INPUT]);
    const { key } = await j.createIssue({ environment: adf('prod eu-1') });
    assert.deepEqual((await j.get(`/rest/api/3/issue/${key}?fields=environment`)).body.fields.environment, adf('prod eu-1'));
    assert.equal((await j.get(`/rest/api/2/issue/${key}?fields=environment`)).body.fields.environment, 'prod eu-1');
    const edit = await j.put(`/rest/api/3/issue/${key}`, { fields: { environment: BAD } });
    assert.deepEqual([edit.status, edit.body], [400, INVALID_INPUT]);
  });

  it('edit: an invalid description (fields or update set) is refused and the issue is unchanged', async () => {
    const { key } = await j.createIssue({ description: adf('before') });
    for (const body of [{ fields: { description: BAD } }, { update: { description: [{ set: BAD }] } }]) {
      const r = await j.put(`/rest/api/3/issue/${key}`, body);
      assert.deepEqual([r.status, r.body], [400, INVALID_INPUT]);
    }
    assert.deepEqual((await j.get(`/rest/api/3/issue/${key}?fields=description`)).body.fields.description, adf('before'));
  });

  it('comments: create and edit refuse an invalid body; a transition comment too', async () => {
    const { key } = await j.createIssue();
    const c = await j.post(`/rest/api/3/issue/${key}/comment`, { body: BAD });
    assert.deepEqual([c.status, c.body], [400, INVALID_INPUT]);
    const ok = await j.post(`/rest/api/3/issue/${key}/comment`, { body: adf('fine') });
    assert.equal(ok.status, 201);
    const e = await j.put(`/rest/api/3/issue/${key}/comment/${ok.body.id}`, { body: doc({ type: 'nope' }) });
    assert.deepEqual([e.status, e.body], [400, INVALID_INPUT]);
    const t = await j.post(`/rest/api/3/issue/${key}/transitions`, { transition: { id: '21' }, update: { comment: [{ add: { body: BAD } }] } });
    assert.deepEqual([t.status, t.body], [400, INVALID_INPUT]);
    const issue = await j.get(`/rest/api/3/issue/${key}?fields=status,comment`);
    assert.equal(issue.body.fields.status.name, 'To Do', 'the refused transition did not happen');
    assert.equal(issue.body.fields.comment.total, 1);
  });

  it('a value that is not an object keeps the field error (not INVALID_INPUT)', async () => {
    const r = await j.post('/rest/api/3/issue', { fields: { ...base, description: 'plain' } });
    assert.deepEqual(r.body, { errorMessages: [], errors: { description: 'Operation value must be an Atlassian Document (see the Atlassian Document Format)' } });
  });

  it('v2 takes wiki markup strings (no ADF validation applies)', async () => {
    const r = await j.post('/rest/api/2/issue', { fields: { ...base, description: '*bold* and {code}x{code}' } });
    assert.equal(r.status, 201);
  });
});
