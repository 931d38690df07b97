// Issue #10, "what it must show": every ADF document the service builds is accepted by the strict
// emulator. The service's description builder (src/jira/description.ts) is fed seeded random alerts
// full of wiki/markup fragments, control characters and emoji, at the default and at a small length
// limit (truncation paths); each document must pass Atlassian's ADF schema, and a sample is sent to
// the emulator as a v3 create and comment, as delivery does.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { buildIssueDescription, type IssueDescriptionInput, type IssueSeverity } from '../../src/jira/description.js';
import { checkAdf } from '../../src/jira/emulator/adf/validate.js';
import { startTestEmulator, type TestEmulator } from './harness.js';

function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const FRAGMENTS = [
  '*', '_', '{code}', '{noformat}', '[a|http://x]', '!', '|', 'h1. ', '\n', '\r\n', '\r', '\t', ' ', '  ', '\u0000', '\u0085',
  '\u2028', '\ud800', '\udc00', '🚨', 'e\u0301', '<b>', '&amp;', 'https://evil.example/', 'javascript:alert(1)', 'a', 'Z', '0', '',
];
const SEVERITIES: IssueSeverity[] = ['INFO', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL'];

function str(rand: () => number, max = 10): string {
  let s = '';
  for (let n = Math.floor(rand() * (max + 1)); n > 0; n--) s += FRAGMENTS[Math.floor(rand() * FRAGMENTS.length)];
  return s;
}

function value(rand: () => number, depth: number): unknown {
  const r = rand();
  if (depth > 2 || r < 0.4) return str(rand);
  if (r < 0.5) return Math.floor(rand() * 1000) - 500;
  if (r < 0.6) return null;
  if (r < 0.8) return Array.from({ length: Math.floor(rand() * 4) }, () => value(rand, depth + 1));
  const o: Record<string, unknown> = {};
  for (let i = Math.floor(rand() * 4); i > 0; i--) o[str(rand, 3)] = value(rand, depth + 1);
  return o;
}

function alert(rand: () => number, i: number): IssueDescriptionInput {
  const rb = rand();
  return {
    alertId: `alert-${i}`,
    title: str(rand),
    description: rand() < 0.2 ? null : rand() < 0.1 ? '' : str(rand, 20),
    severity: SEVERITIES[i % 5] as IssueSeverity,
    type: 'RULE',
    ruleId: rand() < 0.2 ? null : str(rand, 4),
    runbook: rb < 0.3 ? null : rb < 0.6 ? `https://runbooks.example.com/${str(rand, 3)}` : str(rand, 5),
    tags: Array.from({ length: Math.floor(rand() * 4) }, () => str(rand, 3)),
    context: rand() < 0.15 ? null : rand() < 0.1 ? {} : ((value(rand, 2) as Record<string, unknown>) ?? {}),
  };
}

const PUBLIC_URL = 'https://alertsync.example.com';

let j: TestEmulator;
before(async () => {
  j = await startTestEmulator();
});
after(() => j.close());

describe('the service\'s ADF against the strict emulator', () => {
  it('500 seeded random alert descriptions pass Atlassian\'s ADF schema (default and 1,500-character limits)', () => {
    const rand = prng(10);
    for (let i = 0; i < 500; i++) {
      const input = alert(rand, i);
      const out = buildIssueDescription(input, { publicUrl: PUBLIC_URL, ...(i % 5 === 0 ? { maxLength: 1500 } : {}) });
      const r = checkAdf(out.adf);
      assert.ok(r.valid, `${r.error}: ${JSON.stringify(input)}`);
    }
  });

  it('a sample is accepted by POST /rest/api/3/issue and as a comment body, and reads back unchanged', async () => {
    const rand = prng(11);
    for (let i = 0; i < 25; i++) {
      const out = buildIssueDescription(alert(rand, i), { publicUrl: PUBLIC_URL });
      const r = await j.post('/rest/api/3/issue', { fields: { project: { key: 'SEC' }, issuetype: { name: 'Task' }, summary: `s${i}`, description: out.adf } });
      assert.equal(r.status, 201, r.text);
      const got = await j.get(`/rest/api/3/issue/${r.body.key}?fields=description`);
      assert.deepEqual(got.body.fields.description, out.adf.content.length === 0 ? null : out.adf);
      const c = await j.post(`/rest/api/3/issue/${r.body.key}/comment`, { body: out.adf });
      assert.equal(c.status, 201, c.text);
    }
  });
});
