// Starts a throw-away PostgreSQL cluster from Debian's server binaries on a free loopback port.
// initdb refuses to run as root, so as root the cluster belongs to the `postgres` system user
// (created by Debian's postgresql package) and its commands run through runuser.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, existsSync, rmSync, chownSync, chmodSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function findPostgresBin() {
  const explicit = process.env.ALERTSYNC_PG_BIN;
  if (explicit) {
    if (!existsSync(join(explicit, 'initdb'))) throw new Error(`ALERTSYNC_PG_BIN=${explicit} has no initdb`);
    return explicit;
  }
  const base = '/usr/lib/postgresql';
  if (!existsSync(base)) throw new Error(`${base} does not exist (PostgreSQL server binaries missing)`);
  const versions = readdirSync(base)
    .filter((v) => existsSync(join(base, v, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a));
  if (versions.length === 0) throw new Error(`no initdb under ${base}/*/bin`);
  return join(base, versions[0], 'bin');
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

function run(cmd, args, asPostgres) {
  const full = asPostgres ? ['runuser', ['-u', 'postgres', '--', cmd, ...args]] : [cmd, args];
  const r = spawnSync(full[0], full[1], { encoding: 'utf8' });
  if (r.status !== 0) {
    throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}): ${(r.stderr || r.stdout || '').trim()}`);
  }
  return r.stdout;
}

/** @returns {Promise<{url: string, port: number, dir: string, version: string, stop: () => void}>} */
export async function startPostgres() {
  const bin = findPostgresBin();
  const isRoot = process.getuid?.() === 0;
  const dir = mkdtempSync(join(tmpdir(), 'alertsync-pg-'));
  if (isRoot) {
    const uid = Number(spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).stdout.trim());
    const gid = Number(spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).stdout.trim());
    if (!Number.isInteger(uid) || uid <= 0) throw new Error('running as root but there is no `postgres` user to own the cluster');
    chownSync(dir, uid, gid);
    chmodSync(dir, 0o700);
  }
  const data = join(dir, 'data');
  run(join(bin, 'initdb'), ['-D', data, '-A', 'trust', '-U', 'test', '--no-sync', '-E', 'UTF8'], isRoot);
  const port = await freePort();
  const opts = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300`;
  run(join(bin, 'pg_ctl'), ['-D', data, '-o', opts, '-l', join(dir, 'log'), '-w', '-t', '60', 'start'], isRoot);
  const version = (run(join(bin, 'postgres'), ['--version'], false).match(/\d+(\.\d+)?/) ?? ['?'])[0];
  let stopped = false;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    try {
      run(join(bin, 'pg_ctl'), ['-D', data, '-m', 'immediate', '-w', 'stop'], isRoot);
    } catch {
      /* already gone */
    }
    rmSync(dir, { recursive: true, force: true });
  };
  process.on('exit', stop);
  return { url: `postgres://test@127.0.0.1:${port}/postgres`, port, dir, version, stop };
}
