// One-way sync under Jira's faults and SIGKILLs of the service (issue #11 "What it must show"):
// 200 alerts, each with 3 comments, 2 edits, 1 delete, a status change through the OPS workflow
// (three transitions, resolution required) and an assignee change, while the emulator fails a
// fifth of its calls (503s, connection resets, lost answers) and the service process is killed
// at least five times. Every issue must end in the right state with every comment exactly once,
// counted in the emulator.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { startEmulator } from '../../src/jira/emulator/index.js';
import { spawnService, type ServiceProcess } from '../support/process.js';
import { freePortSync } from '../support/ports.js';
import { BOT, waitFor } from '../support/delivery.js';

const ALERTS = 200;
const KILLS = 5;
const ADA = '5b10ac8d82e05b22cc7d4ef5';
const FAULTS = {
  seed: 11,
  serverErrors: { rate: 0.1 },
  connectionResets: { rate: 0.05 },
  lostAnswers: { rate: 0.05, mode: 'destroy' as const },
};

function text(node: unknown): string {
  if (!node || typeof node !== 'object') return '';
  const n = node as { text?: string; content?: unknown[] };
  return (n.text ?? '') + (n.content ?? []).map(text).join('');
}

test(`one-way sync: ${ALERTS} alerts × (3 comments, 2 edits, 1 delete, status path, assignee) through 20% faults and ${KILLS} SIGKILLs → every issue right, every comment once`, async () => {
  const emu = await startEmulator();
  const dir = mkdtempSync(join(tmpdir(), 'alertsync-sync-faults-'));
  const port = freePortSync();
  const admin = `admin-${randomBytes(16).toString('hex')}`;
  const env = {
    ALERTSYNC_DATA_DIR: dir,
    PORT: String(port),
    ALERTSYNC_ADMIN_TOKEN: admin,
    ALERTSYNC_ALLOW_INSECURE_JIRA: '1',
    ALERTSYNC_WORKER_POLL_MS: '50',
    ALERTSYNC_JIRA_TIMEOUT_MS: '1500',
    ALERTSYNC_JOB_LEASE_MS: '3000',
    ALERTSYNC_CREATE_RECHECK_MS: '300',
    ALERTSYNC_RETRY_BASE_MS: '50',
    ALERTSYNC_RETRY_MAX_MS: '500',
    ALERTSYNC_JIRA_RATE_LIMIT: '500',
    ALERTSYNC_SWEEP_DELAY_MS: '3600000',
    LOG_LEVEL: 'info',
  };
  const api = async (method: string, path: string, body?: unknown) => {
    const r = await fetch(`http://127.0.0.1:${port}${path}`, { method, headers: { authorization: `Bearer ${admin}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) }, body: body === undefined ? undefined : JSON.stringify(body) });
    return { status: r.status, body: (r.status === 204 ? null : await r.json()) as any };
  };
  let proc: ServiceProcess | null = null;
  const start = async () => {
    proc = spawnService(env);
    await proc.waitForLine(/alertsync is up/, 60_000);
    return proc;
  };
  try {
    let p = await start();
    const d = await api('POST', '/api/destinations', {
      name: 'sync faults', domain: emu.url, issueType: 'Task', projectKey: 'OPS', email: BOT.email, apiToken: BOT.apiToken,
      sync: { status: 'one_way', assignee: 'one_way', comments: 'one_way' },
      statusMapping: { OPEN: 'To Do', TRIAGED: 'In Progress', RESOLVED: 'In Review', CLOSED: 'Closed' },
    });
    assert.equal(d.status, 201, JSON.stringify(d.body));
    const ada = await api('POST', '/api/users', { email: 'ada.admin@example.com', name: 'Ada', role: 'analyst' });
    assert.equal(ada.status, 201, JSON.stringify(ada.body));
    const batch = await api('POST', '/api/alerts/batch', { alerts: Array.from({ length: ALERTS }, (_, i) => ({ title: `sync ${i}`, severity: 'HIGH', type: 'RULE' })) });
    assert.equal(batch.status, 201);
    const ids: string[] = batch.body.alerts.map((a: { id: string }) => a.id);

    // The changes, made while the service runs (Jira already failing a fifth of its calls).
    emu.emulator.configureFaults(FAULTS);
    const expected = new Map<string, string[]>();
    await Promise.all(
      Array.from({ length: 8 }, async (_, lane) => {
        for (let i = lane; i < ids.length; i += 8) {
          const id = ids[i]!;
          const made: string[] = [];
          for (let c = 0; c < 3; c++) {
            const r = await api('POST', `/api/alerts/${id}/comments`, { body: `note ${c} on **${i}**` });
            assert.equal(r.status, 201);
            made.push(r.body.id);
          }
          assert.equal((await api('PUT', `/api/alerts/${id}/comments/${made[0]}`, { body: `note 0 on **${i}**, edited` })).status, 200);
          assert.equal((await api('PUT', `/api/alerts/${id}/comments/${made[1]}`, { body: `note 1 on **${i}**, edited` })).status, 200);
          assert.equal((await api('DELETE', `/api/alerts/${id}/comments/${made[2]}`)).status, 204);
          assert.equal((await api('PUT', `/api/alerts/${id}/status`, { status: 'CLOSED' })).status, 200);
          assert.equal((await api('PUT', `/api/alerts/${id}/assignee`, { email: 'ada.admin@example.com' })).status, 200);
          expected.set(id, [`note 0 on ${i}, edited`, `note 1 on ${i}, edited`]);
        }
      }),
    );

    for (let k = 0; k < KILLS; k++) {
      await new Promise((r) => setTimeout(r, 300 + Math.floor(Math.random() * 1200)));
      (p as ServiceProcess).child.kill('SIGKILL');
      await (p as ServiceProcess).exited;
      p = await start();
    }

    const byAlert = () => {
      const m = new Map<string, ReturnType<typeof emu.emulator.store.issues.get>>();
      for (const i of emu.emulator.store.issues.values()) {
        const l = i.labels.find((x) => x.startsWith('alertsync-alr_'));
        if (l) m.set(l.slice('alertsync-'.length), i);
      }
      return m;
    };
    const closed = emu.emulator.store.statuses.get('6')!.name;
    const done = () => {
      const m = byAlert();
      return ids.every((id) => {
        const i = m.get(id);
        return i && i.statusId === '6' && i.assigneeId === ADA && i.comments.filter((c) => /edited/.test(text(c.body))).length >= 2 && i.comments.some((c) => /changed the status/.test(text(c.body)));
      });
    };
    await waitFor('every issue in its final state', done, 240_000, 500);
    // Let anything still running settle, then count.
    emu.emulator.configureFaults({});
    await waitFor('no job left to run', async () => {
      const log = await api('GET', `/api/destinations/${d.body.destination.id}/deliveries?limit=500`);
      // (Duplicate sweeps wait an hour here: ALERTSYNC_SWEEP_DELAY_MS.)
      return !log.body.jobs.some((j: { kind: string; state: string }) => j.kind !== 'sweep_duplicates' && (j.state === 'pending' || j.state === 'running'));
    }, 120_000, 250);
    const m = byAlert();
    assert.equal(m.size, ALERTS);
    let issues = 0;
    for (const id of ids) {
      const issue = m.get(id)!;
      issues++;
      assert.equal(emu.emulator.store.statuses.get(issue.statusId)!.name, closed);
      assert.ok(issue.resolutionId, `${issue.key} has its resolution`);
      assert.equal(issue.assigneeId, ADA);
      const bodies = issue.comments.map((c) => text(c.body));
      const synced = bodies.filter((b) => b.includes('commented on alertsync'));
      assert.equal(synced.length, 2, `${issue.key}: two alert comments left, once each: ${JSON.stringify(bodies)}`);
      for (const want of expected.get(id)!) assert.equal(synced.filter((b) => b.includes(want)).length, 1, `${issue.key}: "${want}" once`);
      assert.equal(bodies.filter((b) => /changed the status from OPEN to CLOSED/.test(b)).length, 1, `${issue.key}: one status comment: ${JSON.stringify(bodies)}`);
    }
    console.log(`# ${issues} issues checked after ${KILLS} SIGKILLs; emulator faults: ${JSON.stringify(FAULTS)}`);
  } finally {
    if (proc) {
      (proc as ServiceProcess).child.kill('SIGKILL');
      await (proc as ServiceProcess).exited;
    }
    await emu.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
