// Starts the emulator as a child process (`tsx src/jira/emulator/main.ts`) on a free port, for
// tests, the demo and benchmarks that want it out of their own process. Resolves once the banner
// line is printed.
import { spawn, type ChildProcess } from 'node:child_process';
import type { FaultSettings } from './faults/faults.js';

export interface SpawnedEmulator {
  url: string;
  port: number;
  adminToken: string;
  child: ChildProcess;
  /** SIGTERM, resolves when the process has exited */
  stop(): Promise<void>;
}

export interface SpawnOptions {
  port?: number;
  adminToken?: string;
  faults?: FaultSettings;
  /** run the child under `taskset -c <cpus>` (Linux) */
  cpus?: string;
  /** extra node flags, e.g. ['--cpu-prof'] */
  nodeArgs?: string[];
}

const ROOT = new URL('../../../', import.meta.url).pathname;

export function spawnEmulator(opts: SpawnOptions = {}): Promise<SpawnedEmulator> {
  const env: NodeJS.ProcessEnv = { ...process.env, JIRA_EMULATOR_PORT: String(opts.port ?? 0) };
  if (opts.adminToken) env.JIRA_EMULATOR_ADMIN_TOKEN = opts.adminToken;
  if (opts.faults) env.JIRA_EMULATOR_FAULTS = JSON.stringify(opts.faults);
  const cmd = [process.execPath, ...(opts.nodeArgs ?? []), '--import', 'tsx', 'src/jira/emulator/main.ts'];
  const child = opts.cpus ? spawn('taskset', ['-c', opts.cpus, ...cmd], { cwd: ROOT, env }) : spawn(cmd[0] as string, cmd.slice(1), { cwd: ROOT, env });
  child.stderr?.pipe(process.stderr);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return new Promise((resolve, reject) => {
    let buf = '';
    const onData = (c: Buffer): void => {
      buf += c.toString();
      const nl = buf.indexOf('\n');
      if (nl < 0) return;
      child.stdout?.off('data', onData);
      child.stdout?.resume();
      const m = /listening on (http:\/\/[^\s:]+:(\d+)) admin-token (\S+)/.exec(buf.slice(0, nl));
      if (!m) {
        child.kill('SIGTERM');
        reject(new Error(`unexpected emulator banner: ${buf.slice(0, nl)}`));
        return;
      }
      resolve({
        url: m[1] as string,
        port: Number(m[2]),
        adminToken: m[3] as string,
        child,
        stop: async () => {
          if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
          await exited;
        },
      });
    };
    child.stdout?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`emulator exited with ${code ?? 'a signal'} before listening`)));
  });
}
