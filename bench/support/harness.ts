// Shared helpers of the delivery benchmarks (ingest, delivery, storm, backlog): the real service as
// a child process (optionally pinned with taskset), a raw keep-alive socket load generator (the
// style of emulator-create.ts), small JSON calls for setup, RSS sampling from /proc, medians and a
// bare status-webhook receiver (the latency parts' floor).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { createServer as createHttpServer, type IncomingMessage } from 'node:http';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = new URL('../../', import.meta.url).pathname;
export const ADMIN_TOKEN = 'bench-admin-token-0123456789abcdef';
export const BOT_EMAIL = 'alertsync-bot@example.com';
export const BOT_TOKEN = 'ATATT-emulator-alertsync-bot';
export const BOT_BASIC = `Basic ${Buffer.from(`${BOT_EMAIL}:${BOT_TOKEN}`).toString('base64')}`;

/** The p-th percentile (nearest rank) of a sample; NaN when empty. */
export const percentile = (xs: number[], p: number): number => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))] ?? NaN;
export const median = (xs: number[]): number => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * True when CPUs 0 and 1 exist and taskset may use them: then servers get CPU 0 / 1 and the load the
 * other. (Not availableParallelism(): an earlier part may have pinned this process to one CPU.)
 */
export function canPin(): boolean {
  return cpus().length >= 2 && spawnSync('taskset', ['-c', '0,1', 'true']).status === 0;
}

/** Pins every thread of this (load generator) process to `cpu`. */
export function pinSelf(cpu: string): void {
  spawnSync('taskset', ['-a', '-cp', cpu, String(process.pid)], { stdio: 'ignore' });
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      const port = typeof a === 'object' && a ? a.port : 0;
      s.close(() => resolve(port));
    });
  });
}

export interface RunningService {
  url: string;
  port: number;
  /** pid of the node process (taskset execs it, so the pid is the same) */
  pid: number;
  dataDir: string;
  child: ChildProcess;
  /** SIGTERM and wait for the exit; the data dir is kept (see removeDataDir) */
  stop(): Promise<void>;
}

export function tempDataDir(): string {
  return mkdtempSync(join(tmpdir(), 'alertsync-bench-'));
}

export function removeDataDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** The compiled service (`tsc -p tsconfig.build.json`, as `npm run build` makes it). */
export const SERVICE_ENTRY = 'dist/src/main.js';

/** The node flags `npm start` gives the service (package.json's `start`), so the benches run it as operators do. */
export const SERVICE_NODE_FLAGS: string[] = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: { start: string } }).scripts.start
  .split(' ')
  .filter((a) => a.startsWith('--'));

/**
 * Starts the compiled service (`node dist/src/main.js`, or with BENCH_SERVICE=tsx `node --import
 * tsx src/main.ts`) with a temp (or given) data dir, the bench admin token, LOG_LEVEL=warn and
 * `env`; resolves once /healthz answers.
 */
export async function startService(opts: { env?: Record<string, string>; cpus?: string; dataDir?: string } = {}): Promise<RunningService> {
  const port = await freePort();
  const dataDir = opts.dataDir ?? tempDataDir();
  const env: NodeJS.ProcessEnv = { ...process.env, ALERTSYNC_DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1', ALERTSYNC_ADMIN_TOKEN: ADMIN_TOKEN, LOG_LEVEL: 'warn', ...opts.env };
  // BENCH_SERVICE_NODE_ARGS: extra node flags for the service, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof"
  const nodeArgs = (process.env.BENCH_SERVICE_NODE_ARGS ?? '').split(' ').filter((a) => a !== '');
  // The compiled service, as `npm start` runs it (bench/run.ts builds it first); BENCH_SERVICE=tsx
  // runs the sources through tsx instead, as `npm run dev` does.
  const cmd = process.env.BENCH_SERVICE === 'tsx' ? [process.execPath, ...SERVICE_NODE_FLAGS, ...nodeArgs, '--import', 'tsx', 'src/main.ts'] : [process.execPath, ...SERVICE_NODE_FLAGS, ...nodeArgs, SERVICE_ENTRY];
  const child = opts.cpus ? spawn('taskset', ['-c', opts.cpus, ...cmd], { cwd: ROOT, env, stdio: ['ignore', 'ignore', 'pipe'] }) : spawn(cmd[0] as string, cmd.slice(1), { cwd: ROOT, env, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (c: Buffer) => {
    stderr += c.toString();
    if (stderr.length > 20_000) stderr = stderr.slice(-10_000);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
  };
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) {
      if (!opts.dataDir) removeDataDir(dataDir);
      throw new Error(`alertsync exited with ${child.exitCode} before listening: ${stderr.trim()}`);
    }
    try {
      const r = await fetch(`${url}/healthz`);
      if (r.ok) break;
    } catch {
      /* not up yet */
    }
    if (Date.now() > deadline) {
      await stop();
      if (!opts.dataDir) removeDataDir(dataDir);
      throw new Error(`alertsync did not answer /healthz within 30 s: ${stderr.trim()}`);
    }
    await sleep(50);
  }
  return { url, port, pid: child.pid as number, dataDir, child, stop };
}

/** One JSON call (setup, polling): returns the parsed answer, throws on an unexpected status. */
export async function call<T = unknown>(url: string, method: string, path: string, opts: { body?: unknown; auth?: string; want?: number } = {}): Promise<T> {
  const headers: Record<string, string> = {};
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  if (opts.auth) headers.authorization = opts.auth;
  const r = await fetch(`${url}${path}`, { method, headers, ...(opts.body !== undefined ? { body: JSON.stringify(opts.body) } : {}) });
  const text = await r.text();
  if (r.status !== (opts.want ?? 200)) throw new Error(`${method} ${path} answered ${r.status}: ${text.slice(0, 500)}`);
  const type = r.headers.get('content-type') ?? '';
  return (type.includes('json') ? JSON.parse(text) : text) as T;
}

export const bearer = `Bearer ${ADMIN_TOKEN}`;

/**
 * A bearer for an alert source: a user of the ingest role and a token of it, as docs/api.md has
 * the tools that send alerts hold (its answer to a created alert is `{ id, created }`).
 */
export async function ingestBearer(serviceUrl: string): Promise<string> {
  const user = await call<{ id: string }>(serviceUrl, 'POST', '/api/users', { auth: bearer, want: 201, body: { email: 'bench-source@example.com', name: 'bench alert source', role: 'ingest' } });
  const t = await call<{ token: string }>(serviceUrl, 'POST', `/api/users/${user.id}/tokens`, { auth: bearer, want: 201, body: { name: 'bench' } });
  return `Bearer ${t.token}`;
}

/** The bearer the benches post alerts with: an alert source's (ingest role), or with BENCH_ALERTS_AS=admin the admin's. */
export async function alertSourceBearer(serviceUrl: string): Promise<string> {
  return process.env.BENCH_ALERTS_AS === 'admin' ? bearer : ingestBearer(serviceUrl);
}

/** Creates the benchmark destination (the emulator's bot account) and returns its id. */
export async function createDestination(serviceUrl: string, jiraUrl: string): Promise<string> {
  const r = await call<{ destination: { id: string } }>(serviceUrl, 'POST', '/api/destinations', {
    auth: bearer,
    want: 201,
    body: { name: 'bench', domain: jiraUrl, issueType: 'Task', projectKey: 'SEC', email: BOT_EMAIL, apiToken: BOT_TOKEN },
  });
  return r.destination.id;
}

/** A small, realistic alert; `i` makes titles differ (no dedupKey: every alert is new). */
export function alertBody(i: number): Record<string, unknown> {
  return {
    title: `CVE-2024-1234 in api-gateway #${i}`,
    description: 'Found by the scanner on host 10.0.0.12.',
    severity: 'HIGH',
    type: 'RULE',
    tags: ['bench', 'scanner'],
    context: { host: '10.0.0.12', port: 443 },
  };
}

export function batchBody(size: number, from = 0): string {
  return JSON.stringify({ alerts: Array.from({ length: size }, (_, k) => alertBody(from + k)) });
}

/** Reads a field (kB) of /proc/<pid>/status, e.g. VmRSS or VmHWM; 0 when the process is gone. */
export function procStatusKb(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  try {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

/** CPU seconds (user + system) the process has used so far, from /proc/<pid>/stat; 0 when gone. */
export function procCpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ = 100)
  } catch {
    return 0;
  }
}

// ---- raw keep-alive load generator -----------------------------------------------------------

export interface Target {
  host: string;
  port: number;
}

export function rawRequest(t: Target, path: string, body: string, headers: Record<string, string>): Buffer {
  const head = [`POST ${path} HTTP/1.1`, `Host: ${t.host}:${t.port}`, 'Content-Type: application/json', `Content-Length: ${Buffer.byteLength(body)}`, 'Connection: keep-alive', ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`)].join('\r\n');
  return Buffer.from(`${head}\r\n\r\n${body}`);
}

/**
 * `connections` raw keep-alive sockets, each sending one pre-serialised request at a time and
 * parsing only the status line and Content-Length of the answer, until `ms` have passed or
 * `budget` requests were sent (whichever first). Returns requests answered per second and count.
 * (node:http's client is slower than the servers under test and would measure itself.)
 */
export async function load(t: Target, req: Buffer, want: number, o: { connections: number; ms?: number; budget?: number }): Promise<{ perSecond: number; count: number; seconds: number }> {
  const end = performance.now() + (o.ms ?? Number.POSITIVE_INFINITY);
  const budget = { left: o.budget ?? Number.POSITIVE_INFINITY };
  const t0 = performance.now();
  const counts = await Promise.all(Array.from({ length: o.connections }, () => loop(t, req, want, end, budget)));
  const seconds = (performance.now() - t0) / 1000;
  const count = counts.reduce((a, b) => a + b, 0);
  return { perSecond: count / seconds, count, seconds };
}

function loop(t: Target, req: Buffer, want: number, end: number, budget: { left: number }): Promise<number> {
  return new Promise((resolve, reject) => {
    if (budget.left <= 0) {
      resolve(0);
      return;
    }
    budget.left--;
    const sock = connect(t.port, t.host);
    sock.setNoDelay(true);
    let buf: Buffer = Buffer.alloc(0);
    let done = 0;
    sock.on('connect', () => sock.write(req));
    sock.on('error', reject);
    sock.on('data', (chunk: Buffer) => {
      buf = buf.length === 0 ? chunk : Buffer.concat([buf, chunk]);
      for (;;) {
        const hdrEnd = buf.indexOf('\r\n\r\n');
        if (hdrEnd < 0) return;
        const headText = buf.subarray(0, hdrEnd).toString('latin1');
        const status = Number(headText.slice(9, 12));
        const m = /\r\ncontent-length: *(\d+)/i.exec(headText);
        const len = m ? Number(m[1]) : 0;
        if (buf.length < hdrEnd + 4 + len) return;
        const answer = buf.subarray(hdrEnd + 4, hdrEnd + 4 + len).toString('utf8');
        buf = buf.subarray(hdrEnd + 4 + len);
        if (status !== want) {
          sock.destroy();
          reject(new Error(`answered ${status}, wanted ${want}: ${answer.slice(0, 300)}`));
          return;
        }
        done++;
        if (performance.now() < end && budget.left > 0) {
          budget.left--;
          sock.write(req);
        } else {
          sock.end();
          resolve(done);
          return;
        }
      }
    });
  });
}

/** Waits until `probe` returns true, polling every `everyMs`; throws after `timeoutMs`. */
export async function until(probe: () => Promise<boolean>, o: { everyMs: number; timeoutMs: number; what: string }): Promise<void> {
  const deadline = performance.now() + o.timeoutMs;
  while (!(await probe())) {
    if (performance.now() > deadline) throw new Error(`timed out after ${o.timeoutMs} ms waiting for ${o.what}`);
    await sleep(o.everyMs);
  }
}

export interface StatusHookReceiver {
  /** The URL to register as a Jira webhook (jira:issue_updated). */
  url: string;
  /** When (performance.now()) the webhook moving `key` to `status` arrived; rejects after `timeoutMs`. */
  wait(key: string, status: string, timeoutMs?: number): Promise<number>;
  close(): void;
}

/**
 * A bare webhook receiver on loopback (the latency parts' floor and witness): answers 204 at once and
 * resolves the waiter of "<issue key> → <status>" named by a status item of the changelog.
 */
export async function startStatusHookReceiver(): Promise<StatusHookReceiver> {
  const waiters = new Map<string, (at: number) => void>();
  const server = createHttpServer((req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const at = performance.now();
      res.writeHead(204).end();
      try {
        const h = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { issue?: { key?: string }; changelog?: { items?: Array<{ field?: string; toString?: string | null }> } };
        for (const item of h.changelog?.items ?? []) {
          if (item.field !== 'status') continue;
          const k = `${h.issue?.key}→${item.toString}`;
          waiters.get(k)?.(at);
          waiters.delete(k);
        }
      } catch {
        /* not ours */
      }
    });
  });
  const port = await freePort();
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${port}/hook`,
    wait: (key, status, timeoutMs = 60_000) =>
      new Promise<number>((resolve, reject) => {
        const t = setTimeout(() => reject(new Error(`no webhook for ${key} → ${status}`)), timeoutMs);
        waiters.set(`${key}→${status}`, (at) => {
          clearTimeout(t);
          resolve(at);
        });
      }),
    close: () => server.close(),
  };
}
