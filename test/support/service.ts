// Starts a real alertsync service in-process on SQLite or PostgreSQL, listening on a free loopback
// port, with its logs captured in memory so tests can read them. Tests talk to it over real HTTP.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { randomBytes } from 'node:crypto';
import { describe } from 'node:test';
import { loadConfig, type Config } from '../../src/config.js';
import { createLogger } from '../../src/logging.js';
import { createService, type Service } from '../../src/service.js';
import type { Storage } from '../../src/storage/db.js';
import type { Clock } from '../../src/clock.js';
import { createTestDatabase } from './postgres.js';

export type DbKind = 'sqlite' | 'postgres';
export const DB_KINDS: DbKind[] = ['sqlite', 'postgres'];

/** Runs the same suite once on SQLite and once on PostgreSQL. */
export function forEachDb(name: string, fn: (db: DbKind) => void): void {
  for (const db of DB_KINDS) describe(`${name} [${db}]`, () => fn(db));
}

export interface TestService {
  url: string;
  adminToken: string;
  service: Service;
  config: Config;
  logs: string[];
  dataDir: string;
  databaseUrl: string | null;
  /** fetch against the service with the admin token unless another token (or null) is given. */
  api(method: string, path: string, body?: unknown, token?: string | null, headers?: Record<string, string>): Promise<{ status: number; body: any; text: string; headers: Headers }>;
  /** Stops the service and removes its data directory (unless it was reused). */
  close(): Promise<void>;
  /** Stops the service, keeping its files for inspection; close() still removes them. */
  stop(): Promise<void>;
}

export async function startTestService(
  db: DbKind,
  env: Record<string, string> = {},
  reuse?: { dataDir: string; databaseUrl: string | null; secretKey: string; adminToken: string },
  opts: { clock?: Clock } = {},
): Promise<TestService> {
  const dataDir = reuse?.dataDir ?? mkdtempSync(join(tmpdir(), 'alertsync-test-'));
  const databaseUrl = reuse ? reuse.databaseUrl : db === 'postgres' ? await createTestDatabase('svc') : null;
  const adminToken = reuse?.adminToken ?? `test-admin-${randomBytes(16).toString('hex')}`;
  const secretKey = reuse?.secretKey ?? randomBytes(32).toString('base64');
  const config = loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    ALERTSYNC_DATA_DIR: dataDir,
    ALERTSYNC_ADMIN_TOKEN: adminToken,
    ALERTSYNC_SECRET_KEY: secretKey,
    ALERTSYNC_PUBLIC_URL: 'https://alertsync.test',
    LOG_LEVEL: 'debug',
    // Most tests save destinations on made-up *.atlassian.net sites: the statusMapping check of a save
    // would call out (DNS, then Jira). Tests of the check turn it on with an empty value.
    ALERTSYNC_JIRA_SAVE_CHECK_DISABLED: '1',
    // Nor may the two-way reconciler search those sites: off unless a test turns it on.
    ALERTSYNC_RECONCILE_INTERVAL_MS: '0',
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
    ...env,
  });
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, cb) {
      for (const line of String(chunk).split('\n')) if (line) logs.push(line);
      cb();
    },
  });
  const logger = createLogger({ level: config.logLevel, destination: sink });
  const service = await createService(config, logger, opts.clock);
  await service.app.listen({ port: 0, host: '127.0.0.1' });
  if (config.workerEnabled) {
    service.worker.start();
    service.reconciler.start();
  }
  const addr = service.app.server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  const url = `http://127.0.0.1:${port}`;
  let closed = false;
  const stop = async () => {
    if (closed) return;
    closed = true;
    await service.close();
  };
  return {
    url,
    adminToken,
    service,
    config,
    logs,
    dataDir,
    databaseUrl,
    async api(method, path, body, token = adminToken, headers = {}) {
      const h: Record<string, string> = { ...headers };
      if (token !== null) h.authorization = `Bearer ${token}`;
      let payload: string | undefined;
      if (body !== undefined) {
        h['content-type'] ??= 'application/json';
        payload = typeof body === 'string' ? body : JSON.stringify(body);
      }
      const res = await fetch(url + path, { method, headers: h, body: payload });
      const text = await res.text();
      let parsed: unknown = null;
      try {
        parsed = text ? JSON.parse(text) : null;
      } catch {
        parsed = null;
      }
      return { status: res.status, body: parsed as any, text, headers: res.headers };
    },
    stop,
    async close() {
      await stop();
      if (!reuse) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Every row of every table, in a stable order: compared before and after a refused request. */
export async function dumpTables(storage: Storage): Promise<string> {
  const tables = ['users', 'api_tokens', 'alerts', 'alert_comments', 'alert_changes', 'destinations', 'audit_log', 'alertsync_meta'];
  const extra = await listExtraTables(storage);
  const out: Record<string, unknown[]> = {};
  for (const t of [...tables, ...extra]) {
    const rows = await (storage.db as any).selectFrom(t).selectAll().execute();
    // last_used_at is access bookkeeping (written at most once a minute per token), not a change.
    out[t] = rows.map((r: Record<string, unknown>) => JSON.stringify({ ...r, ...('last_used_at' in r ? { last_used_at: null } : {}) })).sort();
  }
  return JSON.stringify(out);
}

async function listExtraTables(storage: Storage): Promise<string[]> {
  const known = new Set(['users', 'api_tokens', 'alerts', 'alert_comments', 'alert_changes', 'destinations', 'audit_log', 'alertsync_meta', 'alertsync_migrations', 'alertsync_migrations_lock', 'sqlite_sequence']);
  const tables = await storage.db.introspection.getTables();
  return tables.map((t) => t.name).filter((n) => !known.has(n)).sort();
}
