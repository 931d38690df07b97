// The alert: what comes in from detection rules, policies, system health and rule errors.
import { invalid, tooLarge } from '../errors.js';

export const SEVERITIES = ['INFO', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL'] as const;
export type Severity = (typeof SEVERITIES)[number];
export const ALERT_TYPES = ['RULE', 'POLICY', 'SCHEDULED_RULE', 'SYSTEM_ERROR', 'RULE_ERROR'] as const;
export type AlertType = (typeof ALERT_TYPES)[number];
export const STATUSES = ['OPEN', 'TRIAGED', 'RESOLVED', 'CLOSED'] as const;
export type AlertStatus = (typeof STATUSES)[number];

export interface Alert {
  id: string;
  title: string;
  description: string | null;
  severity: Severity;
  type: AlertType;
  logTypes: string[];
  ruleId: string | null;
  runbook: string | null;
  context: Record<string, unknown>;
  tags: string[];
  status: AlertStatus;
  assigneeId: string | null;
  dedupKey: string | null;
  occurrences: number;
  lastSeenAt: number;
  createdAt: number;
  updatedAt: number;
}

export interface NewAlert {
  title: string;
  description?: string | null;
  severity: Severity;
  type: AlertType;
  logTypes?: string[];
  ruleId?: string | null;
  runbook?: string | null;
  context?: Record<string, unknown>;
  tags?: string[];
  dedupKey?: string | null;
}

export interface Comment {
  id: string;
  alertId: string;
  authorId: string | null;
  authorName: string;
  body: string;
  origin: string;
  createdAt: number;
  updatedAt: number;
}

export interface AlertChange {
  id: number;
  alertId: string;
  kind: string;
  field: string | null;
  from: unknown;
  to: unknown;
  actor: { type: string; id: string | null; name: string };
  origin: string;
  at: number;
}

/**
 * A runbook is an http(s) URL or free text. Something that looks like a URL with another scheme
 * (javascript:, data:, file:) is refused, so that it can never become a link anywhere.
 */
export function checkRunbook(runbook: string): void {
  const m = /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(runbook.trim());
  if (!m) return;
  const scheme = m[1]!.toLowerCase();
  if (scheme === 'http' || scheme === 'https') {
    try {
      new URL(runbook.trim());
    } catch {
      throw invalid('invalid_runbook', 'runbook looks like a URL but is not a valid http(s) URL');
    }
    return;
  }
  // "Step 1: restart" is text; "javascript:alert(1)" is a URL with a refused scheme.
  if (/^[a-z][a-z0-9+.-]*:\S/i.test(runbook.trim()) && !/\s/.test(runbook.trim().split(':')[0]!)) {
    if (['javascript', 'data', 'file', 'vbscript', 'ftp', 'mailto', 'blob'].includes(scheme)) {
      throw invalid('invalid_runbook', `runbook must be an http or https URL or plain text, not a ${scheme}: URL`);
    }
  }
}

export function checkNewAlert(a: NewAlert, maxContextBytes: number): void {
  if (a.title.trim() === '') throw invalid('invalid_title', 'title must not be blank');
  if (a.runbook) checkRunbook(a.runbook);
  if (a.context !== undefined) {
    const size = Buffer.byteLength(JSON.stringify(a.context), 'utf8');
    if (size > maxContextBytes) {
      throw tooLarge(`context is ${size} bytes, above the limit of ${maxContextBytes} bytes (ALERTSYNC_MAX_CONTEXT_BYTES)`);
    }
  }
}
