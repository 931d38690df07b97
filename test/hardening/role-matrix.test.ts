// The role matrix as a table, read from docs/api.md: every operation × every role × bad tokens,
// over real HTTP on both databases. A role the table lists gets past authentication and the role
// check (whatever the answer then is: 400 for the empty body, 404 for the made-up id…); a role it
// does not list gets 403 naming the role; a missing, unknown, revoked, expired or disabled user's
// token gets the one 401. Every request uses made-up ids and an empty body, so nothing may change.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dumpTables, forEachDb, startTestService, type TestService } from '../support/service.js';

const ROLES = ['admin', 'analyst', 'viewer', 'ingest'] as const;
const BAD = ['none', 'bogus', 'revoked', 'expired', 'disabled'] as const;

interface Operation {
  method: string;
  path: string;
  roles: string[];
}

function operationsFromDocs(): Operation[] {
  const text = readFileSync(new URL('../../docs/api.md', import.meta.url), 'utf8');
  const ops: Operation[] = [];
  for (const line of text.split('\n')) {
    const m = /^\| `(GET|POST|PUT|PATCH|DELETE) (\/\S+)` \| ([^|]+) \| ([^|]+) \|/.exec(line);
    if (m && m[3]!.trim() === 'public') continue; // GET /api/openapi.json: no token at all
    if (m) ops.push({ method: m[1]!, path: m[2]!, roles: m[4]!.split(',').map((r) => r.trim()) });
  }
  return ops;
}

forEachDb('role matrix from docs/api.md', (db) => {
  let svc: TestService;
  const tokens: Record<string, string | null> = {};
  before(async () => {
    svc = await startTestService(db, { ALERTSYNC_WORKER_DISABLED: '1' });
    const mk = async (role: string, email: string) => {
      const u = await svc.api('POST', '/api/users', { email, name: role, role });
      assert.equal(u.status, 201, u.text);
      const t = await svc.api('POST', `/api/users/${u.body.id}/tokens`, { name: 'matrix' });
      return { id: u.body.id as string, token: t.body.token as string };
    };
    tokens.admin = svc.adminToken;
    for (const role of ['analyst', 'viewer', 'ingest']) tokens[role] = (await mk(role, `matrix-${role}@example.com`)).token;
    const victim = await mk('analyst', 'matrix-victim@example.com');
    const revoked = await svc.api('POST', `/api/users/${victim.id}/tokens`, { name: 'revoked' });
    await svc.api('DELETE', `/api/users/${victim.id}/tokens/${revoked.body.apiToken.id}`);
    const expired = await svc.api('POST', `/api/users/${victim.id}/tokens`, { name: 'expired', expiresInDays: 1 });
    await svc.service.storage.db.updateTable('api_tokens').set({ expires_at: Date.now() - 1000 }).where('id', '=', expired.body.apiToken.id).execute();
    const disabled = await mk('admin', 'matrix-disabled@example.com');
    await svc.api('PATCH', `/api/users/${disabled.id}`, { disabled: true });
    Object.assign(tokens, { none: null, bogus: 'ast_abcdef.never-issued-0000000000000000000000000000000', revoked: revoked.body.token, expired: expired.body.token, disabled: disabled.token });
    // Settle last-use bookkeeping before the dump.
    for (const t of Object.values(tokens)) if (t) await svc.api('GET', '/api/users/me', undefined, t);
  });
  after(async () => svc.close());

  test('every operation × every role × bad tokens', async () => {
    const ops = operationsFromDocs();
    const routes = svc.service.app.routeTable.filter((r) => r.url.startsWith('/api/') && r.permission !== 'public');
    assert.deepEqual(ops.map((o) => `${o.method} ${o.path}`).sort(), [...new Set(routes.map((r) => `${r.method} ${r.url}`))].sort(), 'docs/api.md lists every /api route');
    const dump = await dumpTables(svc.service.storage);
    const failures: string[] = [];
    let sent = 0;
    for (const op of ops) {
      const path = op.path.replace(/:(\w+)/g, (_, name: string) => (name === 'host' ? 'made-up.atlassian.net' : `nope-${name}`));
      const body = op.method === 'GET' || op.method === 'DELETE' ? undefined : {};
      for (const who of [...ROLES, ...BAD]) {
        const r = await svc.api(op.method, path, body, tokens[who] ?? null);
        sent++;
        const allowed = (ROLES as readonly string[]).includes(who) && op.roles.includes(who);
        const refusedRole = (ROLES as readonly string[]).includes(who) && !op.roles.includes(who);
        let ok: boolean;
        if (allowed) ok = r.status !== 401 && !(r.status === 403 && /role may not do this/.test(r.body?.error?.message ?? '')) && r.status < 500;
        else if (refusedRole) ok = r.status === 403 && r.body?.error?.message?.startsWith(`the ${who} role may not do this`);
        else ok = r.status === 401 && (r.body?.error?.message === 'the API token is not valid' || (who === 'none' && /token is required/.test(r.body?.error?.message)));
        if (!ok) failures.push(`${op.method} ${op.path} as ${who}: ${r.status} ${r.text.slice(0, 120)}`);
      }
    }
    console.log(`# ${db}: ${ops.length} operations × ${ROLES.length + BAD.length} callers = ${sent} requests`);
    assert.deepEqual(failures, []);
    assert.equal(await dumpTables(svc.service.storage), dump, 'requests with made-up ids and empty bodies changed nothing');
  });
});
