// Sends the creates of jobs running side by side: the creates of one reservation (below) leave in
// one bulk request of up to 50 issues (Jira's POST /issue/bulk); a lone create is a single POST /issue.
// The rate limit: before its mark, a job reserves its place (`reserve`): it joins its client's
// reservation that is still waiting for a token (up to 50 jobs), or opens one, which waits for one
// token of the site's rate limit. So the token is waited for before the mark (as for a single
// create), a bulk request costs one token, and under a rate limit the creates that come due while
// a token is awaited go together. The reservations of one client whose tokens come in the same turn
// share a request while they hold `requestSize` creates or fewer (a third of what may run on SQLite,
// half on PostgreSQL: so a claim's creates go out while the last claims' requests are still
// answered); a reservation is never split.
// The create requests on their way stay within `maxRequests` (the worker's create slots: a claim may
// take creates beyond its free slots, expecting them to leave together, and when they belong to
// different destinations each is a request of its own); the others wait for one to be answered.
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
  resolve: (ticket: ReservationTicket) => void;
  reject: (e: unknown) => void;
}

/** What `reserve` resolves with: the reservation (one token) a create's request is to use. */
export type ReservationTicket = object;

interface Queued {
  /** The reservation whose token this create's request uses (never split over two requests); none: joins any. */
  ticket: ReservationTicket | undefined;
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
  /**
   * How many create requests may be on their way at once (the worker: its create slots less the
   * sweeps running). A request beyond it waits, and goes (with the creates queued meanwhile) when
   * one is answered or `slotsChanged` is called. Unset: no bound.
   */
  maxRequests?(): number;
  /**
   * How many creates of several reservations whose tokens came in the same turn one request may
   * gather (decisions.ts requestSize); a reservation larger than this goes as one request. Unset: 50.
   */
  requestSize?(): number;
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
  /** Create requests on their way (from the destination check before them to their answer). */
  #onTheirWay = 0;
  /** Creates ready to go whose request waits for room under `maxRequests`. */
  #held: Queued[] = [];

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
  reserve(client: JiraClient, site: string): Promise<ReservationTicket> {
    return new Promise<ReservationTicket>((resolve, reject) => {
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
        () => this.#closeReservation(client, members).forEach((m) => m.resolve(members)),
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

  /**
   * Sends this create with the others of its reservation (`ticket`, from `reserve`), which waited for
   * one token: a reservation is never split, and reservations of one client whose tokens came in the
   * same turn share a request up to `requestSize` creates. Creates without a ticket, handed in during
   * the same turn, go together.
   */
  send(client: JiraClient, site: string, issue: NewIssue, leaseUntil: number, stillWanted?: () => Promise<boolean>, ticket?: ReservationTicket): Promise<SendOutcome> {
    return new Promise<SendOutcome>((resolve, reject) => {
      this.#queue.push({ ticket, client, site, issue, leaseUntil, stillWanted, resolve, reject });
      this.#schedule();
    });
  }

  /** The worker's slots changed (a sweep ended): creates held back may go now. */
  slotsChanged(): void {
    if (this.#held.length > 0) this.#schedule();
  }

  #schedule(): void {
    if (!this.#scheduled) {
      this.#scheduled = true;
      setImmediate(() => this.#flush());
    }
  }

  #flush(): void {
    // Creates held back go first, together with those queued since (one request where they can).
    const queued = this.#held.length > 0 ? this.#held.concat(this.#queue) : this.#queue;
    this.#held = [];
    this.#queue = [];
    this.#scheduled = false;
    const size = this.deps.bulk ? Math.min(BULK_CREATE_LIMIT, this.deps.requestSize?.() ?? BULK_CREATE_LIMIT) : 1;
    const max = this.deps.maxRequests?.() ?? Number.POSITIVE_INFINITY;
    for (const list of byClient(queued).values()) {
      for (const chunk of this.deps.bulk ? requests(list, size) : chunks(list, 1)) {
        if (this.#onTheirWay >= max) {
          this.#held.push(...chunk);
          continue;
        }
        this.#onTheirWay++;
        void this.#sendChunk(chunk).finally(() => {
          this.#onTheirWay--;
          if (this.#held.length > 0) this.#schedule();
        });
      }
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

/**
 * The requests for the creates of one client: each reservation whole (it waited for one token; up
 * to 50), and several reservations together while they hold `size` creates or fewer. Creates
 * without a reservation count as one reservation. Order is kept.
 */
function requests(list: Queued[], size: number): Queued[][] {
  const groups = new Map<object, Queued[]>();
  const none = {};
  for (const q of list) {
    const key = q.ticket ?? none;
    const g = groups.get(key);
    if (g) g.push(q);
    else groups.set(key, [q]);
  }
  const out: Queued[][] = [];
  let current: Queued[] = [];
  for (const g of groups.values()) {
    for (const part of chunks(g, BULK_CREATE_LIMIT)) {
      if (current.length > 0 && current.length + part.length > size) {
        out.push(current);
        current = [];
      }
      current = current.concat(part);
    }
  }
  if (current.length > 0) out.push(current);
  return out;
}

function chunks<T>(list: T[], size: number): T[][] {
  // Even chunks: 60 creates go as 30 + 30, not 50 + 10.
  const n = Math.ceil(list.length / size);
  const per = Math.ceil(list.length / n);
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += per) out.push(list.slice(i, i + per));
  return out;
}
