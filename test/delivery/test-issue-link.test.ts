// The link in a test issue points to something that exists: the test's delivery job
// (GET /api/deliveries/{jobId}), since a test alert is not stored as an alert (its old link,
// /alerts/test-job_…, answered 404).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startEmulator } from '../../src/jira/emulator/index.js';
import { DB_KINDS, startTestService } from '../support/service.js';
import { createEmulatorDestination } from '../support/delivery.js';
import { ALERT_LINK_TEXT } from '../../src/jira/description.js';

/** Every link target in an ADF document, with its text. */
function links(node: unknown, out: { text: string; href: string }[] = []): { text: string; href: string }[] {
  if (node && typeof node === 'object') {
    const n = node as { type?: string; text?: string; marks?: { type: string; attrs?: { href?: string } }[]; content?: unknown[] };
    for (const m of n.marks ?? []) if (m.type === 'link' && m.attrs?.href) out.push({ text: n.text ?? '', href: m.attrs.href });
    for (const c of n.content ?? []) links(c, out);
  }
  return out;
}

for (const db of DB_KINDS) {
  test(`a test issue links to the test's delivery, which the API serves [${db}]`, async () => {
    const emu = await startEmulator();
    const svc = await startTestService(db, { ALERTSYNC_ALLOW_INSECURE_JIRA: '1', ALERTSYNC_WORKER_POLL_MS: '50' });
    try {
      const id = await createEmulatorDestination(svc, emu);
      const r = await svc.api('POST', `/api/destinations/${id}/test`);
      assert.equal(r.body.outcome, 'created', r.text);
      const issue = [...emu.emulator.store.issues.values()].find((i) => i.key === r.body.issueKey);
      assert.ok(issue, 'the test issue is in Jira');
      const link = links(issue.description).find((l) => l.text === ALERT_LINK_TEXT);
      assert.ok(link, 'the description has the alertsync link');
      assert.equal(link.href, `${svc.config.publicUrl}/api/deliveries/${r.body.jobId}`);
      // The public URL of the test service is not where it listens: follow the path on it.
      const target = await svc.api('GET', new URL(link.href).pathname);
      assert.equal(target.status, 200, target.text);
      assert.equal(target.body.job.id, r.body.jobId);
      assert.equal(target.body.job.kind, 'test_issue');
      assert.equal(target.body.job.result.issueKey, r.body.issueKey);
    } finally {
      await svc.close();
      await emu.close();
    }
  });
}
