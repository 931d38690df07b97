// Hostile input over real HTTP on both databases (issue 9, defects 3, 4 and 5): bodies nested
// thousands of levels deep to every route (with and without a token, and to unknown paths),
// tampered list cursors and slow bodies. Never an answer ≥ 500, never a dropped connection, never
// an error in the log, and the full database dump unchanged by every refused request.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { request as httpRequest } from 'node:http';
import { dumpTables, forEachDb, startTestService, type TestService } from '../support/service.js';

const deep = (levels: number, inner = '1') => '['.repeat(levels) + inner + ']'.repeat(levels);
const deepObject = (levels: number) => '{"a":'.repeat(levels) + '1' + '}'.repeat(levels);

/** Sends a raw request, optionally trickling the body, and returns whatever the server answered. */
function rawRequest(port: number, head: string, chunks: string[], gapMs: number): Promise<{ text: string; closedMs: number }> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const socket = connect(port, '127.0.0.1');
    let text = '';
    let timer: NodeJS.Timeout | undefined;
    socket.setEncoding('utf8');
    socket.on('data', (d) => (text += d));
    socket.on('error', () => {});
    socket.on('close', () => {
      clearTimeout(timer);
      resolve({ text, closedMs: Date.now() - started });
    });
    socket.on('connect', () => {
      socket.write(head);
      let i = 0;
      const next = () => {
        if (i >= chunks.length || socket.destroyed) return;
        socket.write(chunks[i++]!);
        timer = setTimeout(next, gapMs);
      };
      next();
    });
    setTimeout(() => reject(new Error('the server kept the connection for 60 s')), 60_000).unref();
  });
}

/** node:http, not fetch: fetch refuses a body on GET, and a hostile client does not. */
function send(url: string, method: string, path: string, body: string, token: string | null): Promise<{ status: number; text: string; body: any }> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) };
    if (token) headers.authorization = `Bearer ${token}`;
    const req = httpRequest(url + path, { method, headers, agent: false }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d) => (text += d));
      res.on('end', () => {
        let parsed: any = null;
        try {
          parsed = JSON.parse(text);
        } catch {
          /* not JSON */
        }
        resolve({ status: res.statusCode ?? 0, text, body: parsed });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

forEachDb('hostile input', (db) => {
  let svc: TestService;
  let viewerToken: string;
  before(async () => {
    svc = await startTestService(db, {
      ALERTSYNC_ALLOW_INSECURE_JIRA: '1',
      ALERTSYNC_WORKER_DISABLED: '1',
      // Short timeouts so that the slow-body test is fast; the defaults are in docs/configuration.md.
      ALERTSYNC_REQUEST_TIMEOUT_MS: '1500',
      ALERTSYNC_HEADERS_TIMEOUT_MS: '1000',
    });
    const u = await svc.api('POST', '/api/users', { email: 'hostile-viewer@example.com', name: 'Viewer', role: 'viewer' });
    viewerToken = (await svc.api('POST', `/api/users/${u.body.id}/tokens`, { name: 't' })).body.token;
    for (let i = 0; i < 3; i++) assert.equal((await svc.api('POST', '/api/alerts', { title: `a${i}`, severity: 'LOW', type: 'RULE' })).status, 201);
    for (const t of [svc.adminToken, viewerToken]) await svc.api('GET', '/api/users/me', undefined, t);
  });
  after(async () => svc.close());

  test('8,000 levels of nesting to every route and unknown paths, with and without a token: 4xx only, nothing written', async () => {
    const dump = await dumpTables(svc.service.storage);
    const routes = svc.service.app.routeTable.map((r) => ({ method: r.method, path: r.url.replace(/:(\w+)/g, 'x') }));
    routes.push({ method: 'POST', path: '/webhooks/jira/dst_x' }, { method: 'POST', path: '/no/such/path' }, { method: 'PUT', path: '/api/nothing' });
    const bodies = [deep(8000), deepObject(8000), `{"title":"t","severity":"LOW","type":"RULE","context":${deepObject(8000)}}`];
    const statuses = new Map<number, number>();
    let sent = 0;
    for (const route of routes) {
      for (const token of [svc.adminToken, viewerToken, null, 'ast_bogus']) {
        for (const body of bodies) {
          let res;
          try {
            res = await send(svc.url, route.method, route.path, body, token);
          } catch (err) {
            assert.fail(`${route.method} ${route.path}: connection dropped (${(err as Error).message})`);
          }
          sent++;
          statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
          assert.ok(res.status < 500, `${route.method} ${route.path} token=${token?.slice(0, 6)} → ${res.status} ${res.text.slice(0, 200)}`);
          // A known route that takes a body and a caller allowed to call it: the depth is what is refused.
          if (token === svc.adminToken && res.status === 400 && res.body?.error?.code === 'malformed_json') {
            assert.match(res.body.error.message, /more than 64 levels deep/);
          }
        }
      }
    }
    console.log(`# ${db}: ${sent} deeply nested requests over ${routes.length} paths: ${JSON.stringify(Object.fromEntries(statuses))}`);
    assert.ok((statuses.get(400) ?? 0) > 0, 'some requests reached the parser and were refused there');
    assert.equal(await dumpTables(svc.service.storage), dump);
    assert.deepEqual(svc.logs.filter((l) => /"level":50/.test(l) || /request failed/.test(l)), []);
  });

  test('an alert with a deep (but allowed) context is stored and read back; one level more is a 400', async () => {
    const ok = await svc.api('POST', '/api/alerts', `{"title":"deep","severity":"LOW","type":"RULE","context":${deepObject(62)}}`);
    assert.equal(ok.status, 201, ok.text);
    assert.equal((await svc.api('GET', `/api/alerts/${ok.body.id}`)).status, 200);
    const dump = await dumpTables(svc.service.storage);
    const tooDeep = await svc.api('POST', '/api/alerts', `{"title":"deep","severity":"LOW","type":"RULE","context":${deepObject(64)}}`);
    assert.equal(tooDeep.status, 400, tooDeep.text);
    assert.match(tooDeep.body.error.message, /more than 64 levels deep \(ALERTSYNC_MAX_JSON_DEPTH\)/);
    assert.equal(await dumpTables(svc.service.storage), dump);
  });

  test('tampered cursors are refused with a 400; genuine ones page through', async () => {
    const first = await svc.api('GET', '/api/alerts?limit=1');
    assert.equal(first.status, 200);
    const cursor: string = first.body.nextCursor;
    assert.ok(cursor);
    const second = await svc.api('GET', `/api/alerts?limit=1&cursor=${encodeURIComponent(cursor)}`);
    assert.equal(second.status, 200);
    assert.notEqual(second.body.alerts[0].id, first.body.alerts[0].id);

    const b64 = (v: string) => Buffer.from(v).toString('base64url');
    const [payload, mac] = cursor.split('.') as [string, string];
    const flip = (s: string) => (s[0] === 'A' ? 'B' : 'A') + s.slice(1);
    const tampered = [
      b64('[1.5,"x"]'), b64('[1e308,"x"]'), b64('[1,"\u0000"]'), '%00', b64('[1,"x"]') + '.' + mac,
      `${b64('[1.5,"x"]')}.${mac}`, `${b64('[1e308,"x"]')}.${mac}`, `${payload}.${flip(mac)}`, `${flip(payload)}.${mac}`,
      `${payload}.`, `.${mac}`, `${payload}.${mac}.x`, 'x'.repeat(400), b64(deep(100)),
    ];
    const dump = await dumpTables(svc.service.storage);
    for (const c of tampered) {
      const r = await svc.api('GET', `/api/alerts?cursor=${encodeURIComponent(c)}`);
      assert.equal(r.status, 400, `${c}: ${r.text}`);
      if (r.body.error.code !== 'validation_failed' && r.body.error.code !== 'nul_character') assert.equal(r.body.error.code, 'invalid_cursor', c);
    }
    assert.equal(await dumpTables(svc.service.storage), dump);
  });

  test('a body trickled one byte at a time is cut off with a 408 after ALERTSYNC_REQUEST_TIMEOUT_MS', async () => {
    const port = Number(new URL(svc.url).port);
    const body = JSON.stringify({ title: 'slow', severity: 'LOW', type: 'RULE' });
    const head = `POST /api/alerts HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${svc.adminToken}\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`;
    const dump = await dumpTables(svc.service.storage);
    const r = await rawRequest(port, head, body.split(''), 300);
    assert.match(r.text, /^HTTP\/1\.1 408 /, `answer: ${JSON.stringify(r.text.slice(0, 100))}`);
    // 1.5 s timeout, checked at least every 250 ms; generous upper bound for a loaded machine.
    assert.ok(r.closedMs >= 1_400 && r.closedMs < 15_000, `closed after ${r.closedMs} ms`);
    assert.equal(await dumpTables(svc.service.storage), dump);

    const slowHeaders = await rawRequest(port, 'GET /healthz HTTP/1.1\r\n', ['Host: 127.0.0.1\r\n', 'X-A: 1\r\n', 'X-B: 1\r\n', 'X-C: 1\r\n', 'X-D: 1\r\n', 'X-E: 1\r\n', 'X-F: 1\r\n', 'X-G: 1\r\n'], 400);
    assert.match(slowHeaders.text, /^HTTP\/1\.1 408 /, `answer: ${JSON.stringify(slowHeaders.text.slice(0, 100))}`);
    assert.equal((await svc.api('GET', '/api/users/me')).status, 200, 'the service still answers');
  });
});

forEachDb('GET /metrics with ALERTSYNC_METRICS_TOKEN', (db) => {
  let svc: TestService;
  const METRICS_TOKEN = 'metrics-token-for-the-test-0001';
  before(async () => {
    svc = await startTestService(db, { ALERTSYNC_WORKER_DISABLED: '1', ALERTSYNC_METRICS_TOKEN: METRICS_TOKEN });
  });
  after(async () => svc.close());

  test('needs the metrics token, even from loopback; an API token is not enough', async () => {
    assert.equal((await fetch(`${svc.url}/metrics`)).status, 401);
    assert.equal((await fetch(`${svc.url}/metrics`, { headers: { authorization: `Bearer ${svc.adminToken}` } })).status, 401);
    const ok = await fetch(`${svc.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    assert.equal(ok.status, 200);
    assert.match(await ok.text(), /http_requests_total|process_cpu/);
  });
});
