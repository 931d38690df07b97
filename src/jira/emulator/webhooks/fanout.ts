// Turns site events into deliveries for every enabled admin webhook whose event list and JQL
// filter match, and hands them to the dispatcher.
import { matchesJql, parseJql, type JqlQuery } from '../jql/index.js';
import type { WebhookRegistration } from '../state/model.js';
import type { SiteEvent, SiteStore } from '../state/store.js';
import type { WebhookDispatcher } from './dispatcher.js';
import { buildPayload, webhookEventName } from './payloads.js';

export class WebhookFanout {
  private compiled = new Map<number, { jql: string; query: JqlQuery | null }>();

  constructor(
    private store: SiteStore,
    private dispatcher: WebhookDispatcher,
    private base: () => string,
  ) {
    store.listeners.push((e) => this.onEvent(e));
  }

  private filterOf(w: WebhookRegistration): JqlQuery | null {
    const c = this.compiled.get(w.id);
    if (c && c.jql === w.jqlFilter) return c.query;
    const query = w.jqlFilter.trim() === '' ? null : parseJql(w.jqlFilter);
    this.compiled.set(w.id, { jql: w.jqlFilter, query });
    return query;
  }

  private onEvent(e: SiteEvent): void {
    if (this.store.webhooks.size === 0) return;
    const name = webhookEventName(e);
    let body: string | null = null;
    const at = Date.now();
    for (const w of this.store.webhooks.values()) {
      if (!w.enabled || !w.events.includes(name)) continue;
      const q = this.filterOf(w);
      if (q && !matchesJql(q, this.store.jqlView(e.issue), { currentUserAccountId: null, now: new Date(at) })) continue;
      body ??= JSON.stringify(buildPayload(e, this.store, this.base(), at));
      const flow = 'flow' in e && e.flow ? e.flow : 'Primary';
      const d = this.dispatcher.create({
        webhookId: w.id,
        url: w.url,
        webhookEvent: name,
        issueKey: e.issue.key,
        flow,
        body: w.excludeBody ? '' : body,
        secret: w.secret,
      });
      this.dispatcher.enqueue(d);
    }
  }
}
