// Admin webhooks, registered the way a Jira administrator does through the REST API
// (/rest/webhooks/1.0/webhook): name, URL, events, a JQL filter for issue-related events,
// excludeBody and an optional secret (then deliveries carry X-Hub-Signature).
import { JqlError, parseJql } from '../jql/index.js';
import { jiraError, json, noContent, type Reply, type RequestContext } from '../http/reply.js';
import type { Router } from '../http/router.js';
import type { Emulator } from '../server.js';
import type { User, WebhookRegistration } from '../state/model.js';
import { can, forbidden } from './common.js';

export const SUPPORTED_EVENTS = [
  'jira:issue_created', 'jira:issue_updated', 'jira:issue_deleted', 'comment_created', 'comment_updated', 'comment_deleted',
];

function webhookJson(ctx: RequestContext, emu: Emulator, w: WebhookRegistration): Record<string, unknown> {
  return {
    self: `${ctx.render.base}/rest/webhooks/1.0/webhook/${w.id}`,
    name: w.name,
    url: w.url,
    excludeBody: w.excludeBody,
    filters: { 'issue-related-events-section': w.jqlFilter },
    events: w.events.slice(),
    enabled: w.enabled,
    lastUpdatedUser: w.lastUpdatedBy,
    lastUpdatedDisplayName: emu.store.users.get(w.lastUpdatedBy)?.displayName ?? '',
    lastUpdated: w.lastUpdated.getTime(),
  };
}

function readRegistration(ctx: RequestContext, existing: WebhookRegistration | null): Omit<WebhookRegistration, 'id' | 'lastUpdatedBy' | 'lastUpdated'> | Reply {
  const b = ctx.body as Record<string, unknown> | undefined;
  if (typeof b !== 'object' || b === null) return jiraError(400, ['The request body is not a webhook.']);
  const errors: Record<string, string> = {};
  const name = b.name ?? existing?.name;
  const url = b.url ?? existing?.url;
  const events = b.events ?? existing?.events;
  if (typeof name !== 'string' || name.trim() === '') errors.name = 'Name must not be empty.';
  if (typeof url !== 'string' || !/^https?:\/\/\S+$/.test(url)) errors.url = 'Url must be a valid http or https URL.';
  if (!Array.isArray(events) || events.length === 0) errors.events = 'At least one event must be selected.';
  else {
    const unknown = events.filter((e) => typeof e !== 'string' || !SUPPORTED_EVENTS.includes(e));
    if (unknown.length > 0) errors.events = `Unsupported events: ${unknown.map(String).join(', ')}`;
  }
  const filters = (b.filters ?? {}) as Record<string, unknown>;
  const jql = typeof filters['issue-related-events-section'] === 'string' ? (filters['issue-related-events-section'] as string) : (b.filters === undefined ? existing?.jqlFilter ?? '' : '');
  if (jql.trim() !== '') {
    try {
      parseJql(jql);
    } catch (err) {
      if (err instanceof JqlError) errors.filters = err.message;
      else throw err;
    }
  }
  const secret = b.secret === undefined ? (existing?.secret ?? null) : b.secret;
  if (secret !== null && typeof secret !== 'string') errors.secret = 'Secret must be a string.';
  if (Object.keys(errors).length > 0) return jiraError(400, [], errors);
  return {
    name: name as string,
    url: url as string,
    events: (events as string[]).slice(),
    jqlFilter: jql,
    excludeBody: typeof b.excludeBody === 'boolean' ? b.excludeBody : (existing?.excludeBody ?? false),
    secret: (secret as string | null) || null,
    enabled: typeof b.enabled === 'boolean' ? b.enabled : (existing?.enabled ?? true),
  };
}

export function registerWebhookAdminRoutes(router: Router, emu: Emulator): void {
  const store = emu.store;
  const base = '/rest/webhooks/1.0/webhook';
  const admin = (ctx: RequestContext): Reply | null =>
    can(ctx.user as User, 'ADMINISTER') ? null : forbidden('You must be a Jira administrator to manage webhooks.');
  const find = (ctx: RequestContext): WebhookRegistration | Reply =>
    store.webhooks.get(Number(ctx.params.id)) ?? jiraError(404, [`Webhook with id ${ctx.params.id ?? ''} does not exist.`]);
  router.add('GET', base, (ctx) => admin(ctx) ?? json(200, [...store.webhooks.values()].map((w) => webhookJson(ctx, emu, w))));
  router.add('POST', base, (ctx) => {
    const denied = admin(ctx);
    if (denied) return denied;
    const r = readRegistration(ctx, null);
    if ('status' in r) return r;
    const w: WebhookRegistration = { ...r, id: store.nextWebhookId++, lastUpdatedBy: (ctx.user as User).accountId, lastUpdated: new Date() };
    store.webhooks.set(w.id, w);
    return json(201, webhookJson(ctx, emu, w));
  });
  router.add('GET', `${base}/:id`, (ctx) => {
    const denied = admin(ctx);
    if (denied) return denied;
    const w = find(ctx);
    return 'status' in w && !('url' in w) ? w : json(200, webhookJson(ctx, emu, w as WebhookRegistration));
  });
  router.add('PUT', `${base}/:id`, (ctx) => {
    const denied = admin(ctx);
    if (denied) return denied;
    const w = find(ctx);
    if (!('url' in w)) return w;
    const r = readRegistration(ctx, w);
    if ('status' in r) return r;
    Object.assign(w, r, { lastUpdatedBy: (ctx.user as User).accountId, lastUpdated: new Date() });
    return json(200, webhookJson(ctx, emu, w));
  });
  router.add('DELETE', `${base}/:id`, (ctx) => {
    const denied = admin(ctx);
    if (denied) return denied;
    const w = find(ctx);
    if (!('url' in w)) return w;
    store.webhooks.delete(w.id);
    return noContent();
  });
}
