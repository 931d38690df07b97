// Benchmark part "ingest": alerts ingested per second by the real service (a child process,
// compiled, as `npm start` runs it, SQLite in a temp dir, worker disabled so nothing is delivered),
// (a) POST /api/alerts one alert per request, (b) POST /api/alerts/batch 100 alerts per request,
// each as a ratio to (c) POST /_bench/bare of the same server (ALERTSYNC_BENCH_BARE_ROUTE=1: read
// the JSON body, answer {"ok":true}), with the single-alert body. One destination exists, so each
// alert also enqueues its delivery job, as in production. The service is pinned to CPU 0 and the
// load generator to CPU 1 when there are 2+ CPUs; phases alternate; medians are reported.
// BENCH_INGEST_PG=1 also runs it on PostgreSQL when scripts/postgres-cluster.mjs can start one.
import { canPin, pinSelf, startService, removeDataDir, createDestination, alertBody, batchBody, rawRequest, load, median, bearer, type Target } from './support/harness.js';

const CONNECTIONS = Number(process.env.BENCH_INGEST_CONNECTIONS ?? '16');
const PHASE_MS = Number(process.env.BENCH_PHASE_MS ?? '2000');
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? '3');
const BATCH = 100;

async function measure(label: string, env: Record<string, string>, pin: boolean): Promise<void> {
  const svc = await startService({ env: { ...env, ALERTSYNC_WORKER_DISABLED: '1', ALERTSYNC_BENCH_BARE_ROUTE: '1', ALERTSYNC_ALLOW_INSECURE_JIRA: '1' }, ...(pin ? { cpus: '0' } : {}) });
  try {
    // a destination nobody listens on: jobs are enqueued, never run (worker disabled)
    await createDestination(svc.url, 'http://127.0.0.1:9');
    const t: Target = { host: '127.0.0.1', port: svc.port };
    const single = JSON.stringify(alertBody(0));
    const auth = { authorization: bearer };
    const reqBare = rawRequest(t, '/_bench/bare', single, {});
    const reqSingle = rawRequest(t, '/api/alerts', single, auth);
    const reqBatch = rawRequest(t, '/api/alerts/batch', batchBody(BATCH), auth);
    // warm-up
    await load(t, reqBare, 200, { connections: CONNECTIONS, ms: 500 });
    await load(t, reqSingle, 201, { connections: CONNECTIONS, ms: 500 });
    await load(t, reqBatch, 201, { connections: CONNECTIONS, ms: 500 });
    const bare: number[] = [];
    const one: number[] = [];
    const batch: number[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      bare.push((await load(t, reqBare, 200, { connections: CONNECTIONS, ms: PHASE_MS })).perSecond);
      one.push((await load(t, reqSingle, 201, { connections: CONNECTIONS, ms: PHASE_MS })).perSecond);
      batch.push((await load(t, reqBatch, 201, { connections: CONNECTIONS, ms: PHASE_MS })).perSecond * BATCH);
    }
    const b = median(bare);
    const s = median(one);
    const m = median(batch);
    const rs = one.map((x, i) => x / (bare[i] as number));
    const rm = batch.map((x, i) => x / (bare[i] as number));
    const f = (xs: number[], d: number) => xs.map((x) => x.toFixed(d)).join(' ');
    console.log(`ingest ${label}: single ${s.toFixed(0)} alerts/s; batch(${BATCH}) ${m.toFixed(0)} alerts/s (${(m / BATCH).toFixed(0)} req/s); bare route of the same server ${b.toFixed(0)} req/s (medians)`);
    console.log(`ingest ${label} single/bare ratio: ${median(rs).toFixed(3)} (median of rounds: ${f(rs, 3)})`);
    console.log(`ingest ${label} batch alerts/bare ratio: ${median(rm).toFixed(2)} (median of rounds: ${f(rm, 2)})`);
    console.log(`  ${CONNECTIONS} connections, ${ROUNDS} rounds of ${PHASE_MS} ms bare + single + batch; ${pin ? 'service on CPU 0, load generator on CPU 1' : 'unpinned'}${label === 'postgres' ? ', PostgreSQL unpinned' : ''}`);
  } finally {
    await svc.stop();
    removeDataDir(svc.dataDir);
  }
}

export async function run(): Promise<void> {
  const pin = canPin();
  if (pin) pinSelf('1');
  await measure('sqlite', {}, pin);
  if (process.env.BENCH_INGEST_PG !== '1') return;
  let pg: { url: string; stop(): void } | null = null;
  try {
    const mod = (await import(new URL('../scripts/postgres-cluster.mjs', import.meta.url).href)) as { startPostgres(): Promise<{ url: string; stop(): void }> };
    pg = await mod.startPostgres();
  } catch (err) {
    console.log(`ingest postgres: skipped (${(err as Error).message.split('\n')[0]})`);
    return;
  }
  try {
    await measure('postgres', { DATABASE_URL: pg.url, ALERTSYNC_SECRET_KEY: '0'.repeat(64) }, pin);
  } finally {
    pg.stop();
  }
}
