// Benchmark part "two-way" (issue #12):
// (1) Latency from a change made in Jira (a person's transition in the emulator) to the updated
//     alert, read by polling GET /api/alerts/{id} every BENCH_TWO_WAY_POLL_MS (default 2 ms, the
//     resolution of the figure): p50/p99 at idle (samples BENCH_TWO_WAY_IDLE_GAP_MS apart) and while
//     a storm of BENCH_TWO_WAY_STORM (default 1,000) new alerts is being delivered. The floor, in
//     the same run: the same change to the emulator's webhook reaching a bare receiver in this
//     process; printed as a ratio. The first BENCH_TWO_WAY_WARMUP (default 5) changes warm both
//     processes up (the first webhook of a fresh process compiles its whole path: 90–130 ms) and are
//     printed apart, not counted in the idle figures.
// (2) Webhooks accepted per second at POST /webhooks/jira/{id} (signed, each one a distinct status
//     event of a linked issue, so each is verified, stored and gets its apply job; the worker is
//     off during the measure) vs POST /_bench/bare of the same server (reads the body, answers), with
//     the same client (16 keep-alive connections), rounds alternating; medians.
import { createHmac } from 'node:crypto';
import { Pool } from 'undici';
import { spawnEmulator } from '../src/jira/emulator/spawn.js';
import { percentile as pct, canPin, pinSelf, startService, removeDataDir, tempDataDir, batchBody, call, until, bearer, median, startStatusHookReceiver, BOT_EMAIL, BOT_TOKEN } from './support/harness.js';

const SAMPLES = Number(process.env.BENCH_TWO_WAY_SAMPLES ?? '40');
const WARMUP = Number(process.env.BENCH_TWO_WAY_WARMUP ?? '5');
const STORM = Number(process.env.BENCH_TWO_WAY_STORM ?? '1000');
const IDLE_GAP_MS = Number(process.env.BENCH_TWO_WAY_IDLE_GAP_MS ?? '300');
const POLL_MS = Number(process.env.BENCH_TWO_WAY_POLL_MS ?? '2');
const CONNECTIONS = 16;
const PHASE_MS = Number(process.env.BENCH_PHASE_MS ?? '2000');
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? '3');
const ADA_BASIC = `Basic ${Buffer.from('ada.admin@example.com:ATATT-emulator-ada-admin').toString('base64')}`;
const MAPPING = { OPEN: 'To Do', TRIAGED: 'In Progress', RESOLVED: 'Done', CLOSED: 'Done' };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function twoWaySetup(svcUrl: string, emuUrl: string): Promise<{ id: string; secret: string }> {
  const r = await call<{ destination: { id: string }; webhook: { secret: string } }>(svcUrl, 'POST', '/api/destinations', {
    auth: bearer,
    want: 201,
    body: { name: 'bench two-way', domain: emuUrl, issueType: 'Task', projectKey: 'SEC', email: BOT_EMAIL, apiToken: BOT_TOKEN, sync: { status: 'two_way', assignee: 'off', comments: 'off' }, statusMapping: MAPPING },
  });
  return { id: r.destination.id, secret: r.webhook.secret };
}

async function issueKeys(svcUrl: string, ids: string[]): Promise<Map<string, string>> {
  const keys = new Map<string, string>();
  await until(async () => {
    for (const id of ids) {
      if (keys.has(id)) continue;
      const d = await call<{ links: Array<{ issueKey: string }> }>(svcUrl, 'GET', `/api/alerts/${id}/deliveries`, { auth: bearer });
      if (d.links[0]) keys.set(id, d.links[0].issueKey);
    }
    return keys.size === ids.length;
  }, { everyMs: 100, timeoutMs: 180_000, what: 'the sample issues' });
  return keys;
}

async function transition(emuUrl: string, key: string, to: string): Promise<void> {
  const ts = await call<{ transitions: Array<{ id: string; to: { name: string } }> }>(emuUrl, 'GET', `/rest/api/3/issue/${key}/transitions`, { auth: ADA_BASIC });
  const t = ts.transitions.find((x) => x.to.name === to)!;
  await call(emuUrl, 'POST', `/rest/api/3/issue/${key}/transitions`, { auth: ADA_BASIC, want: 204, body: { transition: { id: t.id } } });
}

async function latency(pin: boolean): Promise<void> {
  // A bare receiver: the floor (Jira change → its webhook here).
  const receiver = await startStatusHookReceiver();
  const emu = await spawnEmulator({ ...(pin ? { cpus: '0' } : {}) });
  const svc = await startService({ env: { ALERTSYNC_ALLOW_INSECURE_JIRA: '1', ALERTSYNC_WORKER_POLL_MS: '20', ALERTSYNC_RECONCILE_INTERVAL_MS: '0' }, ...(pin ? { cpus: '1' } : {}) });
  try {
    const dest = await twoWaySetup(svc.url, emu.url);
    await call(emu.url, 'POST', '/rest/webhooks/1.0/webhook', { auth: ADA_BASIC, want: 201, body: { name: 'alertsync', url: `${svc.url}/webhooks/jira/${dest.id}`, events: ['jira:issue_updated'], secret: dest.secret } });
    await call(emu.url, 'POST', '/rest/webhooks/1.0/webhook', { auth: ADA_BASIC, want: 201, body: { name: 'floor', url: receiver.url, events: ['jira:issue_updated'] } });
    const made = await call<{ alerts: Array<{ id: string }> }>(svc.url, 'POST', '/api/alerts/batch', { auth: bearer, want: 201, body: JSON.parse(batchBody(WARMUP + SAMPLES * 2)) });
    const ids = made.alerts.map((a) => a.id);
    const keys = await issueKeys(svc.url, ids);

    const floor: number[] = [];
    const measure = async (sample: string[], gapMs: number, out: number[]) => {
      for (const id of sample) {
        await sleep(gapMs);
        const key = keys.get(id)!;
        const hook = receiver.wait(key, 'In Progress');
        const t0 = performance.now();
        await transition(emu.url, key, 'In Progress');
        for (;;) {
          const a = await call<{ alert: { status: string } }>(svc.url, 'GET', `/api/alerts/${id}`, { auth: bearer });
          if (a.alert.status === 'TRIAGED') break;
          await sleep(POLL_MS);
        }
        out.push(performance.now() - t0);
        floor.push((await hook) - t0);
      }
    };
    const warm: number[] = [];
    await measure(ids.slice(SAMPLES * 2), IDLE_GAP_MS, warm);
    floor.length = 0;
    const idle: number[] = [];
    await measure(ids.slice(0, SAMPLES), IDLE_GAP_MS, idle);
    const stormAt = performance.now();
    await call(svc.url, 'POST', '/api/alerts/batch', { auth: bearer, want: 201, body: JSON.parse(batchBody(STORM, 1_000_000)) });
    const storm: number[] = [];
    await measure(ids.slice(SAMPLES, SAMPLES * 2), 0, storm);
    const span = (performance.now() - stormAt) / 1000;
    const f = pct(floor, 50);
    if (warm.length > 0) console.log(`two-way warm-up (fresh processes, not counted): ${warm.map((x) => x.toFixed(1)).join(', ')} ms`);
    console.log(`two-way latency, Jira transition → alert status (polled every ${POLL_MS} ms), ${idle.length} samples idle (${IDLE_GAP_MS} ms apart): p50 ${pct(idle, 50).toFixed(1)} ms, p99 ${pct(idle, 99).toFixed(1)} ms (aim p99 < 100 ms)`);
    console.log(`two-way latency during a ${STORM}-alert storm, ${storm.length} samples over ${span.toFixed(1)} s: p50 ${pct(storm, 50).toFixed(1)} ms, p99 ${pct(storm, 99).toFixed(1)} ms`);
    console.log(`two-way latency / Jira's own webhook to a bare receiver (p50 ${f.toFixed(1)} ms, same run): idle p50 ${(pct(idle, 50) / f).toFixed(2)}, storm p50 ${(pct(storm, 50) / f).toFixed(2)}  (${pin ? 'emulator on CPU 0, service on CPU 1' : 'unpinned'})`);
  } finally {
    await svc.stop();
    removeDataDir(svc.dataDir);
    await emu.stop();
    receiver.close();
  }
}

async function rate(pool: Pool, path: string, bodyFor: (i: number) => { body: string; headers: Record<string, string> }, want: number[], ms: number): Promise<number> {
  let n = 0;
  let i = 0;
  const end = performance.now() + ms;
  const worker = async () => {
    while (performance.now() < end) {
      const { body, headers } = bodyFor(i++);
      const r = await pool.request({ method: 'POST', path, body, headers: { 'content-type': 'application/json', ...headers } });
      await r.body.text();
      if (!want.includes(r.statusCode)) throw new Error(`${path}: ${r.statusCode}`);
      n++;
    }
  };
  const t0 = performance.now();
  await Promise.all(Array.from({ length: CONNECTIONS }, worker));
  return n / ((performance.now() - t0) / 1000);
}

async function throughput(pin: boolean): Promise<void> {
  const emu = await spawnEmulator({ ...(pin ? { cpus: '1' } : {}) });
  const dataDir = tempDataDir();
  let svc = await startService({ dataDir, env: { ALERTSYNC_ALLOW_INSECURE_JIRA: '1', ALERTSYNC_WORKER_POLL_MS: '20', ALERTSYNC_RECONCILE_INTERVAL_MS: '0' } });
  let stopped = false;
  try {
    const dest = await twoWaySetup(svc.url, emu.url);
    const made = await call<{ alerts: Array<{ id: string }> }>(svc.url, 'POST', '/api/alerts/batch', { auth: bearer, want: 201, body: JSON.parse(batchBody(1)) });
    const key = (await issueKeys(svc.url, [made.alerts[0]!.id])).get(made.alerts[0]!.id)!;
    await svc.stop();
    stopped = true;
    // The same data, the worker off: the measure is the receiving side only.
    svc = await startService({ dataDir, env: { ALERTSYNC_WORKER_DISABLED: '1', ALERTSYNC_BENCH_BARE_ROUTE: '1', ALERTSYNC_ALLOW_INSECURE_JIRA: '1', ALERTSYNC_RECONCILE_INTERVAL_MS: '0' }, ...(pin ? { cpus: '0' } : {}) });
    stopped = false;
    const run = Date.now();
    const event = (i: number) => {
      const body = JSON.stringify({
        timestamp: run + i,
        webhookEvent: 'jira:issue_updated',
        issue_event_type_name: 'issue_generic',
        user: { accountId: '5b10ac8d82e05b22cc7d4ef5', displayName: 'Ada Admin' },
        issue: { id: '10000', key, fields: { summary: 'bench', status: { name: 'In Progress' }, updated: new Date(run + i).toISOString().replace('Z', '+0000') } },
        changelog: { id: String(100000 + i), items: [{ field: 'status', fieldtype: 'jira', fieldId: 'status', from: '10000', fromString: 'To Do', to: '3', toString: 'In Progress' }] },
      });
      return { body, headers: { 'x-hub-signature': `sha256=${createHmac('sha256', dest.secret).update(body).digest('hex')}`, 'x-atlassian-webhook-identifier': `bench-${run}-${i}` } };
    };
    const pool = new Pool(svc.url, { connections: CONNECTIONS, pipelining: 1 });
    let offset = 0;
    const hooks = (i: number) => event(offset + i);
    await rate(pool, '/_bench/bare', event, [200], 500);
    const wh: number[] = [];
    const bare: number[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      bare.push(await rate(pool, '/_bench/bare', event, [200], PHASE_MS));
      offset += 1_000_000;
      wh.push(await rate(pool, `/webhooks/jira/${dest.id}`, hooks, [202], PHASE_MS));
    }
    await pool.close();
    const ratios = wh.map((x, i) => x / bare[i]!);
    console.log(`two-way webhooks accepted: ${median(wh).toFixed(0)}/s (signed, stored, each with its apply job); bare route of the same server ${median(bare).toFixed(0)} req/s (medians of ${ROUNDS} rounds of ${PHASE_MS} ms)`);
    console.log(`two-way webhooks/bare ratio: ${median(ratios).toFixed(3)} (rounds: ${ratios.map((x) => x.toFixed(3)).join(' ')}; ${CONNECTIONS} connections; ${pin ? 'service on CPU 0, emulator and load on CPU 1' : 'unpinned'})`);
  } finally {
    if (!stopped) await svc.stop();
    removeDataDir(dataDir);
    await emu.stop();
  }
}

export async function run(): Promise<void> {
  const pin = canPin();
  if (pin) pinSelf('1');
  await latency(pin);
  await throughput(pin);
}
