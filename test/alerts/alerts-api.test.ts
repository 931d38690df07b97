import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { forEachDb, startTestService, type TestService } from '../support/service.js';
import { inviteToken, login, withSession } from '../support/console.js';

const base = { title: 'Brute force on sshd', severity: 'HIGH', type: 'RULE' };

forEachDb('alerts API', (db) => {
  let svc: TestService;
  before(async () => {
    svc = await startTestService(db);
  });
  after(async () => svc.close());

  test('creates an alert with every field and reads it back with its history', async () => {
    const input = {
      ...base,
      description: 'Many failed logins',
      logTypes: ['AWS.CloudTrail', 'Okta.SystemLog'],
      ruleId: 'ssh.brute',
      runbook: 'https://runbooks.example/ssh',
      context: { ip: '203.0.113.9', attempts: 42, nested: { ok: true } },
      tags: ['ssh', 'auth'],
    };
    const created = await svc.api('POST', '/api/alerts', input);
    assert.equal(created.status, 201);
    assert.match(created.body.id, /^alr_/);
    assert.equal(created.body.status, 'OPEN');
    assert.deepEqual(created.body.logTypes, input.logTypes);
    assert.deepEqual(created.body.context, input.context);
    const got = await svc.api('GET', `/api/alerts/${created.body.id}`);
    assert.equal(got.status, 200);
    assert.equal(got.body.alert.title, input.title);
    assert.equal(got.body.alert.runbook, input.runbook);
    assert.equal(got.body.history.length, 1);
    assert.equal(got.body.history[0].kind, 'created');
    assert.equal(got.body.history[0].origin, 'api');
    assert.equal(got.body.history[0].actor.type, 'user');
  });

  test('a dedup key counts occurrences on the open alert, and a closed one lets a new alert open', async () => {
    const a = await svc.api('POST', '/api/alerts', { ...base, dedupKey: 'dk-1' });
    assert.equal(a.status, 201);
    const b = await svc.api('POST', '/api/alerts', { ...base, dedupKey: 'dk-1', title: 'again' });
    assert.equal(b.status, 200);
    assert.equal(b.body.id, a.body.id);
    assert.equal(b.body.occurrences, 2);
    assert.equal(b.body.title, base.title, 'a repeat does not rewrite the alert');
    assert.ok(Date.parse(b.body.lastSeenAt) >= Date.parse(a.body.lastSeenAt));
    const closed = await svc.api('PUT', `/api/alerts/${a.body.id}/status`, { status: 'CLOSED' });
    assert.equal(closed.status, 200);
    const c = await svc.api('POST', '/api/alerts', { ...base, dedupKey: 'dk-1' });
    assert.equal(c.status, 201);
    assert.notEqual(c.body.id, a.body.id);
    // Reopening the closed one does not steal the key from the open one.
    await svc.api('PUT', `/api/alerts/${a.body.id}/status`, { status: 'OPEN' });
    const d = await svc.api('POST', '/api/alerts', { ...base, dedupKey: 'dk-1' });
    assert.equal(d.status, 200);
    assert.equal(d.body.id, c.body.id);
  });

  test('concurrent alerts with one dedup key make one alert', async () => {
    const results = await Promise.all(Array.from({ length: 12 }, () => svc.api('POST', '/api/alerts', { ...base, dedupKey: 'race-1' })));
    for (const r of results) assert.ok(r.status === 200 || r.status === 201, `status ${r.status}: ${r.text}`);
    assert.equal(new Set(results.map((r) => r.body.id)).size, 1);
    assert.equal(results.filter((r) => r.status === 201).length, 1);
    const got = await svc.api('GET', `/api/alerts/${results[0]!.body.id}`);
    assert.equal(got.body.alert.occurrences, 12);
  });

  test('a batch is all or nothing', async () => {
    const before = await svc.api('GET', '/api/alerts?limit=500');
    const bad = await svc.api('POST', '/api/alerts/batch', { alerts: [{ ...base }, { ...base, severity: 'NOPE' }] });
    assert.equal(bad.status, 400);
    assert.match(bad.body.error.message, /alerts\.1\.severity must be one of INFO, LOW, MEDIUM, HIGH, CRITICAL/);
    const badRunbook = await svc.api('POST', '/api/alerts/batch', { alerts: [{ ...base }, { ...base, runbook: 'javascript:alert(1)' }] });
    assert.equal(badRunbook.status, 400);
    assert.match(badRunbook.body.error.message, /alerts\[1\]: runbook/);
    const mid = await svc.api('GET', '/api/alerts?limit=500');
    assert.equal(mid.body.alerts.length, before.body.alerts.length);
    const alerts = Array.from({ length: 1000 }, (_, i) => ({ ...base, title: `batch ${i}`, dedupKey: i % 500 === 0 ? `batch-dk-${i}` : null }));
    const ok = await svc.api('POST', '/api/alerts/batch', { alerts });
    assert.equal(ok.status, 201, ok.text);
    assert.equal(ok.body.created, 1000);
    const tooMany = await svc.api('POST', '/api/alerts/batch', { alerts: [...alerts, base] });
    assert.equal(tooMany.status, 400);
    assert.match(tooMany.body.error.message, /alerts must NOT have more than 1000 items/);
  });

  test('lists with filters and walks every page with the cursor', async () => {
    const mine = `filter-${db}`;
    for (const [i, severity] of ['LOW', 'CRITICAL', 'LOW', 'MEDIUM', 'LOW'].entries()) {
      const r = await svc.api('POST', '/api/alerts', { title: `${mine} ${i} needle${i % 2}`, severity, type: i === 3 ? 'POLICY' : 'RULE', description: i === 4 ? 'Has a HayStack word' : null });
      assert.equal(r.status, 201);
    }
    const low = await svc.api('GET', `/api/alerts?severity=LOW&q=${mine}`);
    assert.deepEqual(low.body.alerts.map((a: any) => a.title), [`${mine} 4 needle0`, `${mine} 2 needle0`, `${mine} 0 needle0`]);
    const two = await svc.api('GET', `/api/alerts?severity=LOW&severity=MEDIUM&type=POLICY&q=${mine}`);
    assert.deepEqual(two.body.alerts.map((a: any) => a.title), [`${mine} 3 needle1`]);
    const text = await svc.api('GET', '/api/alerts?q=haystack');
    assert.deepEqual(text.body.alerts.map((a: any) => a.title), [`${mine} 4 needle0`]);
    const percent = await svc.api('GET', '/api/alerts?q=%25');
    assert.equal(percent.body.alerts.length, 0, 'a % in the search text is a literal, not a wildcard');
    // Walk every page of this test's alerts, two at a time.
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: any = await svc.api('GET', `/api/alerts?q=${mine}&limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      assert.equal(page.status, 200);
      assert.ok(page.body.alerts.length <= 2);
      seen.push(...page.body.alerts.map((a: any) => a.title));
      cursor = page.body.nextCursor;
    } while (cursor);
    assert.deepEqual(seen, [4, 3, 2, 1, 0].map((i) => `${mine} ${i} needle${i % 2}`));
  });

  test('status and assignee changes are recorded with actor and origin; no-op changes record nothing', async () => {
    const user = await svc.api('POST', '/api/users', { email: `Ana.${db}@Example.com`, name: 'Ana', role: 'analyst' });
    assert.equal(user.status, 201);
    assert.equal(user.body.email, `ana.${db}@example.com`);
    const a = await svc.api('POST', '/api/alerts', base);
    const id = a.body.id;
    // A change made with a console session is recorded with origin console (issue #13).
    const invite = await svc.api('POST', `/api/users/${user.body.id}/invites`);
    assert.equal((await svc.api('POST', `/api/invites/${inviteToken(invite.body.url)}`, { password: 'console password' }, null)).status, 204);
    const session = await login(svc, `ana.${db}@example.com`, 'console password');
    assert.equal((await withSession(svc, session, 'PUT', `/api/alerts/${id}/status`, { status: 'TRIAGED' })).status, 200);
    assert.equal((await svc.api('PUT', `/api/alerts/${id}/status`, { status: 'TRIAGED' })).status, 200);
    const byEmail = await svc.api('PUT', `/api/alerts/${id}/assignee`, { email: `ANA.${db}@example.com` });
    assert.equal(byEmail.status, 200);
    assert.equal(byEmail.body.assigneeId, user.body.id);
    assert.equal((await svc.api('PUT', `/api/alerts/${id}/assignee`, { userId: user.body.id })).status, 200);
    const unassigned = await svc.api('PUT', `/api/alerts/${id}/assignee`, { userId: null });
    assert.equal(unassigned.body.assigneeId, null);
    const d = await svc.api('GET', `/api/alerts/${id}`);
    assert.deepEqual(
      d.body.history.map((h: any) => [h.kind, h.from, h.to, h.origin]),
      [
        ['created', null, null, 'api'],
        ['status', 'OPEN', 'TRIAGED', 'console'],
        ['assignee', null, user.body.id, 'api'],
        ['assignee', user.body.id, null, 'api'],
      ],
    );
    const byAssignee = await svc.api('GET', `/api/alerts?assignee=none&status=TRIAGED`);
    assert.ok(byAssignee.body.alerts.some((x: any) => x.id === id));
    await svc.api('PUT', `/api/alerts/${id}/assignee`, { userId: user.body.id });
    const byEmailFilter = await svc.api('GET', `/api/alerts?assignee=${encodeURIComponent(`ana.${db}@example.com`)}`);
    assert.deepEqual(byEmailFilter.body.alerts.map((x: any) => x.id), [id]);
    const byIdFilter = await svc.api('GET', `/api/alerts?assignee=${user.body.id}`);
    assert.deepEqual(byIdFilter.body.alerts.map((x: any) => x.id), [id]);
    const unknown = await svc.api('GET', '/api/alerts?assignee=nobody%40example.com');
    assert.equal(unknown.status, 200);
    assert.deepEqual(unknown.body.alerts, []);
  });

  test('comments: create, edit, delete, in Markdown, with authorship rules', async () => {
    const a = await svc.api('POST', '/api/alerts', base);
    const id = a.body.id;
    const analyst = await svc.api('POST', '/api/users', { email: `c-analyst-${db}@example.com`, name: 'Cee', role: 'analyst' });
    const tok = await svc.api('POST', `/api/users/${analyst.body.id}/tokens`, { name: 't' });
    const t = tok.body.token as string;
    const c = await svc.api('POST', `/api/alerts/${id}/comments`, { body: '**Bold** and `code`\n\n- item' }, t);
    assert.equal(c.status, 201);
    assert.equal(c.body.authorName, 'Cee');
    const adminComment = await svc.api('POST', `/api/alerts/${id}/comments`, { body: 'admin note' });
    const notMine = await svc.api('PUT', `/api/alerts/${id}/comments/${adminComment.body.id}`, { body: 'edited by another' }, t);
    assert.equal(notMine.status, 403);
    const edited = await svc.api('PUT', `/api/alerts/${id}/comments/${c.body.id}`, { body: '_edited_' }, t);
    assert.equal(edited.status, 200);
    assert.equal(edited.body.body, '_edited_');
    assert.equal((await svc.api('DELETE', `/api/alerts/${id}/comments/${adminComment.body.id}`)).status, 204);
    assert.equal((await svc.api('DELETE', `/api/alerts/${id}/comments/${adminComment.body.id}`)).status, 404);
    const d = await svc.api('GET', `/api/alerts/${id}`);
    assert.deepEqual(d.body.comments.map((x: any) => x.body), ['_edited_']);
    assert.deepEqual(d.body.history.map((h: any) => h.kind), ['created', 'comment_added', 'comment_added', 'comment_edited', 'comment_deleted']);
  });

  test('a context above the size limit is answered 413 and nothing is stored', async () => {
    const big = { blob: 'x'.repeat(70_000) };
    const r = await svc.api('POST', '/api/alerts', { ...base, title: 'too big', context: big });
    assert.equal(r.status, 413);
    assert.match(r.body.error.message, /context is \d+ bytes, above the limit of 65536 bytes/);
    const list = await svc.api('GET', '/api/alerts?q=too%20big');
    assert.equal(list.body.alerts.length, 0);
    const body = await svc.api('POST', '/api/alerts', JSON.stringify({ ...base, description: 'y'.repeat(1_100_000) }));
    assert.equal(body.status, 413);
    assert.equal(body.body.error.code, 'payload_too_large');
  });
});
