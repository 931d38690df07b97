// A destination's Jira API token and webhook secret, in any form (plain, base64, base64 of
// `email:token`, inside a Basic Authorization header), appear in no API response (body or header),
// no log line, and not in plain text in the SQLite files (-wal and -shm included) or a pg_dump.
// The checks are made meaningful by also asserting that the same places DO hold the non-secret
// fields saved next to the secrets (the name, the sealed-value prefix).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { forEachDb, startTestService, type TestService } from '../support/service.js';
import { createTestDatabase } from '../support/postgres.js';

const mapping = { OPEN: 'To Do', TRIAGED: 'In Progress', RESOLVED: 'Done', CLOSED: 'Done' };

function findPgDump(): string {
  const base = '/usr/lib/postgresql';
  const versions = existsSync(base) ? readdirSync(base).filter((v) => existsSync(join(base, v, 'bin', 'pg_dump'))).sort((a, b) => Number(b) - Number(a)) : [];
  if (!versions[0]) throw new Error('pg_dump not found under /usr/lib/postgresql/*/bin (Debian postgresql package)');
  return join(base, versions[0], 'bin', 'pg_dump');
}

/** Every form a secret could leak in. */
function formsOf(secret: string, email: string): Map<string, string> {
  const basic = Buffer.from(`${email}:${secret}`).toString('base64');
  return new Map([
    ['plain', secret],
    ['base64', Buffer.from(secret).toString('base64').replace(/=+$/, '')],
    ['base64url', Buffer.from(secret).toString('base64url')],
    ['base64(email:secret)', basic.replace(/=+$/, '')],
    ['Basic header', `Basic ${basic}`],
    ['JSON-escaped', JSON.stringify(secret).slice(1, -1)],
  ]);
}

forEachDb('secrets never leak', (db) => {
  let svc: TestService;
  const dataDir = mkdtempSync(join(tmpdir(), 'alertsync-leak-'));
  const secretKey = randomBytes(32).toString('base64');
  const adminToken = `test-admin-${randomBytes(16).toString('hex')}`;
  let databaseUrl: string | null = null;
  const seen: Array<{ what: string; text: string }> = [];
  /** issuedBy: index in `seen` of the one response allowed to show it (the webhook secret, once). */
  const secrets: Array<{ label: string; value: string; email: string; issuedBy?: number }> = [];
  const email = 'leak-bot@example.com';
  const newEmail = 'leak-bot-2@example.com';
  const tokenA = `ATATT3xLeakA${randomBytes(18).toString('hex')}`;
  const tokenB = `ATATT3xLeakB${randomBytes(18).toString('hex')}`;
  const tokenC = `ATATT3xLeakC${randomBytes(18).toString('hex')}`;
  const name = `Leak check ${randomBytes(4).toString('hex')}`;

  const call = async (method: string, path: string, body?: unknown, token: string | null = adminToken, headers?: Record<string, string>) => {
    const r = await svc.api(method, path, body, token, headers);
    seen.push({ what: `${method} ${path} → ${r.status} body`, text: r.text });
    seen.push({ what: `${method} ${path} → ${r.status} headers`, text: JSON.stringify([...r.headers.entries()]) });
    assert.ok(r.status < 500, `${method} ${path} answered ${r.status}: ${r.text}`);
    return r;
  };

  const assertClean = (where: string, haystack: string | Buffer, seenIndex?: number) => {
    const text = typeof haystack === 'string' ? haystack : haystack.toString('latin1');
    for (const s of secrets) {
      if (seenIndex !== undefined && s.issuedBy === seenIndex) continue;
      for (const [form, needle] of formsOf(s.value, s.email)) {
        assert.ok(!text.includes(needle), `${s.label} (${form}) found in ${where}`);
      }
      // A piece of it is a leak too (e.g. JSON.parse messages quote 10 characters of the input).
      for (let i = 0; i + 10 <= s.value.length; i++) {
        assert.ok(!text.includes(s.value.slice(i, i + 10)), `10 characters of ${s.label} found in ${where}`);
      }
    }
  };

  before(async () => {
    databaseUrl = db === 'postgres' ? await createTestDatabase('leak') : null;
    svc = await startTestService(db, {}, { dataDir, databaseUrl, secretKey, adminToken });

    // Two-way destination: token A and a webhook secret.
    const a = await call('POST', '/api/destinations', { name, domain: 'https://leak.atlassian.net', issueType: 'Task', projectKey: 'LEAK', email, apiToken: tokenA, sync: { status: 'two_way' }, statusMapping: mapping });
    assert.equal(a.status, 201, a.text);
    const id = a.body.destination.id as string;
    secrets.push({ label: 'token A', value: tokenA, email }, { label: 'webhook secret 1', value: a.body.webhook.secret, email, issuedBy: seen.length - 2 });
    // One-way destination: token B.
    const b = await call('POST', '/api/destinations', { name: `${name} one-way`, domain: 'https://leak-b.atlassian.net', issueType: 'Bug', projectKey: 'LEAKB', email, apiToken: tokenB });
    assert.equal(b.status, 201, b.text);
    secrets.push({ label: 'token B', value: tokenB, email });
    secrets.push({ label: 'token C', value: tokenC, email: newEmail }, { label: 'token C (old email)', value: tokenC, email });

    // Every endpoint, successes and refusals, with the secrets in the requests where possible.
    await call('GET', '/api/destinations');
    await call('GET', `/api/destinations/${id}`);
    await call('PATCH', `/api/destinations/${id}`, { name: `${name} renamed` });
    await call('PATCH', `/api/destinations/${id}`, { email: newEmail, apiToken: tokenC });
    const rot = await call('POST', `/api/destinations/${id}/webhook-secret/rotate`);
    assert.equal(rot.status, 200);
    secrets.push({ label: 'webhook secret 2', value: rot.body.webhook.secret, email: newEmail, issuedBy: seen.length - 2 });
    const refusals: Array<[string, string, unknown]> = [
      ['POST', '/api/destinations', { name: 'dup', domain: 'https://leak.atlassian.net', issueType: 'Task', projectKey: 'LEAK', email, apiToken: tokenA, sync: { comments: 'two_way' } }],
      ['POST', '/api/destinations', { name: 'bad host', domain: 'https://10.0.0.1', issueType: 'Task', projectKey: 'LEAK', email, apiToken: tokenA }],
      ['POST', '/api/destinations', { name: 'bad field', domain: 'https://leak.atlassian.net', issueType: 'Task', projectKey: 'LEAK', email, apiToken: tokenA, token: tokenB }],
      ['POST', '/api/destinations', { name: 'bad type', domain: 'https://leak.atlassian.net', issueType: 'Task', projectKey: 'LEAK', email, apiToken: [tokenA] }],
      ['POST', '/api/destinations', `{"apiToken": ${tokenA}}`],
      ['POST', '/api/destinations', tokenA],
      ['PATCH', `/api/destinations/${id}`, `{"apiToken": "${tokenB}", `],
      ['PATCH', `/api/destinations/${id}`, { apiToken: tokenB, domain: 'http://leak.atlassian.net' }],
      ['PATCH', `/api/destinations/${id}`, { apiToken: tokenB, projectKey: tokenB }],
      ['PATCH', '/api/destinations/dst_nope', { apiToken: tokenB }],
    ];
    for (const [m, p, body] of refusals) {
      const r = await call(m, p, body);
      assert.ok(r.status >= 400 && r.status < 500, `${m} ${p}: ${r.status}`);
    }
    // The token as a bearer token and inside a Basic header: refused, and not logged either.
    const basic = Buffer.from(`${newEmail}:${tokenC}`).toString('base64');
    await call('GET', '/api/destinations', undefined, tokenA);
    await call('GET', '/api/destinations', undefined, null, { authorization: `Basic ${basic}` });
    await call('GET', `/api/destinations/${id}`, undefined, null, { authorization: `Basic ${Buffer.from(`${email}:${tokenA}`).toString('base64')}` });
    await call('GET', `/api/audit?targetId=${id}`);
    await call('GET', '/api/audit');
    await call('GET', '/api/openapi.json');
    await call('GET', '/readyz', undefined, null);
    await call('GET', '/metrics', undefined, null);
    await call('DELETE', `/api/destinations/${b.body.destination.id}`);
    await call('GET', `/api/destinations/${id}`, undefined, null);

    // Server-side accessors still give the real values back (so the storage really holds them).
    assert.deepEqual(await svc.service.destinations.credentialsFor(id), { domain: 'https://leak.atlassian.net', email: newEmail, apiToken: tokenC });
    assert.deepEqual(await svc.service.destinations.webhookSecretsFor(id), [rot.body.webhook.secret, a.body.webhook.secret]);
  });
  after(async () => {
    await svc.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  test('no response body or header holds a secret (a webhook secret only in the one no-store answer that issued it)', () => {
    assert.ok(seen.length > 40);
    assert.ok(seen.some((s) => s.text.includes(`${name} renamed`)), 'responses were captured');
    seen.forEach((s, i) => assertClean(`response ${s.what}`, s.text, i));
    for (const s of secrets.filter((x) => x.issuedBy !== undefined)) {
      const shown = seen.map((x, i) => (x.text.includes(s.value) ? i : -1)).filter((i) => i >= 0);
      assert.deepEqual(shown, [s.issuedBy], `${s.label} is shown exactly once`);
      assert.match(seen[s.issuedBy! + 1]!.text, /"cache-control","no-store"/);
    }
  });

  test('no log line holds a secret', () => {
    assert.ok(svc.logs.length > 20, 'logs were captured');
    assert.ok(svc.logs.some((l) => l.includes('/api/destinations')), 'request logs mention the destination routes');
    for (const line of svc.logs) assertClean('log line', line);
  });

  if (db === 'sqlite') {
    const files = () => ['alertsync.db', 'alertsync.db-wal', 'alertsync.db-shm'].map((f) => join(dataDir, f));
    test('the SQLite files (-wal and -shm included) hold no secret in plain text, while the service runs', () => {
      const present = files().filter((f) => existsSync(f));
      assert.ok(present.some((f) => f.endsWith('-wal')), 'WAL mode: the -wal file exists while running');
      const all = Buffer.concat(present.map((f) => readFileSync(f)));
      assert.ok(all.includes(`${name} renamed`), 'the destination row is on disk');
      assert.ok(all.includes('v1.'), 'sealed secrets are on disk');
      for (const f of present) assertClean(f, readFileSync(f));
    });
    test('… and after the service is closed', async () => {
      await svc.close();
      const present = files().filter((f) => existsSync(f));
      const all = Buffer.concat(present.map((f) => readFileSync(f)));
      assert.ok(all.includes(`${name} renamed`));
      for (const f of present) assertClean(f, readFileSync(f));
    });
  } else {
    test('a pg_dump of the database holds no secret in plain text', () => {
      const dump = execFileSync(findPgDump(), ['--no-owner', '--dbname', databaseUrl!], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
      assert.ok(dump.includes(`${name} renamed`), 'the dump holds the destination');
      assert.ok(dump.includes('v1.'), 'the dump holds the sealed secrets');
      assertClean('pg_dump', dump);
    });
  }
});
