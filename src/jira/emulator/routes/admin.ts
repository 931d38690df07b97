// The emulator's own admin API under /_emulator/ (Authorization: Bearer <admin token>): seeded
// users and their credentials, reset, faults, stats, the received-request log, webhook delivery
// controls and the create hook. docs/emulator.md is its reference.
import type { HeldAction } from '../faults/create-hook.js';
import type { FaultSettings } from '../faults/faults.js';
import { json, type RequestContext } from '../http/reply.js';
import type { Router } from '../http/router.js';
import type { Emulator } from '../server.js';
import type { User } from '../state/model.js';

const bad = (message: string) => json(400, { error: message });

export function userCredentials(u: User): Record<string, unknown> {
  return {
    accountId: u.accountId,
    displayName: u.displayName,
    email: u.email,
    emailVisible: u.emailVisible,
    apiToken: u.apiToken,
    authorization: `Basic ${Buffer.from(`${u.email}:${u.apiToken}`).toString('base64')}`,
    permissions: [...u.permissions],
    role: u.role,
  };
}

function parseOrText(raw: string | null): unknown {
  if (raw === null) return null;
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return raw;
  }
}

function body(ctx: RequestContext): Record<string, unknown> {
  return typeof ctx.body === 'object' && ctx.body !== null && !Array.isArray(ctx.body) ? (ctx.body as Record<string, unknown>) : {};
}

export function registerAdminRoutes(router: Router, emu: Emulator): void {
  const A = '/_emulator';
  router.add('GET', `${A}/health`, () => json(200, { ok: true, url: emu.url }));
  router.add('GET', `${A}/users`, () => json(200, [...emu.store.users.values()].map(userCredentials)));
  router.add('POST', `${A}/act-as`, (ctx) => {
    const b = body(ctx);
    const who = String(b.accountId ?? b.email ?? '');
    const u = emu.store.users.get(who) ?? [...emu.store.users.values()].find((x) => x.email === who);
    return u ? json(200, userCredentials(u)) : json(404, { error: `no seeded user ${who}` });
  });
  router.add('POST', `${A}/reset`, () => {
    emu.reset();
    return json(200, { ok: true });
  });

  router.add('GET', `${A}/faults`, () => json(200, emu.faults.settings));
  router.add('PUT', `${A}/faults`, (ctx) => {
    emu.configureFaults(body(ctx) as FaultSettings);
    return json(200, emu.faults.settings);
  });
  router.add('PATCH', `${A}/faults`, (ctx) => {
    emu.configureFaults({ ...emu.faults.settings, ...(body(ctx) as FaultSettings) });
    return json(200, emu.faults.settings);
  });
  router.add('GET', `${A}/stats`, () =>
    json(200, { rateLimit: emu.faults.settings.rateLimit ?? null, requests: emu.faults.stats(), issues: emu.store.issues.size, heldDeliveries: emu.dispatcher.heldDeliveries().length }),
  );
  router.add('POST', `${A}/stats/reset`, () => {
    emu.faults.resetStats();
    return json(200, { ok: true });
  });

  router.add('GET', `${A}/requests`, (ctx) => {
    const since = Number(ctx.query.get('since') ?? '0');
    const limit = Number(ctx.query.get('limit') ?? '1000');
    const method = ctx.query.get('method');
    const path = ctx.query.get('path');
    const out = emu.requests.filter((r) => r.seq > since && (!method || r.method === method) && (!path || r.path === path));
    return json(200, out.slice(-limit).map(({ rawBody, ...r }) => ({ ...r, body: parseOrText(rawBody) })));
  });
  router.add('DELETE', `${A}/requests`, () => {
    emu.requests.length = 0;
    return json(200, { ok: true });
  });

  // webhook delivery controls
  const W = `${A}/webhooks`;
  router.add('GET', `${W}/deliveries`, () => json(200, { mode: emu.dispatcher.mode, held: emu.dispatcher.heldDeliveries() }));
  router.add('GET', `${W}/attempts`, () => json(200, emu.dispatcher.attempts));
  router.add('POST', `${W}/hold`, () => {
    emu.dispatcher.setMode('hold');
    return json(200, { mode: 'hold' });
  });
  router.add('POST', `${W}/resume`, async () => {
    emu.dispatcher.setMode('auto');
    const attempts = await emu.dispatcher.release({});
    return json(200, { mode: 'auto', attempts });
  });
  router.add('POST', `${W}/release`, async (ctx) => {
    const b = body(ctx);
    const order = b.order;
    if (order !== undefined && order !== 'fifo' && order !== 'reverse' && order !== 'shuffle') return bad('order is fifo, reverse or shuffle');
    const ids = Array.isArray(b.ids) ? (b.ids as (number | string)[]) : undefined;
    const attempts = await emu.dispatcher.release({ ...(ids ? { ids } : {}), ...(order ? { order } : {}), ...(typeof b.seed === 'number' ? { seed: b.seed } : {}) });
    return json(200, { attempts });
  });
  router.add('POST', `${W}/duplicate`, (ctx) => {
    const b = body(ctx);
    if (typeof b.id !== 'number' && typeof b.id !== 'string') return bad('id (queueId or identifier) is required');
    const copies = emu.dispatcher.duplicate(b.id, typeof b.times === 'number' ? b.times : 1);
    return copies.length ? json(200, { queued: copies.map((c) => c.queueId) }) : json(404, { error: `no held delivery ${String(b.id)}` });
  });
  router.add('POST', `${W}/drop`, (ctx) => {
    const b = body(ctx);
    const dropped = emu.dispatcher.drop(Array.isArray(b.ids) ? (b.ids as (number | string)[]) : undefined);
    return json(200, { dropped });
  });
  router.add('POST', `${W}/idle`, async () => {
    await emu.dispatcher.idle();
    return json(200, { ok: true });
  });
  router.add('PUT', `${W}/retry`, (ctx) => {
    const b = body(ctx);
    if (typeof b.maxRetries === 'number') emu.dispatcher.retry.maxRetries = b.maxRetries;
    if (Array.isArray(b.backoffMs)) emu.dispatcher.retry.backoffMs = (b.backoffMs as unknown[]).map(Number);
    if (typeof b.timeoutMs === 'number') emu.dispatcher.retry.timeoutMs = b.timeoutMs;
    return json(200, emu.dispatcher.retry);
  });

  // create hook
  const H = `${A}/create-hook`;
  router.add('GET', `${H}/held`, () => json(200, emu.createHook.list()));
  router.add('GET', `${H}/next`, async (ctx) => {
    const held = await emu.createHook.next(Number(ctx.query.get('timeoutMs') ?? '10000'));
    return held ? json(200, held) : json(404, { error: 'no create held within the timeout' });
  });
  router.add('POST', `${H}/:holdId/release`, (ctx) => {
    const action = (body(ctx).action ?? 'send') as HeldAction;
    if (action !== 'send' && action !== 'hold' && action !== 'destroy') return bad('action is send, hold or destroy');
    return emu.createHook.release(ctx.params.holdId ?? '', action) ? json(200, { ok: true }) : json(404, { error: 'no such held create' });
  });
}
