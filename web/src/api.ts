// The console's only way to the service: same-origin fetch with the session cookie, the CSRF token
// (kept in this module's memory, never in browser storage) on every change, and the
// `X-Alertsync-Client: console` header so that changes are recorded with the origin "console".

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: unknown,
  ) {
    super(message);
  }
}

let csrfToken: string | null = null;
let onUnauthorized: (() => void) | null = null;

export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

/** Called when the service answers 401 to a request made with a session (it expired). */
export function setUnauthorizedHandler(fn: (() => void) | null): void {
  onUnauthorized = fn;
}

export async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json', 'x-alertsync-client': 'console' };
  if (method !== 'GET' && method !== 'HEAD' && csrfToken) headers['x-csrf-token'] = csrfToken;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(path, {
    method,
    headers,
    credentials: 'same-origin',
    cache: 'no-store',
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  let parsed: unknown = null;
  if (text) {
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = null;
    }
  }
  if (!res.ok) {
    const e = (parsed as { error?: { code?: string; message?: string; details?: unknown } } | null)?.error;
    if (res.status === 401 && path !== '/api/session' && onUnauthorized) onUnauthorized();
    throw new ApiError(res.status, e?.code ?? `http_${res.status}`, e?.message ?? `${res.status} ${res.statusText}`, e?.details ?? null);
  }
  return parsed as T;
}

/** Jira's own words from a 502 jira_refused answer (its status and messages in details), else the message. */
export function errorText(err: unknown): string {
  if (err instanceof ApiError) {
    const d = err.details as { jiraStatus?: number; status?: number; messages?: string[]; jiraMessages?: string[]; errorMessages?: string[]; errors?: Record<string, string> } | null;
    const parts: string[] = [];
    if (d && typeof d === 'object') {
      for (const list of [d.messages, d.jiraMessages, d.errorMessages]) if (Array.isArray(list)) parts.push(...list.map(String));
      if (d.errors && typeof d.errors === 'object') parts.push(...Object.entries(d.errors).map(([k, v]) => `${k}: ${String(v)}`));
    }
    const jira = parts.length > 0 ? ` Jira said: ${[...new Set(parts)].join(' ')}` : '';
    return `${err.message}${jira}`;
  }
  return err instanceof Error ? err.message : String(err);
}
