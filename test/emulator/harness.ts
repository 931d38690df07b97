// Test harness for the emulator: starts it in-process on a free loopback port and talks to it over
// real HTTP. Every /rest/api answer is validated against Atlassian's OpenAPI document on the way
// (the test fails on a schema mismatch), and a webhook receiver collects deliveries.
import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { startEmulator, type EmulatorOptions, type RunningEmulator } from '../../src/jira/emulator/index.js';
import { openApiValidator } from './openapi-validator.js';

export const ADA = 'ada.admin@example.com';
export const BOT = 'alertsync-bot@example.com';
export const HUGO = 'hugo.hidden@example.com';
export const VERA = 'vera.viewer@example.com';
export const ADA_ID = '5b10ac8d82e05b22cc7d4ef5';
export const BOT_ID = '712020:5f0c4a8e-2b6d-4c1e-9a37-1d2e3f4a5b6c';
export const HUGO_ID = '5d53f3cbc6b9320d9ea5bdc2';
export const VERA_ID = '712020:9a2d4b8e-1f3c-4e5a-8b7d-6c0e2f4a9b31';

export interface CallResult {
  status: number;
  headers: Headers;
  text: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
}

export interface CallOptions {
  body?: unknown;
  /** seeded user email (default: the integration account) or null for no credentials */
  as?: string | null;
  authorization?: string;
  headers?: Record<string, string>;
  /** validate against the OpenAPI document (default true for documented /rest/api paths) */
  validate?: boolean;
}

/** Operations + statuses validated in this process: "GET /rest/api/3/issue/{issueIdOrKey} 200". */
export const validated = new Set<string>();

export class TestEmulator {
  constructor(readonly emu: RunningEmulator) {}

  get url(): string {
    return this.emu.url;
  }

  async call(method: string, path: string, opts: CallOptions = {}): Promise<CallResult> {
    const headers: Record<string, string> = { accept: 'application/json', ...opts.headers };
    const as = opts.as === undefined ? BOT : opts.as;
    if (opts.authorization) headers.authorization = opts.authorization;
    else if (as !== null) headers.authorization = this.emu.authFor(as);
    let body: string | undefined;
    if (opts.body !== undefined) {
      body = typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body);
      headers['content-type'] = 'application/json';
    }
    const res = await fetch(this.emu.url + path, { method, headers, ...(body !== undefined ? { body } : {}) });
    const text = await res.text();
    let parsed: unknown = undefined;
    if (text && (res.headers.get('content-type') ?? '').includes('json')) parsed = JSON.parse(text);
    const result: CallResult = { status: res.status, headers: res.headers, text, body: parsed };
    const v = openApiValidator();
    const shouldValidate = opts.validate ?? (path.startsWith('/rest/api/') && v.isDocumented(method, path) && res.status !== 401);
    if (shouldValidate) {
      const r = v.validateResponse(method, path, res.status, parsed);
      assert.ok(r.ok, `${r.operation} ${res.status} does not match ${r.schema}: ${r.errors.slice(0, 8).join(" ; ")} -- body: ${text.slice(0, 600)}`);
      validated.add(`${r.operation} ${res.status}`);
    }
    return result;
  }

  get(path: string, opts?: CallOptions): Promise<CallResult> {
    return this.call('GET', path, opts);
  }
  post(path: string, body: unknown, opts?: CallOptions): Promise<CallResult> {
    return this.call('POST', path, { ...opts, body });
  }
  put(path: string, body: unknown, opts?: CallOptions): Promise<CallResult> {
    return this.call('PUT', path, { ...opts, body });
  }
  delete(path: string, opts?: CallOptions): Promise<CallResult> {
    return this.call('DELETE', path, opts);
  }

  /** The emulator's admin API. */
  async admin(method: string, path: string, body?: unknown): Promise<CallResult> {
    const res = await fetch(`${this.emu.url}/_emulator${path}`, {
      method,
      headers: { authorization: `Bearer ${this.emu.adminToken}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    return { status: res.status, headers: res.headers, text, body: text ? JSON.parse(text) : undefined };
  }

  async createIssue(fields: Record<string, unknown> = {}, opts: CallOptions & { version?: 2 | 3 } = {}): Promise<{ id: string; key: string }> {
    const v = opts.version ?? 3;
    const res = await this.post(`/rest/api/${v}/issue`, {
      fields: { project: { key: 'SEC' }, issuetype: { name: 'Task' }, summary: 'Test issue', ...fields },
    }, opts);
    assert.equal(res.status, 201, res.text);
    return res.body as { id: string; key: string };
  }

  close(): Promise<void> {
    return this.emu.close();
  }
}

export async function startTestEmulator(options: EmulatorOptions = {}): Promise<TestEmulator> {
  return new TestEmulator(await startEmulator({ port: 0, ...options }));
}

export interface ReceivedDelivery {
  headers: IncomingHttpHeaders;
  raw: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
}

/** A webhook endpoint on loopback; `statuses` answers the first deliveries with those codes, then 200. */
export class WebhookReceiver {
  readonly received: ReceivedDelivery[] = [];
  statuses: number[] = [];
  /** when true, deliveries are read but not answered until releaseResponses() */
  holdResponses = false;
  private heldResponses: (() => void)[] = [];
  private waiters: { n: number; resolve: () => void }[] = [];
  private server: Server;
  url = '';

  constructor() {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        this.received.push({ headers: req.headers, raw, body: raw ? JSON.parse(raw) : undefined });
        const status = this.statuses.shift() ?? 200;
        if (this.holdResponses) this.heldResponses.push(() => res.writeHead(status).end());
        else res.writeHead(status).end();
        this.waiters = this.waiters.filter((w) => {
          if (this.received.length >= w.n) w.resolve();
          return this.received.length < w.n;
        });
      });
    });
  }

  async start(): Promise<this> {
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', () => r()));
    const a = this.server.address();
    this.url = `http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}/hook`;
    return this;
  }

  waitFor(n: number, timeoutMs = 10_000): Promise<void> {
    if (this.received.length >= n) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`only ${this.received.length} of ${n} deliveries within ${timeoutMs} ms`)), timeoutMs);
      this.waiters.push({ n, resolve: () => { clearTimeout(t); resolve(); } });
    });
  }

  releaseResponses(): void {
    const held = this.heldResponses;
    this.heldResponses = [];
    for (const f of held) f();
  }

  ofEvent(name: string): ReceivedDelivery[] {
    return this.received.filter((d) => d.body?.webhookEvent === name);
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((r) => this.server.close(() => r()));
  }
}

export function adf(text: string): Record<string, unknown> {
  return { type: 'doc', version: 1, content: [{ type: 'paragraph', content: [{ type: 'text', text }] }] };
}
