// Asynchronous, at-least-once webhook delivery with explicit test controls. In 'auto' mode each
// delivery is sent on the next tick after the change; in 'hold' mode deliveries wait in a queue
// until the test releases (in order, reversed, a chosen order or a seeded shuffle), duplicates or
// drops them. Failed deliveries are retried as Jira Cloud does (408, 409, 425, 429, 5xx, connection
// error or timeout: retry-rule.ts; any other status is final) with the configured backoff, up to
// maxRetries, keeping the same X-Atlassian-Webhook-Identifier and counting X-Atlassian-Webhook-Retry.
import { createHmac, randomUUID } from 'node:crypto';
import { SeededRandom } from '../random.js';
import { shouldRetry } from './retry-rule.js';

export interface RetryPolicy {
  maxRetries: number;
  backoffMs: number[];
  /** an attempt without an answer within this time counts as a timeout (retried); default 10,000 ms */
  timeoutMs?: number;
}

export interface Delivery {
  /** unique per queued copy (duplicates and retries get their own) */
  queueId: number;
  /** X-Atlassian-Webhook-Identifier: the same for every copy and retry of one delivery */
  identifier: string;
  webhookId: number;
  url: string;
  webhookEvent: string;
  issueKey: string | null;
  attempt: number;
  flow: 'Primary' | 'Secondary';
  body: string;
  secret: string | null;
  queuedAt: string;
}

export interface AttemptRecord {
  queueId: number;
  identifier: string;
  webhookId: number;
  webhookEvent: string;
  issueKey: string | null;
  retry: number;
  status: number | null;
  error?: string;
  at: string;
}

export interface ReleaseOptions {
  /** queue ids or identifiers to release, in this order; default: every held delivery */
  ids?: (number | string)[];
  order?: 'fifo' | 'reverse' | 'shuffle';
  seed?: number;
}

export class WebhookDispatcher {
  mode: 'auto' | 'hold' = 'auto';
  retry: RetryPolicy;
  private held: Delivery[] = [];
  attempts: AttemptRecord[] = [];
  private nextQueueId = 1;
  private inflight = new Set<Promise<unknown>>();
  private timers = new Set<NodeJS.Timeout>();
  private idleWaiters: (() => void)[] = [];
  private closed = false;
  private pending = 0;
  private abort = new AbortController();

  constructor(retry: RetryPolicy) {
    this.retry = retry;
  }

  create(d: Omit<Delivery, 'queueId' | 'identifier' | 'attempt' | 'queuedAt'>): Delivery {
    return { ...d, queueId: this.nextQueueId++, identifier: randomUUID(), attempt: 0, queuedAt: new Date().toISOString() };
  }

  enqueue(d: Delivery): void {
    if (this.closed) return;
    if (this.mode === 'hold') {
      this.held.push(d);
      return;
    }
    this.pending++;
    setImmediate(() => {
      this.pending--;
      this.track(this.send(d));
    });
  }

  private track(p: Promise<unknown>): void {
    this.inflight.add(p);
    void p.finally(() => {
      this.inflight.delete(p);
      this.checkIdle();
    });
  }

  private checkIdle(): void {
    if (this.inflight.size === 0 && this.timers.size === 0 && this.pending === 0) {
      const w = this.idleWaiters;
      this.idleWaiters = [];
      for (const f of w) f();
    }
  }

  /** Resolves when nothing is being sent and no retry is scheduled (held deliveries do not count). */
  idle(): Promise<void> {
    return new Promise((resolve) => {
      // sends are started on setImmediate: look after them
      setImmediate(() => {
        if (this.inflight.size === 0 && this.timers.size === 0 && this.pending === 0) resolve();
        else this.idleWaiters.push(resolve);
      });
    });
  }

  heldDeliveries(): Omit<Delivery, 'secret'>[] {
    return this.held.map(({ secret: _s, ...rest }) => rest);
  }

  setMode(mode: 'auto' | 'hold'): void {
    this.mode = mode;
  }

  private select(ids: (number | string)[] | undefined): Delivery[] {
    if (!ids) return this.held.slice();
    const out: Delivery[] = [];
    for (const id of ids) {
      for (const d of this.held) if ((d.queueId === id || d.identifier === id || String(d.queueId) === id) && !out.includes(d)) out.push(d);
    }
    return out;
  }

  /** Sends held deliveries one after the other (each awaited) and returns the attempts. */
  async release(opts: ReleaseOptions = {}): Promise<AttemptRecord[]> {
    let chosen = this.select(opts.ids);
    if (opts.order === 'reverse') chosen = chosen.reverse();
    else if (opts.order === 'shuffle') chosen = new SeededRandom(opts.seed ?? 1).shuffle(chosen);
    this.held = this.held.filter((d) => !chosen.includes(d));
    const out: AttemptRecord[] = [];
    for (const d of chosen) {
      const p = this.send(d);
      this.track(p);
      out.push(await p);
    }
    return out;
  }

  /** Queues `times` more copies of a held delivery (same identifier, same body) right after it. */
  duplicate(id: number | string, times = 1): Delivery[] {
    const [d] = this.select([id]);
    if (!d) return [];
    const copies: Delivery[] = [];
    for (let i = 0; i < times; i++) copies.push({ ...d, queueId: this.nextQueueId++, queuedAt: new Date().toISOString() });
    this.held.splice(this.held.indexOf(d) + 1, 0, ...copies);
    return copies;
  }

  drop(ids?: (number | string)[]): number {
    const chosen = this.select(ids);
    this.held = this.held.filter((d) => !chosen.includes(d));
    return chosen.length;
  }

  clear(): void {
    this.held = [];
    this.attempts = [];
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.checkIdle();
  }

  close(): void {
    this.closed = true;
    this.abort.abort();
    this.clear();
  }

  private async send(d: Delivery): Promise<AttemptRecord> {
    const headers: Record<string, string> = {
      'Content-Type': 'application/json; charset=UTF-8',
      'User-Agent': 'Atlassian Webhook HTTP Client',
      'X-Atlassian-Webhook-Identifier': d.identifier,
      'X-Atlassian-Webhook-Flow': d.flow,
    };
    if (d.attempt > 0) headers['X-Atlassian-Webhook-Retry'] = String(d.attempt);
    if (d.secret) headers['X-Hub-Signature'] = `sha256=${createHmac('sha256', d.secret).update(d.body).digest('hex')}`;
    const rec: AttemptRecord = {
      queueId: d.queueId,
      identifier: d.identifier,
      webhookId: d.webhookId,
      webhookEvent: d.webhookEvent,
      issueKey: d.issueKey,
      retry: d.attempt,
      status: null,
      at: new Date().toISOString(),
    };
    try {
      const res = await fetch(d.url, { method: 'POST', headers, body: d.body, signal: AbortSignal.any([this.abort.signal, AbortSignal.timeout(this.retry.timeoutMs ?? 10_000)]) });
      rec.status = res.status;
      await res.arrayBuffer().catch(() => undefined);
    } catch (err) {
      rec.error = err instanceof Error ? (err.cause instanceof Error ? err.cause.message : err.message) : String(err);
    }
    this.attempts.push(rec);
    if (this.attempts.length > 10_000) this.attempts.shift();
    if (!this.closed && shouldRetry(rec.status, d.attempt, this.retry.maxRetries)) {
      const delay = this.retry.backoffMs[Math.min(d.attempt, this.retry.backoffMs.length - 1)] ?? 1000;
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        this.enqueue({ ...d, queueId: this.nextQueueId++, attempt: d.attempt + 1, queuedAt: new Date().toISOString() });
        this.checkIdle();
      }, delay);
      this.timers.add(timer);
    }
    return rec;
  }
}
