// Benchmark part "drain": the worker alone over a backlog, no ingest competing. The "delivery" part
// posts its alerts while the worker runs, so its rate holds the ingest's CPU too, and its rounds
// (3,000 issues, under a second each) move by ±0.08 between runs; this part measures what a change
// of the delivery path alone does, over more issues.
// 1. The service (SQLite, ALERTSYNC_WORKER_DISABLED=1) takes N alerts by batches of 1,000: N create
//    jobs wait. It is stopped.
// 2. The service restarts on that database with its worker on (concurrency C, bulk create on, rate
//    limit 10,000/s) against the emulator; from the 2,000th issue to N − 1,000 (warm, and before the
//    tail where fewer jobs than slots are left) it counts issues/s and the service's CPU per issue.
// 3. Baseline, in the same run: the emulator's single-create rate at C connections with the very
//    create fields the service sent (as in "delivery").
// The emulator runs on CPU 0 and the service on CPU 1; this process polls from CPU 0, then loads the
// emulator from CPU 1 for the baseline. BENCH_DRAIN_ALERTS (20,000), BENCH_DELIVERY_CONCURRENCY (16).
import { spawnEmulator } from '../src/jira/emulator/spawn.js';
import { canPin, pinSelf, startService, removeDataDir, tempDataDir, createDestination, batchBody, rawRequest, load, call, until, procCpuSeconds, bearer, BOT_BASIC, type RunningService } from './support/harness.js';

const N = Number(process.env.BENCH_DRAIN_ALERTS ?? '20000');
const C = Number(process.env.BENCH_DELIVERY_CONCURRENCY ?? '16');
const PHASE_MS = Number(process.env.BENCH_PHASE_MS ?? '2000');

export async function run(): Promise<void> {
  const pin = canPin();
  if (pin) pinSelf('0');
  const emu = await spawnEmulator({ ...(pin ? { cpus: '0' } : {}), faults: {} });
  const admin = `Bearer ${emu.adminToken}`;
  const issues = async () => (await call<{ issues: number }>(emu.url, 'GET', '/_emulator/stats', { auth: admin })).issues;
  const env = { ALERTSYNC_ALLOW_INSECURE_JIRA: '1', ALERTSYNC_JIRA_RATE_LIMIT: '10000', ALERTSYNC_WORKER_CONCURRENCY: String(C), ALERTSYNC_WORKER_POLL_MS: '20' };
  const cpus = pin ? { cpus: '1' } : {};
  const dataDir = tempDataDir();
  let svc: RunningService | null = null;
  try {
    // 1. the backlog
    svc = await startService({ env: { ...env, ALERTSYNC_WORKER_DISABLED: '1' }, dataDir, ...cpus });
    await createDestination(svc.url, emu.url);
    const fill = rawRequest({ host: '127.0.0.1', port: svc.port }, '/api/alerts/batch', batchBody(1000), { authorization: bearer });
    await load({ host: '127.0.0.1', port: svc.port }, fill, 201, { connections: 2, budget: Math.ceil(N / 1000) });
    await svc.stop();

    // 2. the worker over it
    svc = await startService({ env, dataDir, ...cpus });
    await until(async () => (await issues()) >= 2000, { everyMs: 20, timeoutMs: 120_000, what: '2,000 issues' });
    const cpu0 = procCpuSeconds(svc.pid);
    const issues0 = await issues();
    const t0 = performance.now();
    await until(async () => (await issues()) >= N - 1000, { everyMs: 20, timeoutMs: 300_000, what: `${N - 1000} issues` });
    const seconds = (performance.now() - t0) / 1000;
    const cpuSeconds = procCpuSeconds(svc.pid) - cpu0;
    const made = (await issues()) - issues0;
    await svc.stop();
    svc = null;

    // 3. the baseline: single creates of the fields the service sent
    const log = await call<Array<{ path: string; status: number | null; body: unknown }>>(emu.url, 'GET', '/_emulator/requests?method=POST&limit=20', { auth: admin });
    const bulk = log.find((e) => e.status === 201 && e.path === '/rest/api/3/issue/bulk');
    if (!bulk) throw new Error('the service sent no bulk create');
    const fields = (bulk.body as { issueUpdates: Array<{ fields: unknown }> }).issueUpdates[0]!.fields;
    if (pin) pinSelf('1');
    const createReq = rawRequest({ host: '127.0.0.1', port: emu.port }, '/rest/api/3/issue', JSON.stringify({ fields }), { authorization: BOT_BASIC });
    await load({ host: '127.0.0.1', port: emu.port }, createReq, 201, { connections: C, ms: 500 });
    const base = (await load({ host: '127.0.0.1', port: emu.port }, createReq, 201, { connections: C, ms: PHASE_MS })).perSecond;

    const rate = made / seconds;
    console.log(`drain: the worker alone over ${N} waiting creates (concurrency ${C}, bulk create): ${rate.toFixed(0)} issues/s from the 2,000th to the ${N - 1000}th issue; emulator single creates at ${C} connections: ${base.toFixed(0)} req/s`);
    console.log(`drain issues/s ÷ emulator single-create req/s: ${(rate / base).toFixed(3)}`);
    console.log(`drain service CPU per delivered issue: ${((cpuSeconds * 1000) / made).toFixed(3)} ms (${((100 * cpuSeconds) / seconds).toFixed(0)}% of a CPU; ${pin ? 'emulator on CPU 0, service on CPU 1' : 'unpinned'})`);
  } finally {
    if (svc) await svc.stop();
    removeDataDir(dataDir);
    await emu.stop();
  }
}
