// Destinations API over real HTTP, on SQLite and on PostgreSQL: CRUD, the spec's configuration
// rules, the host policy, the webhook-secret lifecycle, audit entries and roles.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { dumpTables, forEachDb, startTestService, type TestService } from '../support/service.js';

const GRACE_MS = 1500;
const mapping = { OPEN: 'To Do', TRIAGED: 'In Progress', RESOLVED: 'Done', CLOSED: 'Closed' };
const base = {
  name: 'Security on acme',
  domain: 'https://acme.atlassian.net',
  issueType: 'Bug',
  projectKey: 'SEC',
  email: 'Jira-Bot@Example.com',
  apiToken: 'atl-token-AAAA-1111',
};

forEachDb('destinations API', (db) => {
  let svc: TestService;
  let insecure: TestService;
  const tokens: Record<string, string> = {};

  before(async () => {
    svc = await startTestService(db, {
      ALERTSYNC_JIRA_HOSTS: 'localhost,10.1.2.3,169.254.169.254,93.184.216.34,jira-proxy.invalid:8443',
      ALERTSYNC_WEBHOOK_SECRET_GRACE_MS: String(GRACE_MS),
    });
    insecure = await startTestService(db, { ALERTSYNC_ALLOW_INSECURE_JIRA: '1' });
    for (const role of ['viewer', 'analyst']) {
      const u = await svc.api('POST', '/api/users', { email: `${role}@example.com`, name: role, role });
      assert.equal(u.status, 201, u.text);
      const t = await svc.api('POST', `/api/users/${u.body.id}/tokens`, { name: 't' });
      tokens[role] = t.body.token;
    }
  });
  after(async () => {
    await svc.close();
    await insecure.close();
  });

  test('create, read, list, update and delete a destination with every field of the form', async () => {
    const full = {
      ...base,
      name: 'Full form',
      domain: 'https://full.atlassian.net',
      severities: ['HIGH', 'CRITICAL'],
      alertTypes: ['RULE', 'POLICY'],
      logTypes: ['AWS.CloudTrail'],
      manualDispatch: true,
      sync: { status: 'one_way', assignee: 'one_way', comments: 'off' },
      issueProperties: {
        assigneeAccountId: '5b10a2844c20165700ede21g',
        bySeverity: true,
        global: { labels: ['alertsync'], priority: 'Medium' },
        perSeverity: { HIGH: { labels: ['sev-high'], priority: 'High' }, CRITICAL: { labels: ['sev-crit', 'page'], priority: 'Highest' } },
      },
      statusMapping: mapping,
      enabled: false,
    };
    const c = await svc.api('POST', '/api/destinations', full);
    assert.equal(c.status, 201, c.text);
    assert.equal(c.headers.get('cache-control'), 'no-store');
    const d = c.body.destination;
    assert.match(d.id, /^dst_/);
    assert.equal(d.kind, 'jira_cloud');
    assert.equal(d.domain, 'https://full.atlassian.net');
    assert.equal(d.siteHost, 'full.atlassian.net');
    assert.equal(d.email, 'jira-bot@example.com');
    assert.equal(d.hasApiToken, true);
    assert.equal(d.hasWebhookSecret, false);
    assert.equal(d.webhookUrl, null);
    assert.equal(c.body.webhook, undefined, 'no two-way aspect: no webhook secret');
    assert.deepEqual(d.severities, ['HIGH', 'CRITICAL']);
    assert.deepEqual(d.logTypes, ['AWS.CloudTrail']);
    assert.equal(d.manualDispatch, true);
    assert.equal(d.enabled, false);
    assert.deepEqual(d.sync, { status: 'one_way', assignee: 'one_way', comments: 'off' });
    assert.deepEqual(d.issueProperties.perSeverity.CRITICAL, { labels: ['sev-crit', 'page'], priority: 'Highest' });
    assert.deepEqual(d.issueProperties.perSeverity.LOW, { labels: [], priority: null });
    assert.deepEqual(d.statusMapping, mapping);
    assert.ok(!('apiToken' in d));
    assert.ok(c.body.warnings.some((w: string) => /could not resolve full\.atlassian\.net now; it is checked again at every connection/.test(w)), c.text);

    const g = await svc.api('GET', `/api/destinations/${d.id}`);
    assert.equal(g.status, 200);
    assert.deepEqual(g.body, d);
    const l = await svc.api('GET', '/api/destinations');
    assert.ok(l.body.destinations.some((x: { id: string }) => x.id === d.id));

    const p = await svc.api('PATCH', `/api/destinations/${d.id}`, {
      name: 'Renamed',
      enabled: true,
      severities: [],
      sync: { comments: 'one_way' },
      issueProperties: { perSeverity: { HIGH: { priority: null } } },
      statusMapping: { CLOSED: 'Done' },
    });
    assert.equal(p.status, 200, p.text);
    const u = p.body.destination;
    assert.equal(u.name, 'Renamed');
    assert.equal(u.enabled, true);
    assert.deepEqual(u.severities, []);
    assert.deepEqual(u.sync, { status: 'one_way', assignee: 'one_way', comments: 'one_way' }, 'sync merges per aspect');
    assert.deepEqual(u.issueProperties.perSeverity.HIGH, { labels: ['sev-high'], priority: null }, 'issue properties merge per field');
    assert.deepEqual(u.statusMapping, { ...mapping, CLOSED: 'Done' });
    assert.equal(u.createdAt, d.createdAt);
    assert.deepEqual(await svc.service.destinations.credentialsFor(d.id), { domain: 'https://full.atlassian.net', email: 'jira-bot@example.com', apiToken: base.apiToken });

    const del = await svc.api('DELETE', `/api/destinations/${d.id}`);
    assert.equal(del.status, 204);
    assert.equal((await svc.api('GET', `/api/destinations/${d.id}`)).status, 404);
  });

  test('two two-way destinations on one Jira site: the second is refused (409) and nothing is saved', async () => {
    const first = await svc.api('POST', '/api/destinations', { ...base, name: 'Two-way one', domain: 'https://rules.atlassian.net', sync: { comments: 'two_way' } });
    assert.equal(first.status, 201, first.text);
    const dump = await dumpTables(svc.service.storage);
    const second = await svc.api('POST', '/api/destinations', { ...base, name: 'Two-way two', domain: 'https://rules.atlassian.net', projectKey: 'OPS', sync: { assignee: 'two_way' } });
    assert.equal(second.status, 409, second.text);
    assert.equal(second.body.error.code, 'two_way_site_taken');
    assert.match(second.body.error.message, /"Two-way one"/);
    assert.equal(second.body.error.details.destinationId, first.body.destination.id);
    assert.equal(await dumpTables(svc.service.storage), dump, 'the refused create left no trace (not even an audit entry)');

    // An update that would make a one-way destination two-way on that site is refused the same way.
    const oneWay = await svc.api('POST', '/api/destinations', { ...base, name: 'One-way', domain: 'https://rules.atlassian.net', projectKey: 'OPS', sync: { comments: 'one_way' } });
    assert.equal(oneWay.status, 201);
    const dump2 = await dumpTables(svc.service.storage);
    const up = await svc.api('PATCH', `/api/destinations/${oneWay.body.destination.id}`, { sync: { status: 'two_way' }, statusMapping: mapping, name: 'would be renamed' });
    assert.equal(up.status, 409, up.text);
    assert.equal(await dumpTables(svc.service.storage), dump2);

    // Once the first is no longer two-way, the other may become two-way.
    assert.equal((await svc.api('PATCH', `/api/destinations/${first.body.destination.id}`, { sync: { comments: 'one_way' } })).status, 200);
    const up2 = await svc.api('PATCH', `/api/destinations/${oneWay.body.destination.id}`, { sync: { comments: 'two_way' } });
    assert.equal(up2.status, 200, up2.text);
    assert.ok(up2.body.webhook?.secret);
  });

  test('concurrent two-way creates on one site: exactly one wins, the others get 409, never a 5xx', async () => {
    const attempts = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        svc.api('POST', '/api/destinations', { ...base, name: `race ${i}`, domain: 'https://race.atlassian.net', projectKey: `RACE${i}`, sync: { comments: 'two_way' } }),
      ),
    );
    const statuses = attempts.map((r) => r.status).sort();
    assert.deepEqual(statuses, [201, 409, 409, 409, 409, 409], attempts.map((r) => r.text).join('\n'));
    for (const r of attempts.filter((x) => x.status === 409)) assert.match(r.body.error.message, /only one destination per Jira site may use two-way sync/);
    const list = await svc.api('GET', '/api/destinations');
    assert.equal(list.body.destinations.filter((d: { siteHost: string }) => d.siteHost === 'race.atlassian.net').length, 1);
  });

  test('a two-way destination on another site is accepted with a warning; one-way ones are unrestricted', async () => {
    const a = await svc.api('POST', '/api/destinations', { ...base, name: 'Site A two-way', domain: 'https://site-a.atlassian.net', sync: { comments: 'two_way' } });
    assert.equal(a.status, 201, a.text);
    const b = await svc.api('POST', '/api/destinations', { ...base, name: 'Site B two-way', domain: 'https://site-b.atlassian.net', sync: { comments: 'two_way' } });
    assert.equal(b.status, 201, b.text);
    assert.ok(b.body.warnings.some((w: string) => /two-way sync is also set up on other Jira sites: .*"Site A two-way" \(site-a\.atlassian\.net\).*not recommended/.test(w)), b.text);
    for (let i = 0; i < 3; i++) {
      const o = await svc.api('POST', '/api/destinations', { ...base, name: `one-way ${i}`, domain: 'https://site-a.atlassian.net', sync: { status: 'one_way', assignee: 'one_way', comments: 'one_way' }, statusMapping: mapping });
      assert.equal(o.status, 201, o.text);
      assert.ok(!o.body.warnings.some((w: string) => /two-way/.test(w)), 'no loop warning for one-way destinations');
    }
  });

  test('the webhook secret is shown once, rotates, and the previous one works only during the grace period', async () => {
    const c = await svc.api('POST', '/api/destinations', { ...base, name: 'Webhooks', domain: 'https://hooks.atlassian.net', sync: { status: 'two_way' }, statusMapping: mapping });
    assert.equal(c.status, 201, c.text);
    const id = c.body.destination.id;
    const first = c.body.webhook;
    assert.equal(first.url, `https://alertsync.test/webhooks/jira/${id}`);
    assert.match(first.secret, /^[A-Za-z0-9_-]{43}$/);
    assert.equal(c.headers.get('cache-control'), 'no-store');
    assert.equal(c.body.destination.hasWebhookSecret, true);
    assert.equal(c.body.destination.webhookUrl, first.url);

    const g = await svc.api('GET', `/api/destinations/${id}`);
    assert.ok(!g.text.includes(first.secret));
    const p = await svc.api('PATCH', `/api/destinations/${id}`, { name: 'Webhooks renamed', sync: { assignee: 'two_way' } });
    assert.equal(p.status, 200);
    assert.equal(p.body.webhook, undefined, 'already had a secret: not shown again');
    assert.ok(!p.text.includes(first.secret));
    assert.deepEqual(await svc.service.destinations.webhookSecretsFor(id), [first.secret]);

    const r = await svc.api('POST', `/api/destinations/${id}/webhook-secret/rotate`);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.headers.get('cache-control'), 'no-store');
    const second = r.body.webhook.secret as string;
    assert.notEqual(second, first.secret);
    assert.ok(Date.parse(r.body.previousValidUntil) > Date.now());
    assert.deepEqual(await svc.service.destinations.webhookSecretsFor(id), [second, first.secret], 'previous one still valid in the grace period');
    await sleep(GRACE_MS + 200);
    assert.deepEqual(await svc.service.destinations.webhookSecretsFor(id), [second], 'previous one no longer valid after the grace period');

    // No aspect two-way any more: the secret is revoked; two-way again: a new one, shown once.
    const off = await svc.api('PATCH', `/api/destinations/${id}`, { sync: { status: 'one_way', assignee: 'off' } });
    assert.equal(off.status, 200);
    assert.equal(off.body.destination.hasWebhookSecret, false);
    assert.deepEqual(await svc.service.destinations.webhookSecretsFor(id), []);
    assert.equal((await svc.api('POST', `/api/destinations/${id}/webhook-secret/rotate`)).status, 409);
    const on = await svc.api('PATCH', `/api/destinations/${id}`, { sync: { comments: 'two_way' } });
    assert.equal(on.headers.get('cache-control'), 'no-store');
    assert.ok(on.body.webhook.secret && on.body.webhook.secret !== second);
    assert.deepEqual(await svc.service.destinations.webhookSecretsFor(id), [on.body.webhook.secret]);
  });

  test('changing the domain or email requires the API token again', async () => {
    const c = await svc.api('POST', '/api/destinations', { ...base, name: 'Moving', domain: 'https://moving.atlassian.net' });
    const id = c.body.destination.id;
    const dump = await dumpTables(svc.service.storage);
    const noToken = await svc.api('PATCH', `/api/destinations/${id}`, { domain: 'https://moved.atlassian.net' });
    assert.equal(noToken.status, 400);
    assert.match(noToken.body.error.message, /apiToken is required when the domain changes/);
    const noToken2 = await svc.api('PATCH', `/api/destinations/${id}`, { email: 'other@example.com', name: 'x' });
    assert.equal(noToken2.status, 400);
    assert.match(noToken2.body.error.message, /apiToken is required when the email changes/);
    assert.equal(await dumpTables(svc.service.storage), dump);
    // The same domain, written differently, is not a change.
    assert.equal((await svc.api('PATCH', `/api/destinations/${id}`, { domain: 'https://MOVING.atlassian.net/' })).status, 200);
    const ok = await svc.api('PATCH', `/api/destinations/${id}`, { domain: 'https://moved.atlassian.net', apiToken: 'atl-token-NEW' });
    assert.equal(ok.status, 200, ok.text);
    assert.deepEqual(await svc.service.destinations.credentialsFor(id), { domain: 'https://moved.atlassian.net', email: 'jira-bot@example.com', apiToken: 'atl-token-NEW' });
  });

  test('refused hosts: http, other hosts, and listed hosts that are loopback, private or link-local', async () => {
    const refused: Array<[string, RegExp]> = [
      ['http://acme.atlassian.net', /must be an https URL/],
      ['https://jira.example.com', /not an Atlassian Cloud site .* not listed in ALERTSYNC_JIRA_HOSTS/],
      ['https://localhost', /localhost resolves to 127\.0\.0\.1, which is a loopback address/],
      ['https://10.1.2.3', /10\.1\.2\.3 is a private address/],
      ['https://169.254.169.254', /169\.254\.169\.254 is a linkLocal address/],
      ['https://[::1]', /::1 is a loopback address/],
      ['https://localhost:8443', /port 443/],
    ];
    const dump = await dumpTables(svc.service.storage);
    for (const [domain, message] of refused) {
      const r = await svc.api('POST', '/api/destinations', { ...base, domain });
      assert.equal(r.status, 400, `${domain}: ${r.text}`);
      assert.equal(r.body.error.code, 'domain_refused');
      assert.match(r.body.error.message, message, domain);
    }
    assert.equal(await dumpTables(svc.service.storage), dump);
    // Listed public hosts are accepted, with their port when the port is listed.
    const ip = await svc.api('POST', '/api/destinations', { ...base, name: 'listed ip', domain: 'https://93.184.216.34' });
    assert.equal(ip.status, 201, ip.text);
    assert.deepEqual(ip.body.warnings, []);
    const proxy = await svc.api('POST', '/api/destinations', { ...base, name: 'listed proxy', domain: 'https://jira-proxy.invalid:8443' });
    assert.equal(proxy.status, 201, proxy.text);
    assert.equal(proxy.body.destination.siteHost, 'jira-proxy.invalid:8443');
  });

  test('ALERTSYNC_ALLOW_INSECURE_JIRA=1 allows http and loopback hosts and says so at start and in /readyz', async () => {
    for (const domain of ['http://127.0.0.1:8089', 'https://localhost', 'http://[::1]:9000', 'http://10.1.2.3']) {
      const r = await insecure.api('POST', '/api/destinations', { ...base, name: domain, domain });
      assert.equal(r.status, 201, `${domain}: ${r.text}`);
    }
    const ready = await insecure.api('GET', '/readyz', undefined, null);
    assert.ok(ready.body.warnings.some((w: string) => /ALERTSYNC_ALLOW_INSECURE_JIRA=1/.test(w)), ready.text);
    assert.ok(insecure.logs.some((l) => /ALERTSYNC_ALLOW_INSECURE_JIRA=1/.test(l) && /"level":40/.test(l)));
    const secure = await svc.api('GET', '/readyz', undefined, null);
    assert.ok(!secure.body.warnings.some((w: string) => /INSECURE/.test(w)));
  });

  test('audit entries record who changed what, and never a secret', async () => {
    const c = await svc.api('POST', '/api/destinations', { ...base, name: 'Audited', domain: 'https://audited.atlassian.net', apiToken: 'atl-token-AUDIT-9', sync: { comments: 'two_way' } });
    const id = c.body.destination.id;
    const secrets = [c.body.webhook.secret];
    await svc.api('PATCH', `/api/destinations/${id}`, { name: 'Audited 2', apiToken: 'atl-token-AUDIT-10' });
    const r = await svc.api('POST', `/api/destinations/${id}/webhook-secret/rotate`);
    secrets.push(r.body.webhook.secret);
    assert.equal((await svc.api('DELETE', `/api/destinations/${id}`)).status, 204);
    const audit = await svc.api('GET', `/api/audit?targetId=${id}`);
    assert.equal(audit.status, 200);
    const actions = audit.body.entries.map((e: { action: string }) => e.action).reverse();
    assert.deepEqual(actions, [
      'destination.created',
      'destination.api_token_changed',
      'webhook_secret.created',
      'destination.updated',
      'destination.api_token_changed',
      'webhook_secret.rotated',
      'destination.deleted',
      'webhook_secret.revoked',
    ]);
    for (const e of audit.body.entries) assert.equal(e.actor.name, 'Administrator');
    const updated = audit.body.entries.find((e: { action: string }) => e.action === 'destination.updated');
    assert.deepEqual(updated.details.changed, ['name']);
    for (const s of [...secrets, 'atl-token-AUDIT-9', 'atl-token-AUDIT-10']) assert.ok(!audit.text.includes(s), 'audit holds no secret');
  });

  test('a viewer and an analyst can read; only destinations:write may change', async () => {
    const c = await svc.api('POST', '/api/destinations', { ...base, name: 'Roles', domain: 'https://roles.atlassian.net' });
    const id = c.body.destination.id;
    for (const role of ['viewer', 'analyst']) {
      assert.equal((await svc.api('GET', '/api/destinations', undefined, tokens[role])).status, 200);
      assert.equal((await svc.api('GET', `/api/destinations/${id}`, undefined, tokens[role])).status, 200);
      assert.equal((await svc.api('POST', '/api/destinations', { ...base, domain: 'https://x.atlassian.net' }, tokens[role])).status, 403);
      assert.equal((await svc.api('PATCH', `/api/destinations/${id}`, { name: 'nope' }, tokens[role])).status, 403);
      assert.equal((await svc.api('DELETE', `/api/destinations/${id}`, undefined, tokens[role])).status, 403);
    }
    assert.equal((await svc.api('GET', `/api/destinations/${id}`)).body.name, 'Roles');
  });
});
