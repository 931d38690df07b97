// POST /webhooks/jira/{destinationId} over real HTTP with real HMAC signatures, on SQLite and on
// PostgreSQL: credentials (signature, bearer, previous secret in and past its grace, a signature of
// another body), 404/400/413, nothing stored for a refused delivery, dedup by delivery id and by body,
// ignored events with their reason, and 503 when the inbox cannot be written.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { forEachDb, startTestService, type TestService } from '../support/service.js';
import { signBody } from '../../src/security/webhook-auth.js';

const mapping = { OPEN: 'To Do', TRIAGED: 'In Progress', RESOLVED: 'Done', CLOSED: 'Closed' };
const base = { domain: 'https://acme.atlassian.net', issueType: 'Bug', projectKey: 'SEC', email: 'bot@example.com', apiToken: 'atl-token-AAAA-1111', statusMapping: mapping };

/** A jira:issue_updated body as Jira Cloud sends it (v2 issue, user without email, changelog with nulls). */
function statusChange(issueId: string, issueKey: string, changelogId: string, to = 'Done') {
  return {
    timestamp: 1764320000000,
    webhookEvent: 'jira:issue_updated',
    issue_event_type_name: 'issue_generic',
    user: { accountId: '5b10ac8d82e05b22cc7d4ef5', displayName: 'Mia Krystof', active: true, accountType: 'atlassian' },
    issue: { id: issueId, self: `https://acme.atlassian.net/rest/api/2/${issueId}`, key: issueKey, fields: { summary: 'Root login', status: { name: to, id: '10002' }, updated: '2026-11-28T09:00:00.000+0000' } },
    changelog: { id: changelogId, items: [{ field: 'status', fieldtype: 'jira', fieldId: 'status', from: '10000', fromString: 'To Do', to: '10002', toString: to }, { field: 'resolution', fieldtype: 'jira', fieldId: 'resolution', from: null, fromString: null, to: '10000', toString: 'Done' }] },
  };
}

forEachDb('Jira webhook receiver', (db) => {
  let svc: TestService;
  let id: string;
  let secret: string;
  let oneWayId: string;
  let oneWaySecret: string;
  const q = () => svc.service.storage.db as any;

  async function post(destId: string, body: string, headers: Record<string, string>) {
    const res = await fetch(`${svc.url}/webhooks/jira/${destId}`, { method: 'POST', headers: { 'content-type': 'application/json; charset=utf-8', ...headers }, body });
    return { status: res.status, body: (await res.json().catch(() => null)) as any };
  }
  const signed = (s: string, body: string, extra: Record<string, string> = {}) => ({ 'x-hub-signature': signBody(s, body), ...extra });
  const rows = async (destId = id) => (await svc.service.inbox.list(destId)).map((e) => ({ deliveryId: e.deliveryId, state: e.state, reason: e.reason, auth: e.auth, issueKey: e.issueKey }));

  before(async () => {
    svc = await startTestService(db, { ALERTSYNC_WORKER_DISABLED: '1', ALERTSYNC_WEBHOOK_SECRET_GRACE_MS: '600000', ALERTSYNC_WEBHOOK_MAX_BODY_BYTES: '4096' });
    const c = await svc.api('POST', '/api/destinations', { ...base, name: 'Two-way', sync: { status: 'two_way', assignee: 'one_way', comments: 'off' } });
    assert.equal(c.status, 201, c.text);
    id = c.body.destination.id;
    secret = c.body.webhook.secret;
    const c2 = await svc.api('POST', '/api/destinations', { ...base, name: 'No webhook', domain: 'https://other.atlassian.net', sync: { status: 'one_way' } });
    oneWayId = c2.body.destination.id;
    oneWaySecret = 'not-a-secret-of-this-destination';
    const a = await svc.api('POST', '/api/alerts', { title: 'Root login', severity: 'HIGH', type: 'RULE' });
    assert.equal(a.status, 201, a.text);
    await q().insertInto('alert_links').values({ alert_id: a.body.id, destination_id: id, issue_id: '10042', issue_key: 'SEC-42', issue_url: 'https://acme.atlassian.net/browse/SEC-42', created_at: 1, updated_at: 1 }).execute();
  });
  after(async () => svc?.close());

  test('refused deliveries answer 401/404/400/413 and store nothing', async () => {
    const body = JSON.stringify(statusChange('10042', 'SEC-42', '1'));
    const other = JSON.stringify(statusChange('10042', 'SEC-42', '2'));
    const cases: [string, string, string, Record<string, string>, number][] = [
      ['unsigned', id, body, {}, 401],
      ['wrong secret', id, body, signed('wrong-secret', body), 401],
      ['signature of another body (replayed)', id, body, { 'x-hub-signature': signBody(secret, other) }, 401],
      ['malformed signature header', id, body, { 'x-hub-signature': 'sha1=abcd' }, 401],
      ['wrong bearer token', id, body, { authorization: 'Bearer nope' }, 401],
      ['destination without two-way sync', oneWayId, body, signed(oneWaySecret, body), 401],
      ['unknown destination', 'dst_doesnotexist', body, signed(secret, body), 404],
      // Credentials are checked before the body is parsed: a malformed or deeply nested body from an unknown sender is a 401, not a 400.
      ['malformed JSON, unsigned', id, '{"webhookEvent": ', {}, 401],
      ['deeply nested JSON, wrongly signed', id, '['.repeat(100) + ']'.repeat(100), signed('wrong-secret', '['.repeat(100) + ']'.repeat(100)), 401],
      ['unknown destination with a malformed body', 'dst_doesnotexist', '{', {}, 404],
      ['malformed JSON, validly signed', id, '{"webhookEvent": ', signed(secret, '{"webhookEvent": '), 400],
      ['deeply nested JSON, validly signed', id, '['.repeat(100) + ']'.repeat(100), signed(secret, '['.repeat(100) + ']'.repeat(100)), 400],
      ['oversized body', id, JSON.stringify({ pad: 'x'.repeat(5000) }), signed(secret, JSON.stringify({ pad: 'x'.repeat(5000) })), 413],
    ];
    for (const [name, dest, b, h, want] of cases) {
      const r = await post(dest, b, h);
      assert.equal(r.status, want, `${name}: ${JSON.stringify(r.body)}`);
      assert.ok(!JSON.stringify(r.body).includes(secret), `${name}: no secret in the answer`);
    }
    assert.deepEqual(await rows(), []);
    assert.deepEqual(await rows(oneWayId), []);
  });

  test('a signed delivery is stored and answered 202; the same delivery id or the same body again is a duplicate', async () => {
    const body = JSON.stringify(statusChange('10042', 'SEC-42', '10'));
    const r = await post(id, body, signed(secret, body, { 'x-atlassian-webhook-identifier': 'd-1' }));
    assert.equal(r.status, 202, JSON.stringify(r.body));
    assert.equal(r.body.status, 'accepted');
    const retry = await post(id, body, signed(secret, body, { 'x-atlassian-webhook-identifier': 'd-1', 'x-atlassian-webhook-retry': '1' }));
    assert.deepEqual([retry.status, retry.body.status], [200, 'duplicate']);
    const sameBodyOtherId = await post(id, body, signed(secret, body, { 'x-atlassian-webhook-identifier': 'd-2' }));
    assert.deepEqual([sameBodyOtherId.status, sameBodyOtherId.body.status], [200, 'duplicate']);
    const other = JSON.stringify(statusChange('10042', 'SEC-42', '11', 'In Progress'));
    const sameIdOtherBody = await post(id, other, signed(secret, other, { 'x-atlassian-webhook-identifier': 'd-1' }));
    assert.deepEqual([sameIdOtherBody.status, sameIdOtherBody.body.status], [200, 'duplicate']);
    assert.deepEqual(await rows(), [{ deliveryId: 'd-1', state: 'pending', reason: null, auth: 'signature', issueKey: 'SEC-42' }]);
  });

  test('a bearer token (automation rule) is accepted; the previous secret works in its grace and not after', async () => {
    const b1 = JSON.stringify(statusChange('10042', 'SEC-42', '20'));
    const r1 = await post(id, b1, { authorization: `Bearer ${secret}` });
    assert.equal(r1.status, 202, JSON.stringify(r1.body));
    const rot = await svc.api('POST', `/api/destinations/${id}/webhook-secret/rotate`);
    assert.equal(rot.status, 200, rot.text);
    const next = rot.body.webhook.secret as string;
    const b2 = JSON.stringify(statusChange('10042', 'SEC-42', '21'));
    assert.equal((await post(id, b2, signed(secret, b2))).status, 202, 'previous secret within its grace');
    const b3 = JSON.stringify(statusChange('10042', 'SEC-42', '22'));
    assert.equal((await post(id, b3, signed(next, b3))).status, 202, 'new secret');
    // The grace period ends (its end moved to the past, as the clock would).
    await q().updateTable('destinations').set({ webhook_secret_prev_until: 1 }).where('id', '=', id).execute();
    const b4 = JSON.stringify(statusChange('10042', 'SEC-42', '23'));
    assert.equal((await post(id, b4, signed(secret, b4))).status, 401, 'previous secret past its grace');
    assert.equal((await post(id, b4, { authorization: `Bearer ${secret}` })).status, 401, 'previous secret as a bearer past its grace');
    const stored = await rows();
    assert.deepEqual(stored.slice(1).map((s) => s.auth), ['bearer', 'signature', 'signature']);
    secret = next;
  });

  test('events for issues alertsync did not create, or for aspects not two-way, are acknowledged and stored as ignored', async () => {
    const before = (await rows()).length;
    const foreign = JSON.stringify(statusChange('99999', 'SEC-999', '30'));
    const r1 = await post(id, foreign, signed(secret, foreign));
    assert.deepEqual([r1.status, r1.body.status], [202, 'ignored']);
    const assignee = JSON.stringify({ ...statusChange('10042', 'SEC-42', '31'), changelog: { id: '31', items: [{ field: 'assignee', fieldtype: 'jira', fieldId: 'assignee', from: null, fromString: null, to: '5b10', toString: 'Mia' }] } });
    const r2 = await post(id, assignee, signed(secret, assignee));
    assert.deepEqual([r2.status, r2.body.status], [202, 'ignored']);
    const comment = JSON.stringify({ timestamp: 1, webhookEvent: 'comment_created', comment: { id: '100', body: 'hi', author: { accountId: 'x', displayName: 'X' } }, issue: { id: '10042', key: 'SEC-42', fields: {} } });
    const r3 = await post(id, comment, signed(secret, comment));
    assert.deepEqual([r3.status, r3.body.status], [202, 'ignored']);
    assert.deepEqual((await rows()).slice(before).map((s) => [s.state, s.reason]), [
      ['ignored', 'issue SEC-999 was not created by alertsync for this destination'],
      ['ignored', 'assignee is not synced two-way on this destination'],
      ['ignored', 'comments is not synced two-way on this destination'],
    ]);
  });

  test('a storage failure answers 503 (so Jira retries) and a later retry is stored', async () => {
    if (db === 'sqlite') {
      await sql`create trigger inbox_fails before insert on jira_webhook_inbox begin select raise(abort, 'disk I/O error'); end`.execute(q());
    } else {
      await sql`create function inbox_fails() returns trigger language plpgsql as $$ begin raise exception 'disk full'; end $$`.execute(q());
      await sql`create trigger inbox_fails before insert on jira_webhook_inbox for each row execute function inbox_fails()`.execute(q());
    }
    const body = JSON.stringify(statusChange('10042', 'SEC-42', '40'));
    const h = signed(secret, body, { 'x-atlassian-webhook-identifier': 'd-503' });
    const r = await post(id, body, h);
    assert.equal(r.status, 503, JSON.stringify(r.body));
    assert.ok(!(await rows()).some((s) => s.deliveryId === 'd-503'));
    await sql`drop trigger inbox_fails${sql.raw(db === 'postgres' ? ' on jira_webhook_inbox' : '')}`.execute(q());
    const again = await post(id, body, h);
    assert.equal(again.status, 202, JSON.stringify(again.body));
    assert.ok((await rows()).some((s) => s.deliveryId === 'd-503' && s.state === 'pending'));
  });
});
