// Delivery jobs: what the outbox holds and the worker runs.
export const JOB_KINDS = ['create_issue', 'test_issue', 'sweep_duplicates'] as const;
export type JobKind = (typeof JOB_KINDS)[number];
export type JobState = 'pending' | 'running' | 'done' | 'failed' | 'cancelled';
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
