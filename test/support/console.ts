// Console API test helpers: a clock the test moves, sign-in and requests made with the session cookie.
import assert from 'node:assert/strict';
import { Agent, fetch as undiciFetch } from 'undici';
import type { Clock } from '../../src/clock.js';
import type { TestService } from './service.js';

export class ManualClock implements Clock {
  constructor(private t = Date.now()) {}
  now(): number {
    return this.t;
  }
  advance(ms: number): void {
    this.t += ms;
  }
}

export interface Session {
  cookie: string;
  csrfToken: string;
  setCookie: string;
  body: any;
}

/** Sign-in request; `from` = another loopback source address (127.0.0.2, …) so that per-address limits can be told apart. */
export async function rawLogin(svc: TestService, email: string, password: string, from?: string): Promise<{ status: number; body: any; headers: Headers; setCookie: string[] }> {
  const dispatcher = from ? new Agent({ localAddress: from }) : undefined;
  try {
    const res = await undiciFetch(`${svc.url}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password }), dispatcher });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null, headers: res.headers as unknown as Headers, setCookie: res.headers.getSetCookie() };
  } finally {
    await dispatcher?.close();
  }
}

export async function login(svc: TestService, email: string, password: string): Promise<Session> {
  const r = await rawLogin(svc, email, password);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  const setCookie = r.setCookie.find((c) => c.startsWith('alertsync_session='));
  assert.ok(setCookie, 'the session cookie is set');
  return { cookie: setCookie.split(';')[0]!, csrfToken: r.body.csrfToken, setCookie, body: r.body };
}

/** A request with the session cookie (and its CSRF token unless `csrf` says otherwise); no bearer token. */
export function withSession(svc: TestService, s: Pick<Session, 'cookie' | 'csrfToken'>, method: string, path: string, body?: unknown, csrf: string | null = s.csrfToken) {
  return svc.api(method, path, body, null, { cookie: s.cookie, ...(csrf !== null ? { 'x-csrf-token': csrf } : {}) });
}

/** Creates a user, an invite for it and sets its password through the invite. */
export async function userWithPassword(svc: TestService, email: string, role: string, password: string): Promise<string> {
  const u = await svc.api('POST', '/api/users', { email, name: `User ${email}`, role });
  assert.equal(u.status, 201, u.text);
  const inv = await svc.api('POST', `/api/users/${u.body.id}/invites`);
  assert.equal(inv.status, 201, inv.text);
  const token = inviteToken(inv.body.url);
  const set = await svc.api('POST', `/api/invites/${token}`, { password }, null);
  assert.equal(set.status, 204, set.text);
  return u.body.id;
}

export function inviteToken(url: string): string {
  const m = /\/invite\/([A-Za-z0-9_-]+)$/.exec(url);
  assert.ok(m, `invite url ${url}`);
  return m[1]!;
}
