import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../support/process.js';
import { freePortSync } from '../support/ports.js';

test('npm run demo starts alertsync and the emulator and issues appear', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'alertsync-demo-'));
  const child = spawn('npm', ['run', 'demo', '--silent'], {
    cwd: ROOT,
    env: { ...process.env, PORT: String(freePortSync()), JIRA_EMULATOR_PORT: String(freePortSync()), DEMO_INTERVAL_MS: '200', DEMO_ALERTS: '3', ALERTSYNC_DATA_DIR: dir },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  try {
    const deadline = Date.now() + 60_000;
    while ((out.match(/✓ SEC-\d+ created in Jira/g) ?? []).length < 3) {
      assert.ok(Date.now() < deadline, `no issues appeared:\n${out}`);
      assert.equal(child.exitCode, null, `demo exited:\n${out}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.match(out, /Jira emulator {2}http:\/\/127\.0\.0\.1:\d+/);
  } finally {
    process.kill(-child.pid!, 'SIGTERM');
    await new Promise((r) => child.on('exit', r));
    rmSync(dir, { recursive: true, force: true });
  }
});
