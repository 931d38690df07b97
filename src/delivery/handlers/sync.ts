// One-way sync (issue #11): a change of a linked alert carried to its Jira issue. One handler per
// aspect; each reads the alert as it is now (so queued changes collapse to the latest state) and
// is idempotent by target state. Comments are created exactly once: each Jira comment carries an
// entity property naming the alertsync comment, and a run that may follow a create whose outcome is
// unknown looks for it before posting. What follows a Jira failure is the runner's (decisions.ts).
import { JiraError, type AdfDocument, type JiraComment, type JiraTransition } from '../../jira/client/index.js';
import { alertCommentForJira, plainCommentForJira } from '../../jira/format/comment.js';
import { findComment } from '../../storage/repositories/alerts.js';
import { findUserById } from '../../storage/repositories/users.js';
import { findMappedAccountId } from '../../storage/repositories/jira-account-mappings.js';
import * as syncRepo from '../../storage/repositories/sync.js';
import { statusChangeCommentText } from '../../sync/status-comment.js';
import { fillWithResolution } from '../../sync/resolution.js';
import { nextStatusStep } from '../../sync/status-walk.js';
import { learnTransitions, type TransitionGraph, type TransitionOption } from '../../sync/transition-path.js';
import type { SyncAspect } from '../../destinations/destination.js';
import type { AlertLink, JobKind } from '../job.js';
import { jiraAccounts } from '../jira-account-cache.js';
import { JobYielded, type JobContext, type JobHandler } from './context.js';

/** The entity property key of the comments alertsync posts (value: what made them). */
export const COMMENT_PROPERTY = 'alertsync';

type SyncKind = Extract<JobKind, 'sync_status' | 'sync_assignee' | 'sync_comment'>;

/** What every sync job checks first; returns the link to work on, or null when the run is over. */
async function preflight<K extends SyncKind>(ctx: JobContext<K>, aspect: SyncAspect, collapses: boolean): Promise<AlertLink | null> {
  const { access, job } = ctx;
  if (!access.destination.enabled) {
    await ctx.finish('paused', { lastError: 'the destination is disabled; its deliveries resume when it is enabled' });
    return null;
  }
  if (access.destination.sync[aspect] === 'off') {
    await ctx.complete({ skipped: `${aspect} sync is off on this destination` });
    return null;
  }
  const link = await ctx.findLink();
  if (!link) {
    await ctx.finish('cancelled', { lastError: 'the alert has no Jira issue on this destination (its create did not succeed)' });
    return null;
  }
  if (collapses && (await syncRepo.hasNewerOpenJob(ctx.db, { alertId: job.alertId, destinationId: job.destinationId, kind: job.kind, seq: job.seq }))) {
    await ctx.complete({ superseded: true, note: 'a later change of the same aspect carries the latest state' });
    return null;
  }
  return link;
}

const key = (name: string) => name.trim().toLowerCase();

function options(ts: readonly JiraTransition[]): TransitionOption[] {
  return ts
    .filter((t) => t.isAvailable)
    .map((t) => ({ transitionId: t.id, name: t.name, toStatus: key(t.to.name), requiredFields: t.requiredFieldDetails.map((f) => ({ fieldId: f.fieldId, name: f.name, allowedValues: f.allowedValues })) }));
}

/** Workflows learned per destination and project: a later walk plans on what an earlier one saw. */
const learned = new Map<string, { graph: TransitionGraph; at: number }>();
const LEARNED_TTL_MS = 10 * 60_000;
/** How often a walk starts again from where a person moved the issue meanwhile. */
const MAX_REPLANS = 3;

export const syncStatusHandler: JobHandler<'sync_status'> = {
  async run(ctx) {
    const { job, access, clock } = ctx;
    const link = await preflight(ctx, 'status', true);
    if (!link) return;
    const alert = await ctx.findAlert();
    if (!alert) return ctx.finish('cancelled', { lastError: 'the alert no longer exists' });
    const targetName = access.destination.statusMapping[alert.status];
    if (!targetName) return ctx.fail('transitionIssue', `statusMapping names no Jira status for ${alert.status}; the issue ${link.issueKey} was left as it is`);
    const target = key(targetName);
    const client = access.client;
    const graphKey = `${job.destinationId}:${link.issueKey.split('-')[0]}`;
    const known = learned.get(graphKey);
    let graph: TransitionGraph = known && clock.now() - known.at < LEARNED_TTL_MS ? known.graph : new Map();
    await ctx.acquire();
    const issue = await client.getIssue(link.issueKey, ['status']);
    let current = key(issue.status?.name ?? '');
    const visited = new Set([current]);
    const path: string[] = [];
    let replans = 0;
    const fill = fillWithResolution(access.destination.statusResolution);
    for (;;) {
      if (current === target) break;
      await ctx.acquire();
      graph = learnTransitions(graph, current, options(await client.getTransitions(link.issueKey)));
      learned.set(graphKey, { graph, at: clock.now() });
      const next = nextStatusStep({ current, target, graph, visited, hopsTaken: path.length, fill: (f) => fill(f) });
      if (next.kind === 'at-target') break;
      if (next.kind === 'stop') {
        const where = path.length > 0 ? ` (the issue went ${path.join(' → ')} and stays there)` : '';
        return ctx.fail('transitionIssue', `cannot move ${link.issueKey} to "${targetName}": ${next.reason}${where}; the alert keeps its status ${alert.status}`);
      }
      await ctx.acquire();
      const t0 = performance.now();
      try {
        await client.transitionIssue(link.issueKey, next.step.transitionId, Object.keys(next.step.fields).length > 0 ? next.step.fields : undefined);
      } catch (err) {
        // Someone moved the issue between our read and our transition (Jira: "Transition id 'x' is
        // not valid for this issue"): read where it is now and plan again from there (a few times).
        if (err instanceof JiraError && err.kind === 'invalid' && replans < MAX_REPLANS) {
          await ctx.acquire();
          const now = key((await client.getIssue(link.issueKey, ['status'])).status?.name ?? '');
          if (now !== current) {
            replans++;
            current = now;
            visited.clear();
            visited.add(current);
            continue;
          }
        }
        throw err;
      }
      await ctx.attempt('transitionIssue', 'ok', 204, link.issueKey, `${next.step.name}: ${next.step.from} → ${next.step.to}`, performance.now() - t0);
      path.push(next.step.to);
      current = next.step.to;
      visited.add(current);
    }
    // Who changed the status from what to what, once per synced change (its property names the job).
    const written = await syncRepo.findWritten(ctx.db, job.alertId, job.destinationId, 'alert_status');
    const from = written?.value ?? job.payload.from;
    if (from !== alert.status) {
      const text = statusChangeCommentText(job.payload.by, from as never, alert.status);
      const posted = await postOnce(ctx, link.issueKey, plainCommentForJira(text).adf as unknown as AdfDocument, { kind: 'status', job: job.id });
      // Recorded like an alert comment's Jira comment, so two-way sync knows it as ours.
      await syncRepo.saveCommentLink(ctx.db, { destinationId: job.destinationId, commentId: `status:${job.id}`, alertId: job.alertId, jiraCommentId: posted, at: clock.now() });
    }
    const now = clock.now();
    await syncRepo.recordWritten(ctx.db, { alertId: job.alertId, destinationId: job.destinationId, field: 'status', value: targetName, at: now });
    await syncRepo.recordWritten(ctx.db, { alertId: job.alertId, destinationId: job.destinationId, field: 'alert_status', value: alert.status, at: now });
    await ctx.complete({ issueKey: link.issueKey, status: targetName, path });
  },
};

export const syncAssigneeHandler: JobHandler<'sync_assignee'> = {
  async run(ctx) {
    const { job, access, clock } = ctx;
    const link = await preflight(ctx, 'assignee', true);
    if (!link) return;
    const alert = await ctx.findAlert();
    if (!alert) return ctx.finish('cancelled', { lastError: 'the alert no longer exists' });
    let accountId: string | null = null;
    if (alert.assigneeId !== null) {
      const user = await findUserById(ctx.db, alert.assigneeId);
      if (!user) return ctx.fail('searchUsers', `the alert's assignee ${alert.assigneeId} is not an alertsync user any more; ${link.issueKey} was left as it is`);
      accountId = await findMappedAccountId(ctx.db, job.siteHost, user.id);
      if (accountId === null && user.email) {
        accountId = jiraAccounts.get(job.siteHost, user.email, clock.now());
        if (accountId === null) {
          await ctx.acquire();
          const found = await access.client.searchUsers(user.email);
          const match = found.find((u) => u.active && u.emailAddress !== null && u.emailAddress.toLowerCase() === user.email!.toLowerCase());
          if (!match) {
            const hidden = found.some((u) => u.active && u.emailAddress === null);
            const reason = hidden
              ? `Jira hides the e-mail of the account that matches ${user.email} (the person's profile visibility); ${link.issueKey} was left as it is. Ask them to show their e-mail to apps, or map them by hand: PUT /api/jira-sites/${job.siteHost}/account-mappings/${user.id}`
              : `no Jira account on ${job.siteHost} shows the e-mail ${user.email} (Jira hides the e-mail of people who keep it private); ${link.issueKey} was left as it is (map the user by hand: PUT /api/jira-sites/${job.siteHost}/account-mappings/${user.id})`;
            return ctx.fail('searchUsers', reason);
          }
          accountId = match.accountId;
          jiraAccounts.set(job.siteHost, user.email, accountId, clock.now());
        }
      }
      if (accountId === null) return ctx.fail('searchUsers', `the alert's assignee has no e-mail and no Jira account mapping; ${link.issueKey} was left as it is`);
    }
    await ctx.acquire();
    const issue = await access.client.getIssue(link.issueKey, ['assignee']);
    const currentId = issue.assignee?.accountId ?? null;
    if (currentId !== accountId) {
      await ctx.acquire();
      const t0 = performance.now();
      await access.client.assignIssue(link.issueKey, accountId);
      await ctx.attempt('assignIssue', 'ok', 204, link.issueKey, accountId === null ? 'unassigned' : null, performance.now() - t0);
    }
    await syncRepo.recordWritten(ctx.db, { alertId: job.alertId, destinationId: job.destinationId, field: 'assignee', value: accountId ?? '', at: clock.now() });
    await ctx.complete({ issueKey: link.issueKey, assignee: accountId });
  },
  async onFailed(ctx, err) {
    // Jira refused the account a cached search gave: search again next time.
    if (err.operation === 'assignIssue' && (err.kind === 'invalid' || err.kind === 'not_found')) {
      const alert = await ctx.findAlert();
      const user = alert?.assigneeId ? await findUserById(ctx.db, alert.assigneeId) : undefined;
      if (user?.email) jiraAccounts.forget(ctx.job.siteHost, user.email);
    }
    return false;
  },
};

export const syncCommentHandler: JobHandler<'sync_comment'> = {
  async run(ctx) {
    const { job, access, clock } = ctx;
    const link = await preflight(ctx, 'comments', false);
    if (!link) return;
    const { op, commentId } = job.payload;
    const client = access.client;
    const jiraId = await syncRepo.findCommentLink(ctx.db, job.destinationId, commentId);
    if (op === 'create') {
      if (jiraId) return ctx.complete({ issueKey: link.issueKey, jiraCommentId: jiraId, note: 'already on the issue' });
      const comment = await findComment(ctx.db, job.alertId, commentId);
      if (!comment) return ctx.complete({ skipped: 'the comment was deleted before it reached Jira' });
      const body = alertCommentForJira(comment.authorName, comment.body).adf as unknown as AdfDocument;
      const posted = await postOnce(ctx, link.issueKey, body, { kind: 'comment', commentId, alertId: job.alertId });
      await syncRepo.saveCommentLink(ctx.db, { destinationId: job.destinationId, commentId, alertId: job.alertId, jiraCommentId: posted, at: clock.now() });
      return ctx.complete({ issueKey: link.issueKey, jiraCommentId: posted });
    }
    if (!jiraId) return ctx.complete({ skipped: 'this comment has no Jira comment (it was made before comment sync was on, or its create did not succeed)' });
    if (op === 'edit') {
      const comment = await findComment(ctx.db, job.alertId, commentId);
      if (!comment) return ctx.complete({ skipped: 'the comment was deleted; its delete follows' });
      const body = alertCommentForJira(comment.authorName, comment.body).adf as unknown as AdfDocument;
      await ctx.acquire();
      const t0 = performance.now();
      try {
        await client.updateComment(link.issueKey, jiraId, body);
      } catch (err) {
        if (err instanceof JiraError && err.kind === 'not_found') return ctx.complete({ skipped: `the Jira comment ${jiraId} no longer exists` });
        throw err;
      }
      await ctx.attempt('updateComment', 'ok', 200, link.issueKey, null, performance.now() - t0);
      return ctx.complete({ issueKey: link.issueKey, jiraCommentId: jiraId });
    }
    await ctx.acquire();
    const t0 = performance.now();
    try {
      await client.deleteComment(link.issueKey, jiraId);
      await ctx.attempt('deleteComment', 'ok', 204, link.issueKey, null, performance.now() - t0);
    } catch (err) {
      if (!(err instanceof JiraError && err.kind === 'not_found')) throw err;
    }
    await syncRepo.deleteCommentLink(ctx.db, job.destinationId, commentId);
    return ctx.complete({ issueKey: link.issueKey, deleted: jiraId });
  },
};

/**
 * Posts a comment once: a run that may follow a post whose outcome is unknown (an earlier attempt,
 * or a mark left by a crash) first looks for a comment carrying the same property value.
 */
async function postOnce(ctx: JobContext<SyncKind>, issueKey: string, body: AdfDocument, identity: Record<string, string>): Promise<string> {
  const { job, clock, access } = ctx;
  if (job.attempts > 0 || ctx.run.mark !== null) {
    const found = await findOurComment(ctx, issueKey, identity);
    await ctx.attempt('getCommentsWithProperties', found ? 'found' : 'absent', 200, issueKey, null, 0);
    if (found) return found.id;
  }
  // "A post may be on its way": a crash from here on leaves the trace that makes the next run look.
  const now = clock.now();
  if (!(await ctx.update({ unknown_since: now, unknown_until: null }))) throw new JobYielded('fenced');
  ctx.run.mark = { since: now, until: null };
  await ctx.acquire();
  const t0 = performance.now();
  const c = await access.client.addComment(issueKey, body, { properties: [{ key: COMMENT_PROPERTY, value: identity }] });
  await ctx.attempt('addComment', 'ok', 201, issueKey, null, performance.now() - t0);
  return c.id;
}

async function findOurComment(ctx: JobContext<SyncKind>, issueKey: string, identity: Record<string, string>): Promise<JiraComment | null> {
  await ctx.acquire();
  const all = await ctx.access.client.listComments(issueKey);
  if (all.length === 0) return null;
  await ctx.acquire();
  const withProps = await ctx.access.client.getCommentsWithProperties(all.map((c) => c.id));
  return (
    withProps.find((c) => {
      const v = c.properties?.[COMMENT_PROPERTY];
      return v !== null && typeof v === 'object' && Object.entries(identity).every(([k, x]) => (v as Record<string, unknown>)[k] === x);
    }) ?? null
  );
}
