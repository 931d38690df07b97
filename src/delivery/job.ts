// Delivery jobs: what the outbox holds and the worker runs.
export const JOB_KINDS = ['create_issue', 'test_issue', 'sweep_duplicates', 'sync_status', 'sync_assignee', 'sync_comment', 'apply_jira_event'] as const;
/**
 * Sync jobs of a linked alert: one-way (issue #11, a change of the alert carried to its Jira issue)
 * and two-way (issue #12, `apply_jira_event`: a Jira webhook event from the inbox applied to the
 * alert). They do not wait for a duplicate sweep; they wait for every other earlier job of their
 * alert and destination, so inbound and outbound changes of one link never run side by side.
 */
export const SYNC_JOB_KINDS = ['sync_status', 'sync_assignee', 'sync_comment', 'apply_jira_event'] as const;
/** The kinds a destination's queue holds: paused with it, blocked with it. */
export const QUEUE_KINDS: JobKind[] = ['create_issue', 'sweep_duplicates', ...SYNC_JOB_KINDS];
export type JobKind = (typeof JOB_KINDS)[number];
/**
 * blocked: stopped by a failure that a change of the destination can cure (auth, permission,
 * missing project or issue type); released by a change of the destination or `resume`.
 * paused: the destination is disabled; released when it is enabled again.
 */
export type JobState = 'pending' | 'running' | 'done' | 'failed' | 'cancelled' | 'blocked' | 'paused';
/** States in which a job still has work to do: a later job of the same alert and destination waits. */
export const OPEN_STATES: JobState[] = ['pending', 'running', 'blocked', 'paused'];
/**
 * Which queue a job waits in: `priority` (test alerts: one slot of their own and a token kept back
 * for them), `sync` (a person's change carried across a link, either way: slots of their own, so a
 * storm of new alerts never holds it back) and `normal` (creates and duplicate sweeps).
 */
export type Lane = 'priority' | 'sync' | 'normal';

export function laneOf(kind: JobKind): Lane {
  if (kind === 'test_issue') return 'priority';
  return (SYNC_JOB_KINDS as readonly string[]).includes(kind) ? 'sync' : 'normal';
}

/** Typed payloads, one per job kind. */
export interface CreateIssuePayload {
  /** routing: the alert matched the destination; manual: someone dispatched it (`by`). */
  reason: 'routing' | 'manual';
  by?: string;
}
export interface TestIssuePayload {
  title: string;
  requestedBy: string;
}
export type SweepDuplicatesPayload = Record<string, never>;
/** The alert's status changed from `from` to `to`, by `by` (a person's or token's name). */
export interface SyncStatusPayload {
  from: string;
  to: string;
  by: string;
}
/** The alert's assignee changed (`to`: an alertsync user id, null = unassigned). */
export interface SyncAssigneePayload {
  to: string | null;
  by: string;
}
/** A comment of the alert was added, edited or deleted. */
export interface SyncCommentPayload {
  op: 'create' | 'edit' | 'delete';
  commentId: string;
  by: string;
}
/** A verified Jira webhook event (row `inboxId` of jira_webhook_inbox) or a reconciler finding. */
export interface ApplyJiraEventPayload {
  inboxId: string;
}
export interface PayloadOf {
  create_issue: CreateIssuePayload;
  test_issue: TestIssuePayload;
  sweep_duplicates: SweepDuplicatesPayload;
  sync_status: SyncStatusPayload;
  sync_assignee: SyncAssigneePayload;
  sync_comment: SyncCommentPayload;
  apply_jira_event: ApplyJiraEventPayload;
}
/** @deprecated name kept for readers of older code: the test alert's payload. */
export type TestAlertPayload = TestIssuePayload;

/** A job of one kind, with that kind's payload. */
export type JobOf<K extends JobKind> = JobBase & { kind: K; payload: PayloadOf[K] };
/** A job of any kind; narrow on `kind` to reach its payload. */
export type DeliveryJob = { [K in JobKind]: JobOf<K> }[JobKind];

export interface JobBase {
  id: string;
  seq: number;
  alertId: string;
  destinationId: string;
  siteHost: string;
  lane: Lane;
  state: JobState;
  attempts: number;
  nextRunAt: number;
  leaseOwner: string | null;
  leaseUntil: number | null;
  fence: number;
  /** A create was sent at this time and its outcome is not known yet (a crash leaves it set). */
  unknownSince: number | null;
  /** By when that request is known to have ended; null = its sender never said (crash, stall). */
  unknownUntil: number | null;
  /** Set by the claim that marked this create "may go out from now" (null: its run marks it before its request). */
  sendingSince: number | null;
  /** Search Jira before creating even without a mark (replays and manual dispatches). */
  lookFirst: boolean;
  /** Some create of this job had an unknown outcome: a duplicate sweep follows its success. */
  hadUnknown: boolean;
  lastStatus: number | null;
  lastError: string | null;
  result: Record<string, unknown> | null;
  createdAt: number;
  updatedAt: number;
}

export interface AlertLink {
  alertId: string;
  destinationId: string;
  issueId: string;
  issueKey: string;
  issueUrl: string;
  createdAt: number;
}

export interface DeliveryAttempt {
  id: number;
  jobId: string;
  alertId: string;
  destinationId: string;
  worker: string;
  at: number;
  durationMs: number;
  request: string;
  outcome: 'ok' | 'retry' | 'unknown' | 'failed' | 'found' | 'absent';
  httpStatus: number | null;
  issueKey: string | null;
  error: string | null;
}

/** The labels that find an alert's issue again by JQL: one for the alert, one for the destination. */
export function lookupLabels(alertId: string, destinationId: string): [string, string] {
  return [`alertsync-${alertId}`, `alertsync-dest-${destinationId}`];
}
