// The one error type of the Jira client, and the mapping from HTTP outcomes to it.
//
// Retry classification (the delivery worker only reads `retryable` and `retryAfterMs`):
//   network, timeout, 429 rate_limited, 5xx server, 409 conflict  → retryable
//   400/413/422 invalid, 401 auth, 403 forbidden, 404/410 not_found → permanent
//   unexpected (3xx, a 2xx whose body is not what Jira sends, refused address) → permanent
// A 409 ("conflicting update") is transient by nature: the same request succeeds once the
// concurrent write has landed, so it is retried.
import type { JiraErrorKind } from './types.js';

const RETRYABLE: ReadonlySet<JiraErrorKind> = new Set(['network', 'timeout', 'rate_limited', 'server', 'conflict']);

export interface JiraErrorInit {
  kind: JiraErrorKind;
  status: number | null;
  message: string;
  jiraMessages?: string[];
  retryAfterMs?: number | null;
  operation: string;
}

export class JiraError extends Error {
  readonly kind: JiraErrorKind;
  readonly status: number | null;
  readonly retryable: boolean;
  /** From `Retry-After` (seconds or HTTP date) on any answer that carried it; null otherwise. */
  readonly retryAfterMs: number | null;
  /** Jira's own messages, flattened: `errorMessages` then `errors` as `field: message`. */
  readonly jiraMessages: string[];
  /** The client method that failed, e.g. `createIssue`. */
  readonly operation: string;

  constructor(init: JiraErrorInit) {
    super(init.message);
    this.name = 'JiraError';
    this.kind = init.kind;
    this.status = init.status;
    this.retryable = RETRYABLE.has(init.kind);
    this.retryAfterMs = init.retryAfterMs ?? null;
    this.jiraMessages = init.jiraMessages ?? [];
    this.operation = init.operation;
  }
}

export function kindForStatus(status: number): JiraErrorKind {
  if (status === 429) return 'rate_limited';
  if (status >= 500 && status <= 599) return 'server';
  if (status === 401) return 'auth';
  if (status === 403) return 'forbidden';
  if (status === 404 || status === 410) return 'not_found';
  if (status === 409) return 'conflict';
  if (status === 408) return 'timeout';
  if (status === 400 || status === 413 || status === 422) return 'invalid';
  // 3xx (never followed), 1xx, other 4xx (405, 415…): not something Jira answers to a well-formed call.
  return 'unexpected';
}

/** Milliseconds to wait from a Retry-After value: delta seconds or an HTTP date; null if absent or bad. */
export function parseRetryAfter(value: string | null, now: number = Date.now()): number | null {
  if (value === null) return null;
  const v = value.trim();
  if (v === '') return null;
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  if (!/[a-z]/i.test(v)) return null; // "1.5", "-3": not a valid header value
  const at = Date.parse(v);
  if (Number.isNaN(at)) return null;
  return Math.max(0, at - now);
}

const MAX_MESSAGES = 20;
const MAX_MESSAGE_LENGTH = 500;

function clip(s: string): string {
  const t = s.replace(/\s+/g, ' ').trim();
  return t.length > MAX_MESSAGE_LENGTH ? `${t.slice(0, MAX_MESSAGE_LENGTH - 1)}…` : t;
}

/**
 * Jira's messages from an error body, defensively: the JSON error collection
 * `{errorMessages: string[], errors: {field: message}}`, a bare `{message}` (gateway answers), or a
 * short plain-text body (401s often are). HTML pages yield nothing: their text is not for users.
 */
export function jiraMessagesFrom(contentType: string | null, text: string): string[] {
  const out: string[] = [];
  if (text.trim() === '') return out;
  if (isJsonContentType(contentType) || /^\s*[{[]/.test(text)) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) {
      const o = parsed as Record<string, unknown>;
      if (Array.isArray(o.errorMessages)) {
        for (const m of o.errorMessages) if (typeof m === 'string' && m.trim() !== '') out.push(clip(m));
      }
      if (o.errors !== null && typeof o.errors === 'object' && !Array.isArray(o.errors)) {
        for (const [field, m] of Object.entries(o.errors as Record<string, unknown>)) {
          if (typeof m === 'string' && m.trim() !== '') out.push(clip(`${field}: ${m}`));
        }
      }
      if (out.length === 0 && typeof o.message === 'string' && o.message.trim() !== '') out.push(clip(o.message));
      return out.slice(0, MAX_MESSAGES);
    }
    if (isJsonContentType(contentType)) return out;
  }
  const ct = (contentType ?? '').toLowerCase();
  const looksHtml = ct.includes('html') || /^\s*</.test(text);
  if (!looksHtml && (ct === '' || ct.startsWith('text/plain'))) out.push(clip(text));
  return out;
}

export function isJsonContentType(contentType: string | null): boolean {
  if (contentType === null) return false;
  const mime = (contentType.split(';')[0] ?? '').trim().toLowerCase();
  return mime === 'application/json' || /^application\/[a-z0-9.+-]+\+json$/.test(mime);
}

/** "Jira answered 400: project: valid project is required; summary: …" */
export function answeredMessage(status: number, messages: readonly string[]): string {
  if (messages.length > 0) return `Jira answered ${status}: ${messages.join('; ')}`;
  if (status === 401) return 'Jira answered 401: check the account e-mail and API token';
  if (status === 403) return 'Jira answered 403: the Jira account lacks a permission for this action';
  if (status === 429) return 'Jira answered 429: rate limited';
  return `Jira answered ${status}`;
}
