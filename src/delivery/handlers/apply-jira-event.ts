// apply_jira_event (issue #12): a Jira change (a verified webhook from the inbox, or what the
// reconciler found) applied to its alert. The decisions are pure (src/sync/inbound-decisions.ts);
// this handler reads what they need, asks Jira for the issue's current value when alertsync has
// written that field before (so the last writer in Jira wins), and applies the intents through the
// alert use cases with origin `destination:<id>`: the change then goes on to the alert's other
// destinations by their own modes, never back to this one. Jobs of one alert and destination run
// one at a time and in order (claim), so an apply never runs beside a one-way write of the same
// issue, and a comment alertsync posted is known (sync_comment_links) before its echo is decided.
import { DomainError } from '../../errors.js';
import { readJiraEvent, jiraUser } from '../../sync/jira-event.js';
import { decideCurrentAssignee, decideCurrentStatus, decideInbound, type InboundContext, type InboundIntent } from '../../sync/inbound-decisions.js';
import { findAlert } from '../../storage/repositories/alerts.js';
import { findLink } from '../../storage/repositories/delivery.js';
import { findUserById, findUserByEmail } from '../../storage/repositories/users.js';
import * as inbound from '../../storage/repositories/sync-inbound.js';
import * as syncRepo from '../../storage/repositories/sync.js';
import type { Actor, Origin } from '../../users/user.js';
import type { JobHandler } from './context.js';

export const applyJiraEventHandler: JobHandler<'apply_jira_event'> = {
  async run(ctx) {
    const { job, access, clock, db } = ctx;
    const destination = access.destination;
    if (!destination.enabled) return ctx.finish('paused', { lastError: 'the destination is disabled; its deliveries resume when it is enabled' });
    const alerts = ctx.alerts;
    if (!alerts) return ctx.fail('applyJiraEvent', 'this worker cannot change alerts (built without them)');
    const row = await inbound.findInboxEvent(db, job.payload.inboxId);
    if (!row) return ctx.complete({ skipped: `inbox event ${job.payload.inboxId} no longer exists` });
    const link = await findLink(db, job.alertId, job.destinationId);
    if (!link) return ctx.complete({ skipped: 'the alert has no Jira issue on this destination any more' });
    let alert = await findAlert(db, job.alertId);
    if (!alert) return ctx.complete({ skipped: 'the alert no longer exists' });

    const event = readJiraEvent(JSON.parse(row.payload) as unknown);
    const assignee = alert.assigneeId ? await findUserById(db, alert.assigneeId) : undefined;
    const [lastApplied, writtenStatus, writtenAssignee, inboundComments, ownComments, accountToUser] = await Promise.all([
      inbound.findMarks(db, job.alertId, job.destinationId),
      syncRepo.findWritten(db, job.alertId, job.destinationId, 'status'),
      syncRepo.findWritten(db, job.alertId, job.destinationId, 'assignee'),
      inbound.listInboundComments(db, job.alertId, job.destinationId),
      inbound.listOwnJiraComments(db, job.alertId, job.destinationId),
      inbound.accountToUserMap(db, job.siteHost),
    ]);
    const ictx: InboundContext = {
      sync: destination.sync,
      statusMapping: destination.statusMapping,
      alertStatus: alert.status,
      alertAssigneeId: alert.assigneeId,
      alertAssigneeEmail: assignee?.email ?? null,
      lastApplied,
      written: { status: writtenStatus, assignee: writtenAssignee },
      knownComments: new Map([...inboundComments].filter(([, c]) => !c.deleted).map(([id, c]) => [id, c.jiraUpdatedAt])),
      ownComments,
      accountToUser,
    };
    const decision = decideInbound(event, ictx);
    const actor: Actor = { type: 'destination', id: destination.id, name: `Jira (${destination.name})` };
    const origin: Origin = `destination:${destination.id}`;
    const applied: string[] = [];
    const skipped = [...decision.skipped];

    const apply = async (intent: InboundIntent): Promise<void> => {
      switch (intent.kind) {
        case 'check_status': {
          await ctx.acquire();
          const issue = await access.client.getIssue(link.issueKey, ['status']);
          const r = decideCurrentStatus(issue.status?.name ?? '', { ...ictx, alertStatus: alert!.status });
          if (r.skipped) skipped.push(r.skipped);
          if (r.intent) await apply(r.intent);
          return;
        }
        case 'check_assignee': {
          await ctx.acquire();
          const issue = await access.client.getIssue(link.issueKey, ['assignee']);
          const r = decideCurrentAssignee(jiraUser(issue.assignee ?? null), ictx);
          if (r.skipped) skipped.push(r.skipped);
          if (r.intent) await apply(r.intent);
          return;
        }
        case 'lookup_account': {
          // The payload hid the email: the issue as the integration sees it may show it.
          await ctx.acquire();
          const issue = await access.client.getIssue(link.issueKey, ['assignee']);
          const current = issue.assignee ?? null;
          if (current?.accountId === intent.accountId && current.emailAddress) return apply({ kind: 'assign_by_email', email: current.emailAddress });
          skipped.push(
            `assignee: Jira hides the e-mail of account ${intent.accountId} and no manual mapping names it; the alert keeps its assignee (map the person: PUT /api/jira-sites/${job.siteHost}/account-mappings/{userId})`,
          );
          return;
        }
        case 'assign_by_email': {
          const user = await findUserByEmail(db, intent.email.trim().toLowerCase());
          if (!user) return void skipped.push(`assignee: no alertsync user has the e-mail of the Jira assignee; the alert keeps its assignee`);
          if (user.id === alert!.assigneeId) return void skipped.push('assignee: already that user');
          return apply({ kind: 'assign_user', userId: user.id });
        }
        case 'assign_user':
          alert = await alerts.assign(actor, origin, job.alertId, { userId: intent.userId });
          applied.push('assignee');
          return;
        case 'unassign':
          alert = await alerts.assign(actor, origin, job.alertId, { userId: null });
          applied.push('assignee: unassigned');
          return;
        case 'set_status':
          alert = await alerts.changeStatus(actor, origin, job.alertId, intent.status);
          applied.push(`status: ${intent.status}`);
          return;
        case 'comment_create':
          await alerts.addComment(actor, origin, job.alertId, intent.markdown, (tx, c) =>
            inbound.saveInboundComment(tx, { destinationId: job.destinationId, jiraCommentId: intent.jiraCommentId, alertId: job.alertId, commentId: c.id, jiraUpdatedAt: intent.jiraUpdatedAt }),
          );
          applied.push(`comment ${intent.jiraCommentId} added`);
          return;
        case 'comment_edit': {
          const known = inboundComments.get(intent.jiraCommentId)!;
          await alerts.editComment(actor, origin, job.alertId, known.commentId, intent.markdown, { anyAuthor: true });
          await inbound.updateInboundComment(db, job.destinationId, intent.jiraCommentId, { jiraUpdatedAt: intent.jiraUpdatedAt });
          applied.push(`comment ${intent.jiraCommentId} edited`);
          return;
        }
        case 'comment_delete': {
          const known = inboundComments.get(intent.jiraCommentId)!;
          await alerts.deleteComment(actor, origin, job.alertId, known.commentId, { anyAuthor: true });
          await inbound.updateInboundComment(db, job.destinationId, intent.jiraCommentId, { deleted: true });
          applied.push(`comment ${intent.jiraCommentId} deleted`);
          return;
        }
      }
    };

    for (const intent of decision.intents) {
      try {
        await apply(intent);
      } catch (err) {
        // A refusal of the alert use case (a disabled user, a comment deleted meanwhile) is a reason, not a failure.
        if (err instanceof DomainError) skipped.push(`${intent.kind}: ${err.message}`);
        else throw err;
      }
    }
    if (event.issueUpdatedAt !== null) {
      for (const field of decision.marks) await inbound.saveMark(db, { alertId: job.alertId, destinationId: job.destinationId, field, mark: { updatedAt: event.issueUpdatedAt, changelogId: event.changelogId } });
    }
    await inbound.markInboxApplied(db, row.id, skipped.length > 0 ? skipped.join('; ').slice(0, 2000) : null, clock.now());
    return ctx.complete({ issueKey: link.issueKey, inboxId: row.id, applied, skipped });
  },
};

