#!/usr/bin/env node
// Runs the whole test suite (or the test files given as arguments) with Node's own test runner.
// It first starts a throw-away PostgreSQL cluster from Debian's server binaries on a free loopback
// port, so that every storage and API suite runs on SQLite AND on PostgreSQL. Where the binaries are
// missing it fails loudly: no suite is ever skipped.
import { spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { startPostgres } from './postgres-cluster.mjs';

const root = new URL('..', import.meta.url).pathname;

function findTests(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...findTests(p));
    else if (name.endsWith('.test.ts')) out.push(relative(root, p));
  }
  return out.sort();
}

const args = process.argv.slice(2);
const files = args.length > 0 ? args : findTests(join(root, 'test'));
if (files.length === 0) {
  console.error('run-tests: no test files found');
  process.exit(1);
}

let pg;
try {
  pg = await startPostgres();
} catch (err) {
  console.error(`run-tests: cannot start the PostgreSQL test cluster: ${err.message}`);
  console.error('run-tests: install Debian\'s postgresql server package (apt-get install postgresql); the PostgreSQL suites never skip.');
  process.exit(1);
}
console.log(`run-tests: PostgreSQL ${pg.version} test cluster on ${pg.url}`);

const concurrency = process.env.TEST_CONCURRENCY ?? '2';
const child = spawn(
  process.execPath,
  ['--import', 'tsx', '--test', `--test-concurrency=${concurrency}`, '--test-reporter=spec', ...files],
  {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, ALERTSYNC_TEST_PG_URL: pg.url, NODE_ENV: 'test' },
  },
);
const stop = () => pg.stop();
process.on('SIGINT', () => child.kill('SIGINT'));
process.on('SIGTERM', () => child.kill('SIGTERM'));
child.on('exit', (code, signal) => {
  stop();
  process.exit(code ?? (signal ? 1 : 0));
});
