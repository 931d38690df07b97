import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { forEachDb, startTestService, type TestService } from '../support/service.js';

forEachDb('health, readiness, metrics, OpenAPI', (db) => {
  let svc: TestService;
  before(async () => {
    svc = await startTestService(db, { ALERTSYNC_ALLOW_INSECURE_JIRA: '1' });
  });
  after(async () => svc.close());

  test('/healthz and /readyz need no token; /readyz reports the database and the insecure-Jira warning', async () => {
    const h = await svc.api('GET', '/healthz', undefined, null);
    assert.equal(h.status, 200);
    const r = await svc.api('GET', '/readyz', undefined, null);
    assert.equal(r.status, 200);
    assert.deepEqual(r.body.database, { reachable: true, dialect: db });
    assert.match(r.body.warnings.join('\n'), /ALERTSYNC_ALLOW_INSECURE_JIRA=1/);
    assert.ok(svc.logs.some((l) => /ALERTSYNC_ALLOW_INSECURE_JIRA=1/.test(l) && JSON.parse(l).level === 40), 'warned at start');
  });

  test('/metrics is Prometheus text with request counts by route and status', async () => {
    await svc.api('GET', '/api/alerts');
    await svc.api('GET', '/api/alerts', undefined, null);
    const m = await fetch(`${svc.url}/metrics`);
    assert.match(m.headers.get('content-type') ?? '', /text\/plain/);
    const text = await m.text();
    assert.match(text, /alertsync_http_requests_total\{method="GET",route="\/api\/alerts",status="200"\} [1-9]/);
    assert.match(text, /alertsync_http_requests_total\{method="GET",route="\/api\/alerts",status="401"\} [1-9]/);
    assert.match(text, /alertsync_process_resident_memory_bytes \d+/);
  });

  test('the OpenAPI document is generated from the route schemas and covers every /api route', async () => {
    const r = await svc.api('GET', '/api/openapi.json', undefined, null);
    assert.equal(r.status, 200);
    assert.equal(r.body.openapi, '3.0.3');
    const paths = Object.keys(r.body.paths);
    for (const p of ['/api/alerts', '/api/alerts/batch', '/api/alerts/{id}', '/api/alerts/{id}/status', '/api/alerts/{id}/assignee', '/api/alerts/{id}/comments', '/api/alerts/{id}/comments/{commentId}', '/api/users', '/api/users/{id}', '/api/users/{id}/tokens', '/api/users/{id}/tokens/{tokenId}', '/api/audit']) {
      assert.ok(paths.includes(p), `missing ${p}`);
    }
    const create = r.body.paths['/api/alerts'].post;
    assert.deepEqual(create.requestBody.content['application/json'].schema.properties.severity.enum, ['INFO', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL']);
    assert.ok(r.body.components.schemas.Alert, 'shared schemas are components');
    assert.ok(!paths.includes('/healthz'), 'probes are not part of the API document');
  });

  test('logs are JSON lines and carry no token', async () => {
    assert.ok(svc.logs.length > 0);
    for (const l of svc.logs) {
      const o = JSON.parse(l);
      assert.equal(typeof o.level, 'number');
      assert.ok(!l.includes(svc.adminToken));
    }
  });
});
