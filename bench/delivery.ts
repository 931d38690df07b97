// Benchmark part "delivery": issues delivered per second by the service's worker at concurrency C,
// as a ratio to the emulator's own issue-create rate at the same concurrency C. The emulator runs as
// a child process pinned to CPU 0, the service (SQLite, worker concurrency C, poll 20 ms) pinned to
// CPU 1. This process measures the emulator's baselines from CPU 1 (the service idle meanwhile) and
// posts and polls the rounds from CPU 0 (the emulator, about half busy then), so that the service
// has its CPU to itself, as the emulator has for its baseline. Each round: N alerts are posted by
// batches of 100 with the worker running; the rate is (issues − 1) / (last create − first create),
// from the emulator's request log. Baseline, in the same run: C raw keep-alive connections posting
// the very create body the service sent (taken from the emulator's request log), Basic auth of the
// bot. After a warm-up of N alerts (BENCH_DELIVERY_WARMUP), BENCH_DELIVERY_ROUNDS (5) rounds alternate
// baseline/delivery; medians are reported. Two modes, each its own service against the same emulator:
// without bulk create (ALERTSYNC_JIRA_BULK_CREATE_DISABLED=1; aim ≥ 0.2)
// and with it (issues/s ÷ the emulator's single-create req/s; aim ≥ 0.8). Service CPU per delivered
// issue = the service's CPU seconds of a round (ingest included) ÷ its issues. With bulk, each round
// also measures the emulator alone taking bulk requests of C issues at C connections (issues/s): the
// ceiling the emulator itself sets on the "with bulk" figure.
// The alerts are posted with the token of an alert source (a user of the ingest role, answered
// `{ id, created }` per alert, as docs/api.md has the tools that send alerts hold);
// BENCH_ALERTS_AS=admin posts them with the admin token (answered with the stored alerts).
// BENCH_DELIVERY_MODES=single,bulk (default both).
import { spawnEmulator } from '../src/jira/emulator/spawn.js';
import { canPin, pinSelf, procCpuSeconds, startService, removeDataDir, createDestination, batchBody, rawRequest, load, median, call, until, alertSourceBearer, BOT_BASIC, type Target } from './support/harness.js';

const C = Number(process.env.BENCH_DELIVERY_CONCURRENCY ?? '16');
const N = Number(process.env.BENCH_DELIVERY_ALERTS ?? '3000');
const ROUNDS = Number(process.env.BENCH_DELIVERY_ROUNDS ?? '5');
/** Alerts delivered before the rounds: until V8 has optimized the hot paths (a first round of 3,000 after a warm-up of 300 cost 1.3–2× the CPU per issue of the later ones). */
const WARMUP = Number(process.env.BENCH_DELIVERY_WARMUP ?? String(N));
const PHASE_MS = Number(process.env.BENCH_PHASE_MS ?? '2000');
const BATCH = 100;

interface LogEntry {
  seq: number;
  at: string;
  method: string;
  path: string;
  status: number | null;
  body: unknown;
}

export async function run(): Promise<void> {
  const pin = canPin();
  if (pin) pinSelf('1');
  const emu = await spawnEmulator({ ...(pin ? { cpus: '0' } : {}), faults: {} });
  const admin = `Bearer ${emu.adminToken}`;
  const et: Target = { host: '127.0.0.1', port: emu.port };
  const issues = async () => (await call<{ issues: number }>(emu.url, 'GET', '/_emulator/stats', { auth: admin })).issues;
  let seq = 0;
  const modes = (process.env.BENCH_DELIVERY_MODES ?? 'single,bulk').split(',') as ('single' | 'bulk')[];
  try {
    for (const mode of modes) {
      const svc = await startService({
        env: {
          ALERTSYNC_ALLOW_INSECURE_JIRA: '1',
          ALERTSYNC_JIRA_RATE_LIMIT: '10000', // the largest the config accepts
          ALERTSYNC_WORKER_CONCURRENCY: String(C),
          ALERTSYNC_WORKER_POLL_MS: '20',
          ...(mode === 'bulk' ? {} : { ALERTSYNC_JIRA_BULK_CREATE_DISABLED: '1' }),
        },
        ...(pin ? { cpus: '1' } : {}),
      });
      try {
        await createDestination(svc.url, emu.url);
        const source = await alertSourceBearer(svc.url);
        const st: Target = { host: '127.0.0.1', port: svc.port };

        /** Posts n alerts by batches, waits for n issues; returns issues/s between first and last create. */
        const deliverRound = async (n: number): Promise<{ perSecond: number; afterIngest: number; cpu: number; cpuPerIssueMs: number; requests: number; body: string }> => {
          await call(emu.url, 'POST', '/_emulator/reset', { auth: admin, body: {} });
          // Post and poll from the emulator's CPU: the service's CPU is the service's alone.
          if (pin) pinSelf('0');
          try {
            return await round(n);
          } finally {
            if (pin) pinSelf('1');
          }
        };
        const round = async (n: number): Promise<{ perSecond: number; afterIngest: number; cpu: number; cpuPerIssueMs: number; requests: number; body: string }> => {
          const cpu0 = procCpuSeconds(svc.pid);
          const wall0 = performance.now();
          const base = await issues();
          const batches = Math.ceil(n / BATCH);
          const reqs = Array.from({ length: batches }, () => {
            const r = rawRequest(st, '/api/alerts/batch', batchBody(BATCH, seq), { authorization: source });
            seq += BATCH;
            return r;
          });
          for (const r of reqs) await load(st, r, 201, { connections: 1, budget: 1 });
          const ingested = Date.now(); // same clock as the emulator's log (same machine)
          await until(async () => (await issues()) - base >= batches * BATCH, { everyMs: 100, timeoutMs: 120_000, what: `${n} issues in the emulator` });
          const cpuSeconds = procCpuSeconds(svc.pid) - cpu0;
          const cpu = cpuSeconds / ((performance.now() - wall0) / 1000);
          const log = await call<LogEntry[]>(emu.url, 'GET', '/_emulator/requests?method=POST&limit=100000', { auth: admin });
          const creates = log.filter((e) => e.status === 201 && (e.path === '/rest/api/3/issue' || e.path === '/rest/api/3/issue/bulk'));
          // Issues a request made (a bulk request: its elements; no faults here, all are made).
          const made = (e: LogEntry) => (e.path.endsWith('/bulk') ? ((e.body as { issueUpdates?: unknown[] }).issueUpdates?.length ?? 0) : 1);
          const first = Date.parse((creates[0] as LogEntry).at);
          const last = Date.parse((creates[creates.length - 1] as LogEntry).at);
          const total = creates.reduce((a, e) => a + made(e), 0);
          const later = creates.filter((e) => Date.parse(e.at) > ingested).reduce((a, e) => a + made(e), 0);
          const single = creates.find((e) => !e.path.endsWith('/bulk'));
          const singleBody = single ? JSON.stringify(single.body) : JSON.stringify({ fields: ((creates[0] as LogEntry).body as { issueUpdates: { fields: unknown }[] }).issueUpdates[0]!.fields });
          return {
            perSecond: (total - made(creates[0] as LogEntry)) / ((last - first) / 1000),
            afterIngest: last > ingested ? later / ((last - ingested) / 1000) : Number.NaN,
            cpu,
            cpuPerIssueMs: (cpuSeconds * 1000) / total,
            requests: creates.length,
            body: singleBody,
          };
        };

        // warm-up (JIT, SQLite pages) and the single-create body the service sends
        const warm = await deliverRound(WARMUP);
        const createReq = rawRequest(et, '/rest/api/3/issue', warm.body, { authorization: BOT_BASIC });
        await load(et, createReq, 201, { connections: C, ms: 500 });

        // With bulk: what the emulator itself does with bulk requests of C issues (the size the
        // service's requests reach at concurrency C), in issues/s: the ceiling the emulator sets.
        const bulkReq = rawRequest(et, '/rest/api/3/issue/bulk', JSON.stringify({ issueUpdates: Array.from({ length: C }, () => JSON.parse(warm.body) as unknown) }), { authorization: BOT_BASIC });
        const bulkCeiling: number[] = [];
        const base: number[] = [];
        const delivered: number[] = [];
        const afterIngest: number[] = [];
        const cpu: number[] = [];
        const cpuPerIssue: number[] = [];
        const requests: number[] = [];
        for (let i = 0; i < ROUNDS; i++) {
          await call(emu.url, 'POST', '/_emulator/reset', { auth: admin, body: {} });
          base.push((await load(et, createReq, 201, { connections: C, ms: PHASE_MS })).perSecond);
          if (mode === 'bulk') {
            await call(emu.url, 'POST', '/_emulator/reset', { auth: admin, body: {} });
            bulkCeiling.push((await load(et, bulkReq, 201, { connections: C, ms: PHASE_MS })).perSecond * C);
          }
          const r = await deliverRound(N);
          delivered.push(r.perSecond);
          afterIngest.push(r.afterIngest);
          cpu.push(r.cpu);
          cpuPerIssue.push(r.cpuPerIssueMs);
          requests.push(r.requests);
        }
        const b = median(base);
        const d = median(delivered);
        const rd = delivered.map((x, i) => x / (base[i] as number));
        const ra = afterIngest.map((x, i) => x / (base[i] as number));
        const f = (xs: number[], k: number) => xs.map((x) => x.toFixed(k)).join(' ');
        const label = mode === 'bulk' ? 'with bulk create' : 'without bulk create';
        console.log(`delivery [${label}]: ${d.toFixed(0)} issues/s delivered (worker concurrency ${C}, ${N} alerts by batches of ${BATCH}, first to last create; ${f(requests, 0)} create requests per round); emulator single creates at ${C} connections: ${b.toFixed(0)} req/s (medians)`);
        console.log(`delivery [${label}] issues/s ÷ emulator single-create req/s: ${median(rd).toFixed(3)} (aim ${mode === 'bulk' ? '≥ 0.8' : '≥ 0.2'}; rounds: ${f(rd, 3)})`);
        if (mode === 'bulk') {
          const rb = delivered.map((x, i) => x / (bulkCeiling[i] as number));
          console.log(`delivery [${label}] emulator alone, bulk requests of ${C} at ${C} connections: ${median(bulkCeiling).toFixed(0)} issues/s (${(median(bulkCeiling) / b).toFixed(2)}× its single-create rate); delivered ÷ that: ${median(rb).toFixed(3)} (rounds: ${f(rb, 3)})`);
        }
        console.log(`delivery [${label}] after the last batch was accepted (no ingest competing): ${median(afterIngest).toFixed(0)} issues/s, ratio ${median(ra).toFixed(3)} (rounds: ${f(ra, 3)})`);
        console.log(`delivery [${label}] service CPU per delivered issue: ${median(cpuPerIssue).toFixed(3)} ms (CPU seconds of the round, ingest included, ÷ issues; rounds ${f(cpuPerIssue, 3)}); ${(median(cpu) * 100).toFixed(0)}% of a CPU while delivering`);
        console.log(`  ${ROUNDS} rounds of ${PHASE_MS} ms emulator creates + ${N} alerts delivered, after a warm-up of ${WARMUP} alerts; ${pin ? 'emulator (and this poster and poller during the rounds) on CPU 0, service on CPU 1' : 'unpinned'}`);
      } finally {
        await svc.stop();
        removeDataDir(svc.dataDir);
      }
    }
  } finally {
    await emu.stop();
  }
}
