// The emulator's webhook payloads against real Jira Cloud payloads (test/fixtures/jira-webhooks,
// verbatim, each naming its source): for every fixture the same kind of change is made on the
// emulator, and its delivery is compared key path by key path (key-paths.json: the fields an
// integration reads), plus the exact key sets of the user, comment and reduced-issue objects and
// the changelog items of the change.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { checkKeyPathTypes, compareKeyPaths } from '../support/key-paths.js';
import { ADA, HUGO, HUGO_ID, adf, startTestEmulator, WebhookReceiver, type TestEmulator } from './harness.js';

const DIR = new URL('../fixtures/jira-webhooks/', import.meta.url);
const keyPaths = JSON.parse(readFileSync(new URL('key-paths.json', DIR), 'utf8')) as { events: Record<string, Record<string, string>> };
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Payload = any;
const fixtures = readdirSync(DIR)
  .filter((f) => f.endsWith('.json') && f !== 'key-paths.json')
  .map((file) => ({ file, ...(JSON.parse(readFileSync(new URL(file, DIR), 'utf8')) as { source: string; payload: Payload }) }));

let j: TestEmulator;
let rx: WebhookReceiver;
before(async () => {
  j = await startTestEmulator();
  rx = await new WebhookReceiver().start();
});
after(async () => {
  await rx.close();
  await j.close();
});

/** Makes the change the fixture records and returns the emulator's matching delivery. */
async function produce(real: Payload): Promise<Payload> {
  await j.admin('POST', '/reset');
  rx.received.length = 0;
  const event = real.webhookEvent as string;
  const type = real.issue_event_type_name as string | undefined;
  // the twin is assigned when the real issue is (or was, for an unassign)
  const assigned = real.issue?.fields?.assignee !== null || type === 'issue_assigned';
  const { key } = await j.createIssue({ summary: 'Fixture twin', description: adf('first description'), labels: ['alertsync'], ...(assigned ? { assignee: { accountId: HUGO_ID } } : {}) });
  let commentId = '';
  if (event.startsWith('comment_')) commentId = (await j.post(`/rest/api/3/issue/${key}/comment`, { body: adf('a *comment*') }, { as: HUGO })).body.id as string;
  const reg = await j.post('/rest/webhooks/1.0/webhook', { name: 'fixtures', url: rx.url, events: [event] }, { as: ADA });
  assert.equal(reg.status, 201);
  if (event === 'jira:issue_created') {
    await j.createIssue({ summary: 'Created twin', description: adf('a description'), labels: ['x'], assignee: { accountId: HUGO_ID } }, { as: HUGO });
  } else if (event === 'jira:issue_deleted') {
    await j.delete(`/rest/api/3/issue/${key}`, { as: ADA });
  } else if (event === 'comment_created') {
    await j.post(`/rest/api/3/issue/${key}/comment`, { body: adf('another comment') }, { as: HUGO });
  } else if (event === 'comment_updated') {
    await j.put(`/rest/api/3/issue/${key}/comment/${commentId}`, { body: adf('edited') }, { as: HUGO });
  } else if (event === 'comment_deleted') {
    await j.delete(`/rest/api/3/issue/${key}/comment/${commentId}`, { as: HUGO });
  } else if (type === 'issue_generic') {
    await j.post(`/rest/api/3/issue/${key}/transitions`, { transition: { id: '21' } }, { as: HUGO });
  } else if (type === 'issue_assigned') {
    const to = real.issue.fields.assignee === null ? null : '5b10ac8d82e05b22cc7d4ef5';
    await j.put(`/rest/api/3/issue/${key}/assignee`, { accountId: to }, { as: HUGO });
  } else if (type === 'issue_updated') {
    await j.put(`/rest/api/3/issue/${key}`, { fields: { description: adf('new description') } }, { as: HUGO });
  } else throw new Error(`no scenario for ${event} ${type ?? ''}`);
  await j.admin('POST', '/webhooks/idle');
  assert.equal(rx.received.length, 1, `one ${event} delivery`);
  return rx.received[0]!.body;
}

const keys = (o: unknown) => Object.keys((o ?? {}) as object).sort();

describe('webhook payloads match real Jira Cloud payloads', () => {
  it('the fixtures are there, each naming its source', () => {
    assert.ok(fixtures.length >= 6);
    for (const f of fixtures) assert.ok(typeof f.source === 'string' && f.source.length > 5, f.file);
  });

  for (const f of fixtures) {
    it(`${f.file} (${f.payload.webhookEvent as string}${f.payload.issue_event_type_name ? ` / ${f.payload.issue_event_type_name as string}` : ''})`, async () => {
      const real = f.payload;
      const ours = await produce(real);
      const spec = keyPaths.events[real.webhookEvent as string];
      assert.ok(spec, `key paths for ${real.webhookEvent as string}`);
      assert.deepEqual(compareKeyPaths(real, ours, Object.keys(spec)), [], 'key paths present in the real payload, same JSON types');
      assert.deepEqual(checkKeyPathTypes(ours, spec), [], 'types from key-paths.json');
      // top-level shape: same keys (the 2019-2021 payloads may lack newer keys, never the other way)
      for (const k of keys(real)) assert.ok(k in ours, `top-level ${k}`);
      assert.equal('user' in ours, 'user' in real, 'user present iff in the real payload');
      assert.equal('issue_event_type_name' in ours, 'issue_event_type_name' in real, 'issue_event_type_name present iff in the real payload');
      if (real.user) {
        assert.equal(ours.user.emailAddress, undefined);
        for (const k of keys(real.user)) if (k !== 'name' && k !== 'key' && k !== 'emailAddress') assert.ok(k in ours.user, `user.${k}`);
      }
      assert.match(ours.issue.self, /\/rest\/api\/2\/\d+$/);
      if (real.comment) {
        assert.deepEqual(keys(ours.comment).filter((k) => k !== 'visibility'), keys(real.comment).filter((k) => k !== 'visibility' && k !== 'properties'));
        assert.equal(typeof ours.comment.body, 'string');
        assert.deepEqual(keys(ours.issue.fields), keys(real.issue.fields));
      }
      if (real.changelog?.items?.length) {
        const realFields = real.changelog.items.map((i: { fieldId?: string }) => i.fieldId).sort();
        const ourFields = ours.changelog.items.map((i: { fieldId?: string }) => i.fieldId).sort();
        if (real.webhookEvent === 'jira:issue_created') assert.ok(realFields.every((x: string) => ourFields.includes(x)), `${ourFields} ⊇ ${realFields}`);
        else assert.deepEqual(ourFields, realFields);
        for (const item of real.changelog.items) {
          const twin = ours.changelog.items.find((i: { fieldId?: string }) => i.fieldId === item.fieldId);
          assert.deepEqual(keys(twin), keys(item), `changelog item keys for ${item.fieldId as string}`);
          assert.equal(twin.field, item.field, `changelog field name for ${item.fieldId as string}`);
        }
      }
      if (typeof real.issue?.fields?.description === 'string') assert.equal(typeof ours.issue.fields.description, 'string');
    });
  }
});
