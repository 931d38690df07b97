// Benchmark part "sync": latency from an alert change in alertsync to the change on its Jira issue
// (issue #11), measured by an emulator webhook (the emulator's own `jira:issue_updated` delivery to
// a receiver in this process), not by our log. For each sample: PUT the alert's status, then wait
// for the webhook whose changelog moves that issue to the mapped status. Printed: p50/p99 at idle
// (aim p99 < 100 ms) and while a storm of BENCH_SYNC_STORM (default 1,000) new alerts is being
// delivered; and, as a ratio measured in the same run, the latency over the emulator's own time for
// the same change made directly (GET transitions + POST transition + webhook), the floor.
import { spawnEmulator } from '../src/jira/emulator/spawn.js';
import { percentile as pct, BOT_BASIC, canPin, pinSelf, startService, removeDataDir, batchBody, call, until, bearer, startStatusHookReceiver, BOT_EMAIL, BOT_TOKEN } from './support/harness.js';

const SAMPLES = Number(process.env.BENCH_SYNC_SAMPLES ?? '50');
const STORM = Number(process.env.BENCH_SYNC_STORM ?? '1000');
/**
 * Idle means the site's rate-limit bucket is not drained by the samples themselves: a status sync
 * takes 4 requests (issue, transitions, transition, status comment) and the default site rate is 10
 * requests/s, so back-to-back samples would measure the rate limit. Samples are spaced by this gap.
 */
const IDLE_GAP_MS = Number(process.env.BENCH_SYNC_IDLE_GAP_MS ?? '500');
const ADA_BASIC = `Basic ${Buffer.from('ada.admin@example.com:ATATT-emulator-ada-admin').toString('base64')}`;

export async function run(): Promise<void> {
  const pin = canPin();
  if (pin) pinSelf('1');
  const receiver = await startStatusHookReceiver();
  const emu = await spawnEmulator({ ...(pin ? { cpus: '0' } : {}) });
  let svc: Awaited<ReturnType<typeof startService>> | null = null;
  const waitHook = receiver.wait;
  try {
    await call(emu.url, 'POST', '/rest/webhooks/1.0/webhook', { auth: ADA_BASIC, want: 201, body: { name: 'bench', url: receiver.url, events: ['jira:issue_updated'] } });
    svc = await startService({ env: { ALERTSYNC_ALLOW_INSECURE_JIRA: '1', ALERTSYNC_WORKER_POLL_MS: '20' }, ...(pin ? { cpus: '1' } : {}) });
    const s = svc;
    await call(s.url, 'POST', '/api/destinations', {
      auth: bearer, want: 201,
      body: { name: 'bench sync', domain: emu.url, issueType: 'Task', projectKey: 'SEC', email: BOT_EMAIL, apiToken: BOT_TOKEN, sync: { status: 'one_way', assignee: 'off', comments: 'off' }, statusMapping: { OPEN: 'To Do', TRIAGED: 'In Progress', RESOLVED: 'Done', CLOSED: 'Done' } },
    });
    const made = await call<{ alerts: Array<{ id: string }> }>(s.url, 'POST', '/api/alerts/batch', { auth: bearer, want: 201, body: JSON.parse(batchBody(SAMPLES * 2)) });
    const ids = made.alerts.map((a) => a.id);
    const keys = new Map<string, string>();
    await until(async () => {
      for (const id of ids) {
        if (keys.has(id)) continue;
        const d = await call<{ links: Array<{ issueKey: string }> }>(s.url, 'GET', `/api/alerts/${id}/deliveries`, { auth: bearer });
        if (d.links[0]) keys.set(id, d.links[0].issueKey);
      }
      return keys.size === ids.length;
    }, { everyMs: 100, timeoutMs: 120_000, what: 'the sample issues' });

    // The floor: the same change made directly on the emulator (the bot's transition), to its webhook.
    const direct: number[] = [];
    for (const id of ids.slice(0, 20)) {
      const key = keys.get(id)!;
      const t0 = performance.now();
      const hook = waitHook(key, 'In Progress');
      const ts = await call<{ transitions: Array<{ id: string; to: { name: string } }> }>(emu.url, 'GET', `/rest/api/3/issue/${key}/transitions`, { auth: BOT_BASIC });
      await call(emu.url, 'POST', `/rest/api/3/issue/${key}/transitions`, { auth: BOT_BASIC, want: 204, body: { transition: { id: ts.transitions.find((t) => t.to.name === 'In Progress')!.id } } });
      direct.push((await hook) - t0);
      const from = await call<{ transitions: Array<{ id: string; to: { name: string } }> }>(emu.url, 'GET', `/rest/api/3/issue/${key}/transitions`, { auth: BOT_BASIC });
      const back = from.transitions.find((t) => t.to.name === 'To Do')!.id;
      await call(emu.url, 'POST', `/rest/api/3/issue/${key}/transitions`, { auth: BOT_BASIC, want: 204, body: { transition: { id: back } } });
    }

    const measure = async (sample: string[], gapMs: number): Promise<number[]> => {
      const out: number[] = [];
      for (const id of sample) {
        await new Promise((r) => setTimeout(r, gapMs));
        const key = keys.get(id)!;
        const hook = waitHook(key, 'In Progress', 120_000);
        const t0 = performance.now();
        await call(s.url, 'PUT', `/api/alerts/${id}/status`, { auth: bearer, want: 200, body: { status: 'TRIAGED' } });
        out.push((await hook) - t0);
      }
      return out;
    };
    const idle = await measure(ids.slice(0, SAMPLES), IDLE_GAP_MS);
    // Under a storm: STORM new alerts are being delivered while the remaining samples change.
    const stormAt = performance.now();
    await call(s.url, 'POST', '/api/alerts/batch', { auth: bearer, want: 201, body: JSON.parse(batchBody(STORM, 1_000_000)) });
    const storm = await measure(ids.slice(SAMPLES, SAMPLES * 2), 0);
    const stormSpan = (performance.now() - stormAt) / 1000;
    const floor = pct(direct, 50);
    console.log(`sync latency, alert status → Jira issue (emulator webhook), ${idle.length} samples idle (${IDLE_GAP_MS} ms apart, the service's default site rate): p50 ${pct(idle, 50).toFixed(1)} ms, p99 ${pct(idle, 99).toFixed(1)} ms (aim p99 < 100 ms)`);
    console.log(`sync latency during a ${STORM}-alert storm, ${storm.length} samples over ${stormSpan.toFixed(1)} s: p50 ${pct(storm, 50).toFixed(1)} ms, p99 ${pct(storm, 99).toFixed(1)} ms`);
    console.log(`sync latency / direct Jira change (p50 ${floor.toFixed(1)} ms, same run): idle p50 ${(pct(idle, 50) / floor).toFixed(2)}, storm p50 ${(pct(storm, 50) / floor).toFixed(2)}  (${pin ? 'emulator on CPU 0, service on CPU 1' : 'unpinned'})`);
  } finally {
    if (svc) {
      await svc.stop();
      removeDataDir(svc.dataDir);
    }
    await emu.stop();
    receiver.close();
  }
}
