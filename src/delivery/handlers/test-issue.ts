// test_issue: the priority-lane test alert of a destination. One attempt whose outcome goes back to
// the admin who asked, except a 429 (it says nothing about the settings), retried while they wait.
import type { JiraError } from '../../jira/client/index.js';
import { buildNewIssue } from '../issue-request.js';
import type { JobHandler } from './context.js';
import { issueUrl } from './create-issue.js';

/** A test alert refused with 429 is tried again while it is this young (the caller waits 15 s). */
const TEST_RETRY_WINDOW_MS = 10_000;

export const testIssueHandler: JobHandler<'test_issue'> = {
  async run(ctx) {
    const { job, access, clock, settings } = ctx;
    const now = clock.now();
    const alert = {
      id: job.alertId,
      title: job.payload.title || 'alertsync test alert',
      description: `This is a test alert sent from alertsync by ${job.payload.requestedBy || 'an administrator'} to check the destination "${access.destination.name}". You can close or delete this issue.`,
      severity: 'INFO' as const,
      type: 'RULE' as const,
      ruleId: 'alertsync.test-alert',
      runbook: null,
      tags: ['test'],
      context: { test: true, destination: access.destination.name, sentAt: new Date(now).toISOString() },
    };
    // A test alert is not stored: its issue links to the test's delivery job, which exists.
    const issue = buildNewIssue(alert, access.destination, { publicUrl: settings.publicUrl, lookup: false, linkPath: `/api/deliveries/${encodeURIComponent(job.id)}` });
    await ctx.acquire(true);
    const t0 = performance.now();
    const created = await access.client.createIssue(issue);
    await ctx.attempt('createIssue', 'ok', 201, created.key, null, performance.now() - t0);
    await ctx.complete({ ok: true, issueId: created.id, issueKey: created.key, issueUrl: issueUrl(ctx, created.key) });
  },

  async onFailed(ctx, err: JiraError) {
    const { job, clock } = ctx;
    if (err.kind === 'rate_limited' && clock.now() - job.createdAt < TEST_RETRY_WINDOW_MS) {
      await ctx.attempt('createIssue', 'retry', err.status, null, err.message, 0);
      await ctx.update({ attempts: job.attempts + 1, last_status: err.status, last_error: err.message });
      await ctx.defer(clock.now() + Math.min(err.retryAfterMs ?? 1000, 5000));
      return true;
    }
    await ctx.attempt('createIssue', 'failed', err.status, null, err.message, 0);
    await ctx.finish('failed', { lastStatus: err.status, lastError: err.message, result: { ok: false, status: err.status, kind: err.kind, message: err.message, jiraMessages: err.jiraMessages } });
    return true;
  },
};
