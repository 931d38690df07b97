// sweep_duplicates: after a create whose outcome was once unknown, close every issue carrying the
// alert's labels except the linked one (comment naming it, transition to a done status).
import { doc, paragraph, text } from '../../jira/format/adf.js';
import { findLink } from '../../storage/repositories/delivery.js';
import type { JobHandler } from './context.js';
import { findByLabels } from './create-issue.js';

export const sweepDuplicatesHandler: JobHandler = {
  async run(ctx) {
    const { job, access } = ctx;
    const link = await findLink(ctx.db, job.alertId, job.destinationId);
    if (!link) return ctx.finish('cancelled', { lastError: 'no linked issue to keep' });
    const found = await findByLabels(ctx);
    const closed: string[] = [];
    for (const issue of found) {
      if (issue.id === link.issueId || issue.status?.category === 'done') continue;
      await ctx.acquire();
      const transitions = await access.client.getTransitions(issue.id);
      const toDone = transitions.find((t) => t.to.category === 'done' && t.isAvailable && t.requiredFields.length === 0) ?? transitions.find((t) => t.to.category === 'done');
      await ctx.acquire();
      await access.client.addComment(
        issue.id,
        doc(paragraph(text(`Duplicate of ${link.issueKey}: alertsync created this issue twice for one alert because Jira's search did not show the first one in time. ${toDone ? 'Closed' : 'Please close it'}; the alert is tracked in ${link.issueKey}.`))) as never,
      );
      if (toDone) {
        await ctx.acquire();
        await access.client.transitionIssue(issue.id, toDone.id);
      }
      closed.push(issue.key);
      await ctx.attempt('closeDuplicate', 'ok', 204, issue.key, toDone ? null : 'no transition to a done status; commented only', 0);
    }
    await ctx.complete({ kept: link.issueKey, closed });
  },
};
