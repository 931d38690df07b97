// Benchmark part "backlog": peak RSS of the service while its worker runs over 100,000 waiting
// delivery jobs (aim < 250 MB), as a ratio to the RSS of the same service idle on an empty database.
// 1. idle: the service (SQLite, worker on, one destination, no alerts) runs 3 s; VmHWM is read.
// 2. fill: the service with ALERTSYNC_WORKER_DISABLED=1 takes N alerts by batches of 1,000, so N
//    create_issue jobs wait; it is stopped.
// 3. run: the service restarts on that database with the worker on (concurrency 16) against the
//    emulator with 200 ms added latency (a slow Jira); VmRSS is sampled every 100 ms for a few
//    seconds and VmHWM (peak since start, startup included) is read from /proc/<pid>/status.
// The emulator runs on CPU 0, the service on CPU 1 (this process, the load generator, on CPU 0).
import { spawnEmulator } from '../src/jira/emulator/spawn.js';
import { canPin, pinSelf, startService, removeDataDir, tempDataDir, createDestination, batchBody, rawRequest, load, call, sleep, procStatusKb, bearer, type RunningService } from './support/harness.js';

const N = Number(process.env.BENCH_BACKLOG_JOBS ?? '100000');
const SAMPLE_MS = Number(process.env.BENCH_BACKLOG_SAMPLE_MS ?? '5000');
const BATCH = 1000;
const mb = (kb: number) => kb / 1024;

export async function run(): Promise<void> {
  const pin = canPin();
  if (pin) pinSelf('0');
  const emu = await spawnEmulator({ ...(pin ? { cpus: '0' } : {}), faults: { latency: { ms: 200 } } });
  const admin = `Bearer ${emu.adminToken}`;
  const env = { ALERTSYNC_ALLOW_INSECURE_JIRA: '1', ALERTSYNC_JIRA_RATE_LIMIT: '10000', ALERTSYNC_WORKER_CONCURRENCY: '16', ALERTSYNC_WORKER_POLL_MS: '20' };
  const cpus = pin ? { cpus: '1' } : {};
  const dirs: string[] = [];
  let svc: RunningService | null = null;
  try {
    // 1. idle, empty database
    svc = await startService({ env, ...cpus });
    dirs.push(svc.dataDir);
    await createDestination(svc.url, emu.url);
    await sleep(3000);
    const idleHwm = procStatusKb(svc.pid, 'VmHWM');
    const idleRss = procStatusKb(svc.pid, 'VmRSS');
    await svc.stop();
    svc = null;

    // 2. fill: N jobs waiting, worker disabled
    const dataDir = tempDataDir();
    dirs.push(dataDir);
    svc = await startService({ env: { ...env, ALERTSYNC_WORKER_DISABLED: '1' }, dataDir, ...cpus });
    await createDestination(svc.url, emu.url);
    const t0 = performance.now();
    const req = rawRequest({ host: '127.0.0.1', port: svc.port }, '/api/alerts/batch', batchBody(BATCH), { authorization: bearer });
    const filled = await load({ host: '127.0.0.1', port: svc.port }, req, 201, { connections: 2, budget: Math.ceil(N / BATCH) });
    const fillS = (performance.now() - t0) / 1000;
    const fillHwm = procStatusKb(svc.pid, 'VmHWM');
    await svc.stop();
    svc = null;

    // 3. the worker runs over the backlog
    svc = await startService({ env, dataDir, ...cpus });
    const samples: number[] = [];
    const end = performance.now() + SAMPLE_MS;
    while (performance.now() < end) {
      samples.push(procStatusKb(svc.pid, 'VmRSS'));
      await sleep(100);
    }
    const hwm = procStatusKb(svc.pid, 'VmHWM');
    const delivered = (await call<{ issues: number }>(emu.url, 'GET', '/_emulator/stats', { auth: admin })).issues;
    const metrics = await call<string>(svc.url, 'GET', '/metrics');
    const pending = /alertsync_delivery_jobs\{state="pending"\} (\d+)/.exec(metrics)?.[1] ?? '?';
    const running = /alertsync_delivery_jobs\{state="running"\} (\d+)/.exec(metrics)?.[1] ?? '?';
    const peak = Math.max(hwm, ...samples);
    console.log(`backlog: ${filled.count * BATCH} jobs enqueued in ${fillS.toFixed(1)} s (${((filled.count * BATCH) / fillS).toFixed(0)} alerts/s, filler VmHWM ${mb(fillHwm).toFixed(0)} MB); worker ran ${(SAMPLE_MS / 1000).toFixed(0)} s over it: ${delivered} issues created (emulator, 200 ms latency), ${pending} pending / ${running} running at the end`);
    console.log(`backlog peak RSS ${mb(peak).toFixed(0)} MB (VmHWM; sampled VmRSS max ${mb(Math.max(...samples)).toFixed(0)} MB; aim < 250 MB); idle on an empty database: VmHWM ${mb(idleHwm).toFixed(0)} MB, VmRSS ${mb(idleRss).toFixed(0)} MB`);
    console.log(`backlog peak/idle RSS ratio: ${(peak / idleHwm).toFixed(2)}  (peak VmHWM with ${N} waiting jobs / idle VmHWM; ${pin ? 'service on CPU 1' : 'unpinned'})`);
  } finally {
    if (svc) await svc.stop();
    for (const d of dirs) removeDataDir(d);
    await emu.stop();
  }
}
