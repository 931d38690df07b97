// Shared pieces of the delivery tests: a destination pointing at the in-process Jira emulator, and
// counting what the emulator holds (read from its store: the Jira side's own truth).
import assert from 'node:assert/strict';
import type { RunningEmulator } from '../../src/jira/emulator/index.js';
import type { TestService } from './service.js';

export const BOT = { email: 'alertsync-bot@example.com', apiToken: 'ATATT-emulator-alertsync-bot' };

export async function createEmulatorDestination(svc: { api: TestService['api'] }, emu: RunningEmulator, overrides: Record<string, unknown> = {}): Promise<string> {
  const r = await svc.api('POST', '/api/destinations', {
    name: `emulator ${Math.random().toString(36).slice(2, 8)}`,
    domain: emu.url,
    issueType: 'Task',
    projectKey: 'SEC',
    email: BOT.email,
    apiToken: BOT.apiToken,
    ...overrides,
  });
  assert.equal(r.status, 201, r.text);
  return r.body.destination.id as string;
}

/** Issues in the emulator carrying the lookup label of an alert. */
export function issuesForAlert(emu: RunningEmulator, alertId: string) {
  return [...emu.emulator.store.issues.values()].filter((i) => i.labels.includes(`alertsync-${alertId}`));
}

export function issueCountsByAlert(emu: RunningEmulator): Map<string, number> {
  const m = new Map<string, number>();
  for (const i of emu.emulator.store.issues.values()) {
    const l = i.labels.find((x) => x.startsWith('alertsync-alr_'));
    if (l) m.set(l.slice('alertsync-'.length), (m.get(l.slice('alertsync-'.length)) ?? 0) + 1);
  }
  return m;
}

export async function waitFor<T>(what: string, fn: () => Promise<T | undefined | null | false> | T | undefined | null | false, timeoutMs = 30_000, everyMs = 50): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
