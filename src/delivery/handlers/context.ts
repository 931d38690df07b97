// What a job handler gets from the runner: the job, the Jira access of its destination, and the
// runner-owned operations (fenced writes, the delivery log, the rate limiter, pause points). A
// handler decides nothing about leases, fences, locks or failures: it throws JiraError (or
// SentCreateError for a create that may have reached Jira) and the runner decides what follows.
import type { Destination } from '../../destinations/destination.js';
import type { Alert, AlertStatus, Comment } from '../../alerts/alert.js';
import type { Actor, Origin } from '../../users/user.js';
import type { Clock } from '../../clock.js';
import type { JiraError, NewIssue } from '../../jira/client/index.js';
import type { SendOutcome } from '../create-sender.js';
import type { Db } from '../../storage/repositories/users.js';
import type { DeliveryJobsTable } from '../../storage/schema.js';
import type { Mark } from '../decisions.js';
import type { AlertLink, DeliveryAttempt, JobKind, JobOf } from '../job.js';
import type { JiraAccess, PausePoint, WorkerSettings } from '../worker.js';

export interface JobRun {
  /** The job's mark as it stands in this run (a search that answered clears it). */
  mark: Mark | null;
  /** The lease this run holds (a mark renews it). */
  leaseUntil: number | null;
  /** The run handed its create to the sender: it may have gone out (stop() keeps the claim's mark). */
  sending: boolean;
}

export interface AttemptRow {
  request: string;
  outcome: DeliveryAttempt['outcome'];
  status: number | null;
  issueKey: string | null;
  error: string | null;
  durationMs: number;
}

/** The alert use cases a two-way job applies Jira's changes through (AlertsService). */
export interface AlertChanges {
  changeStatus(actor: Actor, origin: Origin, id: string, to: AlertStatus): Promise<Alert>;
  assign(actor: Actor, origin: Origin, id: string, who: { userId?: string | null; email?: string | null }): Promise<Alert>;
  addComment(actor: Actor, origin: Origin, alertId: string, body: string, within?: (tx: Db, comment: Comment) => Promise<void>): Promise<Comment>;
  editComment(actor: Actor, origin: Origin, alertId: string, commentId: string, body: string, opts: { anyAuthor: boolean }): Promise<Comment>;
  deleteComment(actor: Actor, origin: Origin, alertId: string, commentId: string, opts: { anyAuthor: boolean }): Promise<void>;
}

export interface JobContext<K extends JobKind = JobKind> {
  job: JobOf<K>;
  /** Alert changes (two-way sync); absent in a worker built without them. */
  alerts: AlertChanges | null;
  access: JiraAccess;
  run: JobRun;
  db: Db;
  clock: Clock;
  settings: WorkerSettings;
  /**
   * Sends the job's create through the worker's CreateSender (bulk with the creates of other jobs
   * of the destination due at the same moment; one rate-limit token per request). Throws the
   * JiraError of a failed request.
   */
  sendCreate(issue: NewIssue, leaseUntil: number, stillWanted?: () => Promise<boolean>): Promise<SendOutcome>;
  /** The job's destination as it is now (null: deleted), read at most once per turn of the event loop. */
  currentDestination(): Promise<Destination | null>;
  /** Before the mark: waits for the rate-limit token of the (bulk) request the create will go in. */
  reserveCreate(): Promise<void>;
  /** Waits for a token of the site's rate limit. */
  acquire(priority?: boolean): Promise<void>;
  /** Fenced update of the running job; false = another worker owns it now. */
  update(set: Partial<DeliveryJobsTable>): Promise<boolean>;
  attempt(request: string, outcome: DeliveryAttempt['outcome'], status: number | null, issueKey: string | null, error: string | null, durationMs: number): Promise<void>;
  /**
   * Done, with its result, in one transaction: `link` also writes the alert's link (and a sweep
   * when asked), `attempt` the delivery-log row of the call that made it.
   */
  complete(result: Record<string, unknown>, link?: { issueId: string; issueKey: string; issueUrl: string; sweep: boolean }, attempt?: AttemptRow): Promise<void>;
  /** Back to pending until `at` (with extra fields), nothing else now. */
  defer(at: number, set?: Partial<DeliveryJobsTable>): Promise<void>;
  finish(state: 'failed' | 'cancelled' | 'paused', o: { lastStatus?: number | null; lastError?: string | null; result?: Record<string, unknown> }): Promise<void>;
  /**
   * Failed for good for a reason the handler found (no workflow path, a hidden email): logged as
   * the delivery's attempt, kept on the job and shown as the destination's last error.
   */
  fail(request: string, message: string, status?: number | null): Promise<void>;
  /** The job's alert (read with its claimed batch). */
  findAlert(): Promise<Alert | undefined>;
  /** The alert's link on this destination, if any (read with its claimed batch). */
  findLink(): Promise<AlertLink | undefined>;
  pause(point: PausePoint): Promise<void>;
}

export type JobHandler<K extends JobKind = JobKind> = {
  run(ctx: JobContext<K>): Promise<void>;
  /** Called before the runner's own failure handling; true = the handler dealt with it. */
  onFailed?(ctx: JobContext<K>, err: JiraError): Promise<boolean>;
};

/** A create that may have reached Jira failed: the runner keeps a mark from `sentAt`. */
export class SentCreateError extends Error {
  constructor(
    readonly error: JiraError,
    readonly sentAt: number,
    readonly durationMs: number,
    /** Jira refused this issue alone in a bulk create that made others (decideAfterFailure). */
    readonly othersCreated = false,
  ) {
    super(error.message);
  }
}

/** The job was put back (to wait, or because this worker lost it); the run ends quietly. */
export class JobYielded extends Error {
  constructor(readonly reason: 'deferred' | 'fenced') {
    super(reason);
  }
}
