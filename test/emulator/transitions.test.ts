// Issue #10 item 4: transition errors and event names, following public evidence.
//  - A required transition screen field (Resolution) left out: 400 with the text in errorMessages,
//    errors empty: {"errorMessages":["Field Resolution is required."],"errors":{}}. Real answers:
//    https://github.com/checkmarx-ts/checkmarx-cxflow-github-action/issues/46
//    ("ErrorCollection{status=400, errors={}, errorMessages=[Field Resolution is required.]}") and
//    https://github.com/mozilla/jira-bugzilla-integration/issues/1055 (Jira Cloud,
//    mozilla-hub.atlassian.net: "Field Resolution is required" on a status transition).
//  - A field not on the transition screen stays a field error: errors.resolution "Field 'resolution'
//    cannot be set. It is not on the appropriate screen, or unknown."
//    (https://github.com/mozilla/jira-bugzilla-integration/pull/1258, Jira Cloud).
//  - A workflow transition, also into a done status, sends jira:issue_updated with
//    issue_event_type_name "issue_generic" on Jira Cloud: real Cloud captures
//    (test/fixtures/jira-webhooks/jira_issue_updated-status-talk-86.json; zulip/zulip
//    zerver/webhooks/jira/fixtures/change_status_v2.json from zulipp.atlassian.net). The names
//    issue_resolved / issue_closed are seen from Jira Server/Data Center classic workflows
//    (https://github.com/mattermost/mattermost-plugin-jira/issues/272, Jira Server 7.11.2) and
//    are not sent by the emulated Cloud site.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ADA, startTestEmulator, WebhookReceiver, type TestEmulator } from './harness.js';

let j: TestEmulator;
let rx: WebhookReceiver;
before(async () => {
  j = await startTestEmulator();
  rx = await new WebhookReceiver().start();
  const r = await j.post('/rest/webhooks/1.0/webhook', { name: 't', url: rx.url, events: ['jira:issue_updated'] }, { as: ADA });
  assert.equal(r.status, 201);
});
after(async () => {
  await rx.close();
  await j.close();
});

async function opsInReview(): Promise<string> {
  const { key } = await j.createIssue({ project: { key: 'OPS' } });
  for (const id of ['11', '21']) assert.equal((await j.post(`/rest/api/3/issue/${key}/transitions`, { transition: { id } })).status, 204);
  return key;
}

describe('transition errors', () => {
  const TABLE: [name: string, body: Record<string, unknown>, expected: unknown][] = [
    ['required Resolution missing', { transition: { id: '41' } }, { errorMessages: ['Field Resolution is required.'], errors: {} }],
    ['unknown resolution', { transition: { id: '41' }, fields: { resolution: { name: 'Nope' } } }, { errorMessages: [], errors: { resolution: 'Specify a valid value for resolution' } }],
    ['transition not valid from the status', { transition: { id: '51' } }, { errorMessages: ["Transition id '51' is not valid for this issue."], errors: {} }],
    ['no transition id', { fields: {} }, { errorMessages: ["Missing 'transition' identifier"], errors: {} }],
  ];
  for (const [name, body, expected] of TABLE) {
    it(`${name} → 400 ${JSON.stringify(expected)}`, async () => {
      const key = await opsInReview();
      for (const v of ['2', '3']) {
        const r = await j.post(`/rest/api/${v}/issue/${key}/transitions`, body);
        assert.equal(r.status, 400);
        assert.deepEqual(r.body, expected);
      }
      assert.equal((await j.get(`/rest/api/3/issue/${key}?fields=status`)).body.fields.status.name, 'In Review', 'nothing changed');
    });
  }

  it('resolution on a transition without a screen: a field error', async () => {
    const { key } = await j.createIssue();
    const r = await j.post(`/rest/api/3/issue/${key}/transitions`, { transition: { id: '21' }, fields: { resolution: { name: 'Done' } } });
    assert.deepEqual(r.body, { errorMessages: [], errors: { resolution: "Field 'resolution' cannot be set. It is not on the appropriate screen, or unknown." } });
  });
});

describe('event names of transitions', () => {
  const CASES: [name: string, project: string, path: string[], last: { to: string; resolution: string | null }][] = [
    ['SEC into Done (global transition, resolution set to Done)', 'SEC', ['31'], { to: 'Done', resolution: 'Done' }],
    ['SEC into In Progress', 'SEC', ['21'], { to: 'In Progress', resolution: null }],
    ['OPS Close (done, Resolution from the screen)', 'OPS', ['11', '21', '41'], { to: 'Closed', resolution: "Won't Do" }],
  ];
  for (const [name, project, path, last] of CASES) {
    it(`${name}: jira:issue_updated / issue_generic with status (and resolution) items`, async () => {
      const { key } = await j.createIssue({ project: { key: project } });
      await j.admin('POST', '/webhooks/idle');
      const before = rx.received.length;
      for (const id of path) {
        const body = id === '41' ? { transition: { id }, fields: { resolution: { name: "Won't Do" } } } : { transition: { id } };
        assert.equal((await j.post(`/rest/api/3/issue/${key}/transitions`, body)).status, 204);
      }
      await j.admin('POST', '/webhooks/idle');
      const mine = rx.received.slice(before).map((d) => d.body).filter((b) => b.issue.key === key);
      assert.equal(mine.length, path.length);
      for (const b of mine) {
        assert.equal(b.webhookEvent, 'jira:issue_updated');
        assert.equal(b.issue_event_type_name, 'issue_generic');
      }
      const items = mine[mine.length - 1].changelog.items as { field: string; toString: string | null }[];
      assert.equal(items.find((i) => i.field === 'status')?.toString, last.to);
      const res = items.find((i) => i.field === 'resolution');
      if (last.resolution === null) assert.equal(res, undefined);
      else assert.equal(res?.toString, last.resolution);
    });
  }
});
