// Several real service processes sharing one PostgreSQL database, as replicas do in production.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { spawnService, type ServiceProcess } from './process.js';
import { freePortSync } from './ports.js';
import { createTestDatabase } from './postgres.js';

export interface Replicas {
  procs: ServiceProcess[];
  ports: number[];
  admin: string;
  databaseUrl: string;
  api(i: number, method: string, path: string, body?: unknown): Promise<{ status: number; body: any }>;
  query<T extends pg.QueryResultRow>(text: string, values?: unknown[]): Promise<T[]>;
  close(): Promise<void>;
}

export async function startReplicas(n: number, env: Record<string, string>): Promise<Replicas> {
  const databaseUrl = await createTestDatabase('replicas');
  const admin = `admin-${randomBytes(16).toString('hex')}`;
  const secret = randomBytes(32).toString('base64');
  const dirs = Array.from({ length: n }, () => mkdtempSync(join(tmpdir(), 'alertsync-replica-')));
  const ports = dirs.map(() => freePortSync());
  const procs = dirs.map((dir, i) =>
    spawnService({ ALERTSYNC_DATA_DIR: dir, PORT: String(ports[i]), DATABASE_URL: databaseUrl, ALERTSYNC_SECRET_KEY: secret, ALERTSYNC_ADMIN_TOKEN: admin, LOG_LEVEL: 'info', ...env }),
  );
  await Promise.all(procs.map((p) => p.waitForLine(/alertsync is up/, 60_000)));
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  return {
    procs,
    ports,
    admin,
    databaseUrl,
    async api(i, method, path, body) {
      const r = await fetch(`http://127.0.0.1:${ports[i]}${path}`, { method, headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
      return { status: r.status, body: (await r.json()) as any };
    },
    async query(text, values) {
      return (await client.query(text, values)).rows;
    },
    async close() {
      for (const p of procs) {
        p.child.kill('SIGCONT');
        p.child.kill('SIGTERM');
      }
      await Promise.all(procs.map((p) => p.exited));
      await client.end();
      for (const d of dirs) rmSync(d, { recursive: true, force: true });
    },
  };
}
