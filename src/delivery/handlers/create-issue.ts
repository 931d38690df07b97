// create_issue: an alert becomes one Jira issue on a destination. The order of a run:
//   already linked? → the lookup a mark (or a replay) calls for → the mark (mostly written by the
//   claim already) → the lease check →
//   the send (with other jobs' creates: create-sender.ts; the lease and the destination are checked
//   again there) → the link.
//   docs/delivery.md ("the guarantee") says why each step is where it is.
import type { Destination } from '../../destinations/destination.js';
import { JiraError, type JiraIssue } from '../../jira/client/index.js';
import { afterLookup, maySend, planLookup } from '../decisions.js';
import { buildNewIssue } from '../issue-request.js';
import { lookupLabels } from '../job.js';
import { JobYielded, SentCreateError, type JobContext, type JobHandler } from './context.js';

export const createIssueHandler: JobHandler<'create_issue'> = {
  async run(ctx) {
    const { job, access, clock, settings, run } = ctx;
    const existing = await ctx.findLink();
    if (existing) return ctx.complete({ issueId: existing.issueId, issueKey: existing.issueKey, note: 'already linked' });
    const alert = await ctx.findAlert();
    if (!alert) return ctx.finish('cancelled', { lastError: 'the alert no longer exists' });
    if (!takesCreate(access.destination, job)) return ctx.finish('paused', { lastError: 'the destination is disabled; its deliveries resume when it is enabled' });

    const plan = planLookup({ mark: run.mark, lookFirst: job.lookFirst }, clock.now(), settings);
    if (plan.action === 'wait') return ctx.defer(plan.at, { unknown_since: plan.mark.since, unknown_until: plan.mark.until });
    let hadMark = false;
    if (plan.action === 'search') {
      hadMark = plan.mark !== null;
      run.mark = plan.mark;
      const found = await findByLabels(ctx);
      const next = afterLookup(found, hadMark);
      if (next.action === 'link') {
        const note = found.length > 1 ? `${found.length} issues carry the labels; the oldest is linked, the sweep closes the others` : null;
        return ctx.complete(
          { issueId: next.issue.id, issueKey: next.issue.key },
          { issueId: next.issue.id, issueKey: next.issue.key, issueUrl: issueUrl(ctx, next.issue.key), sweep: next.sweep || job.hadUnknown },
          { request: 'search', outcome: 'found', status: 200, issueKey: next.issue.key, error: note, durationMs: 0 },
        );
      }
      await ctx.attempt('search', 'absent', 200, null, hadMark ? `no issue carries the labels once Jira's search could show it: creating it` : 'replay: no issue carries the labels: creating it', 0);
      // A search answered: whatever the mark was about did not make an issue.
      run.mark = null;
    }

    const issue = buildNewIssue(alert, access.destination, { publicUrl: settings.publicUrl, lookup: true });
    // The rate-limit token of the request this create will go in (shared by the creates due with it).
    await ctx.reserveCreate();
    await ctx.pause('before-mark');
    // "A create of this run may go out" must be committed before the request: a crash from then on
    // leaves the trace. Mostly the claim committed it (sending_since). Otherwise (the rate limit held
    // creates back at the claim), and after a search (whose answer drops the mark it was about), it
    // is written now, with the lease started again for the create (a wait for a token, a search, can
    // take much of a lease).
    if (job.sendingSince === null || plan.action === 'search') {
      const now = clock.now();
      const leaseUntil = now + settings.leaseMs;
      const answered = plan.action === 'search' ? { unknown_since: null, unknown_until: null } : {};
      if (!(await ctx.update({ ...answered, sending_since: now, lease_until: leaseUntil, updated_at: now }))) throw new JobYielded('fenced');
      run.leaseUntil = leaseUntil;
    }
    await ctx.pause('after-mark');
    const sentAt = clock.now();
    const lease = run.leaseUntil;
    if (lease === null || !maySend(sentAt, lease, settings)) return notSent(ctx);
    await ctx.pause('before-send');
    const t0 = performance.now();
    let sent;
    try {
      // With the creates of other jobs of this destination due now: one bulk request (create-sender.ts),
      // which checks the lease and the destination (still enabled, not deleted) again right before the request.
      sent = await ctx.sendCreate(issue, lease, async () => {
        const now = await ctx.currentDestination();
        return now !== null && takesCreate(now, job);
      });
    } catch (err) {
      if (err instanceof JiraError) throw new SentCreateError(err, sentAt, performance.now() - t0);
      throw err;
    }
    if (sent.outcome === 'not-sent') return notSent(ctx, sent.reason);
    // Refused by Jira on its own: nothing was made for it (decideAfterFailure: a refusal drops no mark).
    if (sent.outcome === 'refused') throw new SentCreateError(sent.error, sentAt, performance.now() - t0, sent.othersCreated);
    await ctx.pause('after-send');
    const created = sent.issue;
    const attempt = { request: sent.request, outcome: 'ok' as const, status: 201, issueKey: created.key, error: null, durationMs: performance.now() - t0 };
    await ctx.complete({ issueId: created.id, issueKey: created.key }, { issueId: created.id, issueKey: created.key, issueUrl: issueUrl(ctx, created.key), sweep: job.hadUnknown || hadMark }, attempt);
  },
};

/** Disabling a destination pauses its routed queue; a manual dispatch is a person's explicit ask. */
function takesCreate(destination: Destination, job: JobContext<'create_issue'>['job']): boolean {
  return destination.enabled || job.payload.reason === 'manual';
}

const NOT_SENT = {
  lease: 'not sent: the lease would end before the create could finish (the process stalled)',
  destination: 'not sent: the destination was disabled or deleted meanwhile',
} as const;

/**
 * The request could not go: this run stalled past what its lease allows (or waited too long for
 * its request), or the destination was disabled or deleted meanwhile. Nothing went out, so the mark
 * goes back to what it was, and the job runs again (here or elsewhere; paused or cancelled then).
 */
async function notSent(ctx: JobContext<'create_issue'>, reason: keyof typeof NOT_SENT = 'lease'): Promise<void> {
  const now = ctx.clock.now();
  await ctx.attempt('createIssue', 'retry', null, null, NOT_SENT[reason], 0);
  await ctx.defer(now, { unknown_since: ctx.run.mark?.since ?? null, unknown_until: ctx.run.mark?.until ?? null });
}

export function issueUrl(ctx: JobContext, key: string): string {
  return ctx.access.client.issueUrl(key);
}

/** The issues carrying the alert's and the destination's lookup labels, oldest first. */
export async function findByLabels(ctx: JobContext): Promise<JiraIssue[]> {
  await ctx.acquire();
  return ctx.access.client.findByLabels(lookupLabels(ctx.job.alertId, ctx.job.destinationId));
}
