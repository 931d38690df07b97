// Benchmark part "emulator": the Jira emulator's issue-create throughput on loopback at 64
// concurrent keep-alive connections, as a ratio to a bare route (POST /_emulator/bare: read the
// body, answer {"ok":true}) of the same HTTP server, measured in the same run with the same body
// size. Later delivery benchmarks use the ratio to show the emulator is not their bottleneck.
// The emulator runs as a child process (pinned to CPU 0 with taskset when there are 2+ CPUs; the
// load generator is pinned to CPU 1). Phases alternate bare/create; medians are reported.
import { spawnSync } from 'node:child_process';
import { Agent, request } from 'node:http';
import { availableParallelism } from 'node:os';
import { spawnEmulator } from '../src/jira/emulator/spawn.js';
import { load, median, rawRequest, type Target } from './support/harness.js';

const CONNECTIONS = 64;
const PHASE_MS = Number(process.env.BENCH_PHASE_MS ?? '2000');
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? '5');

function post(agent: Agent, t: Target, path: string, body: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ agent, host: t.host, port: t.port, method: 'POST', path, headers: { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)), ...headers } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Requests per second over one phase, with the shared raw-socket load generator. */
async function phase(t: Target, path: string, body: string, headers: Record<string, string>, want: number, ms: number): Promise<number> {
  return (await load(t, rawRequest(t, path, body, headers), want, { connections: CONNECTIONS, ms })).perSecond;
}


export async function run(): Promise<void> {
  const pin = availableParallelism() >= 2 && spawnSync('taskset', ['-V']).status === 0;
  if (pin) spawnSync('taskset', ['-a', '-cp', '1', String(process.pid)], { stdio: 'ignore' }); // -a: every thread of this process
  const emu = await spawnEmulator(pin ? { cpus: '0' } : {});
  const target: Target = { host: '127.0.0.1', port: emu.port };
  const { adminToken } = emu;
  const agent = new Agent({ keepAlive: true, maxSockets: CONNECTIONS });
  try {
    const auth = { authorization: `Basic ${Buffer.from('alertsync-bot@example.com:ATATT-emulator-alertsync-bot').toString('base64')}` };
    const createBody = JSON.stringify({
      fields: {
        project: { key: 'SEC' }, issuetype: { id: '10004' }, summary: 'CVE-2024-1234 in api-gateway (benchmark)',
        description: { type: 'doc', version: 1, content: [{ type: 'paragraph', content: [{ type: 'text', text: 'Found by the scanner on host 10.0.0.12.' }] }] },
        labels: ['alertsync', 'security'], priority: { id: '2' },
      },
    });
    const admin = { authorization: `Bearer ${adminToken}` };
    // warm-up
    await phase(target, '/_emulator/bare', createBody, auth, 200, 500);
    await phase(target, '/rest/api/3/issue', createBody, auth, 201, 500);
    const bare: number[] = [];
    const create: number[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      bare.push(await phase(target, '/_emulator/bare', createBody, auth, 200, PHASE_MS));
      create.push(await phase(target, '/rest/api/3/issue', createBody, auth, 201, PHASE_MS));
      await post(agent, target, '/_emulator/reset', '{}', admin); // keep the heap small between rounds
    }
    const b = median(bare);
    const c = median(create);
    const perRound = create.map((x, i) => x / (bare[i] as number));
    console.log(`emulator issue create: ${c.toFixed(0)} req/s; bare route of the same server: ${b.toFixed(0)} req/s (medians)`);
    console.log(`emulator create/bare ratio: ${median(perRound).toFixed(2)} (median of rounds: ${perRound.map((r) => r.toFixed(2)).join(' ')})`);
    console.log(`  ${CONNECTIONS} connections, loopback, ${ROUNDS} rounds of ${PHASE_MS} ms bare + ${PHASE_MS} ms create; ${pin ? 'server on CPU 0, load generator on CPU 1' : 'unpinned'}`);
  } finally {
    agent.destroy();
    await emu.stop();
  }
}
