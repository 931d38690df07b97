// Issue #10 item 5: Jira sends "from": null, "fromString": null (and to/toString) for a value
// changed from or to empty, in GET …/changelog, expand=changelog and webhook changelogs.
// Sources: the OpenAPI document's own examples for GET /rest/api/3/issue/{issueIdOrKey}/changelog
// and POST …/changelog/list (`"from":null,"fromString":"","to":null,"toString":"label-1"`), and the
// real webhook captures in test/fixtures/jira-webhooks/ (jira_issue_created-kan-22.json:
// `"from": null, "fromString": null`). A widely used Python client reads item.fromString directly
// (https://github.com/pycontribs/jira/issues/712), which fails when the key is missing.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ADA, BOT_ID, adf, startTestEmulator, WebhookReceiver, type TestEmulator } from './harness.js';

let j: TestEmulator;
let rx: WebhookReceiver;
before(async () => {
  j = await startTestEmulator();
  rx = await new WebhookReceiver().start();
  const r = await j.post('/rest/webhooks/1.0/webhook', { name: 'cl', url: rx.url, events: ['jira:issue_updated'] }, { as: ADA });
  assert.equal(r.status, 201);
});
after(async () => {
  await rx.close();
  await j.close();
});

type Item = Record<string, unknown>;
const KEYS = ['from', 'fromString', 'to', 'toString'];

function byField(items: Item[], field: string): Item {
  const it = items.find((i) => i.fieldId === field || i.field === field);
  assert.ok(it, `no item for ${field} in ${JSON.stringify(items)}`);
  for (const k of KEYS) assert.ok(Object.hasOwn(it, k), `${field}: key ${k} present`);
  return it;
}

/** [field, edit that sets it from empty, edit that empties it, expected item (set), expected item (cleared)] */
const TABLE: [string, Record<string, unknown>, Record<string, unknown>, Item, Item][] = [
  ['assignee', { assignee: { accountId: BOT_ID } }, { assignee: null },
    { from: null, fromString: null, to: BOT_ID, toString: 'alertsync integration' }, { from: BOT_ID, fromString: 'alertsync integration', to: null, toString: null }],
  ['description', { description: adf('text') }, { description: null },
    { from: null, fromString: null, to: null, toString: 'text' }, { from: null, fromString: 'text', to: null, toString: null }],
  ['priority', { priority: { id: '2' } }, { priority: null },
    { from: null, fromString: null, to: '2', toString: 'High' }, { from: '2', fromString: 'High', to: null, toString: null }],
  ['labels', { labels: ['a'] }, { labels: [] },
    { from: null, fromString: '', to: null, toString: 'a' }, { from: null, fromString: 'a', to: null, toString: '' }],
];

describe('changelog items keep explicit nulls', () => {
  for (const [field, set, clear, expSet, expClear] of TABLE) {
    it(`${field}: from/to empty is null in GET changelog, expand=changelog and the webhook`, async () => {
      const { key } = await j.createIssue();
      if (field === 'priority') await j.put(`/rest/api/3/issue/${key}`, { fields: { priority: null } });
      const before = rx.received.length;
      assert.equal((await j.put(`/rest/api/3/issue/${key}`, { fields: set })).status, 204);
      assert.equal((await j.put(`/rest/api/3/issue/${key}`, { fields: clear })).status, 204);
      const cl = await j.get(`/rest/api/3/issue/${key}/changelog`);
      const histories = cl.body.values as { items: Item[] }[];
      const [h1, h2] = histories.slice(-2) as [{ items: Item[] }, { items: Item[] }];
      for (const [got, exp] of [[byField(h1.items, field), expSet], [byField(h2.items, field), expClear]] as const) {
        for (const k of KEYS) assert.equal(got[k], exp[k], `${field} ${k}`);
      }
      const expanded = await j.get(`/rest/api/2/issue/${key}?expand=changelog&fields=summary`);
      const eh = expanded.body.changelog.histories.slice(-1)[0].items as Item[];
      for (const k of KEYS) assert.equal(byField(eh, field)[k], expClear[k]);
      await j.admin('POST', '/webhooks/idle');
      const hooks = rx.received.slice(before).map((d) => d.body.changelog?.items as Item[]).filter(Boolean);
      const last = hooks[hooks.length - 1] as Item[];
      for (const k of KEYS) assert.equal(byField(last, field)[k], expClear[k]);
    });
  }

  it('the raw JSON carries the keys (not just undefined when parsed)', async () => {
    const { key } = await j.createIssue();
    await j.put(`/rest/api/3/issue/${key}`, { fields: { assignee: { accountId: BOT_ID } } });
    const raw = (await j.get(`/rest/api/3/issue/${key}/changelog`)).text;
    assert.match(raw, /"from":null,"fromString":null,"to":"712020/);
  });
});
