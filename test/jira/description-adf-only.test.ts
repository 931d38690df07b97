// `format: 'adf'` builds only the representation delivery sends, with the same ADF as 'both'.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildIssueDescription } from '../../src/jira/description.js';

const input = (context: Record<string, unknown>) => ({ alertId: 'alr_1', title: 't', description: 'd', severity: 'HIGH' as const, type: 'RULE', ruleId: 'r', runbook: null, tags: ['a'], context });

test("format 'adf': the same ADF as 'both', no wiki, within the limit when cut", () => {
  const small = input({ user: 'root' });
  const both = buildIssueDescription(small, { publicUrl: 'https://a.test' });
  const adf = buildIssueDescription(small, { publicUrl: 'https://a.test', format: 'adf' });
  assert.deepEqual(adf.adf, both.adf);
  assert.equal(adf.wiki, '');
  assert.equal(adf.truncated, false);
  const big = input(Object.fromEntries(Array.from({ length: 3000 }, (_, i) => [`key${i}`, 'v'.repeat(20)])));
  const cut = buildIssueDescription(big, { publicUrl: 'https://a.test', format: 'adf' });
  assert.equal(cut.truncated, true);
  assert.ok(JSON.stringify(cut.adf).length <= 32767);
});
