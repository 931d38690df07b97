// Sends the creates of jobs running side by side: the creates handed in during one turn of the
// event loop that go to the same Jira client (destination version) leave in one bulk request of up
// to 50 issues (Jira's POST /issue/bulk); a lone create is a single POST /issue. A request takes one
// token of the site's rate limit, and, once it has it, every create in it is checked again against
// its job's lease (`maySend`): a create whose job could no longer finish in its lease is not sent.
// Each job gets its own outcome: created, refused by Jira on its own (the others of its request
// were made or refused on their own), not sent, or the error of the whole request (thrown).
import { BULK_CREATE_LIMIT, JiraError, type CreatedIssue, type JiraClient, type NewIssue } from '../jira/client/index.js';
import type { Clock } from '../clock.js';
import { maySend, type Timing } from './decisions.js';

export type SendOutcome =
  | { outcome: 'created'; issue: CreatedIssue; request: SendRequest }
  /** Jira refused this issue alone; `othersCreated`: another issue of the same request was made. */
  | { outcome: 'refused'; error: JiraError; othersCreated: boolean; request: SendRequest }
  /** Not sent: by the time the request could go, the job's lease no longer allowed it. */
  | { outcome: 'not-sent' };

export type SendRequest = 'createIssue' | 'createIssues';

interface Queued {
  client: JiraClient;
  site: string;
  issue: NewIssue;
  leaseUntil: number;
  resolve: (o: SendOutcome) => void;
  reject: (e: unknown) => void;
}

export interface CreateSenderDeps {
  clock: Clock;
  timing: Pick<Timing, 'leaseMs' | 'jiraTimeoutMs'>;
  /** Waits for a token of the site's rate limit (one per request). */
  acquire(site: string): Promise<void>;
  /** false: every create is a single request (ALERTSYNC_JIRA_BULK_CREATE_DISABLED). */
  bulk: boolean;
}

export class CreateSender {
  #queue: Queued[] = [];
  #scheduled = false;
  /** Requests sent and issues in them, for tests and benchmarks. */
  readonly stats = { requests: 0, bulkRequests: 0, issues: 0 };

  constructor(private readonly deps: CreateSenderDeps) {}

  send(client: JiraClient, site: string, issue: NewIssue, leaseUntil: number): Promise<SendOutcome> {
    return new Promise<SendOutcome>((resolve, reject) => {
      this.#queue.push({ client, site, issue, leaseUntil, resolve, reject });
      if (!this.#scheduled) {
        this.#scheduled = true;
        setImmediate(() => this.#flush());
      }
    });
  }

  #flush(): void {
    const queued = this.#queue;
    this.#queue = [];
    this.#scheduled = false;
    const byClient = new Map<JiraClient, Queued[]>();
    for (const q of queued) {
      const list = byClient.get(q.client);
      if (list) list.push(q);
      else byClient.set(q.client, [q]);
    }
    const size = this.deps.bulk ? BULK_CREATE_LIMIT : 1;
    for (const list of byClient.values()) {
      for (const chunk of chunks(list, size)) void this.#sendChunk(chunk);
    }
  }

  async #sendChunk(chunk: Queued[]): Promise<void> {
    const first = chunk[0]!;
    try {
      await this.deps.acquire(first.site);
    } catch (err) {
      for (const q of chunk) q.reject(err);
      return;
    }
    const now = this.deps.clock.now();
    const go: Queued[] = [];
    for (const q of chunk) {
      if (maySend(now, q.leaseUntil, this.deps.timing)) go.push(q);
      else q.resolve({ outcome: 'not-sent' });
    }
    if (go.length === 0) return;
    this.stats.requests++;
    this.stats.issues += go.length;
    if (go.length === 1) {
      const q = go[0]!;
      try {
        q.resolve({ outcome: 'created', issue: await q.client.createIssue(q.issue), request: 'createIssue' });
      } catch (err) {
        q.reject(err);
      }
      return;
    }
    this.stats.bulkRequests++;
    let results;
    try {
      results = await first.client.createIssues(go.map((q) => q.issue));
    } catch (err) {
      for (const q of go) q.reject(err);
      return;
    }
    const othersCreated = results.some((r) => 'created' in r);
    results.forEach((r, i) => {
      const q = go[i]!;
      if ('created' in r) q.resolve({ outcome: 'created', issue: r.created, request: 'createIssues' });
      else q.resolve({ outcome: 'refused', error: r.failed, othersCreated, request: 'createIssues' });
    });
  }
}

function chunks<T>(list: T[], size: number): T[][] {
  // Even chunks: 60 creates go as 30 + 30, not 50 + 10.
  const n = Math.ceil(list.length / size);
  const per = Math.ceil(list.length / n);
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += per) out.push(list.slice(i, i + per));
  return out;
}
