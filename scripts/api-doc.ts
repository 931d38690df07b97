import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { loadConfig } from '../src/config.js';
import { createLogger } from '../src/logging.js';
import { createService } from '../src/service.js';
import { ROLES, may, type Permission } from '../src/users/user.js';

function rolesFor(permission: string): string {
  if (permission === 'public') return 'anyone (no token)';
  return ROLES.filter((r) => may(r, permission as Permission)).join(', ');
}

export async function renderApiDoc(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'alertsync-doc-'));
  const config = loadConfig({ ALERTSYNC_DATA_DIR: dir, ALERTSYNC_SECRET_KEY: randomBytes(32).toString('base64'), ALERTSYNC_ADMIN_TOKEN: randomBytes(24).toString('hex') });
  const service = await createService(config, createLogger({ level: 'silent' }));
  try {
    const routes = [...service.app.routeTable].filter((r) => r.url.startsWith('/api') || r.url.startsWith('/webhooks')).sort((a, b) => a.url.localeCompare(b.url) || a.method.localeCompare(b.method));
    const rows = routes.map((r) => `| \`${r.method} ${r.url}\` | ${r.permission} | ${rolesFor(r.permission)} | ${r.summary} |`);
    return [
      '# API endpoints and roles',
      '',
      'Generated from the route table by `npm run docs:api` (a test fails when it is out of date).',
      'Every `/api` request carries `Authorization: Bearer <token>` or the console\'s session cookie `alertsync_session`',
      '(from `POST /api/session`; with the cookie, every change also needs `X-CSRF-Token`, else 403 `csrf`; see [security.md](security.md));',
      'a missing or bad token or session is answered 401, a role without the permission 403. Errors are `{ "error": { "code", "message", "details" } }`.',
      'The machine-readable description is `GET /api/openapi.json` (OpenAPI 3.0, generated from the same route schemas).',
      'Endpoints that ask Jira on the caller\'s behalf (the `/jira/` lists) answer a refusal by Jira with 502 `jira_refused`',
      '(Jira\'s status and messages in `details`) and no answer with 502 `jira_unreachable`: never 401 or 403, which are alertsync\'s own.',
      '',
      'Roles: **admin** (everything), **analyst** (alerts, comments, dispatch; reads users and destinations),',
      '**viewer** (read only), **ingest** (may only create alerts: for the tools that send them; it gets back only `{ id, created }`, never the stored alert).',
      '',
      '| Endpoint | Permission | Roles | What it does |',
      '|---|---|---|---|',
      ...rows,
      '',
      '## Limits',
      '',
      `- Request body: ${config.maxBodyBytes} bytes (\`ALERTSYNC_MAX_BODY_BYTES\`); \`POST /api/alerts/batch\`: ${config.maxBatchBodyBytes} bytes (\`ALERTSYNC_MAX_BATCH_BODY_BYTES\`). Larger bodies are answered 413.`,
      `- Alert context: ${config.maxContextBytes} bytes of JSON (\`ALERTSYNC_MAX_CONTEXT_BYTES\`), answered 413 above it.`,
      `- JSON bodies nest arrays and objects at most ${config.maxJsonDepth} levels deep (\`ALERTSYNC_MAX_JSON_DEPTH\`), alert contexts included; deeper bodies are answered 400 before they are parsed.`,
      `- A request (headers and body) must arrive within ${config.requestTimeoutMs} ms (\`ALERTSYNC_REQUEST_TIMEOUT_MS\`), its headers within ${config.headersTimeoutMs} ms; a slower client is answered 408 and disconnected.`,
      '- A batch holds 1 to 1,000 alerts and is stored all or nothing.',
      '- Title up to 1,000 characters, description 20,000, comment 65,536, up to 100 tags and 50 log types (no spaces).',
      '- Lists: `limit` 1–500 (default 50); follow `nextCursor` for the next page. A cursor is opaque and signed by the server: pass it back unchanged (a changed or foreign cursor is answered 400 `invalid_cursor`).',
      '',
      '## Origin of changes',
      '',
      'Every change to an alert is recorded with its actor and origin: `api` (bearer token), `console` (a request made',
      'with the console\'s session cookie), `destination:<id>` (two-way sync from Jira) or `system`. The history is',
      'returned by `GET /api/alerts/{id}` as `history`: `[{id, kind, field, from, to, actor: {type, id, name}, origin, at}]`,',
      'oldest first (there is no separate history endpoint); comments carry their own `origin`.',
      '',
      '## Overview',
      '',
      '`GET /api/overview` is read when asked, nothing is cached. `alertsOverTime`: one bucket per hour (UTC hours, empty ones',
      'included) from `hours - 1` hours before the current hour to the current hour, alerts counted by creation time and',
      'severity. `deliveriesByState`: delivery jobs of every kind per destination and state. `sites`: every Jira site the',
      'limiter knows, `requestsPerSecond` = requests this process sent to it over the last 60 s (each replica measures its',
      'own), `limitPerSecond` = the rate the limiter allows now, `configuredPerSecond` = its ceiling. `oldestWaitingJob`:',
      'the earliest-created job that is pending, blocked or paused (`waitingSinceMs` = now minus its creation), or null.',
      '',
    ].join('\n');
  } finally {
    await service.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
