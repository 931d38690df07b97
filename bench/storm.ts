// Benchmark part "storm": an alert storm against a rate-limited Jira. The emulator (child process,
// CPU 0) limits the site to R requests/s (token bucket, burst R); the service (child process, CPU 1,
// SQLite, worker concurrency 16) is told the same rate (ALERTSYNC_JIRA_RATE_LIMIT=R). N alerts (default
// 1,000, BENCH_STORM_ALERTS) arrive in one batch, posted with the token of an alert source (ingest
// role; BENCH_ALERTS_AS=admin: the admin token). Drain time = from posting the batch to the last
// issue created (the emulator's request log), printed as a ratio to the requests the service needed
// ÷ R (aim ≤ 1.1), with the Jira requests per delivered issue (bulk create: aim ≤ 0.05) and the share
// answered 429. Storms hit one service two seconds apart (the buckets refill): the first on the
// freshly started process (printed as "cold": V8 has not yet optimized the hot paths), then
// BENCH_STORM_WARM more (default 3: the service has taken 3,000 alerts before the measured storm, as
// in the delivery part's warm-up); the last is measured, as a running service meets a storm, and
// carries the aim lines. BENCH_STORM_CONCURRENCY (default 16), BENCH_STORM_BULK=0 (one request per
// issue), BENCH_STORM_COLD_ONLY=1 (the cold storm only, with the aim lines), BENCH_STORM_TRACE=1
// (each storm's requests: when each left and how many issues it held).
import { spawnEmulator } from '../src/jira/emulator/spawn.js';
import { canPin, pinSelf, startService, removeDataDir, createDestination, batchBody, call, until, sleep, alertSourceBearer, type RunningService } from './support/harness.js';

const R = Number(process.env.BENCH_STORM_RATE ?? '50');
const N = Number(process.env.BENCH_STORM_ALERTS ?? '1000');
/** Worker concurrency: under a binding rate limit a bulk create holds up to twice it (up to 50). */
const CONCURRENCY = process.env.BENCH_STORM_CONCURRENCY ?? '16';
/** BENCH_STORM_BULK=0: one request per issue (ALERTSYNC_JIRA_BULK_CREATE_DISABLED=1). */
const BULK = process.env.BENCH_STORM_BULK !== '0';
const COLD_ONLY = process.env.BENCH_STORM_COLD_ONLY === '1';
/** Storms after the cold one; the last is measured (the warm storm). */
const WARM_UPS = Math.max(1, Number(process.env.BENCH_STORM_WARM ?? '3'));
/** BENCH_STORM_TRACE=1: each storm's create requests, when each left (ms from posting the batch) and how many issues it held. */
const TRACE = process.env.BENCH_STORM_TRACE === '1';

interface LogEntry {
  at: string;
  status: number | null;
}

export async function run(): Promise<void> {
  const pin = canPin();
  if (pin) pinSelf('1');
  const emu = await spawnEmulator({ ...(pin ? { cpus: '0' } : {}), faults: { rateLimit: { perSecond: R } } });
  const admin = `Bearer ${emu.adminToken}`;
  let svc: Awaited<ReturnType<typeof startService>> | null = null;
  try {
    svc = await startService({
      env: { ALERTSYNC_ALLOW_INSECURE_JIRA: '1', ALERTSYNC_JIRA_RATE_LIMIT: String(R), ALERTSYNC_WORKER_CONCURRENCY: CONCURRENCY, ALERTSYNC_WORKER_POLL_MS: '20', ...(BULK ? {} : { ALERTSYNC_JIRA_BULK_CREATE_DISABLED: '1' }) },
      ...(pin ? { cpus: '1' } : {}),
    });
    const s = svc;
    await createDestination(s.url, emu.url);
    const source = await alertSourceBearer(s.url);
    const cold = await storm(s, source, emu.url, admin, 0);
    report('cold', cold, pin);
    if (!COLD_ONLY) {
      for (let i = 1; i <= WARM_UPS; i++) {
        // The site's bucket (burst R) refills in one second; the service's own bucket too.
        await sleep(2000);
        const r = await storm(s, source, emu.url, admin, i * N);
        if (i === WARM_UPS) report('warm', r, pin);
      }
    }
  } finally {
    if (svc) {
      await svc.stop();
      removeDataDir(svc.dataDir);
    }
    await emu.stop();
  }
}

interface StormResult {
  drain: number;
  accepted: number;
  requests: number;
  creates: number;
  bulk: number;
  rejected: number;
}

/** Posts N alerts in one batch (alert numbers from `from`) and waits for their N issues. */
async function storm(s: RunningService, source: string, emuUrl: string, admin: string, from: number): Promise<StormResult> {
  await call(emuUrl, 'POST', '/_emulator/stats/reset', { auth: admin, body: {} });
  await call(emuUrl, 'DELETE', '/_emulator/requests', { auth: admin });
  const base = (await call<{ issues: number }>(emuUrl, 'GET', '/_emulator/stats', { auth: admin })).issues;
  const body = JSON.parse(batchBody(N, from)) as unknown;
  const t0 = Date.now();
  await call(s.url, 'POST', '/api/alerts/batch', { auth: source, want: 201, body });
  const accepted = Date.now();
  await until(async () => (await call<{ issues: number }>(emuUrl, 'GET', '/_emulator/stats', { auth: admin })).issues - base >= N, { everyMs: 100, timeoutMs: Math.max(60_000, (N / R) * 5000), what: `${N} issues` });
  const log = await call<(LogEntry & { path: string })[]>(emuUrl, 'GET', '/_emulator/requests?method=POST&limit=100000', { auth: admin });
  const creates = log.filter((e) => Date.parse(e.at) >= t0 && (e.path === '/rest/api/3/issue' || e.path === '/rest/api/3/issue/bulk'));
  const created = creates.filter((e) => e.status === 201);
  const last = Math.max(...created.map((e) => Date.parse(e.at)));
  if (TRACE) {
    const size = (e: LogEntry & { path: string; body?: unknown }) => (e.path.endsWith('/bulk') ? ((e.body as { issueUpdates?: unknown[] }).issueUpdates?.length ?? 0) : 1);
    console.log(`  trace t0=${t0} (ms from posting the batch: issues in the request): accepted at ${accepted - t0}; ${creates.map((e) => `${Date.parse(e.at) - t0}:${size(e)}${e.status === 201 ? '' : `(${e.status})`}`).join(' ')}`);
  }
  const stats = await call<{ requests: { accepted: number; rejected: number } }>(emuUrl, 'GET', '/_emulator/stats', { auth: admin });
  const { accepted: ok, rejected } = stats.requests;
  return { drain: (last - t0) / 1000, accepted: (accepted - t0) / 1000, requests: ok + rejected, creates: creates.length, bulk: creates.filter((e) => e.path.endsWith('/bulk')).length, rejected };
}

function report(which: 'cold' | 'warm', r: StormResult, pin: boolean): void {
  // The requests needed: what the service sent (creates, bulk or single, and any lookup), at R per second.
  const ideal = r.requests / R;
  const label = which === 'cold' ? 'storm (cold: the freshly started service)' : 'storm';
  const aim = (text: string) => (which === 'warm' || COLD_ONLY ? `  (${text})` : '');
  console.log(
    `${label}: ${N} alerts at R = ${R} req/s, concurrency ${CONCURRENCY}, bulk create ${BULK ? 'on' : 'off'}: drained in ${r.drain.toFixed(2)} s (batch accepted after ${r.accepted.toFixed(2)} s); ` +
      `Jira calls ${r.requests} (${r.creates} creates, ${r.bulk} of them bulk), 429s ${r.rejected}`,
  );
  console.log(`${label} Jira requests per delivered issue: ${(r.requests / N).toFixed(3)}${aim('aim ≤ 0.05 with bulk create')}`);
  console.log(`${label} drain/(requests/R) ratio: ${(r.drain / ideal).toFixed(3)}${aim('aim ≤ 1.1')}; requests/R = ${ideal.toFixed(2)} s; N/R = ${(N / R).toFixed(1)} s; 429 share ${((r.rejected / Math.max(1, r.requests)) * 100).toFixed(1)}%  (${pin ? 'emulator on CPU 0, service on CPU 1' : 'unpinned'})`);
}
