// The emulator's HTTP server (node:http, no framework: every byte on the wire is under our control,
// which the lost-answer and connection-reset faults need, and the create path stays lean).
// Request pipeline for /rest/*: rate limit → connection reset → latency → 5xx → body → auth → route
// → lost answer. /_emulator/* is the admin API (bearer admin token), never subject to faults.
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { CreateHook } from './faults/create-hook.js';
import { FaultManager, type FaultSettings } from './faults/faults.js';
import { jiraError, unauthorized, type Reply, type RequestContext } from './http/reply.js';
import { Router } from './http/router.js';
import { registerAdminRoutes } from './routes/admin.js';
import { registerRestRoutes } from './routes/index.js';
import type { User } from './state/model.js';
import { SiteStore } from './state/store.js';
import { WebhookDispatcher, type RetryPolicy } from './webhooks/dispatcher.js';
import { WebhookFanout } from './webhooks/fanout.js';

export interface EmulatorOptions {
  /** default 0 (a free port) for in-process use; main.ts uses JIRA_EMULATOR_PORT or 8090 */
  port?: number;
  host?: string;
  adminToken?: string;
  /** base URL used in `self` links; default http://<host>:<port> */
  siteUrl?: string;
  faults?: FaultSettings;
  webhookRetry?: Partial<RetryPolicy>;
  /** number of received requests kept for GET /_emulator/requests */
  requestLogSize?: number;
}

export interface RequestLogEntry {
  seq: number;
  at: string;
  method: string;
  path: string;
  query: string;
  status: number | null;
  accountId: string | null;
  /** the request body as received (JSON text), parsed only when listed: keeps the hot path light */
  rawBody: string | null;
  outcome: 'answered' | 'rate-limited' | 'reset' | 'server-error' | 'lost-answer' | 'destroyed';
}

export const DEFAULT_RETRY: RetryPolicy = { maxRetries: 5, backoffMs: [1000, 5000, 15000, 30000, 60000] };

export class Emulator {
  readonly store = new SiteStore();
  readonly faults: FaultManager;
  readonly createHook = new CreateHook();
  readonly dispatcher: WebhookDispatcher;
  readonly adminToken: string;
  readonly requests: RequestLogEntry[] = [];
  private requestSeq = 0;
  private readonly rest = new Router();
  private readonly admin = new Router();
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();
  private heldSockets = new Set<Socket>();
  private siteUrl: string | undefined;
  port = 0;
  host: string;

  constructor(readonly options: EmulatorOptions = {}) {
    this.adminToken = options.adminToken ?? randomBytes(18).toString('base64url');
    this.host = options.host ?? '127.0.0.1';
    this.siteUrl = options.siteUrl;
    this.faults = new FaultManager(options.faults ?? {});
    this.store.searchLagMs = options.faults?.searchLagMs ?? 0;
    this.dispatcher = new WebhookDispatcher({ ...DEFAULT_RETRY, ...options.webhookRetry });
    new WebhookFanout(this.store, this.dispatcher, () => this.url);
    registerRestRoutes(this.rest, this);
    registerAdminRoutes(this.admin, this);
    this.server = createServer({ keepAliveTimeout: 60_000 }, (req, res) => {
      this.handle(req, res).catch((err: unknown) => {
        if (!res.headersSent && !res.destroyed) {
          res.writeHead(500, { 'content-type': 'application/json;charset=UTF-8' });
          res.end(JSON.stringify({ errorMessages: [`Internal server error: ${String(err)}`], errors: {} }));
        }
      });
    });
    this.server.on('connection', (s) => {
      this.sockets.add(s);
      s.on('close', () => {
        this.sockets.delete(s);
        this.heldSockets.delete(s);
      });
    });
  }

  get url(): string {
    return this.siteUrl ?? `http://${this.host}:${this.port}`;
  }

  async listen(port = this.options.port ?? 0): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, this.host, () => resolve());
    });
    const addr = this.server.address();
    this.port = typeof addr === 'object' && addr ? addr.port : port;
  }

  async close(): Promise<void> {
    this.dispatcher.close();
    this.createHook.releaseAll('destroy');
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  configureFaults(s: FaultSettings): void {
    this.faults.configure(s);
    this.store.searchLagMs = s.searchLagMs ?? 0;
  }

  /** Resets the site to its seed (issues, webhooks, deliveries, request log); faults go back to the start options. */
  reset(): void {
    this.store.reset();
    this.dispatcher.clear();
    this.dispatcher.setMode('auto');
    this.createHook.releaseAll('destroy');
    this.requests.length = 0;
    this.configureFaults(this.options.faults ?? {});
  }

  userByCredentials(header: string | undefined): User | null | 'bad' {
    if (!header) return null;
    if (header.startsWith('Basic ')) {
      const decoded = Buffer.from(header.slice(6), 'base64').toString('utf8');
      return this.store.usersByCredential.get(decoded) ?? 'bad';
    }
    return 'bad';
  }

  private log(e: Omit<RequestLogEntry, 'seq' | 'at'>): RequestLogEntry {
    const entry = { seq: ++this.requestSeq, at: new Date().toISOString(), ...e };
    this.requests.push(entry);
    const max = this.options.requestLogSize ?? 5000;
    // trim in batches: one splice per max/4 requests keeps the hot path O(1) amortised
    if (this.requests.length > max + (max >> 2)) this.requests.splice(0, this.requests.length - max);
    return entry;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const rawUrl = req.url ?? '/';
    const q = rawUrl.indexOf('?');
    const path = q === -1 ? rawUrl : rawUrl.slice(0, q);
    const queryString = q === -1 ? '' : rawUrl.slice(q + 1);
    const method = req.method ?? 'GET';

    if (path === '/_emulator/bare') {
      await readBody(req);
      return write(res, { status: 200, body: { ok: true } });
    }
    if (path.startsWith('/_emulator/')) return this.handleAdmin(req, res, method, path, queryString);

    const isRest = path.startsWith('/rest/');
    // faults that strike before the request is processed
    const rate = this.faults.rateLimit(method, path);
    if (rate && !rate.allowed) {
      await readBody(req);
      this.log({ method, path, query: queryString, status: 429, accountId: null, rawBody: null, outcome: 'rate-limited' });
      return write(res, { status: 429, body: { errorMessages: ['Rate limit exceeded.'], errors: {} }, headers: rate.headers });
    }
    const perIssue = this.faults.issueWriteLimit(method, path, (k) => this.store.issueByIdOrKey(k)?.id);
    if (perIssue) {
      await readBody(req);
      this.log({ method, path, query: queryString, status: 429, accountId: null, rawBody: null, outcome: 'rate-limited' });
      return write(res, { status: 429, body: { errorMessages: ['Rate limit exceeded.'], errors: {} }, headers: perIssue.headers });
    }
    if (this.faults.pick('connectionResets', method, path)) {
      this.log({ method, path, query: queryString, status: null, accountId: null, rawBody: null, outcome: 'reset' });
      req.socket.resetAndDestroy();
      return;
    }
    const latency = this.faults.latencyFor(method, path);
    if (latency > 0) await new Promise((r) => setTimeout(r, latency));
    if (this.faults.pick('serverErrors', method, path)) {
      await readBody(req);
      const se = this.faults.settings.serverErrors;
      const status = se?.status ?? 503;
      const headers: Record<string, string> = { ...(rate?.headers ?? {}) };
      if (typeof se?.retryAfterSeconds === 'number') headers['Retry-After'] = String(se.retryAfterSeconds);
      this.log({ method, path, query: queryString, status, accountId: null, rawBody: null, outcome: 'server-error' });
      return write(res, { status, body: { errorMessages: ['Internal server error'], errors: {} }, headers });
    }

    const raw = await readBody(req);

    // authentication: Basic email:api-token, or the admin token acting as a seeded user
    let user: User | null = null;
    const auth = req.headers.authorization;
    const actAs = req.headers['x-emulator-act-as'];
    if (auth === `Bearer ${this.adminToken}` && typeof actAs === 'string') {
      user = this.store.users.get(actAs) ?? [...this.store.users.values()].find((u) => u.email === actAs) ?? null;
    } else {
      const u = this.userByCredentials(auth);
      user = u === 'bad' ? null : u;
    }
    let body: unknown = undefined;
    if (raw.length > 0 && method !== 'GET' && user !== null) {
      try {
        body = JSON.parse(raw);
      } catch (err) {
        const reply = jiraError(400, [`Unexpected character in JSON body: ${(err as Error).message}`]);
        this.log({ method, path, query: queryString, status: 400, accountId: user.accountId, rawBody: raw.slice(0, 2000), outcome: 'answered' });
        return write(res, reply);
      }
    }

    const lost = this.faults.pick('lostAnswers', method, path);
    let reply: Reply;
    if (!isRest && path !== '/') {
      reply = { status: 404, text: 'Not Found', headers: { 'content-type': 'text/plain' } };
    } else if (user === null) {
      reply = unauthorized();
    } else {
      reply = await this.route(method, path, queryString, body, raw, req, user, lost);
    }
    if (rate?.headers) reply.headers = { ...rate.headers, ...reply.headers };
    if (lost && reply.noAnswer === undefined) reply.noAnswer = this.faults.settings.lostAnswers?.mode ?? 'hold';
    const entryBody = raw.length > 0 ? raw : null;
    if (reply.noAnswer) {
      this.log({ method, path, query: queryString, status: null, accountId: user?.accountId ?? null, rawBody: entryBody, outcome: reply.noAnswer === 'hold' ? 'lost-answer' : 'destroyed' });
      if (reply.noAnswer === 'destroy') req.socket.destroy();
      else this.heldSockets.add(req.socket);
      return;
    }
    this.log({ method, path, query: queryString, status: reply.status, accountId: user?.accountId ?? null, rawBody: entryBody, outcome: 'answered' });
    write(res, reply);
  }

  private async route(method: string, requestPath: string, queryString: string, body: unknown, raw: string, req: IncomingMessage, user: User, lost: boolean): Promise<Reply> {
    // /rest/api/latest is an alias of v2 on Jira Cloud (its removed /search answers 410 like v2's)
    const path = requestPath.startsWith('/rest/api/latest/') ? `/rest/api/2/${requestPath.slice('/rest/api/latest/'.length)}` : requestPath;
    const m = this.rest.match(method, path);
    if (!m) {
      // an existing resource asked with a method it does not serve: 405 with Allow (RFC 9110 §15.5.6)
      const allowed = this.rest.allowedMethods(path);
      if (allowed.length > 0) return { status: 405, text: '', headers: { allow: allowed.join(', ') } };
      return { status: 404, body: { errorMessages: [`null for uri: ${this.url}${requestPath}`], errors: {} } };
    }
    const version: 2 | 3 = path.startsWith('/rest/api/2/') ? 2 : 3;
    const ctx: RequestContext = {
      method,
      path,
      query: new URLSearchParams(queryString),
      params: m.params,
      body,
      rawBody: raw,
      headers: req.headers,
      user,
      version,
      render: { base: this.url, store: this.store, viewer: user, version },
      lostAnswer: lost,
    };
    return m.handler(ctx);
  }

  private async handleAdmin(req: IncomingMessage, res: ServerResponse, method: string, path: string, queryString: string): Promise<void> {
    const raw = await readBody(req);
    if (req.headers.authorization !== `Bearer ${this.adminToken}`) {
      return write(res, { status: 401, body: { error: 'the emulator admin API needs Authorization: Bearer <admin token>' } });
    }
    let body: unknown = undefined;
    if (raw.length > 0) {
      try {
        body = JSON.parse(raw);
      } catch {
        return write(res, { status: 400, body: { error: 'body is not JSON' } });
      }
    }
    const m = this.admin.match(method, path);
    if (!m) return write(res, { status: 404, body: { error: `no admin route ${method} ${path}` } });
    const ctx: RequestContext = {
      method,
      path,
      query: new URLSearchParams(queryString),
      params: m.params,
      body,
      rawBody: raw,
      headers: req.headers,
      user: null,
      version: 3,
      render: { base: this.url, store: this.store, viewer: null, version: 3 },
      lostAnswer: false,
    };
    try {
      write(res, await m.handler(ctx));
    } catch (err) {
      write(res, { status: 400, body: { error: err instanceof Error ? err.message : String(err) } });
    }
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(chunks.length === 0 ? '' : chunks.length === 1 ? (chunks[0] as Buffer).toString('utf8') : Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function write(res: ServerResponse, reply: Reply): void {
  if (res.destroyed) return;
  const headers: Record<string, string> = { ...reply.headers };
  let payload: string | undefined;
  if (reply.text !== undefined) {
    payload = reply.text;
    headers['content-type'] ??= 'text/plain;charset=UTF-8';
  } else if (reply.body !== undefined) {
    payload = JSON.stringify(reply.body);
    headers['content-type'] = 'application/json;charset=UTF-8';
  }
  if (payload !== undefined) headers['content-length'] = String(Buffer.byteLength(payload));
  res.writeHead(reply.status, headers);
  res.end(payload);
}
