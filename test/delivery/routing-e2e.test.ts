// Routing through the real service and the emulator: which destinations' Jira projects receive an
// issue for each alert. Expectations are written out by hand, one row per alert.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startEmulator, type RunningEmulator } from '../../src/jira/emulator/index.js';
import { startTestService, type TestService } from '../support/service.js';
import { createEmulatorDestination, waitFor } from '../support/delivery.js';

const CT = 'AWS.CloudTrail';
const OK = 'Okta.SystemLog';

// D1: no filter. D2: HIGH and CRITICAL. D3: POLICY and SCHEDULED_RULE from Okta. D4: disabled, no
// filter. D5: INFO, RULE_ERROR or SYSTEM_ERROR, from CloudTrail.
const DESTINATIONS = {
  D1: {},
  D2: { severities: ['HIGH', 'CRITICAL'] },
  D3: { alertTypes: ['POLICY', 'SCHEDULED_RULE'], logTypes: [OK] },
  D4: { enabled: false },
  D5: { severities: ['INFO'], alertTypes: ['RULE_ERROR', 'SYSTEM_ERROR'], logTypes: [CT] },
} as const;

// severity, type, log types → destinations that get an issue
const ROWS: Array<[string, string, string[], string]> = [
  ['INFO', 'RULE', [], 'D1'],
  ['INFO', 'POLICY', [OK], 'D1 D3'],
  ['INFO', 'SCHEDULED_RULE', [CT, OK], 'D1 D3'],
  ['INFO', 'SYSTEM_ERROR', [], 'D1'],
  ['INFO', 'RULE_ERROR', [CT], 'D1 D5'],
  ['LOW', 'RULE', [CT], 'D1'],
  ['LOW', 'POLICY', [], 'D1'],
  ['LOW', 'SCHEDULED_RULE', [OK], 'D1 D3'],
  ['LOW', 'SYSTEM_ERROR', [CT], 'D1'],
  ['LOW', 'RULE_ERROR', [CT, OK], 'D1'],
  ['MEDIUM', 'RULE', [CT, OK], 'D1'],
  ['MEDIUM', 'POLICY', [CT], 'D1'],
  ['MEDIUM', 'SCHEDULED_RULE', [], 'D1'],
  ['MEDIUM', 'SYSTEM_ERROR', [OK], 'D1'],
  ['MEDIUM', 'RULE_ERROR', [], 'D1'],
  ['HIGH', 'RULE', [], 'D1 D2'],
  ['HIGH', 'POLICY', [CT, OK], 'D1 D2 D3'],
  ['HIGH', 'SCHEDULED_RULE', [CT], 'D1 D2'],
  ['HIGH', 'SYSTEM_ERROR', [], 'D1 D2'],
  ['HIGH', 'RULE_ERROR', [OK], 'D1 D2'],
  ['CRITICAL', 'RULE', [OK], 'D1 D2'],
  ['CRITICAL', 'POLICY', [OK], 'D1 D2 D3'],
  ['CRITICAL', 'SCHEDULED_RULE', [CT, OK], 'D1 D2 D3'],
  ['CRITICAL', 'SYSTEM_ERROR', [CT], 'D1 D2'],
  ['CRITICAL', 'RULE_ERROR', [CT], 'D1 D2'],
];

let svc: TestService;
let emu: RunningEmulator;
const ids: Record<string, string> = {};

before(async () => {
  emu = await startEmulator();
  svc = await startTestService('sqlite', { ALERTSYNC_ALLOW_INSECURE_JIRA: '1', ALERTSYNC_WORKER_POLL_MS: '20', ALERTSYNC_JIRA_RATE_LIMIT: '1000' });
  for (const [name, filter] of Object.entries(DESTINATIONS)) ids[name] = await createEmulatorDestination(svc, emu, { name, ...filter });
});
after(async () => {
  await svc.close();
  await emu.close();
});

test('every severity × type, with 0, 1 and 2 log types, reaches exactly the destinations written down', async () => {
  const names = Object.fromEntries(Object.entries(ids).map(([n, id]) => [id, n]));
  const posted = [];
  for (const [severity, type, logTypes, expected] of ROWS) {
    const r = await svc.api('POST', '/api/alerts', { title: `${severity} ${type}`, severity, type, logTypes });
    assert.equal(r.status, 201);
    posted.push({ id: r.body.id as string, expected, label: `${severity} ${type} [${logTypes.join(', ')}]` });
  }
  const expectedIssues = ROWS.reduce((n, row) => n + row[3].split(' ').length, 0);
  await waitFor(`${expectedIssues} issues`, () => emu.emulator.store.issues.size >= expectedIssues, 30_000);
  await new Promise((r) => setTimeout(r, 300)); // nothing more may arrive
  assert.equal(emu.emulator.store.issues.size, expectedIssues);
  for (const p of posted) {
    const d = await svc.api('GET', `/api/alerts/${p.id}/deliveries`);
    const got = d.body.links.map((l: { destinationId: string }) => names[l.destinationId]).sort().join(' ');
    assert.equal(got, p.expected, p.label);
  }
});
