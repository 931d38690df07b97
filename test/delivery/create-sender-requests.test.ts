// What goes in a create request, and when (create-sender.ts): the reservations of one client whose
// tokens came in the same turn share a request up to `requestSize` creates, a reservation is never
// split, and the create requests on their way stay within `maxRequests` (held creates go when one is
// answered or the worker says its slots changed). A real Jira client against the emulator; the
// rate-limit tokens are granted by hand, so which reservations exist is the test's choice.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startEmulator, type RunningEmulator } from '../../src/jira/emulator/index.js';
import { createJiraClient, type JiraClient, type NewIssue } from '../../src/jira/client/index.js';
import { CreateSender } from '../../src/delivery/create-sender.js';
import { buildIssueDescription } from '../../src/jira/description.js';
import { waitFor } from '../support/delivery.js';

let emu: RunningEmulator;
let client: JiraClient;
before(async () => {
  emu = await startEmulator({ faults: { createHook: true } });
  client = createJiraClient({ baseUrl: emu.url, email: 'alertsync-bot@example.com', apiToken: 'ATATT-emulator-alertsync-bot', timeoutMs: 30_000, allowInsecure: true });
});
after(async () => {
  emu.emulator.createHook.releaseAll('destroy');
  await client.close();
  await emu.close();
});

const issue = (n: number): NewIssue => ({
  projectKey: 'SEC',
  issueType: 'Task',
  summary: `sender ${n}`,
  description: buildIssueDescription({ alertId: `alr_sender${n}`, title: `sender ${n}`, description: null, severity: 'HIGH', type: 'RULE', ruleId: null, runbook: null, tags: [], context: null }, { publicUrl: 'https://alertsync.test', format: 'adf' }).adf,
  labels: [`alertsync-alr_sender${n}`],
  priority: null,
  assigneeAccountId: null,
});

/** Create requests whose answer the emulator holds now (each stored its issues already). */
const held = () => emu.emulator.createHook.list().length;
/** Issues the emulator stored for the creates numbered [from, to). */
const stored = (from: number, to: number) => [...emu.emulator.store.issues.values()].filter((i) => i.labels.some((l) => l.startsWith('alertsync-alr_sender') && Number(l.slice('alertsync-alr_sender'.length)) >= from && Number(l.slice('alertsync-alr_sender'.length)) < to)).length;

function sender(o: { maxRequests: () => number; requestSize: number }) {
  const grants: Array<() => void> = [];
  const s = new CreateSender({
    clock: { now: () => Date.now() },
    timing: { leaseMs: 60_000, jiraTimeoutMs: 30_000 },
    bulk: true,
    acquire: () => new Promise<void>((r) => grants.push(r)),
    maxRequests: o.maxRequests,
    requestSize: () => o.requestSize,
  });
  /**
   * n jobs reserve together (one reservation), its token is granted, and each sends once it has its
   * ticket. Awaiting `ready` ends the reservation (only microtasks pass: the creates of reservations
   * made one after another in one test step reach the sender in the same turn).
   */
  const reservation = (from: number, n: number) => {
    const tickets = Array.from({ length: n }, () => s.reserve(client, 'site'));
    grants.at(-1)!();
    const outcomes = tickets.map((t, i) => t.then((ticket) => s.send(client, 'site', issue(from + i), Date.now() + 60_000, undefined, ticket)));
    return { ready: Promise.all(tickets), outcomes };
  };
  return { s, grants, reservation };
}

test('reservations share a request up to requestSize; one larger than that goes whole; requests beyond maxRequests wait for slotsChanged', async () => {
  let max = 1;
  const { s, grants, reservation } = sender({ maxRequests: () => max, requestSize: 4 });
  // Three reservations of 3, 1 and 6 creates, their tokens granted in the same turn.
  const a = reservation(0, 3);
  await a.ready;
  const b = reservation(3, 1);
  await b.ready;
  const c = reservation(4, 6);
  await c.ready;
  assert.equal(grants.length, 3, 'one token per reservation');
  // 3 + 1 fit in one request of 4; the reservation of 6 is not split, and is a request of its own.
  await waitFor('the first request held', () => held() === 1, 10_000, 10);
  assert.equal(stored(0, 10), 4, 'the first request: the reservations of 3 and 1');
  await new Promise((r) => setTimeout(r, 200));
  assert.deepEqual([held(), stored(0, 10)], [1, 4], 'the second request waits: one request on its way at most');
  // The worker's slots changed (a sweep ended): one more request may go.
  max = 2;
  s.slotsChanged();
  await waitFor('the second request held', () => held() === 2, 10_000, 10);
  assert.equal(stored(0, 10), 10, 'the second request: the reservation of 6, whole');
  emu.emulator.createHook.releaseAll('send');
  const outcomes = await Promise.all([...a.outcomes, ...b.outcomes, ...c.outcomes]);
  assert.ok(outcomes.every((o) => o.outcome === 'created' && o.request === 'createIssues'), JSON.stringify(outcomes.map((o) => o.outcome)));
  assert.equal(new Set(outcomes.map((o) => (o.outcome === 'created' ? o.issue.key : ''))).size, 10, 'ten issues');
});

test('a request held back goes when one on its way is answered', async () => {
  const { reservation } = sender({ maxRequests: () => 1, requestSize: 2 });
  const a = reservation(100, 2);
  await a.ready;
  const b = reservation(102, 2);
  await b.ready;
  await waitFor('the first request held', () => held() === 1, 10_000, 10);
  await new Promise((r) => setTimeout(r, 200));
  assert.equal(stored(100, 104), 2, 'requests of 2 (requestSize), one on its way');
  const first = emu.emulator.createHook.list()[0]!;
  emu.emulator.createHook.release(first.holdId, 'send');
  await Promise.all(a.outcomes);
  await waitFor('the second request, after the first was answered', () => held() === 1 && emu.emulator.createHook.list()[0]!.holdId !== first.holdId, 10_000, 10);
  assert.equal(stored(100, 104), 4);
  emu.emulator.createHook.releaseAll('send');
  assert.ok((await Promise.all(b.outcomes)).every((o) => o.outcome === 'created'));
});
