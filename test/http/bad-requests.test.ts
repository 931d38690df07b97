// Bad input never gets a 5xx and never leaves anything half-saved: each case below is sent to a
// real service, must be answered with the expected 4xx and an error naming the problem, and a
// dump of every table must be identical before and after it.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { dumpTables, forEachDb, startTestService, type TestService } from '../support/service.js';
import type { BadRequestCase, Ctx, TokenKind } from './bad-request-cases/types.js';
import { alertCases, authCases, userCases } from './bad-request-cases/alerts-users-auth.js';
import { destinationCases, setupDestinationContext } from './bad-request-cases/destinations.js';
import { deliveryCases } from './bad-request-cases/delivery.js';

const CASES: BadRequestCase[] = [...alertCases, ...userCases, ...authCases, ...destinationCases, ...deliveryCases];

test('the table holds at least 50 bad requests, with unique names', () => {
  assert.ok(CASES.length >= 50, `only ${CASES.length} cases`);
  assert.equal(new Set(CASES.map((c) => c.name)).size, CASES.length);
});

forEachDb('bad requests', (db) => {
  let svc: TestService;
  const ctx = {} as Ctx;
  const tokens = {} as Record<TokenKind, string | null>;

  before(async () => {
    svc = await startTestService(db);
    const mk = async (role: string, email: string) => {
      const u = await svc.api('POST', '/api/users', { email, name: email.split('@')[0], role });
      assert.equal(u.status, 201, u.text);
      const t = await svc.api('POST', `/api/users/${u.body.id}/tokens`, { name: 'table' });
      assert.equal(t.status, 201, t.text);
      return { id: u.body.id as string, token: t.body.token as string, tokenId: t.body.apiToken.id as string };
    };
    const analyst = await mk('analyst', 'table-analyst@example.com');
    const viewer = await mk('viewer', 'table-viewer@example.com');
    const ingest = await mk('ingest', 'table-ingest@example.com');
    const disabled = await mk('analyst', 'table-disabled@example.com');
    await svc.api('PATCH', `/api/users/${disabled.id}`, { disabled: true });
    const expiring = await svc.api('POST', `/api/users/${analyst.id}/tokens`, { name: 'expiring', expiresInDays: 1 });
    await svc.service.storage.db.updateTable('api_tokens').set({ expires_at: Date.now() - 1000 }).where('id', '=', expiring.body.apiToken.id).execute();
    const revoked = await svc.api('POST', `/api/users/${analyst.id}/tokens`, { name: 'revoked' });
    await svc.api('DELETE', `/api/users/${analyst.id}/tokens/${revoked.body.apiToken.id}`);
    Object.assign(tokens, {
      admin: svc.adminToken,
      analyst: analyst.token,
      viewer: viewer.token,
      ingest: ingest.token,
      none: null,
      expired: expiring.body.token,
      revoked: revoked.body.token,
      bogus: 'ast_thisTokenWasNeverIssued000000000000000000',
      disabled: disabled.token,
    });
    const alert = await svc.api('POST', '/api/alerts', { title: 'table alert', severity: 'LOW', type: 'RULE' });
    const comment = await svc.api('POST', `/api/alerts/${alert.body.id}/comments`, { body: 'by the admin' });
    Object.assign(ctx, { alertId: alert.body.id, commentId: comment.body.id, userId: analyst.id, viewerId: viewer.id, tokenId: analyst.tokenId });
    Object.assign(ctx, await setupDestinationContext(svc));
    // Use every token once, so that last-use bookkeeping is settled before the dumps.
    for (const t of Object.values(tokens)) if (t) await svc.api('GET', '/api/users/me', undefined, t);
  });
  after(async () => svc.close());

  for (const c of CASES) {
    test(c.name, async () => {
      const before = await dumpTables(svc.service.storage);
      const path = typeof c.path === 'function' ? c.path(ctx) : c.path;
      const token = tokens[c.token ?? 'admin'];
      let body: unknown = typeof c.body === 'function' ? (c.body as (x: Ctx) => unknown)(ctx) : c.body;
      if (c.rawBody !== undefined) body = typeof c.rawBody === 'function' ? c.rawBody() : c.rawBody;
      const headers: Record<string, string> = c.contentType ? { 'content-type': c.contentType } : {};
      const r = await svc.api(c.method, path, body, token, headers);
      assert.equal(r.status, c.expectStatus, `${c.method} ${path} answered ${r.status}: ${r.text.slice(0, 300)}`);
      assert.ok(r.body?.error?.code, `error body has a code: ${r.text.slice(0, 200)}`);
      assert.match(r.body.error.message, c.expectMessage);
      const after = await dumpTables(svc.service.storage);
      assert.equal(after, before, 'the database changed');
    });
  }
});
