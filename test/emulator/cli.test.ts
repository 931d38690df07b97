// `npm run emulator` (src/jira/emulator/main.ts) as a child process on a free port: banner, seeded
// site, admin token from the environment, faults from the environment, clean stop on SIGTERM.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { describe, it } from 'node:test';

describe('emulator CLI', () => {
  it('starts on its own, serves the seeded site, takes settings from the environment', async () => {
    const root = new URL('../../', import.meta.url).pathname;
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/jira/emulator/main.ts'], {
      cwd: root,
      env: { ...process.env, JIRA_EMULATOR_PORT: '0', JIRA_EMULATOR_ADMIN_TOKEN: 'cli-test-token', JIRA_EMULATOR_FAULTS: '{"serverErrors":{"count":1,"status":502}}' },
    });
    try {
      const banner = await new Promise<string>((resolve, reject) => {
        let buf = '';
        child.stdout.on('data', (c: Buffer) => {
          buf += c.toString();
          if (buf.includes('\n')) resolve(buf.split('\n')[0] as string);
        });
        child.on('exit', (code) => reject(new Error(`exited ${code ?? 'by signal'}`)));
      });
      const m = /^jira-emulator listening on (http:\/\/127\.0\.0\.1:\d+) admin-token (\S+)$/.exec(banner);
      assert.ok(m, banner);
      assert.equal(m[2], 'cli-test-token');
      const url = m[1] as string;
      const auth = `Basic ${Buffer.from('alertsync-bot@example.com:ATATT-emulator-alertsync-bot').toString('base64')}`;
      assert.equal((await fetch(`${url}/rest/api/3/myself`, { headers: { authorization: auth } })).status, 502);
      const me = await fetch(`${url}/rest/api/3/myself`, { headers: { authorization: auth } });
      assert.equal(me.status, 200);
      assert.equal(((await me.json()) as { displayName: string }).displayName, 'alertsync integration');
      const users = await fetch(`${url}/_emulator/users`, { headers: { authorization: 'Bearer cli-test-token' } });
      assert.equal(((await users.json()) as unknown[]).length, 4);
    } finally {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
  });
});

describe('spawnEmulator', () => {
  it('starts the CLI as a child process on a free port and stops it', async () => {
    const { spawnEmulator } = await import('../../src/jira/emulator/spawn.js');
    const emu = await spawnEmulator({ adminToken: 'spawned', faults: { searchLagMs: 5 } });
    try {
      const faults = await fetch(`${emu.url}/_emulator/faults`, { headers: { authorization: 'Bearer spawned' } });
      assert.deepEqual(await faults.json(), { searchLagMs: 5 });
    } finally {
      await emu.stop();
    }
    assert.notEqual(emu.child.exitCode ?? emu.child.signalCode, null);
  });
});
