// Seeded fuzzing of every /api route: random JSON bodies, parameters and query values, on both
// databases. Whatever the input, the answer is never a 5xx.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { forEachDb, startTestService, type TestService } from '../support/service.js';

function prng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const STRINGS = ['', ' ', 'HIGH', 'RULE', 'OPEN', 'admin', 'a@b.c', 'x'.repeat(300), '🚨‍🔥', '\ud800', '\u0000', '../../etc', '%00', "'; drop table alerts; --", '{code}', 'https://acme.atlassian.net', 'http://127.0.0.1:1', '-1', '1e309', 'null'];

function value(r: () => number, depth = 0): unknown {
  const k = Math.floor(r() * (depth > 2 ? 6 : 9));
  switch (k) {
    case 0: return STRINGS[Math.floor(r() * STRINGS.length)];
    case 1: return Math.floor(r() * 2 ** 31) * (r() < 0.5 ? -1 : 1);
    case 2: return r() < 0.5 ? 1e308 : -0.5;
    case 3: return r() < 0.5;
    case 4: return null;
    case 5: return STRINGS[Math.floor(r() * STRINGS.length)]!.repeat(1 + Math.floor(r() * 3));
    case 6: return Array.from({ length: Math.floor(r() * 4) }, () => value(r, depth + 1));
    default: {
      const keys = ['title', 'severity', 'type', 'status', 'email', 'name', 'role', 'body', 'context', 'tags', 'logTypes', 'domain', 'projectKey', 'apiToken', 'sync', 'destinationId', 'ratePerSec', 'userId', 'disabled', 'expiresInDays', 'issueProperties', 'statusMapping', 'alerts'];
      const o: Record<string, unknown> = {};
      for (let i = 0; i < 1 + Math.floor(r() * 5); i++) o[keys[Math.floor(r() * keys.length)]!] = value(r, depth + 1);
      return o;
    }
  }
}

/** Percent-encodes; a lone surrogate becomes the bytes of an invalid UTF-8 sequence, on purpose. */
function enc(v: string): string {
  try {
    return encodeURIComponent(v);
  } catch {
    return '%ED%A0%80';
  }
}

forEachDb('fuzzing every route', (db) => {
  let svc: TestService;
  before(async () => {
    svc = await startTestService(db);
  });
  after(async () => svc.close());

  test('random requests to every /api route: never a 5xx', async () => {
    // FUZZ_SEED and FUZZ_ROUNDS widen the search by hand; CI runs the fixed default.
    const r = prng(Number(process.env.FUZZ_SEED ?? 0) * 10 + (db === 'sqlite' ? 1 : 2));
    const rounds = Number(process.env.FUZZ_ROUNDS ?? 25);
    const alert = await svc.api('POST', '/api/alerts', { title: 'fuzz', severity: 'LOW', type: 'RULE' });
    const ids = [alert.body.id as string, 'nope', '%00', 'x'.repeat(101), '..%2F..', '🚨'];
    const routes = svc.service.app.routeTable.filter((x) => x.url.startsWith('/api/'));
    assert.ok(routes.length >= 25);
    let sent = 0;
    const statuses = new Map<number, number>();
    for (const route of routes) {
      for (let i = 0; i < rounds; i++) {
        const path = route.url.replace(/:(\w+)/g, () => enc(ids[Math.floor(r() * ids.length)]!).replace(/%25/g, '%'));
        const query = r() < 0.3 ? `?${['limit', 'status', 'q', 'cursor', 'assignee', 'before'][Math.floor(r() * 6)]}=${enc(String(value(r, 3)))}` : '';
        const body = route.method === 'GET' || route.method === 'DELETE' ? undefined : r() < 0.1 ? '{"broken": ' : JSON.stringify(value(r));
        const res = await svc.api(route.method, path + query, body);
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        assert.ok(res.status < 500, `${route.method} ${path}${query} ${JSON.stringify(body)?.slice(0, 200)} → ${res.status} ${res.text.slice(0, 200)}`);
        sent++;
      }
    }
    console.log(`# ${db}: ${sent} fuzzed requests over ${routes.length} routes: ${JSON.stringify(Object.fromEntries(statuses))}`);
  });
});
