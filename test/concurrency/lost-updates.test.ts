// Concurrent read-modify-writes over real HTTP, on SQLite and on PostgreSQL (issue 9, defect 1):
// a change answered 200 must be in the final state (or the request answered 409), never silently
// undone by a request that read the row before it and wrote the whole row back after it.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { forEachDb, startTestService, type TestService } from '../support/service.js';

const ROUNDS = 30;
const SEVERITIES = ['INFO', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL'] as const;

const destination = (name: string, twoWay: boolean) => ({
  name,
  domain: 'http://127.0.0.1:9',
  issueType: 'Bug',
  projectKey: 'SEC',
  email: 'bot@example.com',
  apiToken: 'atl-token-concurrency',
  enabled: false,
  ...(twoWay ? { sync: { comments: 'two_way' } } : {}),
});

/** One independent field per entry: the patch that sets it to `v`, and how to read it back. */
const FIELDS: Array<{ patch: (v: string) => unknown; read: (d: any) => unknown; value: (v: string) => unknown }> = [
  { patch: (v) => ({ name: `name-${v}` }), read: (d) => d.name, value: (v) => `name-${v}` },
  { patch: (v) => ({ issueType: `Type${v}` }), read: (d) => d.issueType, value: (v) => `Type${v}` },
  { patch: (v) => ({ projectKey: `P${v}` }), read: (d) => d.projectKey, value: (v) => `P${v}` },
  { patch: (v) => ({ logTypes: [`log.${v}`] }), read: (d) => d.logTypes, value: (v) => [`log.${v}`] },
  { patch: (v) => ({ issueProperties: { assigneeAccountId: `acct-${v}` } }), read: (d) => d.issueProperties.assigneeAccountId, value: (v) => `acct-${v}` },
  { patch: (v) => ({ issueProperties: { global: { labels: [`g-${v}`] } } }), read: (d) => d.issueProperties.global.labels, value: (v) => [`g-${v}`] },
  { patch: (v) => ({ issueProperties: { global: { priority: `gp-${v}` } } }), read: (d) => d.issueProperties.global.priority, value: (v) => `gp-${v}` },
  ...(['OPEN', 'TRIAGED', 'RESOLVED', 'CLOSED'] as const).map((k) => ({
    patch: (v: string) => ({ statusMapping: { [k]: `${k}-${v}` } }),
    read: (d: any) => d.statusMapping[k],
    value: (v: string) => `${k}-${v}`,
  })),
  ...SEVERITIES.flatMap((s) => [
    { patch: (v: string) => ({ issueProperties: { perSeverity: { [s]: { labels: [`${s}-${v}`] } } } }), read: (d: any) => d.issueProperties.perSeverity[s].labels, value: (v: string) => [`${s}-${v}`] },
    { patch: (v: string) => ({ issueProperties: { perSeverity: { [s]: { priority: `${s}p-${v}` } } } }), read: (d: any) => d.issueProperties.perSeverity[s].priority, value: (v: string) => `${s}p-${v}` },
  ]),
];

forEachDb('no lost updates under concurrency', (db) => {
  let svc: TestService;
  before(async () => {
    svc = await startTestService(db, { ALERTSYNC_ALLOW_INSECURE_JIRA: '1', ALERTSYNC_WORKER_DISABLED: '1' });
  });
  after(async () => svc.close());

  test(`disable vs. renames, ${ROUNDS} rounds: the user stays disabled and its token never works again`, async () => {
    let lost = 0;
    for (let round = 0; round < ROUNDS; round++) {
      const u = await svc.api('POST', '/api/users', { email: `race-${round}@example.com`, name: 'Racer', role: 'analyst' });
      assert.equal(u.status, 201, u.text);
      const t = await svc.api('POST', `/api/users/${u.body.id}/tokens`, { name: 't' });
      assert.equal(t.status, 201, t.text);
      const renames = Array.from({ length: 6 }, (_, i) => svc.api('PATCH', `/api/users/${u.body.id}`, { name: `Racer ${round}.${i}` }));
      const disable = svc.api('PATCH', `/api/users/${u.body.id}`, { disabled: true });
      const results = await Promise.all([disable, ...renames]);
      for (const r of results) assert.ok(r.status === 200 || r.status === 409, r.text);
      const final = await svc.api('GET', `/api/users/${u.body.id}`);
      if (results[0]!.status === 200 && final.body.disabled !== true) lost++;
      const okNames = results.slice(1).filter((r) => r.status === 200).map((r) => r.body.name);
      if (okNames.length > 0) assert.ok(okNames.includes(final.body.name), `round ${round}: final name ${final.body.name} was never answered 200`);
      if (results[0]!.status === 200) {
        const me = await svc.api('GET', '/api/users/me', undefined, t.body.token);
        assert.equal(me.status, 401, `round ${round}: the disabled user's token still works`);
      }
    }
    assert.equal(lost, 0, `the disable was undone in ${lost} of ${ROUNDS} rounds`);
  });

  test(`two-way off vs. webhook secret rotation, ${ROUNDS} rounds: the secret stays revoked`, async () => {
    let lost = 0;
    for (let round = 0; round < ROUNDS; round++) {
      const d = await svc.api('POST', '/api/destinations', destination(`race-${round}`, true));
      assert.equal(d.status, 201, d.text);
      const id = d.body.destination.id;
      const rotations = Array.from({ length: 3 }, () => svc.api('POST', `/api/destinations/${id}/webhook-secret/rotate`));
      const off = svc.api('PATCH', `/api/destinations/${id}`, { sync: { comments: 'off' } });
      const results = await Promise.all([off, ...rotations]);
      for (const r of results) assert.ok(r.status === 200 || r.status === 409, r.text);
      assert.equal(results[0]!.status, 200, results[0]!.text);
      const row = await (svc.service.storage.db as any).selectFrom('destinations').selectAll().where('id', '=', id).executeTakeFirst();
      const final = await svc.api('GET', `/api/destinations/${id}`);
      if (row.webhook_secret_enc !== null || row.webhook_secret_prev_enc !== null || final.body.hasWebhookSecret || final.body.sync.comments !== 'off') lost++;
      await svc.api('DELETE', `/api/destinations/${id}`);
    }
    assert.equal(lost, 0, `the revoked webhook secret came back in ${lost} of ${ROUNDS} rounds`);
  });

  test('50 concurrent PATCHes of one destination: every change answered 200 is in the final state', async () => {
    const d = await svc.api('POST', '/api/destinations', destination('fifty', false));
    assert.equal(d.status, 201, d.text);
    const id = d.body.destination.id;
    const patches = Array.from({ length: 50 }, (_, i) => ({ field: FIELDS[i % FIELDS.length]!, v: `V${i}` }));
    const results = await Promise.all(patches.map((p) => svc.api('PATCH', `/api/destinations/${id}`, p.field.patch(p.v))));
    for (const r of results) assert.ok(r.status === 200 || r.status === 409, r.text);
    const final = await svc.api('GET', `/api/destinations/${id}`);
    const lost: string[] = [];
    FIELDS.forEach((field, f) => {
      const answered = patches.filter((p, i) => p.field === field && results[i]!.status === 200).map((p) => JSON.stringify(field.value(p.v)));
      if (answered.length === 0) return;
      const got = JSON.stringify(field.read(final.body));
      if (!answered.includes(got)) lost.push(`field ${f}: ${got} (answered 200: ${answered.join(', ')})`);
    });
    assert.deepEqual(lost, [], `${lost.length} field changes answered 200 were lost`);
  });
});
