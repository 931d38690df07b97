// The built console served at `/` from a fixture dist directory made by the test: files, SPA
// fallback, cache and security headers; and the plain page when no console is built.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startTestService, type TestService } from '../support/service.js';
import { loadConfig } from '../../src/config.js';
import { isConsolePage } from '../../src/http/console-static.js';

const INDEX = '<!doctype html><html><head><script type="module" src="/assets/app-3f9a1c.js"></script></head><body><div id="root"></div></body></html>';
const CSP = "default-src 'self'; script-src 'self'; style-src 'self'; font-src 'self'; connect-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

async function get(svc: TestService, path: string, accept?: string) {
  const res = await fetch(svc.url + path, { headers: accept ? { accept } : {} });
  return { status: res.status, headers: res.headers, text: await res.text() };
}

function assertHtmlHeaders(h: Headers, what: string) {
  assert.equal(h.get('content-security-policy'), CSP, what);
  assert.equal(h.get('x-content-type-options'), 'nosniff', what);
  assert.equal(h.get('referrer-policy'), 'no-referrer', what);
  assert.equal(h.get('cache-control'), 'no-cache', what);
}

describe('console static files', () => {
  let svc: TestService;
  let dist: string;
  before(async () => {
    dist = mkdtempSync(join(tmpdir(), 'alertsync-dist-'));
    mkdirSync(join(dist, 'assets'));
    writeFileSync(join(dist, 'index.html'), INDEX);
    writeFileSync(join(dist, 'assets', 'app-3f9a1c.js'), 'console.log("console")\n');
    writeFileSync(join(dist, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
    svc = await startTestService('sqlite', { ALERTSYNC_WORKER_DISABLED: '1', ALERTSYNC_CONSOLE_DIR: dist });
  });
  after(async () => {
    await svc.close();
    rmSync(dist, { recursive: true, force: true });
  });

  test('/ serves index.html with the security headers and no-cache', async () => {
    const r = await get(svc, '/', 'text/html,application/xhtml+xml');
    assert.equal(r.status, 200);
    assert.equal(r.text, INDEX);
    assert.match(r.headers.get('content-type') ?? '', /^text\/html/);
    assertHtmlHeaders(r.headers, '/');
    assert.equal((await get(svc, '/index.html')).text, INDEX);
  });

  test('hashed assets are cached for a year; other files are revalidated', async () => {
    const js = await get(svc, '/assets/app-3f9a1c.js', '*/*');
    assert.equal(js.status, 200);
    assert.match(js.headers.get('content-type') ?? '', /javascript/);
    assert.equal(js.headers.get('cache-control'), 'public, max-age=31536000, immutable');
    assert.equal(js.headers.get('x-content-type-options'), 'nosniff');
    const icon = await get(svc, '/favicon.svg');
    assert.equal(icon.status, 200);
    assert.equal(icon.headers.get('cache-control'), 'no-cache');
    const missing = await get(svc, '/assets/app-000000.js', 'text/html');
    assert.equal(missing.status, 404, 'a missing asset is never answered with index.html');
  });

  test('a page path the browser navigates to gets index.html; API paths and non-HTML requests keep their JSON 404', async () => {
    for (const path of ['/alerts', '/alerts/alr_0123?tab=history', '/invite/abcDEF_123', '/destinations/new/step-2']) {
      const r = await get(svc, path, 'text/html,*/*;q=0.8');
      assert.equal(r.status, 200, path);
      assert.equal(r.text, INDEX, path);
      assertHtmlHeaders(r.headers, path);
    }
    for (const [path, accept] of [['/alerts', 'application/json'], ['/alerts', undefined], ['/api/nope', 'text/html'], ['/webhooks/nope', 'text/html'], ['/api', 'text/html']] as const) {
      const r = await get(svc, path, accept);
      assert.equal(r.status, 404, `${path} ${accept}`);
      assert.equal(JSON.parse(r.text).error.code, 'not_found');
    }
    const post = await fetch(`${svc.url}/alerts`, { method: 'POST', headers: { accept: 'text/html' } });
    assert.equal(post.status, 404);
    // The API and health routes are untouched.
    assert.deepEqual(JSON.parse((await get(svc, '/healthz', 'text/html')).text), { status: 'ok' });
    assert.equal((await get(svc, '/api/alerts', 'text/html')).status, 401);
    assert.equal((await svc.api('GET', '/api/alerts')).status, 200);
  });
});

describe('console not built', () => {
  test('/ answers a plain page that says how to build it, never a 500', async () => {
    const svc = await startTestService('sqlite', { ALERTSYNC_WORKER_DISABLED: '1', ALERTSYNC_CONSOLE_DIR: join(tmpdir(), 'alertsync-no-such-dist') });
    try {
      const r = await get(svc, '/', 'text/html');
      assert.equal(r.status, 200);
      assert.match(r.headers.get('content-type') ?? '', /^text\/plain/);
      assert.match(r.text, /web console is not built/);
      assert.match(r.text, /web\/dist/);
      const page = await get(svc, '/alerts', 'text/html');
      assert.equal(page.status, 200);
      assert.match(page.text, /not built/);
      assert.equal((await get(svc, '/api/nope', 'text/html')).status, 404);
    } finally {
      await svc.close();
    }
  });
});

test('the console directory defaults to <project root>/web/dist whatever the working directory', () => {
  const root = fileURLToPath(new URL('../../', import.meta.url));
  for (const cwd of ['/', tmpdir()]) assert.equal(loadConfig({}, cwd).consoleDir, join(root, 'web', 'dist'));
  assert.equal(loadConfig({ ALERTSYNC_CONSOLE_DIR: 'built' }, '/srv').consoleDir, '/srv/built');
});

test('isConsolePage', () => {
  const cases: Array<[string, string, string | undefined, boolean]> = [
    ['GET', '/', 'text/html', true],
    ['GET', '/alerts/1', 'text/html,*/*', true],
    ['HEAD', '/alerts', 'text/html', true],
    ['GET', '/alerts', '*/*', false],
    ['GET', '/alerts', undefined, false],
    ['POST', '/alerts', 'text/html', false],
    ['GET', '/api/alerts', 'text/html', false],
    ['GET', '/api', 'text/html', false],
    ['GET', '/apix', 'text/html', true],
    ['GET', '/webhooks/jira/x', 'text/html', false],
    ['GET', '/healthz', 'text/html', false],
    ['GET', '/readyz?x=1', 'text/html', false],
    ['GET', '/metrics', 'text/html', false],
    ['GET', '/assets/app.js', 'text/html', false],
  ];
  for (const [method, url, accept, want] of cases) assert.equal(isConsolePage(method, url, accept), want, `${method} ${url} ${accept}`);
});
