// Sends the creates of jobs running side by side: the creates handed in during one turn of the
// event loop that go to the same Jira client (destination version) leave in one bulk request of up
// to 50 issues (Jira's POST /issue/bulk); a lone create is a single POST /issue.
// The rate limit: before its mark, a job reserves its place (`reserve`): it joins its client's
// reservation that is still waiting for a token (up to 50 jobs), or opens one, which waits for one
// token of the site's rate limit. So the token is waited for before the mark (as for a single
// create), a bulk request costs one token, and under a rate limit the creates that come due while
// a token is awaited go together.
// Right before the request every create in it is checked again: against its job's lease
// (`maySend`: a create whose job could no longer finish in its lease is not sent) and against its
// destination (`stillWanted`: disabled or deleted since the job started, it is not sent).
// Each job gets its own outcome: created, refused by Jira on its own (the others of its request
// were made or refused on their own), not sent, or the error of the whole request (thrown).
import { BULK_CREATE_LIMIT, JiraError, type CreatedIssue, type JiraClient, type NewIssue } from '../jira/client/index.js';
import type { Clock } from '../clock.js';
import { maySend, type Timing } from './decisions.js';

export type SendOutcome =
  | { outcome: 'created'; issue: CreatedIssue; request: SendRequest }
  /** Jira refused this issue alone; `othersCreated`: another issue of the same request was made. */
  | { outcome: 'refused'; error: JiraError; othersCreated: boolean; request: SendRequest }
  /**
   * Not sent: by the time the request could go, the job's lease no longer allowed it (`lease`), or
   * its destination was disabled or deleted meanwhile (`destination`).
   */
  | { outcome: 'not-sent'; reason: 'lease' | 'destination' };

export type SendRequest = 'createIssue' | 'createIssues';

/**
 * A token wait this long (ms) counts as the rate limit holding creates back (`throttled`): the
 * site's rate, at most 10 requests a second then, paces the creates. Shorter waits (a burst spent
 * within a millisecond at a high rate) do not: a lookup per create waiting then costs little.
 */
const THROTTLE_WAIT_MS = 100;
/** How long after such a wait creates still count as held back (ms). */
const THROTTLE_MEMORY_MS = 1000;

interface Reservation {
  /** When its request's reservation was opened (clock ms). */
  openedAt: number;
  client: JiraClient;
  site: string;
  resolve: () => void;
  reject: (e: unknown) => void;
}

interface Queued {
  client: JiraClient;
  site: string;
  issue: NewIssue;
  leaseUntil: number;
  /** Asked right before the request: does the job's destination still want this create? */
  stillWanted?: () => Promise<boolean>;
  resolve: (o: SendOutcome) => void;
  reject: (e: unknown) => void;
}

export interface CreateSenderDeps {
  clock: Clock;
  timing: Pick<Timing, 'leaseMs' | 'jiraTimeoutMs'>;
  /** Waits for a token of the site's rate limit (one per request: see `reserve`). */
  acquire(site: string): Promise<void>;
  /** false: every create is a single request (ALERTSYNC_JIRA_BULK_CREATE_DISABLED). */
  bulk: boolean;
  /** `freedSlots` grew: a job joined or opened a reservation that waits for its token, or a bulk request left. */
  onSlotsFreed?(): void;
}

export class CreateSender {
  #queue: Queued[] = [];
  #scheduled = false;
  /** Per client, the reservation waiting for its token (others due meanwhile join it). */
  #waiting = new Map<JiraClient, Reservation[]>();
  /** Requests sent and issues in them, for tests and benchmarks. */
  readonly stats = { requests: 0, bulkRequests: 0, issues: 0 };
  #parkedJobs = 0;
  #parkedReservations = 0;
  #sentJobs = 0;
  #sentRequests = 0;
  /** When a reservation last had to wait for its token (clock ms). */
  #waitedAt = Number.NEGATIVE_INFINITY;

  /**
   * Running jobs that need no slot of the worker now: the jobs waiting in a reservation for its
   * token, less one per reservation (a reservation is one request to come, and counts as one job),
   * and the jobs of bulk requests on their way, less one per request (a request in flight is one
   * call to Jira). The worker claims more jobs for these slots: their creates join the waiting
   * request, or are built and marked while the last request is answered.
   */
  get freedSlots(): number {
    return this.#parkedJobs - this.#parkedReservations + this.#sentJobs - this.#sentRequests;
  }

  constructor(private readonly deps: CreateSenderDeps) {}

  /**
   * Whether the rate limit holds creates back now: a reservation waits for its token, or one had
   * to wait within the last second. The worker then lets each create mark itself right before its
   * request rather than at its claim: a create waiting for a token with a mark would cost a lookup
   * (one more request to the same slow site) if the process died meanwhile.
   */
  throttled(now: number): boolean {
    if (now - this.#waitedAt < THROTTLE_MEMORY_MS) return true;
    for (const members of this.#waiting.values()) if (now - members[0]!.openedAt >= THROTTLE_WAIT_MS) return true;
    return false;
  }

  /**
   * Waits for the rate-limit token of the request this job's create will go in: a job joins the
   * reservation of its client that is still waiting for its token (up to 50), else opens one and
   * waits for a token. Under a rate limit, creates that come due while a token is awaited share it.
   */
  reserve(client: JiraClient, site: string): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const r: Reservation = { openedAt: this.deps.clock.now(), client, site, resolve, reject };
      const open = this.#waiting.get(client);
      if (open && open.length < (this.deps.bulk ? BULK_CREATE_LIMIT : 1)) {
        open.push(r);
        this.#parkedJobs++;
        this.deps.onSlotsFreed?.();
        return;
      }
      const members = [r];
      this.#waiting.set(client, members);
      this.#parkedJobs++;
      this.#parkedReservations++;
      this.deps.acquire(site).then(
        () => this.#closeReservation(client, members).forEach((m) => m.resolve()),
        (err) => this.#closeReservation(client, members).forEach((m) => m.reject(err)),
      );
    });
  }

  #closeReservation(client: JiraClient, members: Reservation[]): Reservation[] {
    const now = this.deps.clock.now();
    if (now - members[0]!.openedAt >= THROTTLE_WAIT_MS) this.#waitedAt = now;
    if (this.#waiting.get(client) === members) this.#waiting.delete(client);
    this.#parkedJobs -= members.length;
    this.#parkedReservations--;
    return members;
  }

  send(client: JiraClient, site: string, issue: NewIssue, leaseUntil: number, stillWanted?: () => Promise<boolean>): Promise<SendOutcome> {
    return new Promise<SendOutcome>((resolve, reject) => {
      this.#queue.push({ client, site, issue, leaseUntil, stillWanted, resolve, reject });
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
    const size = this.deps.bulk ? BULK_CREATE_LIMIT : 1;
    for (const list of byClient(queued).values()) {
      for (const chunk of chunks(list, size)) void this.#sendChunk(chunk);
    }
  }

  async #sendChunk(chunk: Queued[]): Promise<void> {
    const first = chunk[0]!;
    // A destination disabled or deleted since its jobs started sends nothing more (a read of its
    // version per request; an error reading it counts as "no": nothing is sent, the jobs run again).
    const wanted = await Promise.all(chunk.map((q) => (q.stillWanted ? q.stillWanted().catch(() => false) : true)));
    const now = this.deps.clock.now();
    const go: Queued[] = [];
    chunk.forEach((q, i) => {
      if (!wanted[i]) q.resolve({ outcome: 'not-sent', reason: 'destination' });
      else if (maySend(now, q.leaseUntil, this.deps.timing)) go.push(q);
      else q.resolve({ outcome: 'not-sent', reason: 'lease' });
    });
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
    this.#sentJobs += go.length;
    this.#sentRequests++;
    this.deps.onSlotsFreed?.();
    try {
      results = await first.client.createIssues(go.map((q) => q.issue));
    } catch (err) {
      for (const q of go) q.reject(err);
      return;
    } finally {
      this.#sentJobs -= go.length;
      this.#sentRequests--;
    }
    const othersCreated = results.some((r) => 'created' in r);
    results.forEach((r, i) => {
      const q = go[i]!;
      if ('created' in r) q.resolve({ outcome: 'created', issue: r.created, request: 'createIssues' });
      else q.resolve({ outcome: 'refused', error: r.failed, othersCreated, request: 'createIssues' });
    });
  }
}

function byClient<T extends { client: JiraClient }>(list: T[]): Map<JiraClient, T[]> {
  const m = new Map<JiraClient, T[]>();
  for (const q of list) {
    const l = m.get(q.client);
    if (l) l.push(q);
    else m.set(q.client, [q]);
  }
  return m;
}

function chunks<T>(list: T[], size: number): T[][] {
  // Even chunks: 60 creates go as 30 + 30, not 50 + 10.
  const n = Math.ceil(list.length / size);
  const per = Math.ceil(list.length / n);
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += per) out.push(list.slice(i, i + per));
  return out;
}
