// Acting in the Jira emulator as a person would (REST v3 with that person's API token), and
// registering alertsync's webhook as a Jira admin: the Jira side of two-way sync tests.
import assert from 'node:assert/strict';
import type { RunningEmulator } from '../../src/jira/emulator/index.js';

export const ADA = { email: 'ada.admin@example.com', accountId: '5b10ac8d82e05b22cc7d4ef5' };
export const HUGO = { email: 'hugo.hidden@example.com', accountId: '5d53f3cbc6b9320d9ea5bdc2' };

import { WEBHOOK_EVENTS, webhookJqlFilter } from '../../src/sync/jira-inbox-service.js';

export { WEBHOOK_EVENTS };

async function call(emu: RunningEmulator, who: string, method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
  const res = await fetch(`${emu.url}${path}`, {
    method,
    headers: { authorization: emu.authFor(who), accept: 'application/json', ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

/** Registers the destination's webhook in the emulator as the Jira admin (events and JQL filter of docs/two-way.md). */
export async function registerWebhook(emu: RunningEmulator, url: string, secret: string, destinationId: string): Promise<string> {
  const r = await call(emu, ADA.email, 'POST', '/rest/webhooks/1.0/webhook', {
    name: 'alertsync',
    url,
    events: WEBHOOK_EVENTS,
    filters: { 'issue-related-events-section': webhookJqlFilter(destinationId) },
    excludeBody: false,
    secret,
  });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  return String(r.body.self ?? r.body.id);
}

export function jiraUser(emu: RunningEmulator, who: string) {
  return {
    /** Moves the issue to `toStatus` by the transition that leads there; false when it is there already. Reads the transitions again if alertsync moved the issue meanwhile. */
    async transition(key: string, toStatus: string): Promise<boolean> {
      for (let attempt = 0; ; attempt++) {
        const issue = await call(emu, who, 'GET', `/rest/api/3/issue/${key}?fields=status`);
        if ((issue.body.fields.status.name as string).toLowerCase() === toStatus.toLowerCase()) return false;
        const ts = await call(emu, who, 'GET', `/rest/api/3/issue/${key}/transitions`);
        assert.equal(ts.status, 200, JSON.stringify(ts.body));
        const t = (ts.body.transitions as Array<{ id: string; to: { name: string } }>).find((x) => x.to.name.toLowerCase() === toStatus.toLowerCase());
        if (!t && attempt < 5) continue;
        assert.ok(t, `no transition from here to ${toStatus} on ${key}`);
        const fields = toStatus.toLowerCase() === 'done' || toStatus.toLowerCase() === 'closed' ? { resolution: { name: 'Done' } } : undefined;
        let r = await call(emu, who, 'POST', `/rest/api/3/issue/${key}/transitions`, { transition: { id: t.id }, ...(fields ? { fields } : {}) });
        if (r.status === 400 && fields && JSON.stringify(r.body).includes('resolution')) r = await call(emu, who, 'POST', `/rest/api/3/issue/${key}/transitions`, { transition: { id: t.id } });
        if (r.status === 400 && attempt < 5 && JSON.stringify(r.body).includes('is not valid for this issue')) continue;
        assert.equal(r.status, 204, JSON.stringify(r.body));
        return true;
      }
    },
    async assign(key: string, accountId: string | null): Promise<void> {
      const r = await call(emu, who, 'PUT', `/rest/api/3/issue/${key}/assignee`, { accountId });
      assert.equal(r.status, 204, JSON.stringify(r.body));
    },
    async comment(key: string, adf: unknown): Promise<string> {
      const r = await call(emu, who, 'POST', `/rest/api/3/issue/${key}/comment`, { body: adf });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      return String(r.body.id);
    },
    async editComment(key: string, id: string, adf: unknown): Promise<void> {
      const r = await call(emu, who, 'PUT', `/rest/api/3/issue/${key}/comment/${id}`, { body: adf });
      assert.equal(r.status, 200, JSON.stringify(r.body));
    },
    async deleteComment(key: string, id: string): Promise<void> {
      const r = await call(emu, who, 'DELETE', `/rest/api/3/issue/${key}/comment/${id}`);
      assert.equal(r.status, 204, JSON.stringify(r.body));
    },
  };
}

export const doc = (...content: unknown[]) => ({ type: 'doc', version: 1, content });
export const para = (...content: unknown[]) => ({ type: 'paragraph', content });
export const txt = (text: string, ...marks: string[]) => ({ type: 'text', text, ...(marks.length ? { marks: marks.map((type) => ({ type })) } : {}) });
