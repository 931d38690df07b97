// Delivery jobs: what the outbox holds and the worker runs.
export const JOB_KINDS = ['create_issue', 'test_issue', 'sweep_duplicates'] as const;
export type JobKind = (typeof JOB_KINDS)[number];
/**
 * blocked: stopped by a failure that a change of the destination can cure (auth, permission,
 * missing project or issue type); released by a change of the destination or `resume`.
 * paused: the destination is disabled; released when it is enabled again.
 */
export type JobState = 'pending' | 'running' | 'done' | 'failed' | 'cancelled' | 'blocked' | 'paused';
/** States in which a job still has work to do: a later job of the same alert and destination waits. */
export const OPEN_STATES: JobState[] = ['pending', 'running', 'blocked', 'paused'];
export type Lane = 'normal' | 'priority';

export interface TestAlertPayload {
  title: string;
  requestedBy: string;
}

export interface DeliveryJob {
  id: string;
  seq: number;
  alertId: string;
  destinationId: string;
  siteHost: string;
  kind: JobKind;
  lane: Lane;
  payload: Record<string, unknown>;
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
