// Configuration from environment variables, validated once at start. A bad value stops the
// process with one line naming the variable and what is wrong (see docs/configuration.md).
import { existsSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The project root (the folder of package.json), from this module's place: src/ when run with tsx, dist/src/ when built. */
export const PROJECT_ROOT = findProjectRoot(dirname(fileURLToPath(import.meta.url)));

function findProjectRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) return resolve(from, '..');
  }
}

export interface Config {
  port: number;
  host: string;
  /** postgres://… or null for the embedded SQLite file in dataDir. */
  databaseUrl: string | null;
  dataDir: string;
  adminToken: string | null;
  /** Raw value of ALERTSYNC_SECRET_KEY (decoded later by the key store), or null. */
  secretKey: string | null;
  publicUrl: string;
  jiraHosts: string[];
  allowInsecureJira: boolean;
  logLevel: string;
  webhookSecretGraceMs: number;
  maxBodyBytes: number;
  /** Largest Jira webhook body accepted (ALERTSYNC_WEBHOOK_MAX_BODY_BYTES). */
  webhookMaxBodyBytes: number;
  maxBatchBodyBytes: number;
  maxContextBytes: number;
  jiraTimeoutMs: number;
  jobLeaseMs: number;
  retryBaseMs: number;
  retryMaxMs: number;
  createRecheckMs: number;
  sweepDelayMs: number;
  workerEnabled: boolean;
  workerPollMs: number;
  workerConcurrency: number;
  siteRateLimit: number;
  /** Deepest nesting of arrays/objects a JSON body may have; deeper bodies are refused (400) before parsing. */
  maxJsonDepth: number;
  /** HTTP server timeouts (Node http.Server / Fastify), all in milliseconds. */
  requestTimeoutMs: number;
  headersTimeoutMs: number;
  connectionTimeoutMs: number;
  keepAliveTimeoutMs: number;
  /** Bearer token for GET /metrics; null = /metrics answers loopback callers only. */
  metricsToken: string | null;
  /** Creates of one destination due together go in one bulk request (ALERTSYNC_JIRA_BULK_CREATE_DISABLED=1 turns it off). */
  jiraBulkCreate: boolean;
  /** How long a Jira list for the destination form (projects, statuses, …) is kept, per site and credentials; 0 = not cached. */
  jiraListCacheMs: number;
  /** Check statusMapping against the project's statuses when a destination is saved (ALERTSYNC_JIRA_SAVE_CHECK_DISABLED=1 turns it off). */
  jiraSaveCheck: boolean;
  /** A console session unused this long ends (ms). */
  sessionIdleMs: number;
  /** A console session ends this long after sign-in, however active (ms). */
  sessionMaxMs: number;
  /** Failed console sign-ins allowed per email and per client address within loginWindowMs. */
  loginMaxFailures: number;
  loginWindowMs: number;
  /** How long an invite link works (ms). */
  inviteTtlMs: number;
  /** The built console (index.html and assets/); default <project root>/web/dist. */
  consoleDir: string;
}

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    problem: string,
  ) {
    super(`${variable}: ${problem}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

function str(env: Env, name: string): string | undefined {
  const v = env[name];
  return v === undefined || v === '' ? undefined : v;
}

function int(env: Env, name: string, dflt: number, min: number, max: number): number {
  const raw = str(env, name);
  if (raw === undefined) return dflt;
  if (!/^\d+$/.test(raw.trim())) throw new ConfigError(name, `must be a whole number, got "${raw}"`);
  const n = Number(raw.trim());
  if (n < min || n > max) throw new ConfigError(name, `must be between ${min} and ${max}, got ${n}`);
  return n;
}

function bool(env: Env, name: string): boolean {
  const raw = str(env, name);
  if (raw === undefined) return false;
  if (['1', 'true', 'yes'].includes(raw.toLowerCase())) return true;
  if (['0', 'false', 'no'].includes(raw.toLowerCase())) return false;
  throw new ConfigError(name, `must be 1 or 0, got "${raw}"`);
}

function httpUrl(name: string, raw: string): string {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw new ConfigError(name, `must be an absolute http(s) URL, got "${raw}"`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') {
    throw new ConfigError(name, `must use http or https, got "${u.protocol}"`);
  }
  if (u.search || u.hash) throw new ConfigError(name, 'must not carry a query or fragment');
  return u.toString().replace(/\/+$/, '');
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

export function loadConfig(env: Env = process.env, cwd = process.cwd()): Config {
  const port = int(env, 'PORT', 8080, 0, 65535);
  const host = str(env, 'HOST') ?? '127.0.0.1';
  if (!/^[A-Za-z0-9.:\-[\]]+$/.test(host)) throw new ConfigError('HOST', `is not a host name or address: "${host}"`);

  const databaseUrl = str(env, 'DATABASE_URL') ?? null;
  if (databaseUrl !== null) {
    let u: URL;
    try {
      u = new URL(databaseUrl);
    } catch {
      throw new ConfigError('DATABASE_URL', 'is not a URL (expected postgres://user@host:port/db)');
    }
    if (u.protocol !== 'postgres:' && u.protocol !== 'postgresql:') {
      throw new ConfigError('DATABASE_URL', `must be a postgres:// URL (unset it for the embedded SQLite), got "${u.protocol}"`);
    }
  }
  const dataDirRaw = str(env, 'ALERTSYNC_DATA_DIR') ?? './data';
  const dataDir = isAbsolute(dataDirRaw) ? dataDirRaw : resolve(cwd, dataDirRaw);

  const adminToken = str(env, 'ALERTSYNC_ADMIN_TOKEN') ?? null;
  if (adminToken !== null && adminToken.length < 24) {
    throw new ConfigError('ALERTSYNC_ADMIN_TOKEN', 'must be at least 24 characters long');
  }
  const secretKey = str(env, 'ALERTSYNC_SECRET_KEY') ?? null;
  if (databaseUrl !== null && secretKey === null) {
    throw new ConfigError('ALERTSYNC_SECRET_KEY', 'is required with DATABASE_URL, because every replica must share the key');
  }
  const publicUrl = httpUrl('ALERTSYNC_PUBLIC_URL', str(env, 'ALERTSYNC_PUBLIC_URL') ?? `http://${host.includes(':') ? `[${host}]` : host}:${port}`);

  const jiraHosts = (str(env, 'ALERTSYNC_JIRA_HOSTS') ?? '')
    .split(',')
    .map((h) => h.trim().toLowerCase())
    .filter((h) => h !== '');
  for (const h of jiraHosts) {
    if (!/^[a-z0-9.-]+(:\d+)?$/.test(h)) {
      throw new ConfigError('ALERTSYNC_JIRA_HOSTS', `"${h}" is not a host name (comma-separated list, e.g. jira-proxy.example.com)`);
    }
  }

  const logLevel = str(env, 'LOG_LEVEL') ?? 'info';
  if (!LOG_LEVELS.includes(logLevel)) throw new ConfigError('LOG_LEVEL', `must be one of ${LOG_LEVELS.join(', ')}`);

  const retryBaseMs = int(env, 'ALERTSYNC_RETRY_BASE_MS', 1_000, 1, 3_600_000);
  const retryMaxMs = int(env, 'ALERTSYNC_RETRY_MAX_MS', 300_000, 1, 86_400_000);
  if (retryMaxMs < retryBaseMs) throw new ConfigError('ALERTSYNC_RETRY_MAX_MS', 'must not be smaller than ALERTSYNC_RETRY_BASE_MS');
  const jiraTimeoutMs = int(env, 'ALERTSYNC_JIRA_TIMEOUT_MS', 30_000, 10, 600_000);
  const jobLeaseMs = int(env, 'ALERTSYNC_JOB_LEASE_MS', 120_000, 20, 3_600_000);
  if (jobLeaseMs <= jiraTimeoutMs) {
    throw new ConfigError('ALERTSYNC_JOB_LEASE_MS', `must be longer than ALERTSYNC_JIRA_TIMEOUT_MS (${jiraTimeoutMs}), so that a lease outlives any Jira call`);
  }

  const requestTimeoutMs = int(env, 'ALERTSYNC_REQUEST_TIMEOUT_MS', 30_000, 100, 3_600_000);
  const headersTimeoutMs = int(env, 'ALERTSYNC_HEADERS_TIMEOUT_MS', 10_000, 100, 3_600_000);
  if (headersTimeoutMs > requestTimeoutMs) {
    throw new ConfigError('ALERTSYNC_HEADERS_TIMEOUT_MS', `must not be longer than ALERTSYNC_REQUEST_TIMEOUT_MS (${requestTimeoutMs})`);
  }
  const metricsToken = str(env, 'ALERTSYNC_METRICS_TOKEN') ?? null;
  if (metricsToken !== null && metricsToken.length < 24) throw new ConfigError('ALERTSYNC_METRICS_TOKEN', 'must be at least 24 characters long');

  const consoleDirRaw = str(env, 'ALERTSYNC_CONSOLE_DIR');
  const consoleDir = consoleDirRaw === undefined ? join(PROJECT_ROOT, 'web', 'dist') : isAbsolute(consoleDirRaw) ? consoleDirRaw : resolve(cwd, consoleDirRaw);

  return {
    port,
    host,
    databaseUrl,
    dataDir,
    adminToken,
    secretKey,
    publicUrl,
    jiraHosts,
    allowInsecureJira: bool(env, 'ALERTSYNC_ALLOW_INSECURE_JIRA'),
    logLevel,
    webhookSecretGraceMs: int(env, 'ALERTSYNC_WEBHOOK_SECRET_GRACE_MS', 24 * 3_600_000, 0, 30 * 24 * 3_600_000),
    maxBodyBytes: int(env, 'ALERTSYNC_MAX_BODY_BYTES', 1_048_576, 1_024, 104_857_600),
    webhookMaxBodyBytes: int(env, 'ALERTSYNC_WEBHOOK_MAX_BODY_BYTES', 4_194_304, 1_024, 104_857_600),
    maxBatchBodyBytes: int(env, 'ALERTSYNC_MAX_BATCH_BODY_BYTES', 16_777_216, 1_024, 1_073_741_824),
    maxContextBytes: int(env, 'ALERTSYNC_MAX_CONTEXT_BYTES', 65_536, 16, 10_485_760),
    jiraTimeoutMs,
    jobLeaseMs,
    retryBaseMs,
    retryMaxMs,
    createRecheckMs: int(env, 'ALERTSYNC_CREATE_RECHECK_MS', 15_000, 0, 3_600_000),
    sweepDelayMs: int(env, 'ALERTSYNC_SWEEP_DELAY_MS', 600_000, 0, 86_400_000),
    workerEnabled: !bool(env, 'ALERTSYNC_WORKER_DISABLED'),
    workerPollMs: int(env, 'ALERTSYNC_WORKER_POLL_MS', 500, 5, 60_000),
    workerConcurrency: int(env, 'ALERTSYNC_WORKER_CONCURRENCY', 8, 1, 256),
    siteRateLimit: int(env, 'ALERTSYNC_JIRA_RATE_LIMIT', 10, 1, 10_000),
    maxJsonDepth: int(env, 'ALERTSYNC_MAX_JSON_DEPTH', 64, 2, 1_000),
    requestTimeoutMs,
    headersTimeoutMs,
    connectionTimeoutMs: int(env, 'ALERTSYNC_CONNECTION_TIMEOUT_MS', 120_000, 100, 3_600_000),
    keepAliveTimeoutMs: int(env, 'ALERTSYNC_KEEP_ALIVE_TIMEOUT_MS', 5_000, 100, 600_000),
    metricsToken,
    jiraBulkCreate: !bool(env, 'ALERTSYNC_JIRA_BULK_CREATE_DISABLED'),
    jiraListCacheMs: int(env, 'ALERTSYNC_JIRA_LIST_CACHE_MS', 60_000, 0, 3_600_000),
    jiraSaveCheck: !bool(env, 'ALERTSYNC_JIRA_SAVE_CHECK_DISABLED'),
    sessionIdleMs: int(env, 'ALERTSYNC_SESSION_IDLE_MS', 8 * 3_600_000, 60_000, 30 * 86_400_000),
    sessionMaxMs: int(env, 'ALERTSYNC_SESSION_MAX_MS', 24 * 3_600_000, 60_000, 90 * 86_400_000),
    loginMaxFailures: int(env, 'ALERTSYNC_LOGIN_MAX_FAILURES', 10, 1, 10_000),
    loginWindowMs: int(env, 'ALERTSYNC_LOGIN_WINDOW_MS', 900_000, 1_000, 86_400_000),
    inviteTtlMs: int(env, 'ALERTSYNC_INVITE_TTL_MS', 7 * 86_400_000, 60_000, 90 * 86_400_000),
    consoleDir,
  };
}
